"""``python -m sim.experiment levers|outcomes``: what an experiment can vary and measure.

    python -m sim.experiment levers      # name, unit, allowed range, default box, what it sets
    python -m sim.experiment outcomes    # name, unit, what it is

The levers are those of ``--levers`` in ``python -m sim.sensitivity`` and
``python -m sim.discover``; the outcomes those of ``--outcomes`` and of a condition
(any outcome also takes ``@YYYY-MM``, its value in that month).
"""

from __future__ import annotations

import argparse

from sim.experiment.levers import LEVERS
from sim.experiment.outcomes import OUTCOMES


def lever_lines() -> list[str]:
    """A line per lever: name, unit, allowed range, box, what it sets."""
    lines = [f"{'lever':<22} {'unit':<14} {'range':<18} {'box':<18} sets"]
    for lev in LEVERS.values():
        box = f"[{lev.box[0]:g}, {lev.box[1]:g}]"
        lines.append(f"{lev.name:<22} {lev.unit:<14} {lev.range_text():<18} {box:<18} "
                     f"{lev.sets()}")
    return lines


def outcome_lines() -> list[str]:
    """A line per registered outcome: name, unit, what it is."""
    lines = [f"{'outcome':<30} {'unit':<16} what"]
    lines += [f"{o.name:<30} {o.unit:<16} {o.doc}" for o in OUTCOMES.values()]
    lines.append("(any headline also takes @YYYY-MM: its value in that month)")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.experiment", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["levers", "outcomes"])
    args = parser.parse_args(argv)
    print("\n".join(lever_lines() if args.what == "levers" else outcome_lines()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
