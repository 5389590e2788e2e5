"""Scenario files name their parameters (``scenario.params``) and events refer to them:
an override by name reaches the event whatever its position, and a bad parameter or a
bad reference is refused before anything runs, naming the field, the value and what is
allowed. Expected values are the files' own numbers, read with a plain YAML parser."""

from __future__ import annotations

import logging
import re
import subprocess
import sys

import pytest
import yaml

from sim.config import SCENARIOS_DIR, ConfigError, compose_config, compose_raw, to_config
from sim.config.scenario_params import reference

SCENARIO_FILES = sorted((SCENARIOS_DIR / "scenario").glob("*.yaml"))
#: Event fields that carry a scenario's tunable quantity (sizes and list prices of a
#: release are sourced facts of the model released, not the story's knobs).
TUNABLE = ("factor", "level", "frontier_lag_months", "duration_months", "usd_per_mtok")


def _scenario(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))["scenario"]


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_every_tunable_event_quantity_is_a_named_parameter_with_unit_and_meaning(path):
    scenario = _scenario(path)
    params = scenario.get("params") or {}
    for i, event in enumerate(scenario["events"]):
        for key in TUNABLE:
            if key in event:
                value = event[key]
                assert isinstance(value, str) and value.startswith("${scenario.params."), (
                    f"{path.name}: events[{i}].{key} = {value!r} is not a named parameter")
    text = path.read_text(encoding="utf-8")
    for name in params:  # each declared on its own line, with a comment saying what it is
        line = re.search(rf"^\s+{name}:\s*\S+\s*#\s*(.+)$", text, re.M)
        assert line and len(line.group(1).split()) >= 4, f"{path.name}: {name} has no comment"


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_the_composed_events_take_the_parameters_values(path):
    scenario = _scenario(path)
    cfg = compose_config(["world=small", f"scenario={path.stem}"])
    assert cfg.scenario.params == (scenario.get("params") or {})
    for raw, event in zip(scenario["events"], cfg.scenario.events, strict=True):
        for key, value in raw.items():
            if isinstance(value, str) and value.startswith("${scenario.params."):
                name = value[len("${scenario.params."):-1]
                assert getattr(event, key) == scenario["params"][name]


def test_an_override_by_name_changes_the_event_wherever_it_is():
    cfg = compose_config(["world=small", "scenario=asymmetric_strategy",
                          "scenario.params.price_cut_factor=0.3",
                          "scenario.params.export_level=0.2"])
    by_kind = {e.kind: e for e in cfg.scenario.events if e.kind in ("price", "export_limit")}
    assert by_kind["price"].factor == 0.3  # the fifth event
    assert by_kind["export_limit"].level == 0.2  # the first
    assert cfg.scenario.events[5].frontier_lag_months == 2  # the others as shipped


def test_the_command_line_override_reaches_the_event():
    """``python -m sim --show`` prints the config a run would get."""
    result = subprocess.run([sys.executable, "-m", "sim", "--show", "scenario=token_price_cut",
                             "scenario.params.price_cut_factor=0.3"],
                            cwd=SCENARIOS_DIR.parent, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    shown = yaml.safe_load(result.stdout)
    price = next(e for e in shown["scenario"]["events"] if e["kind"] == "price")
    assert price["factor"] == 0.3


BAD = [
    # (overrides, the message's start, words of what is allowed)
    (["scenario=token_price_cut", "scenario.params.price_cut_factor=ten"],
     "scenario.params.price_cut_factor = 'ten'", "a number"),
    (["scenario=token_price_cut", "scenario.params.price_cut_factor=true"],
     "scenario.params.price_cut_factor = True", "a number"),
    (["scenario=token_price_cut", "scenario.params.price_cut_factor=[0.1]"],
     "scenario.params.price_cut_factor = [0.1]", "a number"),
    (["scenario=token_price_cut",
      "scenario.events.1.factor=${scenario.params.price_cut_factr}"],
     "scenario.events[1].factor = '${scenario.params.price_cut_factr}'",
     "(scenario.params: price_support, price_cut_factor); did you mean 'price_cut_factor'?"),
    (["scenario=token_price_cut", "scenario.events.1.vendor=${scenario.params.price_support}"],
     "scenario.events[1].vendor = '${scenario.params.price_support}'",
     "only number fields of an event"),
    (["scenario=token_price_cut", "+scenario.params.months=12.5",
      "+scenario.events.1.duration_months=${scenario.params.months}"],
     "scenario.params.months = 12.5", "an integer: it sets scenario.events[1].duration_months"),
    # a value outside the range of the field it sets: validation's message, plus the name
    (["scenario=token_price_cut", "scenario.params.price_cut_factor=0"],
     "scenario.events[1].factor = 0.0", "[1e-06, 100] (1); a cut past a millionth"),
    (["scenario=token_price_cut", "scenario.params.price_cut_factor=0"],
     "scenario.events[1].factor = 0.0", "(the value of scenario.params.price_cut_factor)"),
    (["scenario=chip_export_limits", "scenario.params.export_level=1.5"],
     "scenario.events[0].level = 1.5", "in [0, 1] for an event of kind export_limit (the "
                                       "value of scenario.params.export_level)"),
]


@pytest.mark.parametrize("overrides,start,words", BAD, ids=[b[1] for b in BAD])
def test_a_bad_parameter_or_reference_is_refused_naming_field_value_and_what_is_allowed(
        overrides, start, words):
    with pytest.raises(ConfigError) as err:
        compose_config(["world=small", *overrides])
    message = str(err.value)
    assert message.startswith(f"{start} is not allowed: "), message
    assert words in message


def test_a_parameter_the_scenario_does_not_declare_cannot_be_overridden():
    from hydra.errors import ConfigCompositionException

    with pytest.raises(ConfigCompositionException, match="price_cut_factor"):
        compose_config(["world=small", "scenario=baseline",
                        "scenario.params.price_cut_factor=0.3"])


def test_a_parameter_no_event_refers_to_is_a_warning(caplog):
    """Overriding the event by index replaces the reference: legitimate, but the parameter
    then changes nothing, and the log says so."""
    with caplog.at_level(logging.WARNING, logger="sim"):
        cfg = compose_config(["world=small", "scenario=token_price_cut",
                              "scenario.events.1.factor=0.5"])
    assert cfg.scenario.events[1].factor == 0.5
    assert "scenario.params.price_cut_factor = 0.1 changes nothing" in caplog.text


def test_a_full_embargo_by_parameter_is_a_value_not_a_missing_one():
    cfg = compose_config(["world=small", "scenario=chip_export_limits",
                          "scenario.params.export_level=0"])
    assert cfg.scenario.events[0].level == 0.0


def test_a_config_built_in_python_is_checked_too():
    tree = compose_raw(["world=small", "scenario=token_price_cut"])
    cfg = to_config(tree)
    cfg.scenario.params["price_cut_factor"] = "0.1"
    from sim.config import validate

    with pytest.raises(ConfigError, match=r"scenario\.params\.price_cut_factor = '0\.1'"):
        validate(cfg)


def test_reference_is_the_interpolation_the_files_use():
    assert reference("export_level") == "${scenario.params.export_level}"
