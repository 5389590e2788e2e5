"""``python -m sim.discover "OUTCOME OP NUMBER"``: scenario discovery with PRIM.

    python -m sim.discover "soft_power_cn > 0.3" --n 200 --end 2027-12 --jobs 2
    python -m sim.discover "cn_share_startups@mean >= 0.4" \\
        --levers cn_price_factor,us_distrust_of_cn,quality_weight=1:6 --n 50 --seeds 0,1

Runs ``n`` designs, a Latin hypercube over the levers' boxes, on every seed; each run is
of interest when its outcome meets the condition (OP: >, >=, <, <=). PRIM then peels the
lever space to boxes where those runs concentrate, and writes to ``--out`` (default
``outputs/discovery/<outcome>-<hash>``, the hash of the runs' settings, so the same runs
are reused, even for another threshold):

- ``boxes.csv``: a row per box of the peeling trajectory and lever: lo, hi, coverage
  (share of the runs of interest inside), density (share of the runs inside that are of
  interest), mass, restricted (levers limited), chosen;
- ``prim.png``: the trajectory (coverage against density) and the chosen box;
- ``runs.csv`` (resumable), ``design.csv``, ``spec.json``.

The chosen box: the highest coverage with density at least ``--min-density``. PRIM is the
project's (``--prim project``, the default: no dependency, the same boxes on every
install) or EMA Workbench's (``--prim ema``, with pasting; ``pip install -e '.[ema]'``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.experiment.arguments import (
    add_run_options,
    lever_boxes,
    overrides_of,
    positive_int,
)
from sim.experiment.discovery import PRIMS, Discovery, discover, parse_condition
from sim.experiment.levers import DEFAULT_LEVERS, LeverError
from sim.experiment.outcomes import OutcomeError
from sim.experiment.resume import ResumeError


def share(text: str) -> float:
    """A share strictly between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: a share between 0 and 1")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m sim.discover", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("condition", help='the runs of interest, e.g. "soft_power_cn > 0.3"')
    p.add_argument("--levers", type=lever_boxes,
                   default=dict.fromkeys(DEFAULT_LEVERS),
                   help="levers, comma-separated, each over its box or name=lo:hi "
                   f"(default: {','.join(DEFAULT_LEVERS)})")
    p.add_argument("--n", type=positive_int(2), default=200,
                   help="designs (default: 200)")
    p.add_argument("--sample-seed", type=int, default=0, help="seed of the Latin "
                   "hypercube (default: 0)")
    p.add_argument("--prim", choices=PRIMS, default="project",
                   help="whose PRIM: project (default) or ema (EMA Workbench, with pasting)")
    p.add_argument("--alpha", type=share, default=0.05,
                   help="share of a box's runs peeled off per step (default: 0.05)")
    p.add_argument("--mass-min", type=share, default=0.05,
                   help="smallest box, as a share of the runs (default: 0.05)")
    p.add_argument("--min-density", type=share, default=0.8,
                   help="the chosen box's least density (default: 0.8)")
    p.add_argument("--out", type=Path, help="folder of the results (resumes there)")
    add_run_options(p)
    return p


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    try:
        condition = parse_condition(args.condition)
        spec = Discovery.of(args.levers, args.n, condition.outcome,
                            sample_seed=args.sample_seed, world=args.world,
                            scenario=args.scenario, overrides=overrides_of(args))
    except (LeverError, OutcomeError, ValueError) as err:
        p.error(str(err))
    out = args.out or (Path("outputs") / "discovery"
                       / f"{condition.outcome.replace('@', '_')}-{spec.digest()}")
    print(f"{args.n} designs x {len(args.seeds)} seeds = {args.n * len(args.seeds)} runs of "
          f"{len(spec.bounds)} levers, writing to {out}", flush=True)
    try:
        result = discover(spec, condition, args.seeds, out, n_jobs=args.jobs,
                          progress=not args.quiet, alpha=args.alpha, mass_min=args.mass_min,
                          min_density=args.min_density, method=args.prim)
    except (ResumeError, ValueError, ImportError) as err:
        print(f"python -m sim.discover: error: {err}", file=sys.stderr)
        return 2
    box = result.chosen
    first = box.iloc[0]
    print(f"\n{condition.text}: {result.share:.0%} of the runs. Chosen box "
          f"(coverage {first.coverage:.2f}, density {first.density:.2f}, mass "
          f"{first.mass:.2f}):")
    every = result.boxes[result.boxes.box == 0].set_index("lever")  # the box of all runs
    for row in box.itertuples():
        limited = row.lo > every.lo[row.lever] or row.hi < every.hi[row.lever]
        mark = "" if limited else "   (not restricted)"
        print(f"  {row.lever:<24} {row.lo:10.4g} to {row.hi:<10.4g}{mark}")
    print(f"\nboxes: {out / 'boxes.csv'}\nfigure: {result.figure}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
