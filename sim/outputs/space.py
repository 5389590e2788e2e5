"""Free disk space, checked before a run: refuse at once rather than fail after the model ran.

A run's files are its tables (``timeseries`` in every format of ``output.formats``, the
small CSV and JSON files) and, unless turned off, its figures and report. Their size is
estimated from the world before the model is built, roughly and on the generous side:

- the tidy table has about :data:`ROWS_PER_VENDOR` rows per vendor, :data:`ROWS_PER_COUNTRY`
  per country and :data:`ROWS_FIXED` others (blocs, segments, markets) each month (measured:
  991 rows a month in either world, which simulate the same countries); a row takes about
  :data:`ROW_BYTES` bytes in each format (measured: 67 in CSV, 6.5 in Parquet);
- the figures (PNG and PDF) and the report take :data:`FIGURE_BYTES_FIXED` plus
  :data:`FIGURE_BYTES_PER_MONTH` a simulated month (measured: 2.6 MB for 3 months, 5.9 MB
  for the 96 months of either world);
- the events, entries, scorecard, summary and manifest: :data:`SMALL_FILES` in all.

Each constant is about twice what was measured, so a run that passes the check has room.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sim.config.schema import Config
from sim.config.tables import country_codes
from sim.core.calendar import parse_month

ROWS_PER_VENDOR = 45
ROWS_PER_COUNTRY = 5
ROWS_FIXED = 200
#: Bytes a row of the tidy table takes, by format.
ROW_BYTES = {"csv": 128, "parquet": 16}
FIGURE_BYTES_FIXED = 6 * 1024 * 1024
FIGURE_BYTES_PER_MONTH = 80 * 1024
SMALL_FILES = 256 * 1024


class DiskSpaceError(OSError):
    """Less free space on the output folder's file system than the run would write."""


def estimate_bytes(cfg: Config, figures: bool = True) -> int:
    """About how many bytes a run of ``cfg`` writes (see the module's docstring).

    Args:
        cfg: the run's config (its world's size and horizon, ``output.formats``).
        figures: whether the run draws its figures and report (a job of a sweep does so
            only with ``output.plots_in_sweeps``).
    """
    w = cfg.world
    months = parse_month(w.end) - parse_month(w.start) + 1
    countries = len(w.nations.include) or len(country_codes(w.nations.countries_file))
    rows = months * (ROWS_PER_VENDOR * len(w.vendors) + ROWS_PER_COUNTRY * countries
                     + ROWS_FIXED)
    tables = rows * sum(ROW_BYTES.get(fmt, max(ROW_BYTES.values()))
                        for fmt in set(cfg.output.formats))
    drawn = figures and (cfg.output.plots or cfg.output.report)
    figure_bytes = FIGURE_BYTES_FIXED + months * FIGURE_BYTES_PER_MONTH if drawn else 0
    return tables + SMALL_FILES + figure_bytes


def free_bytes(folder: str | Path) -> int:
    """Bytes free to this user on the file system of ``folder`` (or of its nearest
    existing parent, for a folder not made yet)."""
    path = Path(folder).resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    return shutil.disk_usage(path).free


def check_free_space(folder: str | Path, need: int) -> None:
    """Raise :class:`DiskSpaceError` if ``folder``'s file system has less than ``need``
    bytes free, with the estimate, the free space and what to do about it."""
    have = free_bytes(folder)
    if have < need:
        raise DiskSpaceError(
            f"not enough free disk space for this run's outputs: about {_size(need)} to "
            f"write in {folder}, {_size(have)} free there (free some space, write elsewhere "
            "with hydra.run.dir or hydra.sweep.dir, or write less: output.plots=false, "
            "output.report=false, output.formats=[parquet])")


def _size(n: float) -> str:
    """A byte count for people: ``'7.3 MiB'``."""
    units = ("bytes", "KiB", "MiB", "GiB")
    power = 0
    while n >= 1024 and power < len(units) - 1:
        n, power = n / 1024, power + 1
    return f"{n:.0f} bytes" if power == 0 else f"{n:.1f} {units[power]}"
