"""The name of a single run's folder: its overrides, as a sweep's run folders are named.

``scenarios/config.yaml`` sets ``hydra.run.dir`` to
``outputs/runs/<scenario>/<world>/seed=<seed>/${sim_run_name:${hydra.job.override_dirname}}/<time>``,
so two runs that differ in a lever land in folders that say which. Hydra's
``override_dirname`` already leaves out the keys a sweep leaves out (scenario, seed, output
settings, plugins); :func:`run_name` also drops ``world`` (a folder of its own above), names
an empty set ``default`` and keeps the name short enough for any file system.
"""

from __future__ import annotations

import hashlib
import os

from omegaconf import OmegaConf

RESOLVER = "sim_run_name"
#: The longest folder name kept as is; a longer one is cut and ends with a hash of the whole,
#: so that it stays unique (most file systems allow 255 bytes per name).
MAX_NAME = 120
_KEEP = MAX_NAME - 13  # room for "-" and a 12-character hash


def run_name(override_dirname: str) -> str:
    """The folder name for a run whose Hydra ``override_dirname`` is ``override_dirname``.

    Example:
        >>> run_name("world.end=2027-12,world=small")
        'world.end=2027-12'
        >>> run_name("")
        'default'
    """
    items = [item for item in str(override_dirname or "").split(",")
             if item and not item.startswith("world=")]
    # a value with a slash (a file path) would otherwise open folders of its own
    name = ",".join(items).replace(os.sep, "_").replace("/", "_") or "default"
    if len(name.encode()) <= MAX_NAME:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:12]
    return f"{name.encode()[:_KEEP].decode(errors='ignore')}-{digest}"


def register() -> None:
    """Make ``${sim_run_name:...}`` known to OmegaConf (before Hydra composes the config)."""
    OmegaConf.register_new_resolver(RESOLVER, run_name, replace=True)
