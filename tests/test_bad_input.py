"""A corpus of bad inputs: each is refused before anything runs, with a message that names
the field, the value and what is allowed (or the rule that it breaks).

Most cases go through ``compose_config`` (fast); a handful go through ``python -m sim``
to check that a refused run writes nothing and exits with status 2.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from hydra.errors import ConfigCompositionException

from sim.config import SCENARIOS_DIR, ConfigError, EventConfig, compose_config, validate
from sim.config.budget import check_budget, estimate
from sim.rules import RuleError

ROOT = SCENARIOS_DIR.parent
QUICK = ["output.plots=false", "output.report=false", "output.progress=false"]

# -- one override each: (override, the path the message starts with) ------------------------

RANGES = [
    # numbers out of their documented range, or not finite
    ("world.demand.quality_weight=-1", "world.demand.quality_weight"),
    ("world.demand.quality_weight=21", "world.demand.quality_weight"),
    ("world.demand.quality_weight=nan", "world.demand.quality_weight"),
    ("world.demand.quality_weight=inf", "world.demand.quality_weight"),
    ("world.demand.price_elasticity=-0.1", "world.demand.price_elasticity"),
    ("world.demand.price_elasticity=3.5", "world.demand.price_elasticity"),
    ("world.demand.reference_price_usd=0", "world.demand.reference_price_usd"),
    ("world.demand.reference_price_usd=-inf", "world.demand.reference_price_usd"),
    ("world.demand.nest_lambda=0", "world.demand.nest_lambda"),
    ("world.demand.nest_lambda=1e-310", "world.demand.nest_lambda"),
    ("world.demand.nest_lambda=0.0009", "world.demand.nest_lambda"),
    ("world.demand.nest_lambda=1.5", "world.demand.nest_lambda"),
    ("world.demand.self_host_trust=2", "world.demand.self_host_trust"),
    ("world.demand.risk_closed_api=-0.5", "world.demand.risk_closed_api"),
    ("world.demand.privacy_weight=100", "world.demand.privacy_weight"),
    ("world.demand.adequacy_gap_oom=6", "world.demand.adequacy_gap_oom"),
    ("world.demand.reference_capability=10", "world.demand.reference_capability"),
    ("world.firms.startups.privacy_mean=1.5", "world.firms.startups.privacy_mean"),
    ("world.firms.startups.privacy_mean=-0.01", "world.firms.startups.privacy_mean"),
    ("world.firms.startups.n=0", "world.firms.startups.n"),
    ("world.firms.startups.n=6000000", "world.firms.startups.n"),
    ("world.firms.startups.alpha=0", "world.firms.startups.alpha"),
    # numerical floors inside an open 0 bound (found by tests/test_fuzz.py)
    ("world.firms.startups.alpha=1e-7", "world.firms.startups.alpha"),
    ("world.nations.alpha=5e-324", "world.nations.alpha"),
    ("world.devices.alpha=1e-300", "world.devices.alpha"),
    ("world.demand.reference_price_usd=1e-9", "world.demand.reference_price_usd"),
    ("world.firms.enterprises.volume_median_mtok=5e-324",
     "world.firms.enterprises.volume_median_mtok"),
    ("world.pricing.penetration_floor=1e-300", "world.pricing.penetration_floor"),
    ("world.firms.enterprises.review_probability=0", "world.firms.enterprises.review_probability"),
    ("world.firms.enterprises.review_probability=1.1",
     "world.firms.enterprises.review_probability"),
    ("world.firms.startups.self_host_fixed_usd_per_month=1e308",
     "world.firms.startups.self_host_fixed_usd_per_month"),
    ("world.firms.startups.self_host_fixed_usd_per_month=-1",
     "world.firms.startups.self_host_fixed_usd_per_month"),
    ("world.firms.startups.self_host_overhead=0.5", "world.firms.startups.self_host_overhead"),
    ("world.firms.startups.volume_median_mtok=0", "world.firms.startups.volume_median_mtok"),
    ("world.firms.startups.volume_median_mtok=1e16", "world.firms.startups.volume_median_mtok"),
    ("world.firms.startups.represents=0", "world.firms.startups.represents"),
    ("world.demand.volume_per_oom=5", "world.demand.volume_per_oom"),
    ("world.demand.frontier_weight=-1", "world.demand.frontier_weight"),
    ("world.firms.startups.n_verticals=0", "world.firms.startups.n_verticals"),
    ("world.firms.startups.privacy_concentration=0", "world.firms.startups.privacy_concentration"),
    ("world.nations.alpha=0", "world.nations.alpha"),
    ("world.nations.bass_p=2", "world.nations.bass_p"),
    ("world.nations.reference_gdp_usd=10", "world.nations.reference_gdp_usd"),
    ("world.nations.budget_share=0", "world.nations.budget_share"),
    ("world.nations.income_sigma_scale=5", "world.nations.income_sigma_scale"),
    ("world.devices.embodiment_rate_per_year=0", "world.devices.embodiment_rate_per_year"),
    ("world.devices.demand_mtok_at_start=-5", "world.devices.demand_mtok_at_start"),
    ("world.capability.algo_halving_months=0.5", "world.capability.algo_halving_months"),
    ("world.capability.training_utilisation=0", "world.capability.training_utilisation"),
    ("world.capability.oom_per_year=0", "world.capability.oom_per_year"),
    ("world.capability.index.points_per_oom=0", "world.capability.index.points_per_oom"),
    ("world.capability.index.points_per_oom=nan", "world.capability.index.points_per_oom"),
    ("world.capability.index.offset=-2000", "world.capability.index.offset"),
    ("world.capability.shock_decay_per_month=1.5", "world.capability.shock_decay_per_month"),
    ("world.capability.shock_decay_per_month=-0.1", "world.capability.shock_decay_per_month"),
    ("world.vendors.deepseek.efficiency_oom=9", "world.vendors.deepseek.efficiency_oom"),
    ("world.compute.serving_utilisation=1.5", "world.compute.serving_utilisation"),
    ("world.compute.depreciation_per_month=0.9", "world.compute.depreciation_per_month"),
    ("world.compute.max_overload=-1", "world.compute.max_overload"),
    ("world.pricing.max_markup=1", "world.pricing.max_markup"),
    ("world.pricing.max_markup=nan", "world.pricing.max_markup"),
    ("world.pricing.inertia=0", "world.pricing.inertia"),
    ("world.pricing.panel_size=5", "world.pricing.panel_size"),
    ("world.pricing.nash_tolerance=0", "world.pricing.nash_tolerance"),
    ("world.entry.hazard_per_month=1.5", "world.entry.hazard_per_month"),
    ("world.vendors.openai.funding_musd_per_month=-1",
     "world.vendors.openai.funding_musd_per_month"),
    ("world.vendors.openai.funding_musd_per_month=1e300",
     "world.vendors.openai.funding_musd_per_month"),
    ("world.vendors.openai.reinvest_share=1.2", "world.vendors.openai.reinvest_share"),
    ("world.vendors.openai.release_interval_months=0",
     "world.vendors.openai.release_interval_months"),
    ("world.vendors.openai.appeal=11", "world.vendors.openai.appeal"),
    ("world.vendors.openai.fixed_cost_musd_per_month=inf",
     "world.vendors.openai.fixed_cost_musd_per_month"),
    ("world.chips.advanced.tflops=0", "world.chips.advanced.tflops"),
    ("world.chips.advanced.price_usd=-1", "world.chips.advanced.price_usd"),
    ("world.energy.US.pue=0.5", "world.energy.US.pue"),
    ("world.energy.US.price_usd_per_kwh=0", "world.energy.US.price_usd_per_kwh"),
    ("world.governments.US.export_level=2", "world.governments.US.export_level"),
    ("world.governments.US.compute_subsidy=1", "world.governments.US.compute_subsidy"),
    ("seed=-1", "seed"),
    # choices
    ("engine=gpu", "engine"),
    ("world.vendors.meta.bloc=MARS", "world.vendors.meta.bloc"),
    ("world.governments.US.export_target=MARS", "world.governments.US.export_target"),
]

CALENDAR = [
    ("world.start=1990-01", "world.start"),
    ("world.start=2019-12", "world.start"),
    ("world.start=2023-13", "world.start"),
    ("world.start=soon", "world.start"),
    ("world.end=2999-12", "world.end"),
    ("world.end=2051-01", "world.end"),
    ("world.end=2022-12", "world.end"),
    ("world.end=2023-01", "world.end"),
    ("world.history_until=2022-06", "world.history_until"),
    ("world.history_until=2051-01", "world.history_until"),
    ("world.history_until=2025-00", "world.history_until"),
    ("world.history_until=2031-01", "world.history_until"),  # after the world's end
    ("world.capability.reference_month=2023/01", "world.capability.reference_month"),
    ("world.devices.embodiment_midpoint=later", "world.devices.embodiment_midpoint"),
    ("output.report_dates=[2030-13]", "output.report_dates[0]"),
]

UNKNOWN_KEYS = [
    ("+world.foo=1", "world.foo"),
    ("+world.demand.qualty_weight=5", "world.demand.qualty_weight"),
    ("++world.demand.qualty_weight=5", "world.demand.qualty_weight"),
    ("+world.vendors.openai.fundng_musd_per_month=3", "world.vendors.openai.fundng_musd_per_month"),
    ("+world.firms.startups.nn=3", "world.firms.startups.nn"),
    ("+world.pricing.inertai=0.5", "world.pricing.inertai"),
    ("+world.nations.alpah=1", "world.nations.alpah"),
    ("+output.plot=false", "output.plot"),
    ("+rules.pricing=cost_plus", "rules.pricing"),
    ("+sed=3", "sed"),
    ("+scenario.event=[]", "scenario.event"),
]

WORLD_RULES = [
    # countries, blocs, vendors, shares, keys of dict nodes
    ("world.nations.include=[NGA,XYZ]", "world.nations.include[1]"),
    ("world.nations.include=[nga]", "world.nations.include[0]"),
    ("world.nations.countries_file=nope.csv", "world.nations.countries_file"),
    ("world.firms.startups.bloc_shares.US=0.9", "world.firms.startups.bloc_shares"),
    ("+world.firms.startups.bloc_shares.MARS=0.1", "world.firms.startups.bloc_shares.MARS"),
    ("+world.demand.outside_utility.aliens=0", "world.demand.outside_utility.aliens"),
    ("world.demand.outside_utility.startups=5000", "world.demand.outside_utility.startups"),
    ("+world.demand.affinity.MARS={CN: 1}", "world.demand.affinity.MARS"),
    ("world.demand.affinity.US.CN=abc", "world.demand.affinity.US.CN"),
    ("world.demand.affinity.US.CN=50", "world.demand.affinity.US.CN"),
    ("world.governments.US.export_target=US", "world.governments.US.export_target"),
    ("world.governments.US.banned_blocs=[US]", "world.governments.US.banned_blocs[0]"),
    ("world.vendors.openai.parent=openai", "world.vendors.openai.parent"),
    ("world.vendors.openai.parent=nobody", "world.vendors.openai.parent"),
    ("world.vendors.openai.cash_floor_musd=10000", "world.vendors.openai.initial_cash_musd"),
    ("world.compute.domestic_chip_blocs=[MARS]", "world.compute.domestic_chip_blocs[0]"),
    ("output.formats=[xlsx]", "output.formats[0]"),
    ("output.figure_formats=[png,jpg]", "output.figure_formats[1]"),
    ("output.figure_formats=[]", "output.figure_formats"),
    # impossible worlds: a world that does not fit in memory
    ("world.firms.startups.n=5000000", None),
]

CASES = RANGES + CALENDAR + UNKNOWN_KEYS + WORLD_RULES


@pytest.mark.parametrize("override,field", CASES, ids=[c[0] for c in CASES])
def test_a_bad_override_is_refused_with_field_and_reason(override, field, monkeypatch):
    if field is None:  # the memory estimate: pretend this machine has 1 GiB
        from sim.config import budget

        monkeypatch.setattr(budget, "available_memory", lambda: 2**30)
        field = "world.firms"
    with pytest.raises(ConfigError) as err:
        compose_config(["world=small", override])
    message = str(err.value)
    assert message.startswith(field), message
    assert "is not allowed" in message


def test_a_typo_added_with_plus_suggests_the_closest_key():
    with pytest.raises(ConfigError, match=r"did you mean 'quality_weight'"):
        compose_config(["world=small", "+world.demand.qualty_weight=5"])


def test_subnormal_nest_lambda_says_why():
    with pytest.raises(ConfigError, match=r"overflows"):
        compose_config(["world=small", "world.demand.nest_lambda=1e-310"])


def test_the_horizon_says_why():
    with pytest.raises(ConfigError, match=r"2050-12 \(the data describe the 2020s"):
        compose_config(["world=small", "world.end=2999-12"])


def test_elastic_demand_with_little_price_sensitivity_is_refused():
    """price_elasticity > 1 with a low alpha: the consumer surplus would be infinite."""
    with pytest.raises(ConfigError, match=r"world\.firms\.enterprises\.alpha = 0\.05 is not "
                                          r"allowed: at least .*price_elasticity = 2"):
        compose_config(["world=small", "world.demand.price_elasticity=2.0",
                        # startups sensitive enough for capability up to 120 OOM (validate.py)
                        "world.firms.startups.alpha=10",
                        "world.firms.enterprises.alpha=0.05",
                        "world.firms.enterprises.alpha_min=0"])


# -- types: Hydra and OmegaConf refuse them while composing ----------------------------------

TYPES = [
    ("world.firms.startups.n=many", "world.firms.startups.n"),
    ("world.demand.quality_weight=high", "world.demand.quality_weight"),
    ("seed=abc", "seed"),
    ("output.plots=maybe", "output.plots"),
    ("world.vendors.x.price=-1", "world.vendors.x"),
    ("world.demand.qualty_weight=1", "qualty_weight"),
    ("scenario=no_such_scenario", "scenario/no_such_scenario"),
    ("world=no_such_world", "world/no_such_world"),
]


@pytest.mark.parametrize("override,field", TYPES, ids=[c[0] for c in TYPES])
def test_wrong_types_and_names_are_refused_while_composing(override, field):
    with pytest.raises(ConfigCompositionException) as err:
        compose_config(["world=small", override])
    assert field in str(err.value) + str(err.value.__cause__)


# -- events ----------------------------------------------------------------------------------

EVENTS = [
    (dict(date="2022-06", kind="price", vendor="deepseek", factor=0.5), "date", "world.start"),
    (dict(date="2051-01", kind="price", vendor="deepseek", factor=0.5), "date", "2050-12"),
    (dict(date="2026-1", kind="price", vendor="deepseek", factor=0.5), "date", "YYYY-MM"),
    (dict(date="2026-01", kind="ban", bloc="CN", countries=["XYZ"]), "countries[0]",
     "country table"),
    (dict(date="2026-01", kind="ban", bloc="CN", countries=["NGA", "Nigeria"]),
     "countries[1]", "country table"),
    (dict(date="2026-01", kind="ban", countries=["NGA"]), "bloc", "banned bloc or vendor"),
    (dict(date="2026-01", kind="entry", vendor="openai", vertical=99), "vertical",
     "the firms have 12 verticals"),
    (dict(date="2026-01", kind="entry", vendor="openai", vertical=12), "vertical", "[0, 11]"),
    (dict(date="2026-01", kind="entry", vendor="openai", vertical=-1), "vertical", ">= 0"),
    (dict(date="2026-01", kind="entry", vendor="nobody"), "vendor", "a vendor of the world"),
    (dict(date="2026-01", kind="release", vendor="deepseek", openness="open_weight",
          total_params_b=37.0, active_params_b=671.0), "active_params_b", "at most"),
    (dict(date="2026-01", kind="release", vendor="deepseek", openness="open_weight",
          capability=150.0), "capability", "[15, 120]"),
    (dict(date="2026-01", kind="release", vendor="deepseek", openness="open_weight",
          eci=-1.0), "eci", "(0, 1000]"),
    (dict(date="2026-01", kind="release", vendor="deepseek", openness="open_weight",
          eci=float("inf")), "eci", "finite"),
    (dict(date="2026-01", kind="release", vendor="deepseek", openness="open_weight",
          eci=999.0), "eci", "maps into [15, 120] OOM"),
    (dict(date="2026-01", kind="release", vendor="deepseek", openness="open_weight",
          eci=140.0, capability=30.0), "events[0]", "at most one"),
    (dict(date="2026-01", kind="release", vendor="deepseek", openness="open_weight",
          eci=140.0, frontier_lag_months=2.0), "events[0]", "at most one"),
    (dict(date="2026-01", kind="price", vendor="deepseek", factor=0.5, eci=140.0), "eci",
     "not used"),
    (dict(date="2026-01", kind="release", vendor="deepseek", openness="shared"),
     "openness", "one of"),
    (dict(date="2026-01", kind="release", vendor="deepseek", openness="open_weight",
          price_in=1.0), "price_out", "both"),
    (dict(date="2026-01", kind="price", vendor="deepseek", price_in=-1.0, price_out=1.0),
     "price_in", "> 0"),
    (dict(date="2026-01", kind="price", vendor="deepseek", factor=1e308), "factor",
     "[1e-06, 100]"),
    (dict(date="2026-01", kind="price", vendor="deepseek", factor=5e-324), "factor",
     "takes the price towards 0"),
    (dict(date="2026-01", kind="price", vendor="deepseek", factor=float("nan")), "factor",
     "finite"),
    (dict(date="2026-01", kind="price", vendor="deepseek"), "events[0]", "factor"),
    (dict(date="2026-01", kind="export_limit", bloc="CN", level=1.5), "level", "[0, 1]"),
    (dict(date="2026-01", kind="subsidy", bloc="CN", lever="compute", level=1.0), "level",
     "below 1"),
    (dict(date="2026-01", kind="subsidy", bloc="CN", lever="energy", level=0.5,
          vendor="deepseek"), "vendor", "not used"),
    (dict(date="2026-01", kind="ownership", vendor="openai", owner="openai"), "owner",
     "other than"),
    (dict(date="2026-01", kind="earthquake"), "kind", "one of release"),
    (dict(date="2026-01", kind="privacy", level=2.0), "level", "[-1, 1]"),
]


@pytest.mark.parametrize("kwargs,field,words", EVENTS,
                         ids=[f"{e[0]['kind']}-{e[1]}-{i}" for i, e in enumerate(EVENTS)])
def test_a_bad_event_is_refused(kwargs, field, words, small):
    small.scenario.events = [EventConfig(**kwargs)]
    with pytest.raises(ConfigError) as err:
        validate(small)
    assert field in err.value.path
    assert "is not allowed" in str(err.value) and words in str(err.value)


@pytest.fixture
def small():
    return compose_config(["world=small"])


# -- the horizon: events and history inside [world.start, world.end] ------------------------

def test_an_event_after_the_end_written_in_an_override_is_refused():
    """The end is the world file's (2030-12): an event after it would never happen."""
    with pytest.raises(ConfigError) as err:
        compose_config(["world=small", "scenario=token_price_cut",
                        "scenario.events.1.date=2031-01"])
    assert str(err.value).startswith("scenario.events[1].date = '2031-01' is not allowed: "
                                      "a month in [world.start, world.end] = "
                                      "[2023-01, 2030-12]")
    assert "give world.end as an override" in str(err.value)


def test_a_history_after_an_end_given_with_it_is_refused():
    with pytest.raises(ConfigError, match=r"^world\.history_until = '2025-06' is not allowed: "
                                          r"a month in \[world\.start, world\.end\] = "
                                          r"\[2023-01, 2024-06\]"):
        compose_config(["world=small", "world.end=2024-06", "world.history_until=2025-06"])


def test_a_run_cut_short_by_world_end_leaves_the_later_events_out(caplog):
    """A shipped scenario with a shorter world.end: its 2026 events are left out (the log
    names them) and the run is the baseline's over the same months, row for row."""
    import logging

    import pandas as pd

    from sim import run

    with caplog.at_level(logging.INFO, logger="sim"):
        cut = compose_config(["world=small", "scenario=token_price_cut", "world.end=2023-09"])
    assert [r.getMessage() for r in caplog.records if "left out" in r.getMessage()] == [
        "scenario.events[0] (2026-01 subsidy) is after world.end = 2023-09: left out of this run",
        "scenario.events[1] (2026-01 price) is after world.end = 2023-09: left out of this run",
    ]
    assert cut.world.history_until == "2025-12"  # the whole run follows the history
    base = compose_config(["world=small", "world.end=2023-09"])
    pd.testing.assert_frame_equal(run(cut).table, run(base).table, check_exact=True)


def test_a_config_changed_in_python_is_not_held_to_the_horizon(small):
    """validate() alone cannot tell an intended cut from a mistake (a run read back from
    its folder has no overrides): the horizon is checked where a config is composed."""
    small.world.end = "2024-06"
    small.scenario.events = [EventConfig(date="2026-01", kind="price", vendor="deepseek",
                                         factor=0.5)]
    validate(small)


# -- the model handles what its documented range allows --------------------------------------

@pytest.mark.parametrize("mean", ["0", "1", "0.0", "1.0"])
def test_privacy_mean_on_its_bounds_draws_a_point_mass(mean):
    import numpy as np

    from sim.population.firms import draw_privacy

    rng = np.random.default_rng(0)
    draws = draw_privacy(float(mean), 10.0, 5, rng)
    assert np.all(draws == float(mean))
    compose_config(["world=small", f"world.firms.startups.privacy_mean={mean}"])


def test_a_privacy_mean_whose_beta_parameter_rounds_to_zero_draws_a_point_mass():
    """5e-324 x a concentration of 0.1 is 0 in floats (numpy refused it: found by fuzzing)."""
    import numpy as np

    from sim.population.firms import draw_privacy

    draws = draw_privacy(5e-324, 0.1, 4, np.random.default_rng(0))
    assert np.all(draws == 5e-324)
    inside = draw_privacy(0.3, 0.1, 4, np.random.default_rng(0))  # the beta as before
    expected = np.random.default_rng(0).beta(0.3 * 0.1, (1 - 0.3) * 0.1, size=4)
    assert np.array_equal(inside, expected)


def test_the_budget_estimate_grows_with_firms_and_months(small):
    memory, seconds = estimate(small)
    assert memory > 0 and seconds > 0
    check_budget(small, memory=memory + 1)  # fits
    with pytest.raises(ConfigError, match=r"GiB needed"):
        check_budget(small, memory=memory - 1)


def test_an_agent_run_of_days_is_refused(small):
    small.engine = "agent"
    small.world.end = "2050-12"
    for segment in small.world.firms.values():
        segment.n = 5_000_000
    with pytest.raises(ConfigError, match=r"hours estimated with engine=agent"):
        check_budget(small, memory=2**50)


# -- scenario files written to tmp_path ------------------------------------------------------

BAD_FILES = [
    ("dup_key", "name: a\nname: b\nevents: []\n", "duplicate key name"),
    ("dup_nested", "name: a\nevents:\n  - {date: '2026-01', kind: price, vendor: meta, "
                   "factor: 0.5, factor: 0.7}\n", "duplicate key factor"),
    ("bad_syntax", "name: a\nevents: [\n", "well-formed YAML"),
    ("unknown_event_key", "name: a\nevents:\n  - {date: '2026-01', kind: price, vendor: meta, "
                          "factr: 0.5}\n", "factr"),
    ("bad_country", "name: a\nevents:\n  - {date: '2026-01', kind: ban, bloc: CN, "
                    "countries: [XYZ]}\n", "countries[0]"),
    ("before_start", "name: a\nevents:\n  - {date: '2020-01', kind: price, vendor: meta, "
                     "factor: 0.5}\n", "events[0].date"),
    ("after_end", "name: a\nevents:\n  - {date: '2031-01', kind: price, vendor: meta, "
                  "factor: 0.5}\n", "scenario.events[0].date = '2031-01' is not allowed"),
    ("unknown_scenario_key", "name: a\nstory: x\nevents: []\n", "story"),
    ("unknown_param", "name: a\nparams: {cut: 0.5}\nevents:\n  - {date: '2026-01', kind: price, "
                      "vendor: meta, factor: '${scenario.params.cuts}'}\n",
     "did you mean 'cut'?"),
    ("text_param", "name: a\nparams: {cut: half}\nevents:\n  - {date: '2026-01', kind: price, "
                   "vendor: meta, factor: '${scenario.params.cut}'}\n", "params.cut = 'half'"),
]


@pytest.mark.parametrize("name,text,words", BAD_FILES, ids=[f[0] for f in BAD_FILES])
def test_a_malformed_scenario_file_is_refused(tmp_path, name, text, words):
    (tmp_path / "scenario").mkdir()
    (tmp_path / "scenario" / f"{name}.yaml").write_text(text)
    with pytest.raises((ConfigError, ConfigCompositionException)) as err:
        compose_config(["world=small", f"hydra.searchpath=[file://{tmp_path}]",
                        f"scenario={name}"])
    message = str(err.value) + str(err.value.__cause__)
    assert words in message
    if isinstance(err.value, ConfigError):
        assert "is not allowed" in message


# -- plugins ---------------------------------------------------------------------------------

@pytest.mark.parametrize("override,words", [
    ("rules.plugins=[no_such_module_xyz]", "cannot import 'no_such_module_xyz'"),
    ("rules.vendor_pricing=cheapest", "known rules"),
    ("rules.startup_choice=coin_flip", "known rules"),
])
def test_a_missing_plugin_or_rule_is_refused(override, words):
    with pytest.raises(RuleError, match=words):
        compose_config(["world=small", override])


# -- through the command line: nothing written, exit status 2 --------------------------------

CLI = [
    (["+world.demand.qualty_weight=5"], "world.demand.qualty_weight = 5 is not allowed"),
    (["world.end=2999-12"], "world.end = '2999-12' is not allowed"),
    (["world.nations.include=[NGA,XYZ]"], "world.nations.include[1] = 'XYZ' is not allowed"),
    (["scenario=token_price_cut", "scenario.params.price_cut_factor=ten"],
     "scenario.params.price_cut_factor = 'ten' is not allowed"),
    (["hydra.searchpath=[file://{tmp}]", "scenario=dup"], "duplicate key name"),
    (["hydra.searchpath=[file://{tmp}/late]", "scenario=late"],
     "scenario.events[0].date = '2031-01' is not allowed"),
    (["world.history_until=2031-06"], "world.history_until = '2031-06' is not allowed"),
]


@pytest.mark.slow
@pytest.mark.parametrize("args,words", CLI, ids=[c[0][-1] for c in CLI])
def test_the_command_line_refuses_writes_nothing_and_exits_2(tmp_path, args, words):
    (tmp_path / "scenario").mkdir()
    (tmp_path / "scenario" / "dup.yaml").write_text("name: a\nname: b\nevents: []\n")
    # in a folder of its own: the check of every YAML file in the search path would stop
    # at dup.yaml first
    (tmp_path / "late" / "scenario").mkdir(parents=True)
    (tmp_path / "late" / "scenario" / "late.yaml").write_text(
        "name: late\nevents:\n  - {date: '2031-01', kind: price, vendor: meta, factor: 0.5}\n")
    out = tmp_path / "out" / "run"
    argv = [a.format(tmp=tmp_path) for a in args]
    result = subprocess.run([sys.executable, "-m", "sim", "world=small", *QUICK, *argv,
                             f"hydra.run.dir={out}"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 2, result.stderr
    assert words in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() and not (tmp_path / "out").exists()
