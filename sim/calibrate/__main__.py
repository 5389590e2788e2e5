"""``python -m sim.calibrate``: fit the free parameters by the method of simulated moments.

Fits on the 2023-2024 (in-sample) targets of ``sim/data/calibration_targets.csv`` with
the small world and common random numbers, scores the 2025 (out-of-sample) targets
after the fit, profiles the objective along each parameter, and writes:

- ``scenarios/world/calibrated.yaml``: the default world with the fitted values;
- ``outputs/calibration/<time>/fit_report.md`` and ``fit.json``: the fit, the profiles,
  the scorecard.

    python -m sim.calibrate                       # a few minutes on 2 cores
    python -m sim.calibrate --maxiter 3 --popsize 3 --seeds 1     # a quick look
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from sim.calibrate.fit import PARAMETER_SETS, build_problem, calibrate, get_path
from sim.calibrate.moments import load_targets
from sim.calibrate.scorecard import scorecard, to_markdown, to_text
from sim.config import SCENARIOS_DIR
from sim.core.files import write_text
from sim.model.results import run
from sim.outputs.files import write_json


def world_yaml(values: dict[str, float], distance: float, report: Path,
               name: str = "calibrated", fixed: dict[str, str] | None = None,
               others: Sequence[str] = ()) -> str:
    """A world config: the default world with the fitted values, and the ``world.*``
    settings the fit ran with (``fixed``: path to its text as given); ``others``, the fit's
    overrides outside the world node (a rule), are named in a comment, since a world file
    cannot set them."""
    lines = ["# The default world with the free parameters fitted by `python -m sim.calibrate`",
             f"# on {datetime.now(UTC).date()} (method of simulated moments on the small world,",
             f"# distance {distance:.3f} in squared half bands). Fit report: {report}"]
    if others:
        lines.append(f"# Fitted with {' '.join(others)}: run it with them.")
    lines += ["defaults:", "  - default", "  - _self_", "", f"name: {name}"]
    tree: dict = {}
    items = [*(fixed or {}).items(), *((p, round(v, 4)) for p, v in values.items())]
    for path, value in items:
        node = tree
        parts = path.split(".")[1:]  # drop the leading "world"
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def emit(node: dict, indent: int) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                lines.append(" " * indent + f"{key}:")
                emit(value, indent + 2)
            else:
                lines.append(" " * indent + f"{key}: {value}")

    emit(tree, 0)
    return "\n".join(lines) + "\n"


def report_markdown(fit, base_values, card_text_md, profiles_md, seeds, world) -> str:
    rows = ["| parameter | box | default | fitted | identified |", "|---|---|---|---|---|"]
    for p, x in zip(fit.parameters, fit.theta, strict=True):
        rows.append(f"| `{p.path}` | [{p.low:g}, {p.high:g}] | {base_values[p.path]:g} | "
                    f"{x:.4g} | {'yes' if fit.identified.get(p.path, True) else 'no (flat)'} |")
    return "\n".join([
        "# Calibration report", "",
        f"Method of simulated moments on the {world} world, seeds {list(seeds)} (common random "
        f"numbers), {fit.evaluations} parameter sets evaluated in {fit.seconds:.0f} s. "
        f"Distance at the optimum: {fit.distance:.4g} (squared misses in half bands).", "",
        "## Parameters", "", *rows, "",
        "## Profiles of the objective (others at the optimum)", "", profiles_md, "",
        "## Scorecard (fitted: in_sample; scored after the fit: out_of_sample)", "",
        card_text_md, ""])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.calibrate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--world", default="small", help="world to fit on")
    parser.add_argument("--seeds", type=int, default=2, help="seeds per evaluation")
    parser.add_argument("--maxiter", type=int, default=8, help="differential-evolution generations")
    parser.add_argument("--popsize", type=int, default=5, help="population per parameter")
    parser.add_argument("--polish", type=int, default=40, help="Nelder-Mead evaluations")
    parser.add_argument("--profile-points", type=int, default=7)
    parser.add_argument("--out", type=Path, default=None, help="folder of the fit report")
    parser.add_argument("--world-file", type=Path,
                        default=SCENARIOS_DIR / "world" / "calibrated.yaml")
    parser.add_argument("--parameters", choices=sorted(PARAMETER_SETS), default="default",
                        help="the free parameters (targets: also US firms' trust in Chinese "
                             "APIs and the serving overhead)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a config override for every run of the fit, e.g. "
                             "world.history_mode=targets or rules.vendor_release=hazard "
                             "(repeatable); world.* ones are written into the world file")
    parser.add_argument("--name", default="calibrated", help="the fitted world's name")
    args = parser.parse_args(argv)

    stamp = datetime.now(UTC).strftime("%Y-%m-%d_%H-%M-%S")
    out = args.out or Path("outputs") / "calibration" / stamp
    parameters = PARAMETER_SETS[args.parameters]
    problem = build_problem(args.world, args.seeds, parameters, overrides=args.set)
    base, fitted, targets = problem.base, problem.targets, load_targets()
    base_values = {p.path: get_path(base, p.path) for p in parameters}
    print(f"fitting {len(parameters)} parameters to {len(fitted)} targets "
          f"({', '.join(t.id for t in fitted)}) on the {args.world} world...", flush=True)
    fit = calibrate(problem, maxiter=args.maxiter, popsize=args.popsize,
                    polish_evals=args.polish, profile_points=args.profile_points)
    runs = [run(problem.config(fit.theta, seed)) for seed in problem.seeds]
    card = scorecard(runs, targets)
    print(to_text(card))
    profiles_md = []
    for path, (grid, values) in fit.profiles.items():
        profiles_md.append(f"- `{path}`: " + ", ".join(
            f"{x:.3g} -> {v:.3g}" for x, v in zip(grid, values, strict=True)))
    write_text(out / "fit_report.md", report_markdown(
        fit, base_values, to_markdown(card), "\n".join(profiles_md), problem.seeds, args.world))
    write_json(out / "fit.json", {
        "values": fit.values(), "distance": fit.distance, "evaluations": fit.evaluations,
        "seconds": fit.seconds, "identified": fit.identified,
        "profiles": {k: {"grid": g.tolist(), "distance": np.asarray(v).tolist()}
                     for k, (g, v) in fit.profiles.items()},
        "seeds": list(problem.seeds), "world": args.world})
    card.to_csv(out / "scorecard.csv", index=False)
    fixed = dict(o.split("=", 1) for o in args.set if o.startswith("world."))
    others = [o for o in args.set if not o.startswith("world.")]
    write_text(args.world_file, world_yaml(fit.values(), fit.distance, out / "fit_report.md",
                                           args.name, fixed, others))
    print(f"\nFitted world written to {args.world_file}; report in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
