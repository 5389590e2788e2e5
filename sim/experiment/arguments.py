"""Command-line arguments the experiment commands share (``python -m sim.sensitivity``,
``python -m sim.discover``): levers, outcomes, seeds, the world and the horizon, workers.

Each parser turns a bad value into an ``argparse.ArgumentTypeError`` (or the command's
``parser.error``) that names the option, the value and what is allowed.
"""

from __future__ import annotations

import argparse

from sim.experiment.levers import LEVERS, LeverError, lever
from sim.experiment.outcomes import OutcomeError, outcome


def lever_boxes(text: str) -> dict[str, tuple[float, float] | None]:
    """``a,b=lo:hi,c``: lever names, each with its registered box or a box of its own."""
    out: dict[str, tuple[float, float] | None] = {}
    for item in filter(None, (p.strip() for p in text.split(","))):
        name, _, box = item.partition("=")
        if name not in LEVERS:
            raise argparse.ArgumentTypeError(f"unknown lever {name!r}; levers are "
                                             f"{', '.join(LEVERS)}")
        lev = lever(name)
        if not box:
            out[name] = None
            continue
        lo, _, hi = box.partition(":")
        try:
            numbers = (float(lo), float(hi))
        except ValueError:
            raise argparse.ArgumentTypeError(f"write the box as {name}=lo:hi with "
                                             f"numbers (got {box!r})") from None
        try:
            out[name] = (lev.check(numbers[0]), lev.check(numbers[1]))
        except LeverError as err:
            raise argparse.ArgumentTypeError(str(err)) from None
    if not out:
        raise argparse.ArgumentTypeError(f"name levers, such as "
                                         f"{','.join(list(LEVERS)[:3])}")
    return out


def outcome_names(text: str) -> list[str]:
    """``x,y@mean,z@2026-06``: outcome names, each checked."""
    names = [p.strip() for p in text.split(",") if p.strip()]
    for name in names:
        try:
            outcome(name)
        except OutcomeError as err:
            raise argparse.ArgumentTypeError(str(err)) from None
    if not names:
        raise argparse.ArgumentTypeError("name at least one outcome")
    return names


def seed_list(text: str) -> list[int]:
    """``0,1,2`` or ``0-4`` (both ends included): whole numbers from 0."""
    seeds: list[int] = []
    try:
        for item in filter(None, (p.strip() for p in text.split(","))):
            first, dash, last = item.partition("-")
            seeds += list(range(int(first), int(last) + 1)) if dash else [int(item)]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: whole numbers such as 0,1,2 or "
                                         "0-4") from None
    if not seeds or min(seeds) < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: at least one seed, none below 0")
    return list(dict.fromkeys(seeds))


def positive_int(minimum: int = 1):
    """A parser of whole numbers of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r}: a whole number, at least {minimum}")
        return value

    return parse


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """The options of where and how the model runs."""
    group = parser.add_argument_group("the runs")
    group.add_argument("--world", default="small", help="world under scenarios/world "
                       "(default: small)")
    group.add_argument("--scenario", default="baseline", help="scenario under "
                       "scenarios/scenario (default: baseline)")
    group.add_argument("--seeds", type=seed_list, default=[0], help="seeds every design runs "
                       "on, 0,1,2 or 0-4; outcomes are averaged over them (default: 0)")
    group.add_argument("--start", help="first simulated month YYYY-MM (default: the world's)")
    group.add_argument("--end", help="last simulated month YYYY-MM (default: the world's)")
    group.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                       help="any Hydra override, e.g. --set world.demand.nest_lambda=0.7 "
                       "(repeatable)")
    group.add_argument("--jobs", type=positive_int(), default=1,
                       help="worker processes (default: 1)")
    group.add_argument("--quiet", action="store_true", help="no progress bar")


def overrides_of(args: argparse.Namespace) -> tuple[str, ...]:
    """The Hydra overrides of ``--start``, ``--end`` and ``--set``."""
    months = [f"world.{key}={value}" for key, value in (("start", args.start),
                                                        ("end", args.end)) if value]
    bad = [s for s in args.set if "=" not in s]
    if bad:
        raise ValueError(f"--set {bad[0]!r}: write PATH=VALUE, e.g. world.end=2026-06")
    return (*months, *args.set)

