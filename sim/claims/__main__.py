"""``python -m sim.claims``: the claims ledger.

    python -m sim.claims --world small --draws 4 --seeds 0,1 --n-jobs 2
    python -m sim.claims --claims 2,9 --world small --draws 2 --end 2027-12

For each claim of ``scenarios/claims/ledger.yaml`` (or ``--ledger``), runs the world with
its mechanism off and on, on the same parameter draws (a Latin hypercube over the boxes of
the ledger's uncertain levers) and seeds, and writes to ``--out`` (default
``outputs/claims/<world>``):

- ``claims.csv``: claim, outcome, draw, seed, off, on, effect (on − off);
- ``claims_summary.csv``: a row per claim and outcome: expected sign, mean effect, 90%
  interval, the share of draws where the expected direction holds, n;
- ``claims.png``: a forest plot of the standardized effects; ``claims.md``: the report;
- ``runs.csv``, ``spec.json``: the runs so far, so that ``--resume`` goes on where an
  interrupted ledger stopped.

``--readme`` then rewrites the generated claims block of README.md. Each run of the small
world to 2030-12 takes about 4 s on one core, the default world several times that: the
ledger is 2 × draws × seeds runs per claim (docs/claims.md).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from sim.claims import report, runs, summary
from sim.claims.ledger import LEDGER, LedgerError, load_ledger
from sim.config import SCENARIOS_DIR, ConfigError
from sim.core.files import write_text
from sim.experiment.arguments import overrides_of, positive_int, seed_list
from sim.experiment.levers import LeverError
from sim.experiment.resume import RUNS_FILE, ResumeError, save_runs


def claim_ids(text: str) -> list[int]:
    try:
        ids = [int(p) for p in text.split(",") if p.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: claim numbers such as 2,9") from None
    if not ids:
        raise argparse.ArgumentTypeError("name at least one claim")
    return ids


def elapsed_minutes(out: Path, seconds: float, ran: bool) -> float:
    """The wall-clock minutes the folder's runs took, over every invocation that ran some
    (kept in ``elapsed.json``)."""
    path = out / "elapsed.json"
    total = json.loads(path.read_text(encoding="utf-8"))["seconds"] if path.exists() else 0.0
    if ran:
        total += seconds
        write_text(path, json.dumps({"seconds": total}) + "\n")
    return total / 60


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m sim.claims", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--world", default="default", help="world under scenarios/world "
                   "(default: default; small is several times faster)")
    p.add_argument("--draws", type=positive_int(1), default=8,
                   help="parameter draws (default: 8)")
    p.add_argument("--seeds", type=seed_list, default=[0, 1],
                   help="seeds each draw runs on, 0,1,2 or 0-4 (default: 0,1)")
    p.add_argument("--n-jobs", "--jobs", dest="jobs", type=positive_int(), default=1,
                   help="worker processes (default: 1)")
    p.add_argument("--claims", type=claim_ids, help="a subset, e.g. 2,9 (default: all)")
    p.add_argument("--out", type=Path, help="output folder (default: outputs/claims/<world>)")
    p.add_argument("--resume", action="store_true",
                   help="go on in a folder that holds runs, doing only the missing ones")
    p.add_argument("--ledger", type=Path, default=LEDGER,
                   help="the ledger's definition (default: scenarios/claims/ledger.yaml)")
    p.add_argument("--readme", type=Path, nargs="?", const=SCENARIOS_DIR.parent / "README.md",
                   help="rewrite the generated claims block of this README (default: the "
                   "repository's)")
    p.add_argument("--start", help="first simulated month YYYY-MM (default: the world's)")
    p.add_argument("--end", help="last simulated month YYYY-MM (default: the world's)")
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                   help="any Hydra override, e.g. --set world.demand.nest_lambda=0.7")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    try:
        ledger = load_ledger(args.ledger)
        claims = ledger.select(args.claims)
        overrides = overrides_of(args)
    except (LedgerError, ValueError) as err:
        p.error(str(err))
    out = args.out or Path("outputs") / "claims" / args.world
    if (out / RUNS_FILE).exists() and not (args.resume or args.readme):
        p.error(f"{out} holds runs already: pass --resume to go on there, or choose --out")
    before = len(runs.load(out)) if (out / RUNS_FILE).exists() else 0
    total = sum(2 * args.draws * len(args.seeds) for _ in claims)
    print(f"claims ledger: {len(claims)} claims x 2 sides x {args.draws} draws x "
          f"{len(args.seeds)} seeds = {total} runs on world {args.world}, writing to {out}",
          flush=True)
    started = time.monotonic()
    try:
        long = runs.run_ledger(ledger, claims, args.draws, args.seeds, out, args.world,
                               overrides, args.jobs, progress=not args.quiet)
    except (ResumeError, LeverError, ConfigError, ValueError) as err:
        print(f"python -m sim.claims: error: {err}", file=sys.stderr)
        return 2
    minutes = elapsed_minutes(out, time.monotonic() - started, len(long) > before)
    pairs = summary.paired(long)
    expected = {(c.id, o.name): o.expected for c in claims for o in c.outcomes}
    table = summary.summarize(pairs, expected)
    save_runs(pairs, out / "claims.csv")
    save_runs(table, out / "claims_summary.csv")
    from sim.plots.claims_figure import claims_figure
    from sim.plots.export import save

    save(claims_figure(table), out / "claims", formats=("png",))
    spec = runs.spec_of(out)
    write_text(out / "claims.md", report.page(table, claims, spec, args.seeds, minutes))
    for row in table.itertuples():
        print(f"claim {row.claim:>2} {row.outcome:<30} {row.mean_effect:>11.4g} "
              f"[{row.lo:.4g}, {row.hi:.4g}]  {summary.verdict(row._asdict())}")
    print(f"\ntables: {out / 'claims.csv'}, {out / 'claims_summary.csv'}\n"
          f"report: {out / 'claims.md'}")
    if args.readme:
        text = args.readme.read_text(encoding="utf-8")
        try:
            updated = report.splice(text, report.readme_block(table, claims, spec, args.seeds,
                                                              minutes))
        except ValueError as err:
            print(f"python -m sim.claims: error: {args.readme}: {err}", file=sys.stderr)
            return 2
        write_text(args.readme, updated)
        print(f"README block: {args.readme}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
