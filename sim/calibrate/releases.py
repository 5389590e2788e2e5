"""``python -m sim.calibrate.releases``: each lab's release hazard, estimated on the record.

Prints (and with ``--out`` writes) the table the ``hazard`` release rule uses: releases n,
months at risk T, the MLE n / T with its standard error and the shrunk hazard
(:mod:`sim.market.releases`), each lab at risk from its entry to ``world.releases.fit_until``.

    python -m sim.calibrate.releases                  # default world, window to 2024-12
    python -m sim.calibrate.releases --fit-until 2025-12
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from sim import data
from sim.config import compose_config
from sim.core.calendar import parse_month
from sim.core.files import write_text
from sim.market.releases import release_rates


def rate_table(world: str = "default", fit_until: str | None = None) -> str:
    """The hazards as a markdown table (probabilities per month; mean gap 1 / h months)."""
    overrides = [f"world={world}"] + ([f"world.releases.fit_until={fit_until}"]
                                      if fit_until else [])
    w = compose_config(overrides).world
    months: dict[str, list[int]] = {vid: [] for vid in w.vendors}
    for e in data.load_events(w.history_file):
        if e.kind == "release" and e.vendor in months:
            months[e.vendor].append(parse_month(e.date))
    rates = release_rates(months, None, parse_month(w.releases.fit_until),
                          w.releases.prior_months)
    rows = [f"Each lab at risk from its entry to {w.releases.fit_until}; prior weight T_0 = "
            f"{w.releases.prior_months:g} months.", "",
            "| lab | releases n | months at risk T | MLE n/T | SE | hazard h* | mean gap, months |",
            "|---|---|---|---|---|---|---|"]
    for vid, r in rates.items():
        mle = "-" if math.isnan(r.mle) else f"{r.mle:.3f}"
        se = "-" if math.isnan(r.se) else f"{r.se:.3f}"
        rows.append(f"| {vid} | {r.releases} | {r.exposure_months:g} | {mle} | {se} | "
                    f"{r.rate:.3f} | {1 / r.rate:.1f} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.calibrate.releases", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--world", default="default")
    parser.add_argument("--fit-until", default=None, help="last month of the window (YYYY-MM)")
    parser.add_argument("--out", type=Path, default=None, help="a markdown file to write")
    args = parser.parse_args(argv)
    table = rate_table(args.world, args.fit_until)
    print(table)
    if args.out:
        write_text(args.out, table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
