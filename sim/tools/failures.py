"""Failed jobs of a sweep: the ``FAILED`` marker a job leaves instead of its outputs.

Inside a multirun a job that is refused (a bad value, a rule error) or whose run raises
does not stop the sweep: it writes ``FAILED`` in its own folder (the error, its type and
the job's overrides, as JSON), removes whatever partial output it wrote and returns, so
every other job still runs. Resuming the sweep retries it: :func:`clear_stale` removes the
marker, any hidden temporary file left by an interrupted write and any partial output
before the job reruns.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

from sim.core.files import write_text

FAILED = "FAILED"
log = logging.getLogger("sim")


def keep(path: Path) -> bool:
    """What a failed job's folder keeps: Hydra's config, the job's log and the marker."""
    return path.name in (".hydra", FAILED) or path.suffix == ".log"


def clear_outputs(out_dir: Path) -> None:
    """Remove a run's outputs (tables, figures, summary, hidden temporary files), keeping
    what :func:`keep` keeps, so that nothing in the folder looks like a finished run."""
    if not out_dir.exists():
        return
    for path in out_dir.iterdir():
        if keep(path):
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def mark_failed(out_dir: Path, err: BaseException, overrides: list[str]) -> None:
    """Remove the job's partial outputs, write its ``FAILED`` marker and log one line."""
    out_dir.mkdir(parents=True, exist_ok=True)
    clear_outputs(out_dir)
    text = json.dumps({"error": str(err), "type": type(err).__name__,
                       "overrides": overrides}, indent=2)
    try:
        write_text(out_dir / FAILED, text + "\n")
    except OSError as write_err:  # a full disk: the sweep goes on, the log says why
        log.error("could not write %s (%s)", out_dir / FAILED, write_err)
    # one line: Hydra's console handler shows it, and the job's log file keeps it
    log.error("job failed (%s: %s), marked %s", type(err).__name__, err, out_dir / FAILED)


def clear_stale(out_dir: Path) -> None:
    """Before a job without ``DONE`` reruns: drop an earlier ``FAILED`` marker, hidden
    ``.tmp`` files of an interrupted atomic write (in ``plots/`` too) and any output of
    the interrupted attempt, so the folder holds only what this run writes."""
    if not out_dir.exists():
        return
    (out_dir / FAILED).unlink(missing_ok=True)
    clear_outputs(out_dir)


def read_failure(run_dir: Path) -> dict[str, Any]:
    """A failed job's marker: ``error``, ``type`` and ``overrides`` (a list of strings).

    A marker that is not JSON (written by hand, or cut short) is read as the error text.
    """
    text = (run_dir / FAILED).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return {"error": text.strip(), "type": "", "overrides": []}
    return {"error": str(data.get("error", "")), "type": str(data.get("type", "")),
            "overrides": [str(o) for o in data.get("overrides", [])]}
