"""Command ``python -m sim.sweep SWEEP_DIR``: gather a finished sweep (:mod:`sim.tools.gather`)."""

from sim.tools.gather import main

if __name__ == "__main__":
    raise SystemExit(main())
