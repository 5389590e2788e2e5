"""Running the ledger: every claim off and on, on every parameter draw and seed, resumable.

Each run is :func:`sim.experiment.evaluate` of one side's scenario with the draw's lever
values and then the side's settings (a side's value wins over the draw's), on one seed. A
claim's off and on runs of one draw and seed share the draw's values and the seed, hence
every random number the model draws (common random numbers, :mod:`sim.core.streams`):
their difference is the mechanism's effect on that world, not noise.

The runs are kept long in ``runs.csv`` (claim, digest, side, draw, seed, outcome, value),
saved atomically as they finish (:func:`sim.experiment.resume.save_runs`) at most every
``save_every`` seconds and when the ledger stops; run again in the same folder, the ledger
does only the (claim, side, draw, seed) runs the file lacks. ``spec.json`` records what
fixes the draws (:func:`sim.experiment.resume.claim_folder`), and each row the digest of
its claim's definition, so that a folder of another ledger is refused, not mixed in.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.claims.ledger import SIDES, Claim, Ledger
from sim.experiment.evaluate import build_config, evaluate
from sim.experiment.resume import RUNS_FILE, ResumeError, claim_folder, save_runs
from sim.experiment.uncertainty import sample_parameters

#: The columns of the long runs table.
RUN_COLUMNS: tuple[str, ...] = ("claim", "digest", "side", "draw", "seed", "outcome", "value")
#: What identifies one run.
KEY: tuple[str, ...] = ("claim", "side", "draw", "seed")

Job = tuple[int, str, str, int, int, str, dict[str, float], tuple[str, ...]]


def draws_of(ledger: Ledger, n: int) -> list[dict[str, float]]:
    """``n`` draws of the ledger's uncertain levers (a Latin hypercube over their boxes);
    ``n`` empty draws where the ledger names none."""
    if not ledger.draw_levers:
        return [{} for _ in range(n)]
    frame = sample_parameters(list(ledger.draw_levers), n, seed=ledger.draw_seed,
                              method=ledger.draw_method)
    return [{k: float(v) for k, v in row.items()} for row in frame.to_dict("records")]


def jobs_of(claims: Sequence[Claim], draws: Sequence[dict[str, float]],
            seeds: Sequence[int]) -> list[Job]:
    """Every run: for each claim, draw and seed, the off run next to the on run."""
    jobs = []
    for claim in claims:
        names = tuple(o.name for o in claim.outcomes)
        for d, values in enumerate(draws):
            for seed in seeds:
                for side in SIDES:
                    s = claim.side(side)
                    jobs.append((claim.id, claim.digest(), side, d, int(seed), s.scenario,
                                 {**values, **s.set}, names))
    return jobs


def run_job(job: Job, world: str, overrides: tuple[str, ...]) -> list[dict[str, Any]]:
    """The long rows of one run (module level, so that joblib's workers can pickle it)."""
    cid, digest, side, draw, seed, scenario, params, names = job
    values = evaluate(params, seed, world, scenario, names, overrides)
    return [{"claim": cid, "digest": digest, "side": side, "draw": draw, "seed": seed,
             "outcome": name, "value": values[name]} for name in names]


def check_jobs(claims: Sequence[Claim], draws: Sequence[dict[str, float]], world: str,
               overrides: tuple[str, ...]) -> None:
    """Build each claim's two configs on the first draw before any run: a lever that a
    scenario cannot take, or a value validation refuses, fails here."""
    for claim in claims:
        for side in SIDES:
            s = claim.side(side)
            build_config({**(draws[0] if draws else {}), **s.set}, 0, world, s.scenario,
                         overrides)


def load(folder: Path) -> pd.DataFrame:
    path = folder / RUNS_FILE
    if not path.exists():
        return pd.DataFrame(columns=list(RUN_COLUMNS))
    runs = pd.read_csv(path, dtype={"digest": str})
    missing = [c for c in RUN_COLUMNS if c not in runs]
    if missing:
        raise ResumeError(f"{path}: no column {', '.join(missing)}; not a claims ledger's "
                          "runs; choose another folder (--out)")
    return runs


def _check_digests(saved: pd.DataFrame, claims: Sequence[Claim], path: Path) -> None:
    for claim in claims:
        found = set(saved.loc[saved.claim == claim.id, "digest"])
        if found - {claim.digest()}:
            raise ResumeError(f"{path}: claim {claim.id}'s runs are of another definition of "
                              f"it (the ledger changed); choose another folder (--out)")


def _execute(jobs: list[Job], n_jobs: int, world: str,
             overrides: tuple[str, ...]) -> Iterator[list[dict[str, Any]]]:
    if n_jobs == 1:
        for job in jobs:
            yield run_job(job, world, overrides)
        return
    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    yield from parallel(delayed(run_job)(job, world, overrides) for job in jobs)


def run_ledger(ledger: Ledger, claims: Sequence[Claim], n_draws: int, seeds: Sequence[int],
               folder: str | Path, world: str = "default", overrides: Sequence[str] = (),
               n_jobs: int = 1, progress: bool = True, save_every: float = 5.0
               ) -> pd.DataFrame:
    """Run (or resume) the claims off and on over ``n_draws`` draws and ``seeds``, keeping
    the long runs in ``folder/runs.csv``; return the rows of these claims, draws and seeds.

    Raises:
        ResumeError: the folder holds another ledger's runs (other draws, world, horizon or
            claim definitions).
        LeverError, ConfigError: a side the model refuses (checked before any run).
    """
    from tqdm.auto import tqdm

    folder = Path(folder)
    overrides = tuple(overrides)
    draws = draws_of(ledger, n_draws)
    check_jobs(claims, draws, world, overrides)  # before the folder is claimed
    claim_folder({"world": world, "overrides": list(overrides), "draws": n_draws,
                  "draw_levers": list(ledger.draw_levers), "draw_seed": ledger.draw_seed,
                  "draw_method": ledger.draw_method}, folder, "claims ledger")
    saved = load(folder)
    _check_digests(saved, claims, folder / RUNS_FILE)
    done = set(saved[list(KEY)].itertuples(index=False, name=None))
    every = jobs_of(claims, draws, seeds)
    todo = [j for j in every if (j[0], j[2], j[3], j[4]) not in done]
    rows: list[dict[str, Any]] = []

    def table() -> pd.DataFrame:
        both = pd.concat([saved, pd.DataFrame(rows, columns=list(RUN_COLUMNS))],
                         ignore_index=True) if rows else saved
        both = both.astype({"claim": "int64", "digest": str, "side": str, "draw": "int64",
                            "seed": "int64", "outcome": str, "value": "float64"})
        return both.sort_values(["claim", "draw", "seed", "side", "outcome"], kind="stable",
                                ignore_index=True)

    last = time.monotonic()
    bar = tqdm(total=len(every), initial=len(every) - len(todo), disable=not progress,
               desc="claims", unit="run")
    try:
        for result in _execute(todo, n_jobs, world, overrides):
            rows.extend(result)
            bar.update()
            if time.monotonic() - last >= save_every:
                save_runs(table(), folder / RUNS_FILE)
                last = time.monotonic()
    finally:
        bar.close()
        if rows or not (folder / RUNS_FILE).exists():
            save_runs(table(), folder / RUNS_FILE)
    runs = table()
    keep = (runs.claim.isin([c.id for c in claims]) & (runs.draw < n_draws)
            & runs.seed.isin([int(s) for s in seeds]))
    return runs.loc[keep].reset_index(drop=True)


def spec_of(folder: str | Path) -> dict[str, Any]:
    """The settings a ledger's folder records (``spec.json``)."""
    import json

    from sim.experiment.resume import SPEC_FILE

    return json.loads((Path(folder) / SPEC_FILE).read_text(encoding="utf-8"))
