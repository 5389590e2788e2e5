"""The benchmark suite: wall time, agent-steps per second and peak memory of model runs.

Timing uses ``time.perf_counter`` (median of repeated runs after a warm-up); memory is
the peak traced by ``tracemalloc`` during one extra run (numpy arrays included). The
numbers are measurements to read, never assertions: tests run this code on tiny sizes
only so that it cannot rot.
"""

from __future__ import annotations

import contextlib
import cProfile
import io
import json
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from sim import compose_config
from sim.core.calendar import parse_month
from sim.model import AIMarket
from sim.model.results import release_model


@dataclass
class Measurement:
    """One benchmark row."""

    case: str  #: what was run
    engine: str  #: vector, agent (the live per-agent engine) or reference (the frozen one)
    firms: int  #: startups and enterprises
    nations: int
    months: int
    median_s: float  #: median wall time of the model run (set-up and tables excluded)
    min_s: float
    repeats: int
    agent_steps_per_s: float  #: (firms + nations) * months / median time
    peak_mib: float  #: peak traced memory of one run
    build_s: float  #: building the model (drawing the firms, reading data)
    table_s: float  #: turning the records into the tidy table
    record_share: float  #: share of the run spent recording outputs
    buy_s: float  #: median time in buyers' choices and market clearing
    buyer_steps_per_s: float  #: (firms + nations) * months / buy_s


def config_for(firms: int | None, world: str = "default", engine: str = "vector",
               end: str | None = None, extra: tuple[str, ...] = ()):
    overrides = [f"world={world}", f"engine={engine}", *extra]
    if firms is not None:
        overrides.append(f"world.firms.startups.n={firms}")
    if end is not None:
        overrides.append(f"world.end={end}")
    return compose_config(overrides)


def _one_run(cfg, record: bool = True) -> tuple[float, float, float, float, float]:
    """Build, run and tabulate once; returns (build, run, record, table, buy) seconds,
    ``buy`` being the time in the buyers' choices and market clearing (the part the two
    engines implement differently)."""
    t0 = time.perf_counter()
    model = AIMarket(cfg)
    t1 = time.perf_counter()
    recording = buying = 0.0
    buy = model.buy

    def timed_buy():
        nonlocal buying
        start = time.perf_counter()
        out = buy()
        buying += time.perf_counter() - start
        return out

    model.buy = timed_buy
    collect = model.recorder.collect
    if record:
        def timed_collect(m):
            nonlocal recording
            start = time.perf_counter()
            collect(m)
            recording += time.perf_counter() - start
        model.recorder.collect = timed_collect
    else:
        model.recorder.collect = lambda m: None
    try:
        model.run()
        t2 = time.perf_counter()
        model.recorder.to_frame()
        t3 = time.perf_counter()
    finally:
        release_model(model)
    return t1 - t0, t2 - t1, recording, t3 - t2, buying


def measure(case: str, cfg, repeats: int = 5, engine: str | None = None,
            within: Callable[[], contextlib.AbstractContextManager] = contextlib.nullcontext,
            ) -> Measurement:
    """Median of ``repeats`` runs after one warm-up, and the peak memory of one more.

    ``within`` makes the context every run is built and run in (e.g.
    :func:`benchmarks.reference_agents.reference_firms`), and ``engine`` names the row's
    engine when it is not the config's."""
    with within():
        _one_run(cfg)  # warm-up: imports, caches, first-touch allocations
        runs = [_one_run(cfg) for _ in range(repeats)]
        tracemalloc.start()
        _one_run(cfg)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    median = statistics.median(r[1] for r in runs)
    firms = sum(s.n for s in cfg.world.firms.values())
    from sim.data import load_countries

    nations = len(load_countries(cfg.world.nations.countries_file, cfg.world.nations.include))
    months = parse_month(cfg.world.end) - parse_month(cfg.world.start) + 1
    return Measurement(
        case=case, engine=engine or cfg.engine, firms=firms, nations=nations, months=months,
        median_s=median, min_s=min(r[1] for r in runs), repeats=repeats,
        agent_steps_per_s=(firms + nations) * months / median, peak_mib=peak / 2**20,
        build_s=statistics.median(r[0] for r in runs),
        table_s=statistics.median(r[3] for r in runs),
        record_share=statistics.median(r[2] / r[1] for r in runs),
        buy_s=statistics.median(r[4] for r in runs),
        buyer_steps_per_s=(firms + nations) * months / statistics.median(r[4] for r in runs),
    )


@dataclass
class ModelTime:
    """CPU and wall time of the model run of one world (building and tables excluded)."""

    world: str  #: the world config (small, default)
    months: int
    repeats: int
    cpu_s: float  #: median ``time.process_time`` of the run
    wall_s: float  #: median ``time.perf_counter`` of the run
    min_cpu_s: float
    min_wall_s: float


def model_time(world: str, repeats: int = 3, end: str | None = None) -> ModelTime:
    """Median CPU and wall time of ``AIMarket(cfg).run()`` for ``world``, after a warm-up.

    CPU time is reported beside wall time because the development machine has two cores
    that other work shares: CPU time moves less with the load."""
    cfg = config_for(None, world, "vector", end)
    cpu, wall = [], []
    for i in range(repeats + 1):
        model = AIMarket(cfg)
        c0, w0 = time.process_time(), time.perf_counter()
        model.run()
        c1, w1 = time.process_time(), time.perf_counter()
        release_model(model)
        if i:  # the first run is the warm-up
            cpu.append(c1 - c0)
            wall.append(w1 - w0)
    months = parse_month(cfg.world.end) - parse_month(cfg.world.start) + 1
    return ModelTime(world=world, months=months, repeats=repeats,
                     cpu_s=statistics.median(cpu), wall_s=statistics.median(wall),
                     min_cpu_s=min(cpu), min_wall_s=min(wall))


#: run in a fresh interpreter: CPU and wall seconds of ``statement``, printed as two numbers
_TIMED_IMPORT = ("import time; c, w = time.process_time(), time.perf_counter(); {}; "
                 "print(time.process_time() - c, time.perf_counter() - w)")


def import_time(statement: str = "import sim", repeats: int = 5) -> dict:
    """Median CPU and wall seconds of ``statement`` in fresh interpreters (``import sim``,
    or the public names: ``from sim import run``), interpreter start-up excluded."""
    cpu, wall = [], []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", _TIMED_IMPORT.format(statement)],
                             check=True, capture_output=True, text=True,
                             cwd=Path(__file__).resolve().parents[1]).stdout.split()
        cpu.append(float(out[0]))
        wall.append(float(out[1]))
    return {"statement": statement, "repeats": repeats, "cpu_s": statistics.median(cpu),
            "wall_s": statistics.median(wall)}


def profile(cfg, out: Path, top: int = 25) -> str:
    """cProfile of one run: the top functions by cumulative and own time, saved to ``out``."""
    model = AIMarket(cfg)
    profiler = cProfile.Profile()
    profiler.enable()
    model.run()
    profiler.disable()
    release_model(model)
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    out.parent.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(out.with_suffix(".prof"))
    out.write_text(stream.getvalue())
    return stream.getvalue()


def as_dict(m: Measurement | ModelTime) -> dict:
    return asdict(m)


#: The target of issue 16: a run's tables, figures and report take at most the model's time.
OUTPUTS_TO_MODEL_TARGET = 1.0


def run_split(world: str = "default", end: str | None = None) -> dict:
    """Where one command-line run's time goes: ``python -m sim world=<world>`` in a fresh
    interpreter, as a user runs it, and the split its ``manifest.json`` records (model,
    tables, figures, report; :mod:`sim.tools.cli`).

    Returns:
        ``world``, the seconds of each part and their ``total``, ``outputs_s`` (tables,
        figures and report), ``outputs_to_model`` (their ratio to the model's time),
        ``target`` and ``met``, and ``wall_s`` (the whole command, start-up included).
    """
    overrides = [f"world={world}", "output.progress=false"]
    if end is not None:
        overrides.append(f"world.end={end}")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run"
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sim", *overrides, f"hydra.run.dir={out}"],
                       check=True, capture_output=True, cwd=Path(__file__).resolve().parents[1])
        wall = time.perf_counter() - start
        seconds = json.loads((out / "manifest.json").read_text())["seconds"]
    outputs = sum(seconds.get(part, 0.0) for part in ("tables", "figures", "report"))
    ratio = outputs / seconds["model"]
    return {"world": world, "end": end, **{f"{k}_s": v for k, v in seconds.items()},
            "outputs_s": outputs, "outputs_to_model": ratio,
            "target": OUTPUTS_TO_MODEL_TARGET, "met": ratio <= OUTPUTS_TO_MODEL_TARGET,
            "wall_s": wall}


def split_line(split: dict) -> str:
    """The run split as printed by ``make bench``."""
    return (f"{split['world']} world, one run of python -m sim: model {split['model_s']:.2f} s; "
            f"tables {split['tables_s']:.2f} s, figures {split['figures_s']:.2f} s, report "
            f"{split['report_s']:.2f} s = {split['outputs_s']:.2f} s, "
            f"{split['outputs_to_model']:.2f}x the model (target: at most "
            f"{split['target']:.0f}x: {'met' if split['met'] else 'not met'}); whole command "
            f"{split['wall_s']:.1f} s")



#: The target of issue 16: a dashboard figure redraws in under half a second (small world).
REDRAW_TARGET_S = 0.5


def dashboard_redraw(months: int = 36, repeats: int = 3) -> dict:
    """How long the dashboard takes to redraw each of its figures after ``months`` months of
    the small world (the page's own :func:`sim.dashboard.figures.draw_png`, at its
    resolution, from the model's tables), the median of ``repeats`` draws each.

    Returns:
        ``months``, ``seconds`` by figure (wall), ``cpu_seconds`` by figure (this
        process's CPU time: it moves less than wall time on a machine others share), the
        slowest (``max_s``, wall), ``target`` and ``met``.
    """
    import statistics

    from sim.dashboard.figures import FIGURE_KEYS, draw_png, snapshot
    from sim.dashboard.model import DashboardModel
    from sim.model.results import release_model

    model = DashboardModel(world="small")
    try:
        for _ in range(months):
            model.step()
        snap = snapshot(model)
        seconds, cpu_seconds = {}, {}
        for key in FIGURE_KEYS:
            wall, cpu = [], []
            for _ in range(repeats):
                start = time.process_time()
                wall.append(draw_png(model, key, snap=snap).seconds)
                cpu.append(time.process_time() - start)
            seconds[key], cpu_seconds[key] = statistics.median(wall), statistics.median(cpu)
    finally:
        release_model(model)
    slowest = max(seconds.values())
    return {"months": months, "seconds": seconds, "cpu_seconds": cpu_seconds,
            "max_s": slowest, "target": REDRAW_TARGET_S, "met": slowest <= REDRAW_TARGET_S}


def redraw_line(redraw: dict) -> str:
    """The dashboard's redraw times as printed by ``make bench``."""
    parts = ", ".join(f"{k} {v:.2f}" for k, v in redraw["seconds"].items())
    cpu = max(redraw.get("cpu_seconds", {}).values(), default=float("nan"))
    return (f"dashboard redraw after {redraw['months']} months of the small world (s): {parts}; "
            f"slowest in CPU time {cpu:.2f} s; "
            f"slowest {redraw['max_s']:.2f} s (target: under {redraw['target']:.1f} s: "
            f"{'met' if redraw['met'] else 'not met'})")


# -- batched sweeps (issue #17) --------------------------------------------------------------

#: How a sweep's jobs are made, as the overrides of each: Hydra's basic sweeper (every job
#: composed in the parent, then again in its worker), this package's (each distinct config
#: composed once in the parent), and several runs per job (``hydra.sweeper.batch``).
SWEEPERS: dict[str, tuple[str, ...]] = {"basic": ("hydra/sweeper=basic",), "sim": ()}
_STAMP = re.compile(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})\]")


def _sweep(args: list[str], folder: Path) -> tuple[float, str]:
    """Run ``python -m sim -m ARGS`` into ``folder``; its wall time and its output."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "sim", "-m", *args,
                           f"hydra.sweep.dir={folder}"], check=True, capture_output=True,
                          text=True, cwd=Path(__file__).resolve().parents[1])
    return time.perf_counter() - start, done.stdout + done.stderr


def _stamp(log: str, text: str) -> float:
    """The time of the first log line holding ``text`` (seconds since the epoch)."""
    from datetime import datetime

    for line in log.splitlines():
        match = _STAMP.match(line)
        if match and text in line:
            return datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
    raise ValueError(f"no log line with {text!r}")


def sweep_overhead(runs: int = 8, batch: int = 8, end: str = "2023-06") -> dict:
    """What a sweep's jobs cost beside their runs, per run, on the basic launcher (one
    process, so the times add up): the parent's validation of the jobs' configs, and the
    rest of the launch (a job's composition and set-up, its config files) once the runs'
    own time (model and tables, ``finished - started`` of their manifests) is taken out.
    For Hydra's basic sweeper, this package's (one run per job) and ``batch`` runs per job,
    on short small-world runs (``world.end``)."""
    quick = ["world=small", f"world.end={end}", f"seed=range({runs})", "output.plots=false",
             "output.report=false", "output.progress=false", "output.gather=headline",
             "hydra.verbose=[hydra._internal.core_plugins.basic_sweeper,sim.tools.batch]"]
    modes = {"basic": [*SWEEPERS["basic"]], "sim": [],
             f"sim, batch {batch}": [f"hydra.sweeper.batch={batch}"]}
    out = {}
    for name, extra in modes.items():
        with tempfile.TemporaryDirectory() as tmp:
            wall, log = _sweep([*quick, *extra], Path(tmp) / "sweep")
            found = re.search(r"[Vv]alidated (?:configs of )?\d+ jobs.* in ([\d.]+) s", log)
            launch = _stamp(log, "gathering") - _stamp(log, "Launching")
            own = 0.0
            for path in Path(tmp).rglob("manifest.json"):
                manifest = json.loads(path.read_text())
                own += (datetime_of(manifest["finished"]) - datetime_of(manifest["started"]))
        validation = float(found.group(1)) if found else float("nan")
        out[name] = {"runs": runs, "wall_s": wall, "validation_s_per_run": validation / runs,
                     "launch_overhead_s_per_run": (launch - own) / runs,
                     "run_s_per_run": own / runs,
                     "overhead_s_per_run": (validation + launch - own) / runs}
    return out


def datetime_of(text: str) -> float:
    """An ISO time of a manifest, in seconds since the epoch."""
    from datetime import datetime

    return datetime.fromisoformat(text).timestamp()


def batched_sweep_timing(runs: int = 16, jobs: int = 2, batch: int = 4,
                         sweeper: str = "sim") -> dict:
    """Wall time of joblib sweeps of whole small-world runs with ``batch`` runs per job
    (``hydra.sweeper.batch``; 1: a job per run), start-up and gathering included, at two
    sizes (``runs`` and half of it, at least a job of ``batch`` per worker), which
    separates the fixed cost from the cost per run and projects 1,000 runs: as
    ``benchmarks.__main__.sweep_timing`` does for one run per job."""
    few = max(jobs * batch, runs // 2)
    if few >= runs:
        raise ValueError(f"{runs} runs: more than {few} are needed to tell the cost per run")
    args = ["world=small", "hydra/launcher=joblib", f"hydra.launcher.n_jobs={jobs}",
            "output.progress=false", *SWEEPERS[sweeper]]
    if sweeper != "basic":  # Hydra's basic sweeper has no batch
        args.append(f"hydra.sweeper.batch={batch}")
    walls = []
    for n in (few, runs):
        with tempfile.TemporaryDirectory() as tmp:
            walls.append(_sweep([*args, f"seed=range({n})"], Path(tmp) / "sweep")[0])
    per_run = (walls[1] - walls[0]) / (runs - few)
    fixed = walls[1] - per_run * runs
    return {"runs": runs, "jobs": jobs, "batch": batch, "sweeper": sweeper,
            "wall_s": walls[1], "runs_few": few, "wall_few_s": walls[0], "per_run_s": per_run,
            "fixed_s": fixed, "projected_1000_runs_min": (fixed + per_run * 1000) / 60}


def batched_line(timing: dict) -> str:
    """A batched sweep's timing as printed by ``make bench``."""
    t = timing
    return (f"joblib sweep, {t['batch']} runs per job ({t['sweeper']} sweeper): {t['runs']} "
            f"runs in {t['wall_s']:.1f} s on {t['jobs']} jobs ({t['per_run_s']:.2f} s per "
            f"run, {t['fixed_s']:.1f} s fixed), projected "
            f"{t['projected_1000_runs_min']:.1f} min for 1,000 runs")


def overhead_line(overhead: dict) -> str:
    """The per-run overhead of each sweeper as printed by ``make bench``."""
    parts = [f"{name}: {o['overhead_s_per_run']:.2f} s (validation "
             f"{o['validation_s_per_run']:.2f}, launch {o['launch_overhead_s_per_run']:.2f})"
             for name, o in overhead.items()]
    return "sweep overhead per run beside the run itself: " + "; ".join(parts)
