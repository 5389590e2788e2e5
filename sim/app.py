"""The interactive dashboard: ``python -m sim.app`` (or ``make app``) serves it on
http://localhost:8765 (``--port``, ``--host``); ``solara run sim/app.py`` serves it too.

The page is Mesa's SolaraViz around :class:`sim.dashboard.model.DashboardModel`: pick a
world and a scenario, set the levers (export limits, a Chinese price cut, an open-weight
release, privacy concern, subsidies, the seed, each decision's rule), press Reset to
build the model, then Step or ▶; the report's own figures are redrawn every month. See
docs/dashboard.md.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

# Solara reports usage to its authors unless told not to; a research tool should not.
os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")

from solara.server import settings as _solara_settings

from sim.dashboard.page import Page  # solara serves the module's Page

# under `solara run sim/app.py` the settings were read before this module
if os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"].lower() in ("0", "false", "no"):
    _solara_settings.telemetry.mixpanel_enable = False

__all__ = ["Page", "main"]

DEFAULT_PORT = 8765
#: A session whose browser has gone is closed after this long (a reload within it keeps
#: the run): long enough for a flaky connection, short enough that a class's abandoned
#: sessions stop computing.
CULL_TIMEOUT = "20s"


def main(argv: list[str] | None = None) -> None:
    """Start the Solara server on the dashboard (blocks until interrupted)."""
    parser = argparse.ArgumentParser(
        prog="python -m sim.app",
        description="Serve the AI-market dashboard (Mesa's SolaraViz) on http://HOST:PORT.")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port to serve on (default {DEFAULT_PORT}; 0: any free port)")
    parser.add_argument("--host", default="localhost", help="host to listen on (default localhost)")
    parser.add_argument("--open", action="store_true", help="open the page in a browser")
    parser.add_argument("--auto-restart", action="store_true",
                        help="restart the server when the code changes (for development)")
    parser.add_argument("--cull-timeout", default=CULL_TIMEOUT,
                        help="how long a session whose browser has gone is kept before its "
                             f"model is closed (default {CULL_TIMEOUT}; Solara's own is 24h)")
    parser.add_argument("--fetch-assets", action="store_true",
                        help="first fetch Solara's page assets from the npm registry (for a "
                             "machine that cannot reach its CDN; see sim.dashboard.assets)")
    args = parser.parse_args(argv)
    from solara.__main__ import cli

    from sim.dashboard import assets

    if args.fetch_assets:
        assets.main()
    elif assets.missing_packages():
        print("Note: Solara fetches the page's scripts from cdn.jsdelivr.net on first use; "
              "if the page stays blank, run python -m sim.app --fetch-assets", flush=True)

    # the page's own messages (a session closed, a scenario saved) in the server's log
    logging.basicConfig(format="%(asctime)s %(name)s: %(message)s")
    logging.getLogger("sim.dashboard").setLevel(logging.INFO)
    os.environ["SOLARA_KERNEL_CULL_TIMEOUT"] = args.cull_timeout
    _solara_settings.kernel.cull_timeout = args.cull_timeout
    solara_args = ["run", "sim.app", "--port", str(args.port), "--host", args.host,
                   "--no-check-version", "--open" if args.open else "--no-open",
                   "--auto-restart" if args.auto_restart else "--production"]
    cli.main(args=solara_args, prog_name="solara")


# `solara run sim/app.py` executes this file as __main__ too, with SOLARA_APP set
if __name__ == "__main__" and "SOLARA_APP" not in os.environ:
    sys.exit(main())
