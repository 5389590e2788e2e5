"""The dashboard in a real browser: a server in a subprocess, Debian's Chromium.

No browser is ever downloaded: the tests drive ``/usr/bin/chromium`` (Debian's package,
which .ci/run installs) through Playwright, and skip when it is missing. The page's own
JavaScript and CSS come from Solara's asset cache, filled from the npm registry when the
CDN cannot be reached (:mod:`sim.dashboard.assets`).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Chromium flags for a headless run that touches no network but the page's server.
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
CDN_PROBE = "https://cdn.jsdelivr.net/npm/requirejs@2.3.6/package.json"


def chromium_path() -> str | None:
    """Debian's Chromium, if installed."""
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _cdn_reachable(timeout: float = 3.0) -> bool:
    try:
        with urllib.request.urlopen(CDN_PROBE, timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def skip_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if chromium_path() is None:
        return ("Debian's Chromium is not installed (apt-get install chromium); "
                "the dashboard's browser tests need /usr/bin/chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    from sim.dashboard import assets

    if assets.missing_packages():
        try:
            assets.ensure()
        except (RuntimeError, subprocess.TimeoutExpired, OSError) as err:
            if not _cdn_reachable():
                return (f"Solara's page assets are not cached and could not be fetched ({err}); "
                        "run python -m sim.dashboard.assets")
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppServer:
    """``python -m sim.app --port N [args]`` in a subprocess of its own, logging to a file."""

    def __init__(self, log_path: Path, port: int | None = None, *args: str) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log_path = log_path
        self._log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sim.app", "--port", str(self.port), "--host", "127.0.0.1",
             *args],
            cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_until_up(self, timeout: float = 120.0) -> float:
        """Wait until the page answers; return the seconds it took."""
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"the dashboard exited ({self.process.returncode}):\n"
                                   f"{self.log()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url, timeout=5) as response:
                    if response.status == 200:
                        return time.perf_counter() - start
            except OSError:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"the dashboard did not answer in {timeout} s:\n{self.log()[-3000:]}")

    def stop(self) -> None:
        """End the server (its own process group) and close the log."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        self._log.close()


def launch(playwright):
    """Debian's Chromium, headless, through Playwright."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
