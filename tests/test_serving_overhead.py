"""``world.compute.serving_overhead`` scales the cost of a serving FLOP everywhere it is
used, and its neutral value changes nothing (the golden fingerprints run with it at 1)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import small_config

from sim.model import AIMarket


def _costs(*overrides):
    model = AIMarket(small_config("world.end=2023-03", *overrides))
    model.step()
    return (np.array([v.base_cost for v in model.vendors if v.active]),
            model.costs.cloud_usd_per_flop())


def test_the_overhead_multiplies_engineering_serving_cost():
    base, cloud = _costs()
    doubled, cloud2 = _costs("world.compute.serving_overhead=2.5")
    np.testing.assert_allclose(doubled, 2.5 * base, rtol=1e-12)
    np.testing.assert_allclose(cloud2, 2.5 * cloud, rtol=1e-12)


def test_an_overhead_of_one_is_the_engineering_estimate():
    base, cloud = _costs()
    same, cloud1 = _costs("world.compute.serving_overhead=1")
    assert np.array_equal(base, same) and np.array_equal(cloud, cloud1)


@pytest.mark.parametrize("value", ["0", "-1", "101"])
def test_a_bad_overhead_is_refused(value):
    from sim.config import ConfigError
    with pytest.raises(ConfigError) as err:
        small_config(f"world.compute.serving_overhead={value}")
    assert err.value.path == "world.compute.serving_overhead"
