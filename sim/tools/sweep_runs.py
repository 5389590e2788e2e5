"""The runs of a sweep folder: which finished, what each was (scenario, seed, overrides,
parameter draw), read from small files only; a run's table (all of it, or its headline
series) and events; and the table of ``gathered/runs.csv``.

:func:`sweep_records` reads each run's ``overrides.yaml`` and ``summary.json`` (the saved
config only where neither says the scenario or seed): a first pass over a sweep that costs
a few kilobytes a run, so a gather knows every column before it reads any series.

A run of a parameter draw (``draw.file=... draw.index=3``, :mod:`sim.experiment.draws`)
records the draw in its ``summary.json``; it gets a ``draw`` column (the draw's index) and
a ``draw.<lever>`` column per lever (the value the run took). The ``draw.*`` overrides
themselves get no column, and nor do the ``output.*`` ones: they say how a run was
written, not what it is.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from sim.analysis.headline import HEADLINES
from sim.analysis.outcomes import OUTCOMES
from sim.core.calendar import format_month, parse_month
from sim.core.dates import SCENARIO_FROM
from sim.outputs.files import DONE, TABLE
from sim.tools.failures import FAILED

GATHERED = "gathered"
#: Override prefixes left out of the gathered tables: how a run was written (``output.``),
#: and the draw (``draw.``), which has columns of its own.
NOT_A_PARAMETER: tuple[str, ...] = ("output.", "draw.")
#: The column of a run's draw (its row of the design file), and the prefix of its levers'.
DRAW = "draw"
#: The first columns of ``runs.csv``; then the draw, overrides, ``status``, outcomes.
RUN_ID: tuple[str, ...] = ("run", "scenario", "seed")
#: ``world.history_until`` of the shipped worlds: for a run folder that does not say its own.
DEFAULT_HISTORY_UNTIL = format_month(parse_month(SCENARIO_FROM) - 1)


@dataclass
class RunRecord:
    """What a run of a sweep was, read from its small files.

    Attributes:
        folder: the run's folder; name: the same, relative to the sweep.
        status: ``finished`` (``DONE``), ``failed`` (``FAILED``) or ``unfinished``.
        scenario, seed, history_until: from the summary, else the overrides and config.
        parameters: the overrides that describe the run, as text (see :func:`parameters_of`).
        draw: the index of its parameter draw, or None; draw_values: lever -> value.
    """

    folder: Path
    name: str
    status: str
    scenario: str
    seed: int | None
    history_until: str
    parameters: dict[str, str]
    draw: int | None = None
    draw_values: dict[str, float] = field(default_factory=dict)


def run_folders(sweep_dir: Path) -> tuple[list[Path], list[Path]]:
    """Finished and unfinished run folders of a sweep (any depth below it)."""
    done, pending = [], []
    for hydra_dir in sorted(Path(sweep_dir).rglob(".hydra")):
        run_dir = hydra_dir.parent
        if GATHERED in run_dir.relative_to(sweep_dir).parts:
            continue
        (done if (run_dir / DONE).exists() else pending).append(run_dir)
    return done, pending


def overrides_of(run_dir: Path) -> dict[str, str]:
    """The command-line overrides of a run, as key: value strings."""
    items = yaml.safe_load((run_dir / ".hydra" / "overrides.yaml").read_text()) or []
    out = {}
    for item in items:
        key, _, value = str(item).partition("=")
        out[key.lstrip("+~")] = value
    return out


def parameters_of(overrides: dict[str, str]) -> dict[str, str]:
    """The overrides that describe a run (scenario and seed aside: they have columns)."""
    return {k: v for k, v in overrides.items()
            if k not in ("scenario", "seed") and not k.startswith(NOT_A_PARAMETER)}


def typed(column: pd.Series) -> pd.Series:
    """An override column as numbers where every given value is one, as booleans where
    every given value is true/false (Hydra's spelling), else as text. Runs launched
    without the override keep a missing value."""
    given = column.dropna()
    if given.empty:
        return column
    numbers = pd.to_numeric(given, errors="coerce")
    if numbers.notna().all():
        return pd.to_numeric(column)
    lowered = given.astype(str).str.lower()
    if lowered.isin(["true", "false"]).all():
        flags = column.astype(str).str.lower().map({"true": True, "false": False})
        return flags.astype("boolean")  # keeps a missing value missing
    return column


def _run_config(run_dir: Path) -> dict[str, Any]:
    """The run's saved config (``.hydra/config.yaml``), or {} if it has none."""
    path = run_dir / ".hydra" / "config.yaml"
    if not path.exists():
        return {}
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # a large file, once per run
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}


def _identity(run_dir: Path, overrides: dict[str, str],
              summary: dict[str, Any] | None) -> tuple[str, int | None, str]:
    """A run's scenario, seed and ``world.history_until``: from its summary when finished,
    else from its overrides and saved config."""
    summary = summary or {}
    config: dict[str, Any] | None = None

    def saved() -> dict[str, Any]:
        nonlocal config
        if config is None:
            config = _run_config(run_dir)
        return config

    # each source only when the one before says nothing: the saved config is large
    scenario = summary.get("scenario") or overrides.get("scenario") \
        or (saved().get("scenario") or {}).get("name") or ""
    seed = summary.get("seed")
    if seed is None:
        seed = overrides.get("seed") or saved().get("seed")
    history = summary.get("history_until") \
        or (saved().get("world") or {}).get("history_until")
    if not isinstance(history, str) or history.startswith("${"):
        history = DEFAULT_HISTORY_UNTIL  # an older run folder: the shipped worlds' value
    return str(scenario), (None if seed is None else int(seed)), history


def record_of(sweep_dir: Path, run_dir: Path) -> RunRecord:
    """A run's :class:`RunRecord`, from its overrides and (finished) summary."""
    overrides = overrides_of(run_dir)
    finished = (run_dir / DONE).exists()
    summary = json.loads((run_dir / "summary.json").read_text()) if finished else None
    scenario, seed, history = _identity(run_dir, overrides, summary)
    status = "finished" if finished else \
        "failed" if (run_dir / FAILED).exists() else "unfinished"
    draw = (summary or {}).get(DRAW) or {}
    index = draw.get("index", overrides.get(f"{DRAW}.index"))
    return RunRecord(run_dir, str(run_dir.relative_to(sweep_dir)), status, scenario, seed,
                     history, parameters_of(overrides),
                     None if index in (None, "", "null") else int(index),
                     {str(k): float(v) for k, v in (draw.get("values") or {}).items()})


def sweep_records(sweep_dir: Path) -> list[RunRecord]:
    """Every run of a sweep, finished ones first (each group in folder order)."""
    done, pending = run_folders(sweep_dir)
    return [record_of(Path(sweep_dir), p) for p in [*done, *pending]]


def has_draws(records: Sequence[RunRecord]) -> bool:
    """Whether any run of the sweep is a parameter draw."""
    return any(r.draw is not None for r in records)


def parameter_frame(records: Sequence[RunRecord]) -> pd.DataFrame:
    """The runs' override columns, typed (:func:`typed`) over every run, indexed by run."""
    frame = pd.DataFrame([r.parameters for r in records],
                         index=pd.Index([r.name for r in records], name="run"))
    frame = frame.reindex(columns=sorted(frame.columns))
    for key in frame.columns:
        frame[key] = typed(frame[key])
    return frame


def read_table(run_dir: Path, metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """A run's tidy table (Parquet, or CSV for a run written with output.formats=[csv]);
    with ``metrics``, only their rows (read so from Parquet: the rest is never decoded)."""
    parquet = run_dir / f"{TABLE}.parquet"
    if parquet.exists():
        filters = [("metric", "in", list(metrics))] if metrics is not None else None
        table = pd.read_parquet(parquet, filters=filters)
    else:
        table = pd.read_csv(run_dir / f"{TABLE}.csv", dtype={"month": str})
        if metrics is not None:
            table = table[table["metric"].isin(list(metrics))]
    for column in ("metric", "entity", "segment", "unit"):  # as a run's Parquet keeps them
        if not isinstance(table[column].dtype, pd.CategoricalDtype):
            table[column] = table[column].astype(str).astype("category")
    return table.reset_index(drop=True)


def run_row(record: RunRecord, outcomes: dict[str, float] | None = None) -> dict[str, Any]:
    """A run's row of ``runs.csv`` before typing: identity, draw, overrides, status, outcomes."""
    draw = {} if record.draw is None else {
        DRAW: record.draw, **{f"{DRAW}.{k}": v for k, v in record.draw_values.items()}}
    return {"run": record.name, "scenario": record.scenario, "seed": record.seed, **draw,
            **record.parameters, "status": record.status, **(outcomes or {})}


def run_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per run: ``run``, ``scenario``, ``seed``, the draw (``draw`` and a
    ``draw.<lever>`` per lever, in a sweep of parameter draws), each override, ``status``
    and every outcome of :data:`sim.analysis.outcomes.OUTCOMES` (NaN for a run that did
    not finish), each column typed (see :func:`typed`)."""
    frame = pd.DataFrame(rows)
    outcomes = list(OUTCOMES)
    draws = [c for c in frame.columns if c == DRAW or c.startswith(f"{DRAW}.")]
    draws = sorted(draws, key=lambda c: (c != DRAW, c))
    overrides = sorted(c for c in frame.columns
                       if c not in (*RUN_ID, *draws, "status", *outcomes))
    frame = frame.reindex(columns=[*RUN_ID, *draws, *overrides, "status", *outcomes])
    frame["seed"] = frame["seed"].astype("Int64")  # an integer, missing where unknown
    if DRAW in frame.columns:
        frame[DRAW] = frame[DRAW].astype("Int64")
    for key in draws[1:]:
        frame[key] = frame[key].astype(np.float64)
    for key in overrides:
        frame[key] = typed(frame[key])
    frame[outcomes] = frame[outcomes].astype(np.float64)
    return frame.sort_values("run", kind="stable").reset_index(drop=True)


#: The metrics of the headline series: what a headline-only gather reads of each run.
HEADLINE_METRICS: tuple[str, ...] = tuple(sorted({h.metric for h in HEADLINES}))
_HEADLINE_KEYS = pd.MultiIndex.from_tuples(
    [(h.metric, h.segment, h.entity) for h in HEADLINES], names=["metric", "segment", "entity"])


def headline_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a tidy table that belong to a headline series."""
    table = table[table["metric"].isin(HEADLINE_METRICS)]  # first the cheap cut
    keys = pd.MultiIndex.from_arrays(
        [table[c].astype(str) for c in ("metric", "segment", "entity")])
    return table[keys.isin(_HEADLINE_KEYS)].reset_index(drop=True)


class EventTable:
    """The sweep's events, one row per (scenario, month, kind, label), gathered run by run."""

    def __init__(self) -> None:
        self.rows: dict[tuple, dict[str, Any]] = {}

    def add(self, run_dir: Path, scenario: str) -> None:
        events = pd.read_csv(run_dir / "events.csv", dtype=str).fillna("")
        events["scenario"] = scenario
        for row in events.to_dict("records"):
            key = (scenario, row.get("month"), row.get("kind"), row.get("label"))
            self.rows.setdefault(key, row)

    def frame(self) -> pd.DataFrame:
        columns = ["month", "kind", "vendor", "bloc", "label", "scenario"]
        frame = pd.DataFrame(list(self.rows.values()))
        return frame.reindex(columns=list(dict.fromkeys([*frame.columns, *columns])))
