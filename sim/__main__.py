"""``python -m sim``: run a scenario (or, with ``-m``, a sweep) from ``scenarios/``.

Examples::

    python -m sim                                             # the baseline, default world
    python -m sim scenario=token_price_cut seed=7 world=small
    python -m sim -m scenario=baseline,token_price_cut seed='range(20)' hydra/launcher=joblib
"""

import hydra
from omegaconf import DictConfig

from sim.config import register_configs
from sim.tools.cli import run_job

register_configs()


@hydra.main(version_base="1.3", config_path="../scenarios", config_name="config")
def main(cfg: DictConfig) -> float | None:
    return run_job(cfg)


if __name__ == "__main__":
    main()
