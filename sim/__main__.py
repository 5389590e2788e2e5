"""``python -m sim``: run a scenario (or, with ``-m``, a sweep) from ``scenarios/``.

Examples::

    python -m sim                                             # the baseline, default world
    python -m sim scenario=token_price_cut seed=7 world=small
    python -m sim -m scenario=baseline,token_price_cut seed='range(20)' hydra/launcher=joblib
    python -m sim --help                                      # worlds, scenarios, rules, levers
    python -m sim --describe world.demand.quality_weight      # one parameter

``--help``, ``--describe`` and ``--show`` are answered before Hydra starts
(:mod:`sim.tools.entry`); everything else is Hydra's. Ctrl-C ends the command with one
line on stderr and exit status 130 (:func:`sim.tools.cli.interrupted`).
"""

import sys
from typing import Any

import hydra
from omegaconf import DictConfig

from sim.config import register_configs
from sim.tools import rundir
from sim.tools.cli import interrupted, remember_run_dir, run_job
from sim.tools.entry import preflight

register_configs()
rundir.register()  # hydra.run.dir names the run's folder with ${sim_run_name:...}


def _apply_draw(cfg: DictConfig) -> dict[str, Any] | None:
    """A run of a parameter draw (``draw.file``, ``draw.index``) takes its levers' values
    (:func:`sim.experiment.draws.apply_draw`; imported only then)."""
    if cfg.get("draw", {}).get("file") is None:
        return None
    from sim.experiment.draws import apply_draw

    return apply_draw(cfg)


@hydra.main(version_base="1.3", config_path="../scenarios", config_name="config")
def main(cfg: DictConfig) -> float | None:
    return run_job(cfg, prepare=_apply_draw)


if __name__ == "__main__":
    try:
        status = preflight(sys.argv[1:])
        if status is not None:
            sys.exit(status)
        remember_run_dir(sys.argv[1:])
        main()
    except KeyboardInterrupt as err:
        # Ctrl-C: one line instead of a traceback, and the shell's status for SIGINT
        print(interrupted(err), file=sys.stderr)
        sys.exit(130)
