"""Say at once what a sweep will do: ``N jobs, writing to DIR``.

Under the joblib and submitit launchers the runs' own lines come late (loky starts its
workers first; submitit writes each job's output to its log files), so without this line
a sweep may print nothing for a long while. Named in ``scenarios/config.yaml`` under
``hydra.callbacks``.
"""

from __future__ import annotations

import math
from typing import Any

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.experimental.callback import Callback
from omegaconf import DictConfig


def count_jobs(overrides: list[str]) -> int | None:
    """The number of runs the basic sweeper makes of ``overrides`` (the product of the
    lengths of the sweep overrides), or None when it cannot be told without composing
    (a glob over a config group)."""
    try:
        parsed = OverridesParser.create().parse_overrides(overrides)
        sizes = [len(list(o.sweep_string_iterator())) for o in parsed if o.is_sweep_override()]
    except Exception:  # a count is a courtesy; Hydra itself reports bad overrides
        return None
    return math.prod(sizes)


class AnnounceCallback(Callback):
    """Prints one line when a multirun starts."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        jobs = count_jobs(list(config.hydra.overrides.task))
        what = f"{jobs} job{'s' if jobs != 1 else ''}" if jobs is not None else "a sweep"
        launcher = config.hydra.runtime.choices.get("hydra/launcher", "basic")
        print(f"{what} ({launcher} launcher), writing to {config.hydra.sweep.dir}", flush=True)
