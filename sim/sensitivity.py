"""``python -m sim.sensitivity morris|sobol``: global sensitivity of outcomes to levers.

    python -m sim.sensitivity morris --levers quality_weight,us_distrust_of_cn,spill_open \\
        --outcomes cn_share_startups@mean,soft_power_cn --n 8 --end 2026-06 --jobs 2

Runs every design of a Morris (``n`` trajectories, ``n (D + 1)`` designs) or Sobol
(Saltelli, ``n (D + 2)`` designs, ``n`` a power of 2) sample over the levers' boxes on
every seed, then writes to ``--out`` (default ``outputs/sensitivity/<method>-<hash>``, the
hash of the sample's settings, so the same command resumes there):

- ``indices.csv``: method, outcome, lever, index, value, conf (a 95% half-width), n;
- ``stability.csv``: whether the indices at ``n / 2`` and ``n`` agree (the criterion:
  docs/experiments.md, "Global sensitivity");
- ``runs.csv``, ``design.csv``, ``spec.json``; and ``morris.png`` or ``sobol.png``.

Interrupted (Ctrl-C, a lost job), the same command goes on where it stopped: the runs
already in ``runs.csv`` are not run again. See :mod:`sim.experiment.screening`.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

from sim.experiment.arguments import (
    add_run_options,
    lever_boxes,
    outcome_names,
    overrides_of,
    positive_int,
)
from sim.experiment.levers import LeverError
from sim.experiment.outcomes import OutcomeError
from sim.experiment.resume import ResumeError
from sim.experiment.screening import METHODS, Screening, screen


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m sim.sensitivity", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("method", choices=list(METHODS), help="morris (screening) or sobol")
    p.add_argument("--levers", type=lever_boxes, required=True,
                   help="levers, comma-separated, each over its box or name=lo:hi")
    p.add_argument("--outcomes", type=outcome_names, required=True,
                   help="outcomes, comma-separated (cn_share_startups, welfare@mean, ...)")
    p.add_argument("--n", type=positive_int(1), required=True,
                   help="Morris trajectories (at least 4) or Sobol's base sample (a power "
                   "of 2, at least 4)")
    p.add_argument("--levels", type=positive_int(2), default=4,
                   help="Morris grid levels, even (default: 4)")
    p.add_argument("--sample-seed", type=int, default=0, help="seed of the sample "
                   "and the bootstrap (default: 0)")
    p.add_argument("--tolerance", type=float, default=0.1, help="largest change of the "
                   "main index from n/2 to n called stable (default: 0.1)")
    p.add_argument("--out", type=Path, help="folder of the results (resumes there)")
    add_run_options(p)
    return p


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if importlib.util.find_spec("SALib") is None:
        p.error("SALib is not installed: pip install -e '.[dev]' (or '.[ema]', which needs it)")
    try:
        screening = Screening.of(args.method, args.levers, args.n, levels=args.levels,
                                 sample_seed=args.sample_seed, world=args.world,
                                 scenario=args.scenario, overrides=overrides_of(args))
    except (LeverError, ValueError) as err:
        p.error(str(err))
    out = args.out or Path("outputs") / "sensitivity" / f"{args.method}-{screening.digest()}"
    designs = screening.rows()
    print(f"{args.method}: {designs} designs x {len(args.seeds)} seeds = "
          f"{designs * len(args.seeds)} runs, writing to {out}", flush=True)
    try:
        result = screen(screening, args.outcomes, args.seeds, out, n_jobs=args.jobs,
                        progress=not args.quiet, tolerance=args.tolerance)
    except (ResumeError, OutcomeError, LeverError, ValueError) as err:
        print(f"python -m sim.sensitivity: error: {err}", file=sys.stderr)
        return 2
    main_index = METHODS[args.method]
    table = result.indices[result.indices["index"] == main_index]
    for name, part in table.groupby("outcome", sort=False):
        ranked = part.sort_values("value", ascending=False)
        print(f"\n{name} ({main_index}, 95% half-width):")
        for row in ranked.itertuples():
            print(f"  {row.lever:<24} {row.value:10.4g} ± {row.conf:.3g}")
    print()
    for row in result.stability.itertuples():
        verdict = "stable" if row.stable else "NOT stable (raise --n)"
        print(f"{row.outcome}: {verdict}: from n={row.n_half} to n={row.n} the {row.index} "
              f"moved by at most {row.max_change:.3f} (tolerance {args.tolerance}), "
              f"{row.swapped_pairs} pairs of levers swapped")
    print(f"\nindices: {out / 'indices.csv'}\nfigure: {result.figure}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
