"""Command ``python -m sim.scorecard RUN_OR_SWEEP_DIR``: score runs against the calibration
targets (:mod:`sim.tools.score`)."""

from sim.tools.score import main

if __name__ == "__main__":
    raise SystemExit(main())
