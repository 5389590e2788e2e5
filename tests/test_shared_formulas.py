"""Both engines compute each buyer formula with the one function in sim.market.

For every formula, the function is replaced by a changed one (its output scaled, or a
parameter moved); a short run must then change in the vectorized engine AND in the
per-agent engine, and the two engines must still agree with each other. The agreement is
what proves that the per-agent buyers' own steps use the function: if one engine kept a
private copy of the formula, the patched runs would part ways.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from conftest import small_config

from sim import run
from sim.market import buyers, diffusion

SHORT = ("world.end=2023-06", "world.firms.startups.n=60", "world.firms.enterprises.n=30")


def values(engine: str) -> np.ndarray:
    return run(small_config(*SHORT, f"engine={engine}")).table["value"].to_numpy()


@functools.cache
def baseline(engine: str) -> np.ndarray:
    return values(engine)


def scaled(function, factor: float):
    """The function with its output multiplied by ``factor``."""
    def changed(*args, **kwargs):
        return function(*args, **kwargs) * factor
    return changed


def faster_adjustment(function):
    """Shares that adjust at 0.9 a month whatever the configured rate."""
    def changed(shares, target, available, rate, *args, **kwargs):
        return function(shares, target, available, 0.9, *args, **kwargs)
    return changed


def smaller_adoption(function):
    """Adoption (and its potential) at 70% of the formula's."""
    def changed(*args, **kwargs):
        potential, adopted, mix = function(*args, **kwargs)
        return potential * 0.7, adopted * 0.7, mix
    return changed


def poorer_mix(function):
    """Users' income mix shifted towards the poorest income type."""
    def changed(*args, **kwargs):
        potential, mix = function(*args, **kwargs)
        mix = 0.5 * np.asarray(mix)
        mix[..., 0] += 0.5
        return potential, mix
    return changed


CHANGES = {
    "token_volume": (buyers, lambda f: scaled(f, 1.25)),
    "firm_price_paid": (buyers, lambda f: scaled(f, 1.5)),
    "firm_base_utility": (buyers, lambda f: scaled(f, 0.1)),
    "firm_utility": (buyers, lambda f: scaled(f, 0.1)),  # a flatter logit
    "utility_at_price": (buyers, lambda f: scaled(f, 1.3)),
    "national_price_paid": (buyers, lambda f: scaled(f, 2.0)),
    "nation_base_utility": (buyers, lambda f: scaled(f, 1.3)),
    "device_utility": (buyers, lambda f: scaled(f, 1.3)),
    "adjust_shares": (buyers, faster_adjustment),
    "cost_per_user": (buyers, lambda f: scaled(f, 3.0)),
    "adoption_step": (diffusion, smaller_adoption),
    "potential_market": (diffusion, poorer_mix),
    "price_sensitivity": (buyers, lambda f: scaled(f, 1.5)),
    "mix_over_types": (buyers, lambda f: scaled(f, 0.8)),
}


# a tenth of the firms' utility makes the quality-adjusted price index overflow to inf
@pytest.mark.filterwarnings("ignore:overflow encountered in exp:RuntimeWarning")
@pytest.mark.parametrize("name", sorted(CHANGES))
def test_changing_a_formula_changes_both_engines_alike(name, monkeypatch):
    module, change = CHANGES[name]
    before = {engine: baseline(engine) for engine in ("vector", "agent")}  # unpatched runs
    monkeypatch.setattr(module, name, change(getattr(module, name)))
    vector, agent = values("vector"), values("agent")
    for engine, patched in (("vector", vector), ("agent", agent)):
        assert patched.shape == before[engine].shape
        assert not np.allclose(patched, before[engine], rtol=1e-6, atol=0, equal_nan=True), (
            f"{module.__name__}.{name} did not change engine={engine}")
    assert np.array_equal(np.isnan(vector), np.isnan(agent))
    ok = ~np.isnan(vector)
    assert np.allclose(vector[ok], agent[ok], rtol=1e-9, atol=1e-9)
