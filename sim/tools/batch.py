"""Batched sweeps: several runs of one config (seeds, parameter draws) in one Hydra job.

    python -m sim -m world=small seed='range(40)' hydra.sweeper.batch=10 \\
        hydra/launcher=joblib hydra.launcher.n_jobs=2

runs the 40 seeds as 4 jobs of 10 runs. Runs share a job only when they differ in
nothing but :data:`BATCH_KEYS` (``seed`` and ``draw.index``): the job's config is composed
once, and each run takes a copy with its own seed or draw. Every run writes exactly the
folder it would write as a job of its own (the same path, ``.hydra/``, tables, log,
``DONE`` or ``FAILED`` marker), so resuming, gathering and the reports do not know about
batches; a run that fails marks its own folder and the job goes on with the next.

Two halves:

- :class:`BatchSweeper` (Hydra's basic sweeper, the ``hydra/sweeper: sim`` of
  ``scenarios/config.yaml``; Hydra instantiates it as ``hydra_plugins.sim_sweeper``) makes
  the jobs: the runs of a batch go to the launcher as one job, the first run's overrides
  and ``hydra.sweeper.runs`` naming them all. Before any job starts it checks that every
  job's config composes, as the basic sweeper does, but composes each distinct config
  once: jobs that differ only in a seed or a draw share it, and their values are checked
  against its schema (a few microseconds instead of a composition, ~0.3 s, per job).
- :func:`run_batch`, in the job, runs each run of ``hydra.sweeper.runs`` with Hydra's
  state (``HydraConfig``: overrides, ``override_dirname``, output folder; the job's log)
  set as Hydra would set it for that run alone.
"""

from __future__ import annotations

import copy
import logging
import math
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from hydra._internal.config_loader_impl import get_overrides_dirname
from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.hydra_config import HydraConfig
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.utils import configure_log
from hydra.errors import ConfigCompositionException
from hydra.plugins.launcher import Launcher
from hydra.plugins.sweeper import Sweeper
from hydra.types import HydraContext
from omegaconf import DictConfig, OmegaConf, open_dict, read_write

log = logging.getLogger("sim.tools.batch")

#: The overrides that may differ between the runs of one job: nothing else changes the
#: composed config but their value, an integer.
BATCH_KEYS: tuple[str, ...] = ("seed", "draw.index")
#: The override that names a batched job's runs (set by :class:`BatchSweeper`).
RUNS_KEY = "hydra.sweeper.runs"
#: How many composed configs the sweeper keeps to check the values of further jobs.
_KEPT_CONFIGS = 8

T = TypeVar("T")


def _key(override: str) -> str:
    return override.split("=", 1)[0]


def split_job(job: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A job's overrides split into what names its config (every override but the
    :data:`BATCH_KEYS`) and its batch overrides (``seed=3``, ``draw.index=1``)."""
    fixed = tuple(o for o in job if _key(o) not in BATCH_KEYS and _key(o) != RUNS_KEY)
    varying = tuple(o for o in job if _key(o) in BATCH_KEYS)
    return fixed, varying


def encode_runs(runs: Sequence[Sequence[str]]) -> str:
    """The ``hydra.sweeper.runs=[...]`` override of a batch: one quoted item per run, its
    batch overrides joined by commas (``'seed=3,draw.index=1'``)."""
    items = ",".join("'" + ",".join(run) + "'" for run in runs)
    return f"{RUNS_KEY}=[{items}]"


def decode_runs(items: Sequence[str]) -> list[list[str]]:
    """The runs of ``hydra.sweeper.runs``: each run's batch overrides."""
    return [[o for o in str(item).split(",") if o] for item in items]


def batched_jobs(jobs: Sequence[Sequence[str]], batch: int) -> list[list[str]]:
    """The jobs of a sweep with up to ``batch`` runs each.

    Runs whose overrides differ only in :data:`BATCH_KEYS` form a group (in the order of
    their first run); each group is cut into jobs of ``batch`` runs. A job of one run is
    the run's overrides as they are; a job of several is its first run's overrides and
    :func:`encode_runs` of them all. ``batch`` 1 leaves the jobs as they are.
    """
    if batch < 1:
        raise ValueError(f"hydra.sweeper.batch={batch}: a number of runs per job, 1 or more")
    if batch == 1:
        return [list(job) for job in jobs]
    groups: OrderedDict[tuple[str, ...], list[list[str]]] = OrderedDict()
    for job in jobs:
        groups.setdefault(split_job(job)[0], []).append(list(job))
    out = []
    for members in groups.values():
        for start in range(0, len(members), batch):
            chunk = members[start:start + batch]
            if len(chunk) == 1:
                out.append(chunk[0])
            else:
                out.append([*chunk[0], encode_runs([split_job(j)[1] for j in chunk])])
    return out


def count_jobs(sizes: dict[str, int], batch: int) -> int:
    """How many jobs :func:`batched_jobs` makes of a sweep whose keys take ``sizes`` values
    each (the product of the sizes runs)."""
    per_config = math.prod(n for k, n in sizes.items() if k in BATCH_KEYS)
    configs = math.prod(n for k, n in sizes.items() if k not in BATCH_KEYS)
    return configs * math.ceil(per_config / max(batch, 1))


class BatchSweeper(BasicSweeper):
    """Hydra's basic sweeper with ``batch`` runs per job and each distinct config composed
    once when the jobs are validated (see the module's docstring).

    Args:
        max_batch_size, params: as for Hydra's basic sweeper (how many jobs are launched
            at a time; sweep parameters of the config).
        batch: runs per job (``hydra.sweeper.batch``), 1 or more.
        runs: set on a batched job only; ignored here.
    """

    def __init__(self, max_batch_size: int | None = None,
                 params: dict[str, str] | None = None, batch: int = 1,
                 runs: Any = None) -> None:
        # not super().__init__: Hydra's plugin scan executes basic_sweeper's module again,
        # and BasicSweeper.__init__'s super(BasicSweeper, self) then names a new class
        Sweeper.__init__(self)
        self.overrides: list[list[list[str]]] | None = None
        self.batch_index = 0
        self.max_batch_size = max_batch_size
        self.params = params or {}
        self.hydra_context: HydraContext | None = None
        self.config: DictConfig | None = None
        self.launcher: Launcher | None = None
        if int(batch) < 1:
            raise ValueError(f"hydra.sweeper.batch={batch}: a number of runs per job, "
                             "1 or more")
        self.batch = int(batch)
        self._composed: OrderedDict[tuple[str, ...], DictConfig] = OrderedDict()
        self._checked: set[tuple[tuple[str, ...], str]] = set()
        #: Configs composed and seconds spent validating (for the log and the benchmark).
        self.compositions = 0
        self.validation_s = 0.0

    def split_arguments(self, overrides: list[Any],  # type: ignore[override]
                        max_batch_size: int | None) -> list[list[list[str]]]:
        """The sweep's jobs (:func:`batched_jobs`), in launches of ``max_batch_size``."""
        jobs = batched_jobs(BasicSweeper.split_arguments(overrides, None)[0], self.batch)
        size = len(jobs) if max_batch_size in (None, -1) else int(max_batch_size)
        return [jobs[i:i + size] for i in range(0, len(jobs), max(size, 1))]

    def validate_batch_is_legal(self, batch: Sequence[Sequence[str]]) -> None:
        """Check that every run of every job composes: each distinct config composed once,
        the seeds and draws of the others set on it (their types checked by its schema)."""
        assert self.hydra_context is not None and self.config is not None
        tic = time.perf_counter()
        for job in batch:
            fixed, first = split_job(job)
            runs = [list(first)]
            for override in job:
                if _key(override) == RUNS_KEY:
                    parsed = OverridesParser.create().parse_overrides([override])[0]
                    runs = decode_runs(parsed.value())
            composed = self._config_of(fixed, first)
            for run in runs:
                for item in run:
                    self._check(fixed, composed, item)
        self.validation_s += time.perf_counter() - tic
        log.debug("validated %d jobs (%d configs composed so far) in %.2f s",
                  len(batch), self.compositions, self.validation_s)

    def _config_of(self, fixed: tuple[str, ...], first: Sequence[str]) -> DictConfig:
        """The composed config of a job's fixed overrides (with its first run's values)."""
        composed = self._composed.get(fixed)
        if composed is None:
            assert self.hydra_context is not None and self.config is not None
            composed = self.hydra_context.config_loader.load_sweep_config(
                master_config=self.config, sweep_overrides=[*fixed, *first])
            self.compositions += 1
            self._composed[fixed] = composed
            for item in first:  # checked by the composition itself
                self._checked.add((fixed, item))
            while len(self._composed) > _KEPT_CONFIGS:
                self._composed.popitem(last=False)
        else:
            self._composed.move_to_end(fixed)
        return composed

    def _check(self, fixed: tuple[str, ...], composed: DictConfig, item: str) -> None:
        """Set a batch override on the composed config, as composing would (a wrong type
        is refused there as here)."""
        if (fixed, item) in self._checked:
            return
        try:
            value = OverridesParser.create().parse_overrides([item])[0].value()
            with read_write(composed), open_dict(composed):
                OmegaConf.update(composed, _key(item), value, merge=False)
        except Exception as err:
            raise ConfigCompositionException(f"Error merging override {item}") from err
        self._checked.add((fixed, item))


def job_runs() -> list[list[str]] | None:
    """The runs of the running Hydra job when it is a batch (``hydra.sweeper.runs``), else
    None."""
    if not HydraConfig.initialized():
        return None
    sweeper = HydraConfig.get().get("sweeper") or {}
    runs = sweeper.get("runs") if hasattr(sweeper, "get") else None
    return decode_runs(list(runs)) if runs else None


def run_batch(cfg: DictConfig, runs: Sequence[Sequence[str]],
              job: Callable[[DictConfig], T]) -> list[T]:
    """Run ``job`` once per run of a batched Hydra job, each with its own config and
    Hydra state; return what each returned.

    ``cfg`` is the job's composed task config (its first run's); it is left as it is. For
    each run, the job's whole config takes the run's seed or draw and
    ``hydra.overrides.task``, ``hydra.job.override_dirname`` and
    ``hydra.runtime.output_dir`` as Hydra would set them for the run alone
    (:func:`apply_run`), ``HydraConfig`` is set to it, the log goes to the run's folder,
    and ``job`` gets a copy of ``cfg`` with the run's values: one copy of the task config
    a run, no composition. The job's config and Hydra's state are the job's again
    afterwards.
    """
    instance = HydraConfig.instance()
    assert instance.cfg is not None
    job_config = instance.cfg.hydra._get_parent()  # the job's whole config (task and hydra)
    if not isinstance(job_config, DictConfig) or "hydra" not in job_config:
        raise RuntimeError("a batched job runs inside a Hydra job")
    saved = _saved(job_config)
    results = []
    try:
        for run in runs:
            apply_run(job_config, run)
            instance.set_config(job_config)
            configure_log(job_config.hydra.job_logging, job_config.hydra.verbose)
            task = copy.deepcopy(cfg)
            with read_write(task), open_dict(task):
                _set_values(task, run)
            results.append(job(task))
    finally:
        _restore(job_config, saved)
        instance.set_config(job_config)
    return results


_HYDRA_FIELDS = ("hydra.overrides.task", "hydra.overrides.hydra", "hydra.sweeper.runs",
                 "hydra.job.override_dirname", "hydra.runtime.output_dir")


def _saved(job_config: DictConfig) -> dict[str, Any]:
    """What :func:`apply_run` changes in a job's config, to put back afterwards."""
    keys = [*_HYDRA_FIELDS, *BATCH_KEYS]
    return {key: copy.deepcopy(OmegaConf.select(job_config, key)) for key in keys}


def _restore(job_config: DictConfig, saved: dict[str, Any]) -> None:
    with read_write(job_config), read_write(job_config.hydra), open_dict(job_config):
        for key, value in saved.items():
            OmegaConf.update(job_config, key, value, merge=False)


def _set_values(config: DictConfig, run: Sequence[str]) -> None:
    """Set a run's batch overrides (``seed=3``) on a config, typed as Hydra types them."""
    parser = OverridesParser.create()
    for item in run:
        OmegaConf.update(config, _key(item), parser.parse_overrides([item])[0].value(),
                         merge=False)


def apply_run(job_config: DictConfig, run: Sequence[str]) -> None:
    """Make a batched job's whole config, in place, what Hydra composes for one of its runs
    (its batch overrides ``run``) alone: the values, the task overrides, the folder's name
    and the output folder (made)."""
    parser = OverridesParser.create()
    values = {_key(item): item for item in run}
    # the job's hydra node is read-only (HydraConfig.set_config)
    with read_write(job_config), read_write(job_config.hydra), open_dict(job_config):
        _set_values(job_config, run)
        hydra = job_config.hydra
        task = [values.get(_key(o), o) for o in hydra.overrides.task]
        hydra.overrides.task = task
        hydra.overrides.hydra = [o for o in hydra.overrides.hydra if _key(o) != RUNS_KEY]
        hydra.sweeper.runs = None
        naming = hydra.job.config.override_dirname
        hydra.job.override_dirname = get_overrides_dirname(
            overrides=parser.parse_overrides(task), exclude_keys=list(naming.exclude_keys),
            item_sep=naming.item_sep, kv_sep=naming.kv_sep)
        out = Path(str(OmegaConf.select(job_config, "hydra.sweep.dir"))) \
            / str(OmegaConf.select(job_config, "hydra.sweep.subdir"))
        hydra.runtime.output_dir = os.path.abspath(out)
    Path(hydra.runtime.output_dir).mkdir(parents=True, exist_ok=True)
