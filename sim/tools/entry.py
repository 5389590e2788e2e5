"""What ``python -m sim`` does before Hydra starts: its own flags and a pre-flight check.

- ``--help`` / ``-h``: the project's page (:mod:`sim.tools.help`) instead of Hydra's stock
  one; ``--hydra-help`` still gives Hydra's.
- ``--describe PATH [OVERRIDE ...]``: one parameter (:mod:`sim.tools.describe`).
- ``--show [OVERRIDE ...]``: the composed config without null event fields
  (:mod:`sim.tools.show`).
- ``hydra/launcher=slurm`` (or ``submitit_slurm``) on a machine without ``sbatch``: refused
  at once, where submitit would wait two minutes before failing.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Sequence

from sim.config import SCENARIOS_DIR, ConfigError
from sim.config.yaml_files import check_config_dirs, searchpath_dirs
from sim.rules import RuleError

SLURM_LAUNCHERS = ("slurm", "submitit_slurm")
USAGE_DESCRIBE = "usage: python -m sim --describe PATH [OVERRIDE ...]"


def _overrides(args: Sequence[str]) -> list[str]:
    """The Hydra overrides among ``args`` (not flags)."""
    return [a for a in args if not a.startswith("-")]


def slurm_missing(args: Sequence[str]) -> str | None:
    """The refusal for a SLURM launcher without ``sbatch`` on PATH, or None."""
    for arg in args:
        key, _, value = arg.partition("=")
        if (key.lstrip("+~") == "hydra/launcher" and value in SLURM_LAUNCHERS
                and shutil.which("sbatch") is None):
            return (f"error: {arg} needs SLURM, but sbatch is not on PATH: run this on "
                    "the cluster's login node, or use hydra/launcher=submitit_local "
                    "(same path, this machine) or hydra/launcher=joblib")
    return None


def _dispatch(args: list[str]) -> int | None:
    if "--help" in args or "-h" in args:
        from sim.tools.help import help_text

        print(help_text(_overrides(args)))
        return 0
    if args and args[0] == "--describe":
        if len(args) < 2 or args[1].startswith("-"):
            print(USAGE_DESCRIBE, file=sys.stderr)
            return 2
        from sim.tools.describe import describe

        text, status = describe(args[1], _overrides(args[2:]))
        print(text, file=sys.stderr if status else sys.stdout)
        return status
    if args and args[0] == "--show":
        from sim.tools.show import show

        print(show(_overrides(args[1:])), end="")
        return 0
    refusal = slurm_missing(args)
    if refusal:
        print(refusal, file=sys.stderr)
        return 2
    # malformed YAML would otherwise reach the terminal as a traceback from inside Hydra
    check_config_dirs([SCENARIOS_DIR, *searchpath_dirs(_overrides(args))])
    return None


def preflight(argv: Sequence[str]) -> int | None:
    """Handle ``argv`` (without the program name) if it is ours: return the exit status.
    None means: hand the command line to Hydra."""
    args = list(argv)
    if "--hydra-help" in args:
        return None
    try:
        return _dispatch(args)
    except BrokenPipeError:  # `python -m sim --help | head`: the reader has all it wanted
        sys.stderr.close()
        return 0
    except (ConfigError, RuleError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except Exception as err:  # Hydra's override and composition errors have no common base
        if type(err).__module__.startswith(("hydra", "omegaconf")):
            print(f"error: {err}", file=sys.stderr)
            return 2
        raise
