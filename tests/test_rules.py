"""Rules of your own: a plugin file run from the command line, wrong names refused with the
list of known rules, invalid answers of a rule reported by its name, every shipped rule
running, and the two student docs (docs/extending.md, docs/scenarios.md) kept in step
with the code."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import yaml

import sim.rules
from sim import compose_config, run
from sim.config import SCENARIOS_DIR
from sim.config.scenario import EVENT_FIELDS, EVENT_KINDS
from sim.rules import DECISIONS, RuleError, get_rule, known_rules, rule

ROOT = SCENARIOS_DIR.parent
PLUGIN = ROOT / "tests" / "plugins" / "my_rules.py"
EXTENDING_MD = ROOT / "docs" / "extending.md"
SCENARIOS_MD = ROOT / "docs" / "scenarios.md"
QUIET = ["output.plots=false", "output.report=false", "output.progress=false"]
#: Prices and releases follow the recorded history until world.history_until (2025-12 in the
#: shipped worlds); ending it early lets pricing and release rules act within a short run.
SHORT = ["world=small", "world.history_until=2023-06", "world.end=2023-10"]
HISTORY_UNTIL = "2023-06"


@pytest.fixture(autouse=True)
def restore_registry():
    """Rules registered by a test are forgotten after it (the registry is process-wide)."""
    known_rules("vendor_pricing")  # load the shipped rules before taking the copy
    saved = {pool: dict(rules) for pool, rules in sim.rules.registry._REGISTRY.items()}
    yield
    for pool, rules in sim.rules.registry._REGISTRY.items():
        rules.clear()
        rules.update(saved[pool])


def sim_cli(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def prices(run_dir) -> pd.DataFrame:
    table = pd.read_csv(run_dir / "timeseries.csv", dtype={"month": str})
    rows = table[table.metric == "price"]
    return rows.pivot(index="month", columns="entity", values="value")


# -- (a) a rule written outside the package, from the command line ----------------------------

@pytest.mark.slow
def test_a_plugin_rule_runs_from_the_command_line_and_changes_prices(tmp_path):
    common = ["world=small", f"world.history_until={HISTORY_UNTIL}", "world.end=2024-06",
              *QUIET]
    mine = sim_cli(*common, f"rules.plugins=[{PLUGIN}]", "rules.vendor_pricing=my_rule",
                   f"hydra.run.dir={tmp_path / 'my_rule'}", cwd=tmp_path)
    assert mine.returncode == 0, mine.stderr
    shipped = sim_cli(*common, "rules.vendor_pricing=best_response",
                      f"hydra.run.dir={tmp_path / 'best_response'}", cwd=tmp_path)
    assert shipped.returncode == 0, shipped.stderr
    assert (tmp_path / "my_rule" / "DONE").exists()
    saved = yaml.safe_load((tmp_path / "my_rule" / ".hydra" / "config.yaml").read_text())
    assert saved["rules"]["vendor_pricing"] == "my_rule"

    a, b = prices(tmp_path / "my_rule"), prices(tmp_path / "best_response")
    history, after = a.index <= HISTORY_UNTIL, a.index > HISTORY_UNTIL
    pd.testing.assert_frame_equal(a[history], b[history])  # the history is the same data
    differ = ~np.isclose(a[after], b[after], rtol=1e-6, equal_nan=True)
    assert differ.sum() > 10, "my_rule priced like best_response"
    assert np.nanmin(a[after].to_numpy()) > 0


def test_a_plugin_is_found_by_relative_path_and_by_module_name(monkeypatch):
    monkeypatch.chdir(PLUGIN.parent)  # as docs/extending.md: my_rules.py where you run
    cfg = compose_config(["world=small", "rules.plugins=[my_rules.py]",
                          "rules.vendor_pricing=my_rule"])
    assert cfg.rules.vendor_pricing == "my_rule"
    assert "my_rule" in known_rules("vendor_pricing")
    sim.rules.registry._REGISTRY["vendor_pricing"].pop("my_rule")
    monkeypatch.syspath_prepend(str(PLUGIN.parent))
    sys.modules.pop("my_rules", None)  # imported afresh, so that it registers its rule
    try:
        compose_config(["world=small", "rules.plugins=[my_rules]",
                        "rules.vendor_pricing=my_rule"])
        assert "my_rule" in known_rules("vendor_pricing")
    finally:
        sys.modules.pop("my_rules", None)


def test_a_missing_plugin_is_reported_by_its_name():
    with pytest.raises(RuleError, match=r"no file 'no_such_rules\.py'"):
        compose_config(["world=small", "rules.plugins=[no_such_rules.py]"])
    with pytest.raises(RuleError, match="cannot import 'no_such_module_of_rules'"):
        compose_config(["world=small", "rules.plugins=[no_such_module_of_rules]"])


# -- (b) a wrong rule name lists the known rules ----------------------------------------------

@pytest.mark.slow
def test_a_wrong_rule_name_fails_on_the_command_line_with_the_known_rules(tmp_path):
    result = sim_cli("world=small", "rules.vendor_pricing=best_responce", *QUIET,
                     f"hydra.run.dir={tmp_path / 'run'}", cwd=tmp_path)
    assert result.returncode != 0
    message = result.stderr
    assert "best_responce" in message and "known rules" in message
    for name in ("best_response", "cost_plus", "penetration"):
        assert name in message
    assert not (tmp_path / "run" / "DONE").exists()


@pytest.mark.parametrize("decision", DECISIONS)
def test_a_wrong_rule_name_lists_the_rules_of_its_decision(decision):
    with pytest.raises(RuleError) as err:
        compose_config(["world=small", f"rules.{decision}=no_such_rule"])
    message = str(err.value)
    assert f"rules.{decision} = 'no_such_rule'" in message
    for name in known_rules(decision):
        assert name in message


def test_a_rule_for_an_unknown_decision_is_refused():
    with pytest.raises(RuleError, match="unknown decision 'vendor_prices'"):
        rule("vendor_prices", "mine")


# -- (c) invalid answers raise a RuleError that names the rule -------------------------------

@pytest.mark.parametrize("price", [-1.0, 0.0, float("nan"), float("inf"), None])
def test_a_pricing_rule_must_return_a_positive_finite_price(price):
    @rule("vendor_pricing", "broken_pricing")
    def broken_pricing(vendor, market):
        return price

    with pytest.raises(RuleError, match=r"pricing rule 'broken_pricing' gave vendor '\w+' the "
                                        r"price .*positive finite"):
        run(compose_config([*SHORT, "rules.vendor_pricing=broken_pricing"]))


@pytest.mark.parametrize("decision", ["startup_choice", "adopter_choice"])
def test_a_choice_rule_whose_shares_do_not_sum_to_one_is_named(decision):
    # twice the shares: too much whether or not the segment has an outside option (with one,
    # a row may sum to less than one, the rest not buying)
    @rule(decision, "double_shares")
    def double_shares(problem):
        available = problem.available.astype(float)
        return 2.0 * available / np.maximum(available.sum(axis=1, keepdims=True), 1.0)

    with pytest.raises(RuleError, match=r"choice rule 'double_shares' returned shares that do "
                                        r"not sum to one \(a row sums to 2\)"):
        run(compose_config([*SHORT, f"rules.{decision}=double_shares"]))


@pytest.mark.parametrize("decision", ["startup_choice", "adopter_choice"])
def test_a_choice_rule_with_the_wrong_shape_is_named(decision):
    @rule(decision, "one_row")
    def one_row(problem):
        return np.full(problem.utility.shape[1], 1.0 / problem.utility.shape[1])

    with pytest.raises(RuleError, match=r"choice rule 'one_row' returned shape \(\d+,\), "
                                        r"expected \(\d+, \d+\)"):
        run(compose_config([*SHORT, f"rules.{decision}=one_row"]))


def test_a_choice_rule_may_not_choose_what_is_unavailable():
    @rule("startup_choice", "everything")
    def everything(problem):
        n, j = problem.utility.shape
        return np.full((n, j), 1.0 / j)

    with pytest.raises(RuleError, match="choice rule 'everything' put probability on an "
                                        "offering the buyer may not choose"):
        run(compose_config([*SHORT, "rules.startup_choice=everything"]))


# -- (d) every shipped rule runs ---------------------------------------------------------------

def shipped_rules(decision: str) -> list[str]:
    """The rules of ``sim`` itself (rules installed through entry points left out)."""
    return [name for name in known_rules(decision)
            if get_rule(decision, name).__module__.startswith("sim.")]


SHIPPED = [(decision, name) for decision in DECISIONS for name in shipped_rules(decision)]


@pytest.mark.parametrize(("decision", "name"), SHIPPED, ids=[f"{d}={n}" for d, n in SHIPPED])
def test_every_shipped_rule_runs_for_a_few_months(decision, name):
    result = run(compose_config([*SHORT, f"rules.{decision}={name}"]))
    assert getattr(result.config.rules, decision) == name
    months = sorted(result.table.month.unique())
    assert months[0] == "2023-01" and months[-1] == "2023-10"
    price = result.series("price").loc[months[-1]]
    assert (price.dropna() > 0).all() and price.notna().sum() > 5
    for segment in ("startups", "enterprises", "nations"):
        shares = result.series("token_share_bloc", segment).sum(axis=1)
        np.testing.assert_allclose(shares, 1.0, atol=1e-9)


def test_the_shipped_rules_are_the_documented_ones():
    assert {d: shipped_rules(d) for d in DECISIONS} == {
        "vendor_pricing": ["best_response", "cost_plus", "penetration"],
        "vendor_release": ["cadence", "hazard", "threshold"],
        "vendor_openness": ["keep", "profit"],
        "vendor_entry": ["hazard", "profit"],
        "startup_choice": ["cheapest_adequate", "logit"],
        "adopter_choice": ["cheapest_adequate", "logit"],
        "government_policy": ["reactive", "timeline"],
    }


# -- (e) docs/extending.md -----------------------------------------------------------------------

def code_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.M | re.S)


def test_the_worked_example_of_extending_md_is_tests_plugins_my_rules_py():
    blocks = code_blocks(EXTENDING_MD.read_text(encoding="utf-8"), "python")
    mine = [b for b in blocks if '@rule("vendor_pricing", "my_rule")' in b]
    assert len(mine) == 1, "docs/extending.md shows my_rules.py once"
    assert mine[0] == PLUGIN.read_text(encoding="utf-8"), (
        "docs/extending.md's my_rules.py differs from tests/plugins/my_rules.py")


def test_extending_md_names_every_decision_and_shipped_rule():
    text = EXTENDING_MD.read_text(encoding="utf-8")
    table = [line for line in text.splitlines() if line.startswith("| `")]
    for decision in DECISIONS:
        row = next((line for line in table if line.startswith(f"| `{decision}`")), None)
        assert row, f"no row for {decision} in docs/extending.md"
        assert f"`rules.{decision}`" in row
        for name in shipped_rules(decision):
            assert f"`{name}`" in row, f"{name} missing from the row of {decision}"


# -- (f) docs/scenarios.md ---------------------------------------------------------------------

SCENARIO_FILES = sorted((SCENARIOS_DIR / "scenario").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_every_shipped_scenario_is_described_in_scenarios_md(path):
    text = SCENARIOS_MD.read_text(encoding="utf-8")
    name = yaml.safe_load(path.read_text(encoding="utf-8"))["scenario"]["name"]
    assert name == path.stem
    heading = re.search(rf"^#+ .*`{name}`", text, re.M)
    row = re.search(rf"^\|\s*`{name}`\s*\|", text, re.M)
    assert heading or row, f"docs/scenarios.md does not describe {name}"


def test_scenarios_md_lists_every_event_kind_with_its_fields():
    text = SCENARIOS_MD.read_text(encoding="utf-8")
    for kind in EVENT_KINDS:
        row = re.search(rf"^\|\s*`{kind}`\s*\|(.*)$", text, re.M)
        assert row, f"no row for the {kind} event kind in docs/scenarios.md"
        required, optional = EVENT_FIELDS[kind]
        fields = set(required) | set(optional)
        if "price" in required:  # "price" stands for factor, or price_in with price_out
            fields = (fields - {"price"}) | {"factor", "price_in", "price_out"}
        for field in fields:
            assert f"`{field}`" in row.group(1), f"{kind}: field {field} not documented"


def test_the_example_scenario_of_scenarios_md_runs(tmp_path):
    """The complete example is a valid scenario file: put it on Hydra's search path."""
    text = SCENARIOS_MD.read_text(encoding="utf-8")
    examples = [b for b in code_blocks(text, "yaml") if b.startswith("# @package _global_")]
    assert examples, "docs/scenarios.md has no complete scenario file"
    for example in examples:
        name = yaml.safe_load(example)["scenario"]["name"]
        (tmp_path / "scenario").mkdir(exist_ok=True)
        (tmp_path / "scenario" / f"{name}.yaml").write_text(example, encoding="utf-8")
        cfg = compose_config(["world=small", f"scenario={name}", "world.end=2026-06",
                              f"hydra.searchpath=[file://{tmp_path}]"])
        assert cfg.scenario.name == name and cfg.scenario.events
        result = run(cfg)
        applied = set(result.events.label[result.events.month >= "2026-01"])
        assert {e.label for e in cfg.scenario.events if e.date <= "2026-06"} <= applied
