"""Writing a run's outputs: the tidy tables, the summary and the manifest.

Every file is written through :func:`sim.core.files.atomic_write`, so an interrupted
run never leaves a half-written file that looks finished. ``DONE`` is
written last: a folder without it holds no finished run.
"""

from __future__ import annotations

import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.headline import HEADLINES, headline_frame
from sim.core.files import atomic_write, write_text

DONE = "DONE"
TABLE = "timeseries"


def write_json(path: Path, data: Any) -> Path:
    """Write JSON atomically (numpy numbers and NaN become plain numbers and null)."""
    return write_text(path, json.dumps(_plain(data), indent=2) + "\n")


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def write_table(frame: pd.DataFrame, folder: Path, stem: str,
                formats: list[str] | tuple[str, ...] = ("parquet", "csv")) -> list[Path]:
    """Write a table as Parquet, CSV and/or gzipped CSV (``csv.gz``, which any CSV reader
    with gzip opens: pandas, R, a spreadsheet after gunzip), atomically; returns the paths."""
    paths = []
    for fmt in formats:
        path = Path(folder) / f"{stem}.{fmt}"
        if fmt == "parquet":
            paths.append(atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=False)))
        elif fmt in ("csv", "csv.gz"):
            paths.append(atomic_write(path, lambda tmp, gz=fmt == "csv.gz":
                                      _write_csv(frame, tmp, gz)))
        else:
            raise ValueError(f"table format {fmt!r}: one of parquet, csv, csv.gz")
    return paths


def _write_csv(frame: pd.DataFrame, path: Path, gzip: bool = False) -> None:
    """CSV through Arrow: four times faster than pandas on the long tables."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    table = pa.Table.from_pandas(frame, preserve_index=False)
    options = pacsv.WriteOptions(quoting_style="needed")
    if gzip:
        with pa.CompressedOutputStream(str(path), "gzip") as stream:
            pacsv.write_csv(table, stream, options)
    else:
        pacsv.write_csv(table, path, options)


def summary(table: pd.DataFrame, history_until: str) -> dict[str, Any]:
    """End-state and averages of the headline metrics.

    For each headline: the value in the last month, its mean over the whole run, and its
    mean over the months after the recorded history (what the model itself produced).
    """
    wide = headline_frame(table)
    after = wide[wide.index > history_until]
    result = {}
    for h in HEADLINES:
        series = wide[h.key]
        result[h.key] = {
            "label": h.label, "unit": h.unit,
            "end": float(series.iloc[-1]) if len(series) else None,
            "end_month": str(series.index[-1]) if len(series) else None,
            "mean": float(series.mean()),
            "mean_after_history": float(after[h.key].mean()) if len(after) else None,
        }
    return result


def git_commit() -> str | None:
    """The commit of the code that ran, where it sits in a git checkout."""
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True,
                             text=True, timeout=5, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=here, capture_output=True, text=True, timeout=5).stdout
        return out.stdout.strip() + ("-dirty" if dirty.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def manifest(seed: int, started: str, finished: str, wall_seconds: float,
             **extra: Any) -> dict[str, Any]:
    """What produced a run: versions, commit, seed and timing."""
    libraries = {}
    for name in ("mesa", "hydra-core", "numpy", "scipy", "pandas", "pyarrow", "matplotlib"):
        try:
            libraries[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            libraries[name] = None
    try:
        version = metadata.version("ai-market-sim")
    except metadata.PackageNotFoundError:
        version = None
    return {
        "package": "ai-market-sim", "version": version, "git_commit": git_commit(),
        "seed": seed, "started": started, "finished": finished,
        "wall_seconds": round(wall_seconds, 3),
        "python": platform.python_version(), "platform": platform.platform(),
        "libraries": libraries, **extra,
    }
