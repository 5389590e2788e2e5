"""Writing a sweep's long table one run at a time: a partitioned Parquet dataset, and a
CSV copy while the table stays under a size limit.

The dataset is a folder, ``gathered/timeseries.parquet/``, of part files
(``part-00000.parquet``, ...), each a run's rows per row group and at most
:data:`PART_ROWS` rows, all with one schema. ``pd.read_parquet`` (and
``pyarrow.parquet.read_table``, ``pyarrow.dataset``, Polars, DuckDB, R's
``arrow::open_dataset``) read the folder as one table. ``metric``, ``entity``,
``segment``, ``unit`` and ``run`` are dictionary columns, read back by pandas as
categoricals; ``month`` and ``scenario`` stay text, so that ``month >= "2026-01"`` and a
pivot by scenario work.

Memory is one run's table (and the writers' buffers of one row group), whatever the
number of runs. Both files are written under hidden temporary names and renamed into
place when the last run is in, so a reader sees the previous gather's files or the new
ones, never half a table.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.tidy import TIDY_COLUMNS
from sim.outputs.files import TABLE
from sim.tools.sweep_runs import DRAW, RunRecord

log = logging.getLogger("sim.tools.gather")
#: At most this many rows in one part file of the Parquet dataset (a run's rows are never
#: split between two files): some 60 small-world runs of eight years.
PART_ROWS = 5_000_000
#: The long table's CSV is written while it has at most this many rows (37 small-world runs
#: of eight years at 80,000 rows each; 350-600 MB at 120-200 bytes a row, against some 7
#: bytes a row in Parquet); above, the series are in Parquet only, and ``runs.csv`` (one
#: row per run) is the table any reader opens.
CSV_ROWS = 3_000_000
#: The columns stored as dictionaries (categoricals): a run's own table's, and its folder.
CATEGORIES: tuple[str, ...] = ("metric", "entity", "segment", "unit", "run")


def _arrow_type(dtype: Any) -> tuple[Any, Any]:
    """The Arrow type and the pandas dtype (for the pandas metadata) of an override column."""
    import pyarrow as pa

    if pd.api.types.is_bool_dtype(dtype):
        return pa.bool_(), "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return pa.int64(), "Int64"
    if pd.api.types.is_float_dtype(dtype):
        return pa.float64(), np.float64
    return pa.string(), str


def series_columns(parameters: pd.DataFrame, draws: bool) -> list[str]:
    """The long table's columns: a run's, ``scenario``, ``seed``, ``run``, ``draw`` (in a
    sweep of draws), then one per override."""
    return [*TIDY_COLUMNS, "scenario", "seed", "run", *([DRAW] if draws else []),
            *parameters.columns]


def series_schema(parameters: pd.DataFrame, draws: bool) -> Any:
    """The Arrow schema of the long table, with the pandas metadata that makes pandas read
    the dictionaries back as categoricals and a flag column as booleans."""
    import pyarrow as pa

    words = pa.dictionary(pa.int32(), pa.string())
    fields = {"month": pa.string(), "value": pa.float64(), "scenario": pa.string(),
              "seed": pa.int64(), DRAW: pa.int64()}
    dtypes: dict[str, Any] = {"month": str, "value": np.float64, "scenario": str,
                              "seed": np.int64, DRAW: "Int64"}
    for name in CATEGORIES:
        fields[name], dtypes[name] = words, "category"
    for name in parameters.columns:
        fields[name], dtypes[name] = _arrow_type(parameters[name].dtype)
    columns = series_columns(parameters, draws)
    template = pd.DataFrame({c: pd.Series(dtype=dtypes[c]) for c in columns})
    metadata = pa.Schema.from_pandas(template, preserve_index=False).metadata
    return pa.schema([(c, fields[c]) for c in columns], metadata=metadata)


def labelled(table: pd.DataFrame, record: RunRecord, parameters: pd.DataFrame,
             draws: bool) -> pd.DataFrame:
    """A run's table with the sweep's columns: scenario, seed, run, draw, its overrides
    (the run's row of ``parameters``, typed over the whole sweep)."""
    n = len(table)
    out = table.loc[:, list(TIDY_COLUMNS)].reset_index(drop=True)
    out["scenario"] = record.scenario
    out["seed"] = np.full(n, record.seed, dtype=np.int64)
    out["run"] = pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), [record.name])
    if draws:  # missing for a run of the sweep that is no draw
        out[DRAW] = pd.array([record.draw] * n, dtype="Int64")
    if len(parameters.columns):
        row = parameters.index.get_loc(record.name)
        values = parameters.take(np.full(n, row)).reset_index(drop=True)
        out = pd.concat([out, values], axis=1)
    return out


class _Staged:
    """A file or folder written under a hidden name beside ``path`` and renamed into place
    by :meth:`commit` (an existing one is replaced), or removed by :meth:`discard`."""

    def __init__(self, path: Path, folder: bool) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        prefix, suffix = f".{path.name}.", ".tmp"
        if folder:
            self.tmp = Path(tempfile.mkdtemp(prefix=prefix, suffix=suffix, dir=path.parent))
        else:
            fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=path.parent)
            os.close(fd)
            self.tmp = Path(name)

    def commit(self) -> None:
        umask = os.umask(0)
        os.umask(umask)
        self.tmp.chmod((0o777 if self.tmp.is_dir() else 0o666) & ~umask)
        old = None
        if self.path.is_dir():  # a folder cannot be renamed over: move it aside first
            old = self.path.with_name(f".{self.path.name}.{os.getpid()}.old")
            os.replace(self.path, old)
        elif self.tmp.is_dir() and self.path.exists():
            self.path.unlink()  # an earlier gather's single file
        os.replace(self.tmp, self.path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        if self.tmp.is_dir():
            shutil.rmtree(self.tmp, ignore_errors=True)
        else:
            self.tmp.unlink(missing_ok=True)


class SeriesWriter:
    """Appends each run's labelled table to the Parquet dataset and, up to ``csv_rows``
    rows in all, to the CSV; :meth:`close` puts both in place (a CSV that outgrew the limit
    is dropped, and an earlier gather's removed). Used as a context manager: an error
    removes what was written."""

    def __init__(self, out_dir: Path, schema: Any, csv_rows: int = CSV_ROWS,
                 part_rows: int | None = None) -> None:
        self.out_dir, self.schema = Path(out_dir), schema
        self.csv_rows = int(csv_rows)
        self.part_rows = int(PART_ROWS if part_rows is None else part_rows)
        self.rows = self.runs = self.parts = 0
        self._dataset = _Staged(self.out_dir / f"{TABLE}.parquet", folder=True)
        self._csv: _Staged | None = _Staged(self.out_dir / f"{TABLE}.csv", folder=False)
        self._part: Any = None
        self._part_rows = 0
        self._csv_writer: Any = None

    def write(self, frame: pd.DataFrame) -> None:
        """Append one run's rows (columns in the schema's order, types as it says)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(frame, schema=self.schema, preserve_index=False)
        if self._part is None or self._part_rows + table.num_rows > self.part_rows:
            self._close_part()
            path = self._dataset.tmp / f"part-{self.parts:05d}.parquet"
            self._part = pq.ParquetWriter(path, self.schema)
            self.parts += 1
        self._part.write_table(table)
        self._part_rows += table.num_rows
        self.rows += table.num_rows
        self.runs += 1
        self._write_csv(table)

    def _write_csv(self, table: Any) -> None:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        if self._csv is None:
            return
        if self.rows > self.csv_rows:  # too large for a CSV: Parquet only
            log.info("the long table passed %d rows: no CSV copy (%s.parquet/ has it all)",
                     self.csv_rows, TABLE)
            if self._csv_writer is not None:
                self._csv_writer.close()
            self._csv.discard()
            self._csv = None
            return
        plain = pa.schema([(f.name, pa.string() if pa.types.is_dictionary(f.type) else f.type)
                           for f in self.schema])
        if self._csv_writer is None:
            options = pacsv.WriteOptions(quoting_style="needed")
            self._csv_writer = pacsv.CSVWriter(str(self._csv.tmp), plain, write_options=options)
        self._csv_writer.write_table(table.cast(plain))

    def _close_part(self) -> None:
        if self._part is not None:
            self._part.close()
            self._part, self._part_rows = None, 0

    def close(self) -> dict[str, Any]:
        """Put the dataset (and the CSV, if kept) in place; return what was written."""
        self._close_part()
        if self._csv_writer is not None:
            self._csv_writer.close()
        self._dataset.commit()
        stale = [self.out_dir / f"{TABLE}.csv.gz"]  # an older gather's gzipped copy
        if self._csv is not None and self.runs:
            self._csv.commit()
        else:
            if self._csv is not None:
                self._csv.discard()
            stale.append(self.out_dir / f"{TABLE}.csv")
        for path in stale:
            path.unlink(missing_ok=True)
        return {"rows": self.rows, "runs": self.runs, "parts": self.parts,
                "csv": self._csv is not None and self.runs > 0}

    def __enter__(self) -> SeriesWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if kind is None:
            return
        self._close_part()
        if self._csv_writer is not None:
            self._csv_writer.close()
        self._dataset.discard()
        if self._csv is not None:
            self._csv.discard()
