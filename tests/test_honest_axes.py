"""Honest axes and words: the Lerner figure on linear axes cut at a stated value (no
symmetric-log axis anywhere), captions and headlines that say what their numbers mean,
reports without a stray "None." or a file name for a title, and year labels that do not
collide in a three-column grid."""

from __future__ import annotations

import re
from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from sim import compose_config, run
from sim.analysis.headline import HEADLINES
from sim.plots import captions
from sim.plots import run_figures as run_plots
from sim.plots import sweep_figures as sweep_plots
from sim.plots.market_figures import lerner
from sim.report.run_report import write_run_report

pytestmark = pytest.mark.xdist_group("plots")

SHORT = ["world=small", "world.end=2026-12", "output.progress=false", "seed=2"]


@pytest.fixture(scope="module")
def price_cut():
    """A subsidised tenfold price cut: Chinese vendors sell far below marginal cost."""
    return run(compose_config([*SHORT, "scenario=token_price_cut"]))


def _named(ax):
    return [ln for ln in ax.lines if not ln.get_label().startswith("_")]


def test_lerner_panels_are_linear_and_cut_at_minus_one_with_the_lowest_value_named(price_cut):
    # a margin far below -1 in each panel, set by hand where the run's own margins do not
    # reach it (the figure, not the scenario, is under test)
    table = price_cut.table.copy()
    for metric, entity in (("lerner", "bytedance"), ("lerner_bloc", "CN")):
        rows = (table["metric"] == metric) & (table["entity"] == entity)
        month = table.loc[rows & table["value"].notna(), "month"].iloc[-1]
        at = rows & (table["month"] == month)
        table.loc[at, "value"] = np.minimum(table.loc[at, "value"], -3.6)
    fig = lerner(table, price_cut.events, "token_price_cut")
    left, right = fig.axes
    for ax, metrics in ((left, ["lerner"]), (right, ["lerner_bloc", "lerner_market"])):
        values = table[table["metric"].isin(metrics)].dropna(subset=["value"])
        lowest = values.loc[values["value"].idxmin()]
        assert lowest["value"] < -1, "the scenario should drive a series below -1"
        assert ax.get_yscale() == "linear"
        assert ax.get_ylim()[0] == -1.0
        note = ax.get_title(loc="left")
        assert "axis cut at −1" in note
        shown = f"{lowest['value']:,.3g}".replace("-", "−")
        assert f"{shown} in {lowest['month']}" in " ".join(note.split()), note
        # every line that leaves the panel gets its months marked along the bottom edge
        below = {ln.get_color() for ln in _named(ax) if (ln.get_ydata() < -1).any()}
        marks = [ln for ln in ax.lines if ln.get_label() == "_below the cut"]
        assert below and {ln.get_color() for ln in marks} == below


def test_no_run_figure_uses_a_symmetric_log_axis(price_cut):
    for name, fig in run_plots.run_figures(price_cut.table, price_cut.events, "cut"):
        assert all(ax.get_yscale() in ("linear", "log") for ax in fig.axes), name


def test_every_figure_has_a_title_in_words_and_a_caption():
    for name in run_plots.RUN_FIGURES:
        assert captions.figure_title(name) == captions.TITLES[name]
        assert captions.CAPTIONS[name].endswith(".")
    assert captions.figure_title("hhi") == "HHI"
    assert captions.figure_title("capability_compute") == "Capability and compute"
    assert sweep_plots.figure_title("event_study_price") == "Event study: price"


def test_every_headline_says_what_its_number_means():
    for h in HEADLINES:
        assert len(h.meaning.split()) >= 6, h.key


def test_the_run_report_has_no_stray_none_and_names_figures_in_words(tmp_path):
    res = run(compose_config([*SHORT, "scenario=baseline"]))  # no events of its own
    page = write_run_report(res.table, res.events, res.config, tmp_path,
                            report_dates=("2026-12",)).read_text(encoding="utf-8")
    assert not re.search(r">\s*None\.\s*<", page)
    assert "The scenario has no events of its own" in page
    titles = re.findall(r"<figcaption><strong>(.*?)</strong>", page)
    assert titles == [f"{captions.TITLES[n]}." for n in run_plots.RUN_FIGURES]
    assert "Hhi." not in page and "Capability compute." not in page
    for h in HEADLINES:  # the headline table says what each number means
        assert h.meaning.replace("'", "&#x27;") in page


def _long_sweep() -> pd.DataFrame:
    """Two scenarios x two seeds of every headline, 2023-01 to 2030-12 (a default world's
    span): made up numbers, only the axes matter."""
    months = [f"{y}-{m:02d}" for y in range(2023, 2031) for m in range(1, 13)]
    rows = [(month, h.metric, h.entity, h.segment, 0.3 + 0.001 * i + 0.01 * seed, h.unit,
             scenario, seed)
            for scenario in ("baseline", "token_price_cut") for seed in (0, 1)
            for h in HEADLINES for i, month in enumerate(months)]
    return pd.DataFrame(rows, columns=["month", "metric", "entity", "segment", "value",
                                       "unit", "scenario", "seed"])


def _year_labels(fig, ax):
    renderer = fig.canvas.get_renderer()
    return [(t.get_text(), t.get_window_extent(renderer)) for t in ax.get_xticklabels()
            if t.get_visible() and t.get_text()]


def test_year_labels_of_a_three_column_grid_do_not_overlap():
    gathered = _long_sweep()
    fig = sweep_plots.metric_bands(gathered, [h.key for h in HEADLINES])
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert fig.axes[0].get_gridspec().ncols == 3
    fig.canvas.draw()
    labelled = 0
    for ax in panels:
        labels = _year_labels(fig, ax)
        for (a, box_a), (b, box_b) in combinations(labels, 2):
            assert box_a.x1 <= box_b.x0 or box_b.x1 <= box_a.x0, (a, b)
        labelled += bool(labels)
        assert not labels or len(labels) >= 3  # thinned, not emptied
    assert labelled >= 3  # the bottom row shows its dates
    # a panel wide enough keeps a label for every year
    wide = sweep_plots.metric_bands(gathered, "cn_share_startups")
    wide.set_size_inches(7.0, 3.0)
    wide.canvas.draw()
    assert [t for t, _ in _year_labels(wide, wide.axes[0])] == [str(y) for y in
                                                                 range(2023, 2031)]
