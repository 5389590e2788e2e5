"""Large worlds (issue 17): the vector engine takes firms through their monthly choice
``engine_chunk_rows`` at a time, so the memory of the choice stays flat in the firms.

A segment of at most one chunk is taken whole (bit-identical to the engine before chunking:
tests/golden); a larger one equals the unchunked run up to the order of floating-point sums.
"""

from __future__ import annotations

import math
import tracemalloc

import numpy as np
import pytest

from sim import compose_config
from sim.config import ConfigError
from sim.config.budget import BYTES_PER_FIRM, estimate
from sim.core.chunks import CHUNK_ROWS, row_chunks
from sim.model import AIMarket
from sim.model.results import release_model
from sim.population import firms as firm_population


def _config(startups: int, chunk: int, *extra: str):
    return compose_config(["world=default", f"world.firms.startups.n={startups}",
                           "world.firms.enterprises.n=1200", f"engine_chunk_rows={chunk}",
                           "seed=3", *extra])


def test_row_chunks_cover_the_rows_once_and_a_small_segment_is_one_chunk():
    assert list(row_chunks(5, 10)) == [slice(0, 5)]
    assert list(row_chunks(10, 10)) == [slice(0, 10)]
    assert list(row_chunks(25, 10)) == [slice(0, 10), slice(10, 20), slice(20, 25)]
    assert list(row_chunks(0, 10)) == []
    with pytest.raises(ValueError, match="at least one row"):
        list(row_chunks(5, 0))


def test_every_shipped_world_has_segments_of_one_chunk():
    """So their tables are those of the engine before chunking (tests/golden)."""
    for world in ("small", "default", "calibrated"):
        cfg = compose_config([f"world={world}"])
        assert cfg.engine_chunk_rows == CHUNK_ROWS
        assert all(s.n <= CHUNK_ROWS for s in cfg.world.firms.values()), world


def _run(cfg):
    model = AIMarket(cfg)
    try:
        model.run()
        return (model.recorder.to_frame(),
                {s: f.current.copy() for s, f in model.firms.items()})
    finally:
        release_model(model)


def test_a_chunked_run_equals_the_unchunked_one_up_to_summation_order():
    """5,000 startups and 1,200 enterprises in chunks of 1,000 against one chunk each: the
    same providers, every series equal to 1e-12 relative."""
    chunked, providers = _run(_config(5000, 1000, "world.end=2023-06"))
    whole, providers_whole = _run(_config(5000, 5000, "world.end=2023-06"))
    for segment, current in providers.items():
        assert np.array_equal(current, providers_whole[segment]), segment
    assert chunked[["month", "metric", "entity", "segment"]].equals(
        whole[["month", "metric", "entity", "segment"]])
    np.testing.assert_allclose(chunked["value"].to_numpy(float), whole["value"].to_numpy(float),
                               rtol=1e-12, atol=0, equal_nan=True)


def test_the_choice_rule_and_its_check_run_once_per_chunk(monkeypatch):
    """In the first month every firm reviews: the rule's output is checked once per chunk
    of each segment (5 + 2 chunks of 1,000), not once per firm."""
    calls = []
    check = firm_population.checked_probabilities

    def counted(probabilities, problem, rule_name):
        calls.append(problem.utility.shape[0])
        return check(probabilities, problem, rule_name)

    monkeypatch.setattr(firm_population, "checked_probabilities", counted)
    model = AIMarket(_config(5000, 1000, "world.end=2023-02"))
    try:
        model.step()
    finally:
        release_model(model)
    assert calls == [1000] * 5 + [1000, 200]


def _choice_peak(startups: int, chunk: int) -> int:
    """Traced bytes the startups' first-month choice (every firm choosing) adds at its peak
    to what was held when it started."""
    model = AIMarket(_config(startups, chunk, "world.end=2023-02"))
    population = model.firms["startups"]
    choose = population.choose
    peaks = []

    def traced(month):
        held = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        out = choose(month)
        peaks.append(tracemalloc.get_traced_memory()[1] - held)
        return out

    population.choose = traced
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    try:
        model.step()
    finally:
        if not tracing:
            tracemalloc.stop()
        release_model(model)
    return peaks[0]


def test_the_choice_peak_memory_does_not_grow_with_the_firms_beyond_a_chunk():
    """A memory measurement, not a timing: four chunks of firms need about what one needs
    (the bound of 2x is generous: the chunk's arrays are the same, only the sums added)."""
    chunk = 4000
    one, four = _choice_peak(chunk, chunk), _choice_peak(4 * chunk, chunk)
    assert one > 0
    assert four < 2 * one, (one, four)
    # without chunks, four times the firms take about four times the memory
    assert _choice_peak(4 * chunk, 4 * chunk) > 3 * one


def test_a_bad_chunk_size_is_refused_with_field_value_and_range():
    with pytest.raises(ConfigError, match=r"^engine_chunk_rows = 0 is not allowed: must be "
                                          r"\[1, 1e\+08\] \(firms\)"):
        compose_config(["world=small", "engine_chunk_rows=0"])


def test_the_memory_estimate_counts_one_chunk_and_the_firms_state():
    cfg = compose_config(["world=small"])
    cfg.world.firms["startups"].n = 10_000_000
    cfg.engine_chunk_rows = 1000
    small_chunk, _ = estimate(cfg)
    cfg.engine_chunk_rows = 1_000_000
    large_chunk, _ = estimate(cfg)
    slots = 2 * len(cfg.world.vendors)
    assert math.isclose(large_chunk - small_chunk, 999_000 * slots * 8 * 12)
    assert small_chunk > 10_000_000 * BYTES_PER_FIRM
    assert small_chunk < 1.2 * 10_000_000 * BYTES_PER_FIRM
