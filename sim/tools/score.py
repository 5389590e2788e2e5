"""``python -m sim.scorecard DIR``: the validation scorecard of a run or a sweep.

DIR is a run folder (with ``DONE``) or a sweep folder: for a sweep, each scenario's runs
are scored together (mean and 5-95% spread across seeds). Prints the scorecard and saves
``scorecard.csv`` and ``scorecard.md`` in DIR (in ``DIR/gathered`` for a sweep).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.calibrate.moments import load_targets
from sim.calibrate.scorecard import scorecard, to_markdown, to_text
from sim.core.files import write_text
from sim.model.results import Results
from sim.outputs.files import DONE, write_table


def score_folder(folder: Path, scenario: str | None = "baseline") -> tuple:
    """The scorecard of a run folder, or of one scenario's runs in a sweep folder."""
    folder = Path(folder)
    targets = load_targets()
    if (folder / DONE).exists():
        return scorecard([Results.load(folder)], targets), folder
    runs = [Results.load(p.parent) for p in sorted(folder.rglob(DONE))
            if "gathered" not in p.parts]
    if scenario is not None:
        runs = [r for r in runs if r.config.scenario.name == scenario] or runs
    if not runs:
        raise FileNotFoundError(f"no finished run under {folder}")
    return scorecard(runs, targets), folder / "gathered"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.scorecard", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="a run folder or a sweep folder")
    parser.add_argument("--scenario", default="baseline",
                        help="for a sweep: the scenario whose runs are scored")
    args = parser.parse_args(argv)
    try:
        card, out = score_folder(args.folder, args.scenario)
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(to_text(card))
    write_table(card, out, "scorecard", ["csv"])
    write_text(out / "scorecard.md", to_markdown(card) + "\n")
    print(f"\nScorecard saved in: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
