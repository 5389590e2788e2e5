"""Shared fixtures: composed configs and small-world runs, cached per session."""

from __future__ import annotations

import functools

import pytest

from sim import compose_config, run


@functools.cache
def cached_run(*overrides: str):
    """A small-world run for these overrides, made once per test session."""
    return run(compose_config(["world=small", *overrides]))


@pytest.fixture(scope="session")
def baseline():
    return cached_run()


def small_config(*overrides: str):
    """A validated small-world config."""
    return compose_config(["world=small", *overrides])


def assert_engines_agree(*overrides: str) -> None:
    """Both engines (vector and per-agent) give the same small-world table, series by series,
    NaN where the other has NaN and values equal to 1e-9."""
    import numpy as np

    vector = run(small_config(*overrides)).table
    agents = run(small_config(*overrides, "engine=agent")).table
    assert list(vector.metric) == list(agents.metric)
    a, b = vector["value"].to_numpy(), agents["value"].to_numpy()
    assert np.array_equal(np.isnan(a), np.isnan(b))
    ok = ~np.isnan(a)
    assert np.allclose(a[ok], b[ok], rtol=1e-9, atol=1e-9)


def write_finished_run(folder, overrides: list[str], scenario: str, seed: int, value: float,
                       date: str) -> None:
    """A finished run folder by hand, as a sweep leaves it: its overrides, summary, a table
    whose one series (China's share of startup tokens) is 0 in 2026-11 and ``value`` at
    ``date``, no events, and ``DONE``."""
    import json

    import pandas as pd
    import yaml

    (folder / ".hydra").mkdir(parents=True)
    (folder / ".hydra" / "overrides.yaml").write_text(yaml.safe_dump(overrides))
    (folder / "summary.json").write_text(json.dumps({"scenario": scenario, "seed": seed}))
    table = pd.DataFrame({
        "month": ["2026-11", date], "metric": "token_share_bloc", "entity": "CN",
        "segment": "startups", "value": [0.0, value], "unit": "share"})
    table.to_parquet(folder / "timeseries.parquet", index=False)
    (folder / "events.csv").write_text("month,kind,vendor,bloc,label\n")
    (folder / "DONE").write_text("finished\n")
