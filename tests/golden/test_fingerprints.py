"""Every shipped scenario, in the small and the default world, gives exactly the tables it
gave when the fingerprints were stored (see ``tests/golden/fingerprints.py``)."""

from __future__ import annotations

import json

import pytest
from fingerprints import STORE, WORLDS, fingerprint, key, scenarios

STORED = json.loads(STORE.read_text())


def test_every_shipped_scenario_has_a_fingerprint():
    assert sorted(STORED) == sorted(key(s, w) for w in WORLDS for s in scenarios())


@pytest.mark.parametrize("world", WORLDS)
@pytest.mark.parametrize("scenario", scenarios())
def test_tables_are_bit_identical_to_the_stored_fingerprints(scenario, world):
    assert fingerprint(scenario, world) == STORED[key(scenario, world)], (
        f"{scenario} in the {world} world no longer gives the stored tables; if the change "
        "is meant to move the numbers, rerun `python tests/golden/fingerprints.py` and say "
        "why in the commit message")
