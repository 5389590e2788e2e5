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

from sim.tools.batch import count_jobs as batched_count


def sweep_sizes(overrides: list[str]) -> dict[str, int] | None:
    """How many values each swept key of ``overrides`` takes, or None when it cannot be
    told without composing (a glob over a config group)."""
    try:
        parsed = OverridesParser.create().parse_overrides(overrides)
        return {o.get_key_element(): len(list(o.sweep_string_iterator()))
                for o in parsed if o.is_sweep_override()}
    except Exception:  # a count is a courtesy; Hydra itself reports bad overrides
        return None


def count_jobs(overrides: list[str]) -> int | None:
    """The number of runs the basic sweeper makes of ``overrides`` (the product of the
    lengths of the sweep overrides), or None when it cannot be told without composing
    (a glob over a config group)."""
    sizes = sweep_sizes(overrides)
    return None if sizes is None else math.prod(sizes.values())


class AnnounceCallback(Callback):
    """Prints one line when a multirun starts."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        sizes = sweep_sizes(list(config.hydra.overrides.task))
        jobs = None if sizes is None else math.prod(sizes.values())
        what = f"{jobs} job{'s' if jobs != 1 else ''}" if jobs is not None else "a sweep"
        batch = int((config.hydra.get("sweeper") or {}).get("batch", 1) or 1)
        if batch > 1 and sizes is not None:
            what = f"{jobs} runs in {batched_count(sizes, batch)} jobs of up to {batch}"
        launcher = config.hydra.runtime.choices.get("hydra/launcher", "basic")
        print(f"{what} ({launcher} launcher), writing to {config.hydra.sweep.dir}", flush=True)
