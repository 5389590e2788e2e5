"""The HTML reports: self-contained pages with every figure embedded, the headline table at
the report dates, the scenario's events and parameters, and the sweep statistics.

Runs are made once per module (world=small, ending 2027-12).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from sim import compose_config, run
from sim.analysis.headline import HEADLINES
from sim.analysis.sweep_stats import difference_table, headline_bands
from sim.plots import run_figures as run_plots
from sim.plots import sweep_figures as sweep_plots
from sim.report.html import REPORT
from sim.report.run_report import write_run_report
from sim.report.sweep_report import write_sweep_report
from sim.report.tables import changed_parameters, headline_table

pytestmark = pytest.mark.xdist_group("report")  # one worker builds the module's runs

SHORT = ["world=small", "world.end=2027-12", "output.progress=false"]
DATES = ("2026-12", "2027-12")
SCENARIO = "token_price_cut"


@pytest.fixture(scope="module")
def one_run():
    return run(compose_config([*SHORT, f"scenario={SCENARIO}", "seed=1"]))


@pytest.fixture(scope="module")
def figures(one_run, tmp_path_factory):
    out = tmp_path_factory.mktemp("plots")
    return run_plots.draw_run_figures(one_run.table, one_run.events, SCENARIO, out)


@pytest.fixture(scope="module")
def sweep():
    """2 scenarios x 3 seeds, gathered as the lead's sweep code does."""
    tables, events = [], []
    for scenario in ("baseline", SCENARIO):
        for seed in (1, 2, 3):
            res = run(compose_config([*SHORT, f"scenario={scenario}", f"seed={seed}"]))
            table = res.table.copy()
            for column in ("metric", "entity", "segment", "unit"):
                table[column] = table[column].astype(str)
            tables.append(table.assign(scenario=scenario, seed=seed, run=f"{scenario}-{seed}"))
            events.append(res.events.assign(scenario=scenario))
    return (pd.concat(tables, ignore_index=True),
            pd.concat(events, ignore_index=True).drop_duplicates())


def section(page: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}">(.*?)</section>', page, re.S)
    assert match, f"no section {section_id}"
    return match.group(1)


def headline_rows(page: str) -> dict[str, list[str]]:
    """The headline table of a run report: label -> cells after the unit."""
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", section(page, "headlines"), re.S):
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row)
        rows[cells[0]] = cells[1:]
    return rows


# -- a run ---------------------------------------------------------------------------------------

def test_run_report_embeds_every_figure_and_the_headline_table(one_run, figures, tmp_path):
    path = write_run_report(one_run.table, one_run.events, one_run.config, tmp_path,
                            figures=figures, report_dates=DATES,
                            extra_html="<h2>Validation</h2><p>scorecard here</p>")
    assert path == tmp_path / REPORT
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<img") == len(figures) == len(run_plots.RUN_FIGURES)
    assert page.count('src="data:image/png;base64,') == len(figures)
    assert not re.search(r'(src|href)="(http|//|file:)', page)  # no external assets
    headers = re.findall(r'<th class="num">(\d{4}-\d{2})</th>', section(page, "headlines"))
    assert headers == list(DATES)
    rows = headline_rows(page)
    for h in HEADLINES:
        assert h.label.replace("'", "&#x27;") in rows
    assert f"<h1>Scenario: {SCENARIO}</h1>" in page
    assert one_run.config.scenario.description in page
    assert "CN tenfold price cut" in section(page, "events")
    assert "scorecard here" in section(page, "extra")
    assert [p.name for p in tmp_path.iterdir()] == [REPORT]  # written atomically, nothing else


def test_headline_values_are_the_tables(one_run):
    frame = headline_table(one_run.table, DATES)
    assert list(frame["key"]) == [h.key for h in HEADLINES]
    for h in HEADLINES:
        value = one_run.table[(one_run.table.metric == h.metric)
                              & (one_run.table.segment == h.segment)
                              & (one_run.table.entity == h.entity)
                              & (one_run.table.month == "2026-12")].value.item()
        got = frame.loc[frame.key == h.key, "2026-12"].item()
        assert got == value or (np.isnan(got) and np.isnan(value))


def test_headline_shares_are_shown_in_per_cent(one_run, figures, tmp_path):
    page = write_run_report(one_run.table, one_run.events, one_run.config, tmp_path,
                            figures=figures, report_dates=DATES).read_text()
    h = HEADLINES[0]
    assert h.unit == "share"
    value = headline_table(one_run.table, DATES).loc[0, "2027-12"]
    unit, *cells = headline_rows(page)[h.label.replace("'", "&#x27;")]
    assert unit == "%"
    assert float(cells[1]) == pytest.approx(100 * value, abs=0.051)


def test_run_report_notes_dates_after_the_run(one_run, figures, tmp_path):
    page = write_run_report(one_run.table, one_run.events, one_run.config, tmp_path,
                            figures=figures, report_dates=("2026-12", "2030-12")).read_text()
    rows = headline_rows(page)
    # the last date's cell, before the column saying what the number means
    assert all(cells[-2] == "—" for label, cells in rows.items() if label != "Headline")
    assert "No value at 2030-12" in section(page, "headlines")


def test_run_report_draws_its_figures_when_given_none(one_run, tmp_path):
    page = write_run_report(one_run.table, one_run.events, one_run.config, tmp_path,
                            report_dates=DATES).read_text()
    assert page.count("<img") == len(run_plots.RUN_FIGURES)
    assert sorted(p.name for p in tmp_path.iterdir()) == [REPORT]  # no plot files


def test_changed_parameters_list_the_overrides(one_run):
    reference = compose_config(["world=small", "scenario=baseline"])
    changed = changed_parameters(one_run.config, reference)
    assert changed.set_index("parameter").loc["world.end", "value"] == "2027-12"
    assert changed.set_index("parameter").loc["world.end", "reference"] == "2030-12"
    assert "world.demand.price_elasticity" not in set(changed["parameter"])


# -- a sweep -------------------------------------------------------------------------------------

def test_sweep_headline_table_is_mean_and_spread_across_seeds(sweep):
    gathered, _ = sweep
    frame = headline_bands(gathered, DATES)
    assert set(frame["month"]) == set(DATES)
    assert (frame["n"] == 3).all()
    h = HEADLINES[0]
    rows = gathered[(gathered.metric == h.metric) & (gathered.segment == h.segment)
                    & (gathered.entity == h.entity) & (gathered.month == "2027-12")
                    & (gathered.scenario == SCENARIO)]
    got = frame[(frame.headline == h.key) & (frame.scenario == SCENARIO)
                & (frame.month == "2027-12")]
    assert got["mean"].item() == pytest.approx(rows.value.mean())
    assert got["low"].item() == pytest.approx(rows.value.quantile(0.05))
    assert got["high"].item() == pytest.approx(rows.value.quantile(0.95))


def test_sweep_differences_are_paired_by_seed(sweep):
    gathered, _ = sweep
    frame = difference_table(gathered, DATES)
    assert set(frame["scenario"]) == {SCENARIO}  # the baseline is the reference, not a row
    h = HEADLINES[1]
    wide = gathered[(gathered.metric == h.metric) & (gathered.segment == h.segment)
                    & (gathered.entity == h.entity) & (gathered.month == "2026-12")
                    ].pivot(index="seed", columns="scenario", values="value")
    d = wide[SCENARIO] - wide["baseline"]
    got = frame[(frame.headline == h.key) & (frame.month == "2026-12")]
    assert got["mean"].item() == pytest.approx(d.mean())
    assert got["n"].item() == 3
    assert got["ci_low"].item() < d.mean() < got["ci_high"].item()


def test_difference_of_the_baseline_from_a_copy_of_itself_is_exactly_zero(sweep):
    gathered, _ = sweep
    copy = gathered[gathered.scenario == "baseline"].assign(scenario="baseline_copy")
    frame = difference_table(pd.concat([gathered, copy], ignore_index=True), DATES)
    own = frame[frame.scenario == "baseline_copy"].dropna(subset=["mean"])
    assert len(own) > 0
    for column in ("mean", "ci_low", "ci_high", "low", "high"):
        assert (own[column] == 0.0).all(), column


def test_sweep_report_embeds_every_figure(sweep, tmp_path):
    gathered, events = sweep
    keys = ["cn_share_startups", "us_lerner"]
    figures = sweep_plots.draw_sweep_figures(gathered, events, tmp_path / "plots", keys=keys)
    path = write_sweep_report(gathered, events, tmp_path, report_dates=DATES, figures=figures,
                              extra_html="<h2>Scorecard</h2>")
    page = path.read_text(encoding="utf-8")
    assert page.count("<img") == len(figures) == 4  # bands, differences, two event studies
    heads = section(page, "headlines")
    assert all(f'class="num">{d}</th>' in heads for d in DATES)
    for word in ("Mean", "5th pct", "95th pct", "n seeds"):
        assert word in heads
    diffs = section(page, "differences")
    assert "90% CI" in diffs and "n pairs" in diffs and SCENARIO in diffs
    assert "Scorecard" in section(page, "extra")
    assert "2026-01 CN tenfold price cut" in section(page, "scenarios")


def test_sweep_report_draws_figures_when_given_none(sweep, tmp_path):
    gathered, events = sweep
    page = write_sweep_report(gathered, events, tmp_path, report_dates=DATES,
                              keys=["hhi_revenue_startups"]).read_text()
    assert page.count("<img") == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == [REPORT]


def test_sweep_report_without_baseline_says_so(sweep, tmp_path):
    gathered, events = sweep
    only = gathered[gathered.scenario == SCENARIO]
    page = write_sweep_report(only, events, tmp_path, report_dates=DATES, figures={}).read_text()
    assert "no baseline to pair the scenarios with" in section(page, "differences")
