"""The sweeper of ``python -m sim -m`` as a Hydra plugin (``hydra/sweeper: sim``).

Hydra instantiates plugins only from the ``hydra_plugins`` namespace package, so the class
Hydra names lives here; what it does is :class:`sim.tools.batch.BatchSweeper` (several runs
per job, each distinct config composed once). Its config, ``hydra.sweeper``, is
:class:`sim.config.schema.SweeperConfig`.
"""

from sim.config.schema import register_configs
from sim.tools import batch

register_configs()  # the config of hydra/sweeper=sim, also where the plugins are scanned first


class SimSweeper(batch.BatchSweeper):
    """Hydra's basic sweeper with ``hydra.sweeper.batch`` runs per job."""
