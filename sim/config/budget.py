"""A rough memory and time estimate, to refuse a world that cannot run on this machine.

The vector engine holds each firm's state (:data:`BYTES_PER_FIRM`), and, for the firms of
one chunk (``engine_chunk_rows``; a whole segment when it is smaller), arrays of firms x
slots (each vendor's API and its self-hosted weights: 2 slots per vendor) of 8-byte floats:
utilities, availability, prices, probabilities and their temporaries, about :data:`ARRAYS`
of them at once; the agent engine is counted with every firm in the arrays, as before
chunking. Refusing before the model is built beats a machine that swaps for an hour and
then kills the run.
"""

from __future__ import annotations

import os
from pathlib import Path

from sim.config.errors import ConfigError
from sim.config.schema import Config
from sim.core.calendar import parse_month

#: Float arrays of firms x slots alive at once in a month's choice (measured peak, rounded up).
ARRAYS = 12
#: Bytes of a firm's state: eight arrays of 8-byte numbers and a flag, and the month's two
#: uniforms (81 bytes; 85 measured with the build's temporaries, rounded up).
BYTES_PER_FIRM = 96
#: Seconds per firm, slot and month: 12 ns measured for the vector engine on a 2-core
#: machine, doubled for margin; the agent engine (one Mesa step per buyer) is ~50x slower.
SECONDS_PER_CELL = {"vector": 2e-8, "agent": 1e-6}
#: The longest run that is started: past it, split the run (a shorter horizon, fewer firms
#: whose weight stands for more) or use the vector engine.
MAX_HOURS = 24.0


def available_memory() -> int | None:
    """Bytes of memory available to a new process (Linux), or None where unknown."""
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def estimate(cfg: Config) -> tuple[float, float]:
    """(bytes, seconds) a run of ``cfg`` needs, roughly: the firms' state and one chunk of
    firms x slots (:func:`chunk_firms`) in memory, firms x slots x months in time."""
    w = cfg.world
    slots = 2 * len(w.vendors)
    firms = sum(f.n for f in w.firms.values()) + w.pricing.panel_size * len(w.firms)
    months = parse_month(w.end) - parse_month(w.start) + 1
    memory = firms * BYTES_PER_FIRM + chunk_firms(cfg) * slots * 8 * ARRAYS
    seconds = firms * slots * months * SECONDS_PER_CELL[cfg.engine]
    return memory, seconds


def chunk_firms(cfg: Config) -> int:
    """Firms counted with arrays of firms x slots alive at once, the pricing panel's
    included: in the vector engine the largest segment's chunk (its firms, at most
    ``engine_chunk_rows``; segments choose one after the other); in the agent engine every
    firm, as before chunking."""
    sizes = [f.n for f in cfg.world.firms.values()]
    if cfg.engine == "vector":
        chunk = min(max(sizes, default=0), cfg.engine_chunk_rows)
    else:
        chunk = sum(sizes)
    return chunk + cfg.world.pricing.panel_size * len(sizes)


def check_budget(cfg: Config, memory: int | None = None) -> None:
    """Refuse a world whose estimate exceeds the available memory or :data:`MAX_HOURS`."""
    need, seconds = estimate(cfg)
    have = available_memory() if memory is None else memory
    firms = {s: f.n for s, f in cfg.world.firms.items()}
    if have is not None and need > have:
        raise ConfigError("world.firms", firms,
                          f"a world that fits in memory: about {need / 2**30:.1f} GiB needed "
                          f"({BYTES_PER_FIRM} bytes per firm and {chunk_firms(cfg):,} firms "
                          f"x {2 * len(cfg.world.vendors)} slots x 8 bytes x {ARRAYS}), "
                          f"{have / 2**30:.1f} GiB available")
    if seconds > MAX_HOURS * 3600:
        raise ConfigError("world.firms", firms,
                          f"a run shorter than {MAX_HOURS:g} hours: about {seconds / 3600:.0f} "
                          f"hours estimated with engine={cfg.engine} (fewer firms, a shorter "
                          "horizon, or the vector engine)")
