"""Mesa's own generators (``model.rng``, ``model.random``) stay off the model's streams.

The model draws everything from named streams (:mod:`sim.core.streams`) so that scenarios
share draws; a user who draws from Mesa's generators between steps must change nothing.
"""

import pandas as pd
from conftest import small_config

from sim.model import AIMarket

END = "world.end=2023-08"


def table(draw: bool) -> pd.DataFrame:
    model = AIMarket(small_config("seed=5", END))
    while model.running:
        model.step()
        if draw:
            model.rng.random(17)
            model.rng.integers(0, 10, size=3)
            model.random.random()
            model.random.shuffle(list(range(9)))
    return model.recorder.to_frame()


def test_drawing_from_mesas_generators_between_steps_changes_no_table():
    pd.testing.assert_frame_equal(table(draw=False), table(draw=True), check_exact=True)


def test_mesas_generators_are_seeded_reproducibly_from_the_run_seed():
    a, b = AIMarket(small_config("seed=5", END)), AIMarket(small_config("seed=5", END))
    other = AIMarket(small_config("seed=6", END))
    assert list(a.rng.random(4)) == list(b.rng.random(4))
    assert a.random.random() == b.random.random()
    assert list(a.rng.random(4)) != list(other.rng.random(4))
    assert a.random.random() != other.random.random()
