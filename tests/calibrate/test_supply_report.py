"""The supply report on a short small-world replay: the inversion agrees with the model's own
Nash benchmark, observing a month changes nothing in the run, and the command line writes
the table and the report with every failed inversion flagged."""

import numpy as np
import pandas as pd
import pytest
from conftest import small_config

from sim.calibrate.supply import main, quarter_label, vendor_quarters
from sim.market.supply import implied_marginal_cost
from sim.model import AIMarket

SHORT = ("world.end=2023-06",)


def test_the_models_own_nash_prices_imply_its_engineering_costs():
    """The model's Bertrand-Nash benchmark, solved to ``nash_tolerance`` at engineering
    cost, inverted against the same panel and ownership, gives the engineering cost back
    (where the markup guard does not bind, which the inversion knows nothing of)."""
    model = AIMarket(small_config("world.end=2024-06"))
    for _ in range(18):  # to 2024-06, when twelve APIs are on sale
        model.step()
    menu, guard = model.menu, model.cfg.world.pricing.max_markup
    implied = implied_marginal_cost(model.panel, model.nash, model.ownership, menu.on_sale)
    free = menu.on_sale & menu.is_api & (model.nash < guard * menu.marginal_cost * (1 - 1e-6))
    assert free.sum() >= 10 and model.nash_converged
    assert implied[free] == pytest.approx(menu.marginal_cost[free], rel=1e-6)


def test_observing_a_month_leaves_the_run_as_it_was():
    observed, plain = AIMarket(small_config(*SHORT)), AIMarket(small_config(*SHORT))
    table = vendor_quarters(small_config(*SHORT))  # a run that observes 2023-03 and 2023-06
    for _ in range(6):
        observed.step()
        plain.step()
    assert set(table["month"]) == {"2023-03", "2023-06"}
    rows = table[table["month"] == "2023-06"].set_index("vendor")
    for v, vendor in enumerate(plain.vendors):
        if plain.menu.on_sale[v]:
            assert rows.loc[vendor.vid, "price"] == plain.menu.price[v]
            assert rows.loc[vendor.vid, "nash_price"] == plain.nash[v]
    assert np.array_equal(observed.menu.price, plain.menu.price, equal_nan=True)


def test_quarter_labels():
    assert [quarter_label(2024 * 12 + m) for m in (0, 2, 3, 11)] == [
        "2024Q1", "2024Q1", "2024Q2", "2024Q4"]


def test_the_command_writes_the_table_and_flags_every_failed_inversion(tmp_path, capsys):
    out = tmp_path / "supply"
    assert main(["--world", "small", "--last", "2023-09", "--out", str(out)]) == 0
    table = pd.read_csv(out / "supply_costs.csv", keep_default_na=False,
                        na_values=["", "nan"])
    assert set(table["quarter"]) == {"2023Q1", "2023Q2", "2023Q3"}
    for column in ("vendor", "bloc", "price", "engineering_cost", "implied_cost", "ratio",
                   "nash_price", "conduct", "status", "reason"):
        assert column in table.columns
    failed = table[table["status"] != "ok"]
    assert failed["implied_cost"].isna().all() and (failed["reason"].str.len() > 10).all()
    ok = table[table["status"] == "ok"]
    assert ok["implied_cost"].notna().all()
    assert ok["ratio"].to_numpy() == pytest.approx(
        (ok["implied_cost"] / ok["engineering_cost"]).to_numpy())
    report = (out / "supply_report.md").read_text(encoding="utf-8")
    assert "ln c_implied = ln c_eng + delta" in report and "| US |" in report
    assert str(out) in capsys.readouterr().out
