"""The small world is a sampled copy of the default world (``scenarios/world/small.yaml``):
the same market with fewer simulated firms, each standing for ``represents / n`` firms.

So a scenario must tell the same story in both worlds: wherever the default world's headline
contrast (a scenario's headline minus the baseline's, each the mean after the recorded
history, on the same seed) stands clear of the noise, the small world's contrast has the same
sign. And the small world's market in the recorded years (2024 and 2025) has the default
world's size: its API tokens, its labs' revenue by bloc and the utilisation of their fleets.

Noise. One seed of either world carries sampling noise: which firms were drawn, which of them
the pricing panel samples (150 a segment in the small world, 1,500 in the default one), and
the paths those choices set off. ``noise.json`` holds the seed-to-seed standard deviation of
every contrast in both worlds (``small_world_noise.py``: 10 seeds of the small world, 3 of the
default world). A contrast's sign is read where the default world's contrast exceeds
:data:`K` times the larger of the two, and a :data:`FLOOR` by unit below which a change means
nothing (a tenth of a point of share, a tenth of a month, a million dollars a month against
some twenty billion of consumer surplus). Three standard deviations: where the two worlds
share a contrast's expectation (the means over seeds agree in every case measured), the small
world's seed flips a contrast at the threshold with a probability of 0.1%; the standard
deviation itself is estimated from 10 seeds (within about 30% of its true value), so at worst
a few per cent for one contrast near the threshold, and most read contrasts sit tens of
standard deviations out.

Cost: eight runs of the default world (3-4 s each on an idle machine) and eight of the small
world (about 1 s), once for the module: 3.5 minutes on the busy 2-core development machine.
"""

from __future__ import annotations

import json
import math

import pytest
from small_world_noise import STORE, WORLDS, YEARS, Summary, contrast, scenarios, summarise

from sim.analysis.headline import HEADLINES

SEED = 0
#: A contrast is read for its sign where the default world's exceeds K noise deviations.
K = 3.0
#: Below these a contrast means nothing, whatever the noise (by the headline's unit).
FLOOR = {"share": 1e-3, "share of people": 1e-3, "1": 1e-3, "months": 0.1, "points": 10.0,
         "USD per month": 1e6}
#: How far the small world's recorded-year aggregates may sit from the default world's, as a
#: factor either way. Measured on 6 small-world seeds and 3 default ones: on the same seed the
#: small world's API tokens were within 12% of the default world's (seed-to-seed spread 4-5%
#: in the small world, 2% in the default one), US labs' revenue within 23% (11%; 3%), Chinese
#: labs' within a factor 1.8 (11-16%; 7-14%: their buyers are a few lumpy Chinese firms and
#: developing nations), the utilisation a token meets within 13% (9-14%; 1-4%). Each factor
#: is about three spreads of the ratio.
TOLERANCE = {"api_tokens": 1.25, "revenue_US": 1.4, "revenue_CN": 2.0, "utilisation": 1.4}
NOISE = json.loads(STORE.read_text())
UNITS = {h.key: h.unit for h in HEADLINES}


@pytest.fixture(scope="module")
def worlds() -> dict[str, dict[str, Summary]]:
    """Each world's runs of every shipped scenario on :data:`SEED`, by scenario name."""
    return {world: {scenario: summarise(world, scenario, SEED)
                    for scenario in ("baseline", *scenarios())}
            for world in WORLDS}


def threshold(scenario: str, key: str) -> float:
    """The size a default-world contrast must exceed for its sign to be read."""
    sd = max(NOISE["sd"][world][scenario][key] for world in WORLDS)
    return max(K * sd, FLOOR[UNITS[key]])


def test_the_noise_is_measured_for_every_shipped_scenario_and_headline():
    for world in WORLDS:
        assert sorted(NOISE["sd"][world]) == scenarios(), (
            f"tests/small_world/noise.json lacks a shipped scenario in the {world} world: "
            "rerun tests/small_world/small_world_noise.py")
        for scenario, sd in NOISE["sd"][world].items():
            assert sorted(sd) == sorted(UNITS), (world, scenario)
            assert all(math.isfinite(v) and v >= 0 for v in sd.values()), (world, scenario)


def test_headline_contrasts_clear_of_the_noise_have_the_same_sign_in_both_worlds(worlds):
    read, differ = 0, []
    for scenario in scenarios():
        small, default = (contrast(worlds[w][scenario], worlds[w]["baseline"]) for w in WORLDS)
        for key in UNITS:
            d, s = default[key], small[key]
            assert math.isfinite(d) == math.isfinite(s), (scenario, key, d, s)
            if not math.isfinite(d) or abs(d) <= threshold(scenario, key):
                continue
            read += 1
            if math.copysign(1.0, d) != math.copysign(1.0, s) or s == 0.0:
                differ.append(f"{scenario} {key}: default {d:.4g}, small {s:.4g} "
                              f"(noise threshold {threshold(scenario, key):.3g})")
    assert not differ, (
        "contrasts whose sign differs between the small and the default world:\n"
        + "\n".join(differ) + "\nIf the model's dynamics changed on purpose, rerun "
        "tests/small_world/small_world_noise.py first: the noise may have moved.")
    # not a vacuous test: 47 of the 112 contrasts stood clear of the noise when it was measured
    assert read >= len(scenarios()), f"only {read} contrasts stand clear of the noise"


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("quantity", sorted(TOLERANCE))
def test_the_recorded_years_have_the_default_worlds_market_size(worlds, quantity, year):
    small, default = (worlds[w]["baseline"].aggregates[f"{quantity}@{year}"] for w in WORLDS)
    assert default > 0
    assert 1 / TOLERANCE[quantity] <= small / default <= TOLERANCE[quantity], (
        f"{quantity} in {year}: small world {small:.4g}, default world {default:.4g}")


@pytest.mark.parametrize("scenario", ["baseline", *scenarios()])
def test_capacity_binds_for_the_same_labs_in_both_worlds(worlds, scenario):
    """A lab that serves beyond its fleet's capacity for half a year or more in one world does
    so for a quarter of a year at least in the other (the margin for a lab near capacity,
    whose months above it move with the noise)."""
    for world, other in (WORLDS, WORLDS[::-1]):
        here, there = worlds[world][scenario].over_capacity, worlds[other][scenario].over_capacity
        for lab, months in here.items():
            if months >= 6:
                assert there[lab] >= 3, (
                    f"{scenario}: {lab} over capacity {months} months in the {world} world, "
                    f"{there[lab]} in the {other} world")
