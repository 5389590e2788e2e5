"""Interruption and full disks: Ctrl-C ends a run with one line and exit status 130, the
free space is checked before the model runs, and a failed write leaves no partial file.

The command-line tests wait for a state (a file a plugin writes when the run reaches the
point to interrupt), never for a time: the plugin then holds the run there until the
signal comes, so the test cannot race the run.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from collections import namedtuple
from pathlib import Path

import pandas as pd
import pytest
from conftest import TWELVE_COUNTRIES

from sim import compose_config, run
from sim.config import SCENARIOS_DIR
from sim.core.files import atomic_write
from sim.outputs import space
from sim.outputs.files import write_table
from sim.outputs.space import DiskSpaceError, check_free_space, estimate_bytes

ROOT = SCENARIOS_DIR.parent
QUICK = ["world=small", "output.plots=false", "output.report=false", "output.progress=false"]
#: Generous bounds for waiting on a state: a loaded CI machine is slow, never this slow.
PATIENCE = 300.0
Usage = namedtuple("Usage", "total used free")


# -- a failed write ------------------------------------------------------------------------

def full_disk(tmp: Path) -> None:
    """A write that gets half-way, then finds the disk full."""
    with open(tmp, "wb") as f:
        f.write(b"half a table")
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp))


def test_a_failed_write_leaves_no_file_under_its_final_name(tmp_path):
    target = tmp_path / "timeseries.csv"
    with pytest.raises(OSError) as err:
        atomic_write(target, full_disk)
    assert err.value.errno == errno.ENOSPC
    assert list(tmp_path.iterdir()) == []  # neither the table nor its temporary file


def test_a_failed_rewrite_keeps_the_old_file_whole(tmp_path):
    target = tmp_path / "summary.json"
    target.write_text("the old, complete file")
    with pytest.raises(OSError):
        atomic_write(target, full_disk)
    assert target.read_text() == "the old, complete file"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.json"]


def test_a_table_that_cannot_be_written_leaves_nothing(tmp_path, monkeypatch):
    frame = pd.DataFrame({"month": ["2023-01"], "value": [1.0]})
    monkeypatch.setattr(pd.DataFrame, "to_parquet", lambda self, path, **_: full_disk(path))
    with pytest.raises(OSError):
        write_table(frame, tmp_path, "timeseries", ["parquet", "csv"])
    assert list(tmp_path.iterdir()) == []


# -- the free-space check ------------------------------------------------------------------

def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("figures", [False, True])
def test_the_estimate_covers_what_a_run_writes(tmp_path, figures):
    """Measured against a real run's files: at least what is written, at most a few times it."""
    from sim.tools.cli import write_outputs

    config = compose_config(["world=small", "world.end=2023-04", "output.progress=false"])
    write_outputs(run(config), tmp_path, figures=figures)
    written = folder_bytes(tmp_path)
    estimate = estimate_bytes(config, figures=figures)
    assert written <= estimate <= 6 * written, (written, estimate)


def test_the_estimate_grows_with_the_horizon_the_world_and_the_formats():
    # twelve countries against the default world's fifty: fewer series (the small world
    # now has every country, so its tables are the default world's size)
    short = compose_config(["world=small", "world.end=2023-12", *TWELVE_COUNTRIES])
    long = compose_config(["world=small", "world.end=2030-12", *TWELVE_COUNTRIES])
    big = compose_config(["world=default", "world.end=2023-12"])
    csv_only = compose_config(["world=small", "world.end=2023-12", "output.formats=[csv]",
                               *TWELVE_COUNTRIES])
    assert estimate_bytes(short) < estimate_bytes(long)
    assert estimate_bytes(short, figures=False) < estimate_bytes(big, figures=False)
    assert estimate_bytes(csv_only, figures=False) < estimate_bytes(short, figures=False)
    assert estimate_bytes(short, figures=False) < estimate_bytes(short, figures=True)


def test_too_little_free_space_is_refused_with_the_numbers(tmp_path, monkeypatch):
    monkeypatch.setattr(space.shutil, "disk_usage", lambda path: Usage(2**40, 2**40, 2**20))
    with pytest.raises(DiskSpaceError) as err:
        check_free_space(tmp_path, 3 * 2**20)
    message = str(err.value)
    assert message.startswith("not enough free disk space for this run's outputs: about "
                              f"3.0 MiB to write in {tmp_path}, 1.0 MiB free there")
    check_free_space(tmp_path, 2**20)  # exactly enough


def test_the_free_space_of_a_folder_not_made_yet_is_its_parents(tmp_path, monkeypatch):
    asked = []
    monkeypatch.setattr(space.shutil, "disk_usage",
                        lambda path: asked.append(path) or Usage(1, 1, 123))
    assert space.free_bytes(tmp_path / "not" / "yet") == 123
    assert asked == [tmp_path.resolve()]


# -- through the command line --------------------------------------------------------------

def interruptible() -> None:
    """In the child, before Python starts: Ctrl-C's default disposition.

    A shell without job control starts background commands with SIGINT ignored, and Python
    leaves an inherited SIG_IGN alone (no KeyboardInterrupt): a CI runner launched that way
    would make the run deaf to the test's signal, as a user's Ctrl-C never is.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(tmp_path: Path, *args: str) -> subprocess.Popen:
    """``python -m sim ARGS`` in the background, output to files (no pipe to fill)."""
    out = open(tmp_path / "stdout.txt", "w")  # noqa: SIM115 - closed when the process ends
    err = open(tmp_path / "stderr.txt", "w")  # noqa: SIM115
    return subprocess.Popen([sys.executable, "-m", "sim", *args], cwd=ROOT, stdout=out,
                            stderr=err, preexec_fn=interruptible)


def finish(tmp_path: Path, proc: subprocess.Popen) -> tuple[int, str, str]:
    """Wait for the process; its exit status, stdout and stderr (a process that outlives
    the wait is killed, never left behind)."""
    try:
        status = proc.wait(timeout=PATIENCE)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise
    return (status, (tmp_path / "stdout.txt").read_text(),
            (tmp_path / "stderr.txt").read_text())


def wait_for(path: Path, proc: subprocess.Popen) -> None:
    """Wait until ``path`` exists (the run reached the point to interrupt)."""
    deadline = time.monotonic() + PATIENCE
    while not path.exists():
        assert proc.poll() is None, "the run ended before it reached the point to interrupt"
        if time.monotonic() >= deadline:
            proc.kill()
            raise AssertionError(f"{path} never appeared")
        time.sleep(0.05)


#: A pricing rule that holds the run in its first month after the history until a signal.
HOLD_IN_MODEL = (
    "import time\n"
    "from pathlib import Path\n"
    "from sim.rules import rule\n\n\n"
    "@rule('vendor_pricing', 'held')\n"
    "def held(vendor, market):\n"
    "    Path({flag!r}).touch()\n"
    "    while True:\n"
    "        time.sleep(0.05)\n")
#: The figures of a run held until a signal (the tables are written by then).
HOLD_IN_PLOTS = (
    "import time\n"
    "from pathlib import Path\n"
    "import sim.plots.parallel as figures\n\n\n"
    "def held(*args, **kwargs):\n"
    "    Path({flag!r}).touch()\n"
    "    while True:\n"
    "        time.sleep(0.05)\n\n\n"
    "figures.draw_saved_run_figures = held\n")


def plugin(tmp_path: Path, text: str) -> tuple[Path, Path]:
    """Write a plugin from ``text`` (with ``{flag}``); its path and its flag file."""
    flag = tmp_path / "reached"
    path = tmp_path / "hold.py"
    path.write_text(text.format(flag=str(flag)))
    return path, flag


def assert_interrupted(status: int, stdout: str, stderr: str) -> list[str]:
    """Exit status 130, one line on stderr, no traceback anywhere; the line."""
    assert status == 130, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stdout + stderr
    return lines


@pytest.mark.slow
def test_ctrl_c_during_the_model_ends_with_one_line_and_status_130(tmp_path):
    hold, flag = plugin(tmp_path, HOLD_IN_MODEL)
    out = tmp_path / "run"
    proc = start(tmp_path, *QUICK, "world.history_until=2023-02", "world.end=2023-06",
                 f"rules.plugins=[{hold}]", "rules.vendor_pricing=held",
                 f"hydra.run.dir={out}")
    wait_for(flag, proc)
    proc.send_signal(signal.SIGINT)
    [line] = assert_interrupted(*finish(tmp_path, proc))
    assert line == (f"interrupted: no finished run was written (partial folder {out}: its "
                    "outputs were removed, its config and log kept)")
    assert {p.name for p in out.iterdir() if p.suffix != ".log"} == {".hydra"}


@pytest.mark.slow
def test_ctrl_c_while_plotting_leaves_neither_tables_nor_summary(tmp_path):
    """The tables are written when the figures start: they go, and no summary is left."""
    hold, flag = plugin(tmp_path, HOLD_IN_PLOTS)
    out = tmp_path / "run"
    proc = start(tmp_path, "world=small", "output.progress=false", "output.plots=true",
                 "world.end=2023-03", f"rules.plugins=[{hold}]", f"hydra.run.dir={out}")
    wait_for(flag, proc)
    assert (out / "timeseries.parquet").exists() and not (out / "summary.json").exists()
    proc.send_signal(signal.SIGINT)
    assert_interrupted(*finish(tmp_path, proc))
    assert {p.name for p in out.iterdir() if p.suffix != ".log"} == {".hydra"}


@pytest.mark.slow
def test_ctrl_c_in_a_sweep_says_how_to_resume(tmp_path):
    hold, flag = plugin(tmp_path, HOLD_IN_MODEL)
    sweep = tmp_path / "sweep"
    proc = start(tmp_path, "-m", *QUICK, "world.history_until=2023-02", "world.end=2023-06",
                 "seed=0,1", f"rules.plugins=[{hold}]", "rules.vendor_pricing=held",
                 f"hydra.sweep.dir={sweep}")
    wait_for(flag, proc)
    proc.send_signal(signal.SIGINT)
    [line] = assert_interrupted(*finish(tmp_path, proc))
    assert line.startswith("interrupted: the sweep stopped; the run in ")
    assert line.endswith(f"resume by rerunning the same command with hydra.sweep.dir={sweep}")
    assert not list(sweep.rglob("DONE")) and not list(sweep.rglob("timeseries.*"))
    assert not (sweep / "gathered").exists()


@pytest.mark.slow
def test_a_disk_too_full_is_refused_before_the_model_runs(tmp_path):
    tiny = tmp_path / "tiny_disk.py"  # a plugin: the disk seems to have 1 MiB free
    tiny.write_text("import shutil\nfrom collections import namedtuple\n\n"
                    "Usage = namedtuple('Usage', 'total used free')\n"
                    "shutil.disk_usage = lambda path: Usage(2**40, 2**40, 2**20)\n")
    out = tmp_path / "out" / "run"
    result = subprocess.run([sys.executable, "-m", "sim", *QUICK, "world.end=2023-06",
                             f"rules.plugins=[{tiny}]", f"hydra.run.dir={out}"], cwd=ROOT,
                            capture_output=True, text=True, timeout=PATIENCE)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: not enough free disk space for this run's outputs: about ")
    assert "1.0 MiB free there" in line
    assert "running scenario" not in result.stdout + result.stderr  # refused before the run
    assert not out.exists()


@pytest.mark.slow
def test_a_write_that_fails_leaves_no_partial_table_and_one_line(tmp_path):
    full = tmp_path / "full_disk.py"  # a plugin: the first table written finds the disk full
    full.write_text("import errno, os\nimport pandas as pd\n\n\n"
                    "def full(self, path, **kwargs):\n"
                    "    with open(path, 'wb') as f:\n"
                    "        f.write(b'half a table')\n"
                    "    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))\n\n\n"
                    "pd.DataFrame.to_parquet = full\n")
    out = tmp_path / "run"
    result = subprocess.run([sys.executable, "-m", "sim", *QUICK, "world.end=2023-03",
                             f"rules.plugins=[{full}]", f"hydra.run.dir={out}"], cwd=ROOT,
                            capture_output=True, text=True, timeout=PATIENCE)
    assert result.returncode == 1, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"error: could not write the run's outputs to {out} ")
    assert "No space left on device" in line
    assert "Traceback" not in result.stdout + result.stderr
    assert {p.name for p in out.iterdir() if p.suffix != ".log"} == {".hydra"}
