"""Large worlds (issue 17): time per month and peak memory of 1M and 10M startups.

Each size runs in a fresh interpreter (``python -m benchmarks.large FIRMS END``), so that
its resident-set peak is its own and the memory of one size is not left to the next. In
that interpreter the world is built and run twice: once timed (``time.perf_counter``,
without tracing), once under ``tracemalloc`` for the peak traced memory (numpy arrays
included). Memory per startup is that peak divided by the firms; the part the firms'
monthly choice adds on top of what is held before it (its transient arrays) is reported
apart, since that is what chunking the buyers keeps flat.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

#: The sizes of the large rows (startups) and the horizon they run: the first three months.
LARGE_SIZES: tuple[int, ...] = (1_000_000, 10_000_000)
LARGE_END = "2023-03"


def _model(firms: int, end: str, chunk_rows: int | None = None):
    from benchmarks.suite import config_for
    from sim.model import AIMarket

    extra = () if chunk_rows is None else (f"engine_chunk_rows={chunk_rows}",)
    return AIMarket(config_for(firms, "default", "vector", end, extra))


def _run(firms: int, end: str, chunk_rows: int | None, traced: bool) -> dict:
    """Build and run once; with ``traced``, the traced peaks of the whole run and of the
    firms' choice above what was held when it started (bytes)."""
    from sim.model.results import release_model

    if traced:
        tracemalloc.start()
    t0 = time.perf_counter()
    model = _model(firms, end, chunk_rows)
    build = time.perf_counter() - t0
    months: list[float] = []
    cpu: list[float] = []
    choice: list[float] = []
    choice_peak = run_peak = 0
    buy = model.buy

    def timed_buy():
        nonlocal choice_peak, run_peak
        if traced:  # the peak so far is kept: reset_peak starts the choice's own
            held, peak = tracemalloc.get_traced_memory()
            run_peak = max(run_peak, peak)
            tracemalloc.reset_peak()
        start = time.perf_counter()
        out = buy()
        choice.append(time.perf_counter() - start)
        if traced:
            peak = tracemalloc.get_traced_memory()[1]
            run_peak = max(run_peak, peak)
            choice_peak = max(choice_peak, peak - held)
        return out

    model.buy = timed_buy
    while model.running:
        start, start_cpu = time.perf_counter(), time.process_time()
        model.step()
        months.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    out = {"build_s": build, "month_s": months, "cpu_s": cpu, "choice_s": choice}
    if traced:
        out["peak_bytes"] = max(run_peak, tracemalloc.get_traced_memory()[1])
        out["choice_peak_bytes"] = choice_peak
        tracemalloc.stop()
    release_model(model)
    return out


def measure_large(firms: int, end: str = LARGE_END, chunk_rows: int | None = None) -> dict:
    """One large-world row, in this interpreter: a timed run, then a traced one.

    Returns:
        ``firms`` (startups; the default world's 2,000 enterprises besides), ``months``,
        ``chunk_rows`` (None: the config's default), ``build_s`` (drawing the firms and
        building the model), ``first_month_s`` and ``first_month_cpu_s`` (wall and CPU
        seconds of the first month, when every firm chooses), ``later_month_s`` and
        ``later_month_cpu_s`` (mean seconds of the later months, when a firm reviews its
        provider with probability ``review_probability``), ``choice_s`` (mean seconds per
        month in the buyers' choices and market clearing), ``peak_mib`` (traced peak of
        build and run), ``choice_peak_mib`` (what the choice adds to what is held when it
        starts, at its peak), ``bytes_per_startup`` and ``choice_bytes_per_startup`` (the
        two per startup) and ``max_rss_mib`` (the interpreter's resident-set peak).
    """
    timed = _run(firms, end, chunk_rows, traced=False)
    traced = _run(firms, end, chunk_rows, traced=True)
    months = len(timed["month_s"])
    later = max(months - 1, 1)
    return {
        "case": f"{firms:,} startups", "firms": firms, "end": end, "months": months,
        "chunk_rows": chunk_rows, "build_s": timed["build_s"],
        "first_month_s": timed["month_s"][0], "first_month_cpu_s": timed["cpu_s"][0],
        "later_month_s": sum(timed["month_s"][1:]) / later,
        "later_month_cpu_s": sum(timed["cpu_s"][1:]) / later,
        "choice_s": sum(timed["choice_s"]) / months,
        "peak_mib": traced["peak_bytes"] / 2**20,
        "choice_peak_mib": traced["choice_peak_bytes"] / 2**20,
        "bytes_per_startup": traced["peak_bytes"] / firms,
        "choice_bytes_per_startup": traced["choice_peak_bytes"] / firms,
        "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10,
    }


def large_rows(sizes: tuple[int, ...] | None = None, end: str = LARGE_END) -> list[dict]:
    """The large rows (:data:`LARGE_SIZES` by default), each size in a fresh interpreter
    (see the module's docstring)."""
    rows = []
    sizes = LARGE_SIZES if sizes is None else sizes
    for firms in sizes:
        print(f"measuring {firms:,} startups to {end} (a fresh interpreter)...", flush=True)
        out = subprocess.run([sys.executable, "-m", "benchmarks.large", str(firms), end],
                             check=True, capture_output=True, text=True,
                             cwd=Path(__file__).resolve().parents[1]).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
    return rows


def large_table(rows: list[dict]) -> str:
    """The large rows as printed by ``make bench``: seconds wall (CPU) per month."""
    head = (f"{'case':<20} {'months':>6} {'build s':>8} {'1st month s':>15} "
            f"{'later months s':>15} {'peak MiB':>9} {'B/startup':>10} {'choice MiB':>11} "
            f"{'RSS MiB':>8}")
    lines = [head, "-" * len(head)]
    lines += [f"{r['case']:<20} {r['months']:>6} {r['build_s']:>8.1f} "
              f"{r['first_month_s']:>6.1f} ({r['first_month_cpu_s']:>5.1f}) "
              f"{r['later_month_s']:>6.2f} ({r['later_month_cpu_s']:>5.2f}) "
              f"{r['peak_mib']:>9.0f} {r['bytes_per_startup']:>10.0f} "
              f"{r['choice_peak_mib']:>11.0f} {r['max_rss_mib']:>8.0f}" for r in rows]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """``python -m benchmarks.large``: the large rows, printed and written to
    ``benchmarks/results/large.json``; ``python -m benchmarks.large FIRMS END [CHUNK]``:
    one row as JSON (what :func:`large_rows` runs in a fresh interpreter)."""
    if argv:
        chunk = int(argv[2]) if len(argv) > 2 else None
        print(json.dumps(measure_large(int(argv[0]), argv[1], chunk)))
        return 0
    rows = large_rows()
    out = Path(__file__).resolve().parent / "results" / "large.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(rows, indent=2) + "\n")
    print(large_table(rows))
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
