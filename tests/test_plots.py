"""The figures: every one draws from a small-world run and from a small sweep, carries axis
labels with units, shows the series the tables hold, marks events without overlapping
labels, and is saved as non-empty PNG files (and PDF or SVG on request).

Runs are made once per module (world=small, ending 2027-12, so each takes under a second).
"""

from __future__ import annotations

import os
import stat
from itertools import combinations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Annotation, Text
from PIL import Image

from sim import compose_config, run
from sim.analysis import sweep_stats
from sim.analysis.headline import HEADLINES
from sim.core.constants import BLOCS
from sim.plots import annotate, export, market_figures, style, sweep_data
from sim.plots import run_figures as run_plots
from sim.plots import sweep_figures as sweep_plots

pytestmark = pytest.mark.xdist_group("plots")  # one worker builds the module's runs

SHORT = ["world=small", "world.end=2027-12", "output.progress=false"]
SCENARIO = "asymmetric_strategy"  # events of five kinds after the history, and releases
PARAM = "world.demand.price_elasticity"


def gather(scenarios, seeds, params=(None,)):
    """A gathered sweep as the lead's code builds it: run tables with scenario, seed and a
    column per swept parameter, and the events with a scenario column."""
    tables, events = [], []
    for value in params:
        for scenario in scenarios:
            for seed in seeds:
                overrides = [*SHORT, f"scenario={scenario}", f"seed={seed}"]
                if value is not None:
                    overrides.append(f"{PARAM}={value}")
                res = run(compose_config(overrides))
                table = res.table.copy()
                for column in ("metric", "entity", "segment", "unit"):
                    table[column] = table[column].astype(str)
                table["scenario"] = scenario
                table["seed"] = seed
                table["run"] = f"{scenario}-{seed}-{value}"  # bookkeeping, not a parameter
                table["world"] = "small"  # an override held fixed: not a parameter either
                if value is not None:
                    table[PARAM] = value
                tables.append(table)
                events.append(res.events.assign(scenario=scenario))
    return (pd.concat(tables, ignore_index=True),
            pd.concat(events, ignore_index=True).drop_duplicates())


@pytest.fixture(scope="module")
def one_run():
    return run(compose_config([*SHORT, f"scenario={SCENARIO}", "seed=1"]))


@pytest.fixture(scope="module")
def run_figures(one_run):
    return {name: draw(one_run.table, one_run.events, SCENARIO)
            for name, draw in run_plots.RUN_FIGURES.items()}


@pytest.fixture(scope="module")
def sweep():
    """2 scenarios x 3 seeds x 2 values of the demand elasticity."""
    return gather(["baseline", "token_price_cut"], [1, 2, 3], params=[0.3, 0.6])


def named_lines(ax):
    return [line for line in ax.lines if not line.get_label().startswith("_")]


def check_labels(fig: Figure) -> None:
    """Every visible panel has a y label with a unit; the bottom panels an x label."""
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert axes
    for ax in axes:
        ylabel = ax.get_ylabel()
        assert ylabel, f"panel {ax.get_title(loc='left')!r} has no y label"
        assert "(" in ylabel and ylabel.endswith(")"), f"no unit in y label {ylabel!r}"
    for ax in axes:  # the lowest panel of each column shows the time axis and its label
        spec = ax.get_subplotspec()
        below = [other for other in axes if other.get_subplotspec().colspan == spec.colspan
                 and other.get_subplotspec().rowspan.start > spec.rowspan.start]
        if not below:
            assert ax.get_xlabel(), "a bottom panel has no x label"


def has_legend(fig: Figure) -> bool:
    return bool(fig.legends) or any(ax.get_legend() is not None for ax in fig.axes)


def boxes_overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def expected_entities(table, metric, segment="all", positive=False):
    rows = table[(table.metric == metric) & (table.segment == segment)]
    values = rows.value.replace([np.inf, -np.inf], np.nan)
    ok = values.notna() & ((values > 0) if positive else True)
    return set(rows.entity[ok].astype(str))


# -- style --------------------------------------------------------------------------------------

def test_palette_is_okabe_ito_with_distinct_fixed_styles():
    palette = set(style.OKABE_ITO.values())
    for styles in ([style.bloc_style(b) for b in BLOCS],
                   [style.scenario_style(s) for s in style.SCENARIO_ORDER]):
        colors = [s["color"] for s in styles]
        dashes = [str(s["linestyle"]) for s in styles]
        assert set(colors) <= palette
        assert len(set(colors)) == len(colors)  # a colour each
        assert len(set(dashes)) == len(dashes)  # and a line style each, for greyscale
    assert len(style.SCENARIO_ORDER) == 8
    assert style.scenario_style("baseline")["color"] == style.OKABE_ITO["black"]


def test_unknown_names_get_deterministic_styles():
    first = style.scenario_style("my_new_scenario")
    assert first == style.scenario_style("my_new_scenario")
    assert first["color"] in style.OKABE_ITO.values()
    # sha256, not Python's salted hash: this value holds in every process
    assert first == style.scenario_style("my_new_scenario")
    assert style.vendor_style("unknown_lab")["color"] == style.UNKNOWN


def test_save_writes_png_by_default_and_vector_formats_on_request(tmp_path):
    fig, axes = style.new_figure("single", 2.0)
    axes[0, 0].plot([0, 1], [0, 1])
    assert [p.name for p in export.save(fig, tmp_path / "sub" / "line")] == ["line.png"]
    paths = export.save(fig, tmp_path / "sub" / "line", formats=["svg", "pdf", "png"])
    assert [p.name for p in paths] == ["line.png", "line.svg", "line.pdf"]  # PNG first
    png, svg, pdf = paths
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert b"<svg" in svg.read_bytes()[:1000]
    with Image.open(png) as image:
        assert round(image.info["dpi"][0]) >= 200
        assert image.size[0] >= 3.5 * 200 - 1
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == [
        "line.pdf", "line.png", "line.svg"]
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(png.stat().st_mode) == 0o666 & ~umask  # not mkstemp's 0600
    again = export.save(fig, tmp_path / "again" / "line", formats=["png", "pdf", "svg"])
    assert [p.suffix for p in again] == [".png", ".pdf", ".svg"]
    for second in again:  # the same bytes again: no dates, no random ids
        assert second.read_bytes() == (tmp_path / "sub" / second.name).read_bytes(), second
    with pytest.raises(ValueError, match="dpi"):
        export.save(fig, tmp_path / "low", dpi=100)
    with pytest.raises(ValueError, match="png, pdf, svg"):
        export.save(fig, tmp_path / "jpeg", formats=["jpg"])


def test_the_config_allows_the_formats_save_knows():
    from sim.config.schema import FIGURE_FORMATS

    assert FIGURE_FORMATS == export.FIGURE_FORMATS


def test_to_dates_and_month_numbers():
    dates = style.to_dates(["2026-01", "2030-12"])
    assert list(dates) == [pd.Timestamp("2026-01-01"), pd.Timestamp("2030-12-01")]
    assert list(np.diff(style.month_number(["2025-12", "2026-01", "2027-01"]))) == [1, 12]


# -- one run ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(run_plots.RUN_FIGURES))
def test_run_figure_has_titles_labels_and_legend(run_figures, name):
    fig = run_figures[name]
    check_labels(fig)
    assert fig.get_suptitle().endswith(f"Scenario: {SCENARIO}")
    assert has_legend(fig)
    for ax in fig.axes:  # calendar dates on the time axis, from the first month of the run
        assert ax.get_xlim()[0] == pytest.approx(mdates.date2num(pd.Timestamp("2023-01-01")))
        assert ax.xaxis.get_major_formatter().format_data(ax.get_xlim()[0]) == "2023"


def test_market_shares_stack_every_bloc_and_openness(one_run, run_figures):
    fig = run_figures["market_shares"]
    segments = sorted(set(one_run.table.loc[one_run.table.metric == "token_share_bloc",
                                            "segment"].astype(str)))
    assert len(fig.axes) == 2 * len(segments)
    for ax in fig.axes:
        segment = next(s for s in segments if ax.get_title(loc="left").lower().startswith(
            style.label(s).lower()))
        metric = "token_share_bloc" if "by bloc" in ax.get_title(loc="left") \
            else "token_share_openness"
        assert len(ax.collections) == len(expected_entities(one_run.table, metric, segment))
        assert ax.get_ylim() == (0, 100)
    bloc_panel = fig.axes[0]
    assert len(bloc_panel.collections) == 4


def test_prices_draw_one_line_per_vendor_in_a_panel_per_bloc(one_run, run_figures):
    """Fifteen vendors in one panel overplot: a panel per bloc on one shared log axis."""
    panels = run_figures["prices"].axes
    active = expected_entities(one_run.table, "price", positive=True)
    drawn = [line.get_label() for ax in panels for line in named_lines(ax)]
    assert sorted(drawn) == sorted(active)  # each vendor once
    for ax in panels:
        blocs = {style.VENDOR_BLOCS[line.get_label()] for line in named_lines(ax)}
        assert blocs in ({"US"}, {"CN"}, {"EU", "ROW"}, {"EU"}, {"ROW"}), ax.get_title()
        assert ax.get_yscale() == "log" and "USD/M tokens" in ax.get_ylabel()
        assert ax.get_ylim() == panels[0].get_ylim()  # one axis: blocs compare
        names = {t.get_text() for t in ax.texts if t.get_text() in active}
        assert names == {line.get_label() for line in named_lines(ax)}  # named at its end
    assert max(len(named_lines(ax)) for ax in panels) <= 7


def test_vendor_labels_do_not_overlap(run_figures):
    for name in ("prices", "lerner"):
        fig = run_figures[name]
        renderer = fig.canvas.get_renderer()
        fig.draw_without_rendering()
        panels = fig.axes if name == "prices" else fig.axes[:1]
        # the text's own box (an annotation's extent also covers its leader line)
        boxes = [Text.get_window_extent(t, renderer) for ax in panels for t in ax.texts
                 if isinstance(t, Annotation) and t.get_text() in style.VENDOR_BLOCS]
        assert len(boxes) > 5
        for a, b in combinations(boxes, 2):
            assert not boxes_overlap(a, b), f"{name}: vendor labels overlap"


def test_lerner_by_vendor_and_by_bloc(one_run, run_figures):
    left, right = run_figures["lerner"].axes
    assert {line.get_label() for line in named_lines(left)} == expected_entities(
        one_run.table, "lerner")
    # the blocs' revenue-weighted margins and the market-wide one, on a linear axis
    assert len(named_lines(right)) == len(expected_entities(one_run.table, "lerner_bloc")) + 1
    assert right.get_yscale() == "linear"
    low = one_run.table.loc[one_run.table.metric == "lerner_bloc", "value"].min()
    if low < -1:  # the axis is cut, and the panel says so
        assert right.get_ylim()[0] == -1.0 and "cut at" in right.get_title(loc="left")


def test_hhi_marks_the_merger_guidelines_threshold(one_run, run_figures):
    panels = run_figures["hhi"].axes
    assert len(panels) == 3  # revenue, API tokens, tokens with self-hosting to the author
    for ax, metric in zip(panels, ("hhi_revenue", "hhi_tokens_api",
                                   "hhi_tokens_incl_self_hosted"), strict=True):
        segments = set(one_run.table.loc[one_run.table.metric == metric, "segment"]
                       .astype(str))
        assert len(named_lines(ax)) == len(segments)
        flat = [line for line in ax.lines if np.allclose(line.get_ydata(), 1800)]
        assert flat, "no line at HHI 1,800"
        # named in the legend, not on the panel, where it hid the lines passing there
        assert not [t for t in ax.texts if "1,800" in t.get_text()]
    assert len(named_lines(panels[0])) == 5  # four segments and all of them
    legend = [t.get_text() for ax in panels if ax.get_legend()
              for t in ax.get_legend().get_texts()]
    assert "1,800: highly concentrated (2023 US Merger Guidelines)" in legend


def test_welfare_and_revenue_token_share_figures(one_run, run_figures):
    left, right = run_figures["welfare"].axes
    assert [line.get_label() for line in named_lines(left)] == [
        "Consumer surplus CS", "Producer surplus PS", "Government spending G",
        "Total welfare W = CS + PS − G"]
    assert "billion USD" in left.get_ylabel() and named_lines(right)
    panels = [ax for ax in run_figures["revenue_token_shares"].axes if ax.get_visible()]
    segments = set(one_run.table.loc[one_run.table.metric == "token_share_bloc", "segment"]
                   .astype(str))
    assert len(panels) == len(segments)
    for ax in panels:  # a revenue line and a token line per bloc
        revenue = [ln for ln in ax.lines if ln.get_label().endswith(" revenue")]
        tokens = [ln for ln in ax.lines if ln.get_label().endswith(" tokens")]
        assert revenue and len(revenue) == len(tokens) and ax.get_ylim() == (0, 100)


def test_soft_power_capability_and_firm_choice_series(one_run, run_figures):
    for ax in run_figures["soft_power"].axes:
        assert len(named_lines(ax)) == len(expected_entities(one_run.table, "soft_power",
                                                             "nations"))
    gap, compute = run_figures["capability_compute"].axes
    assert len(named_lines(gap)) == len(expected_entities(one_run.table,
                                                          "capability_gap_months"))
    assert "months" in gap.get_ylabel()
    assert compute.get_yscale() == "log" and "FLOP/s" in compute.get_ylabel()
    assert len(named_lines(compute)) == 4
    firm_axes = run_figures["firm_choice"].axes
    assert len(firm_axes) == 2  # startups and enterprises
    for ax in firm_axes:
        assert len(named_lines(ax)) == 3  # closed API, hosted open API, self-hosting


def test_events_to_mark_keeps_policy_events_and_only_scenario_releases(one_run):
    marks = annotate.events_to_mark(one_run.events, "2023-01", "2027-12")
    assert not ((marks.kind == "release") & (marks.month < "2026-01")).any()
    assert (marks.kind == "release").sum() == 2  # the scenario's two open releases
    assert set(marks.loc[marks.month < "2026-01", "kind"]) <= set(annotate.MARKED_KINDS)
    assert (marks.month >= "2023-01").all()  # the 2022 events lie before the axis
    assert marks.scenario.equals(marks.month >= "2026-01")


def test_events_are_lettered_without_overlap(one_run, run_figures):
    own_months = {"2026-01", "2026-03", "2026-06"}
    for name, fig in run_figures.items():
        top = fig.axes[0]
        scenario_lines = [line for line in top.lines if line.get_label() == "_scenario event"]
        assert len(scenario_lines) == len(own_months), name
        letters = [t for t in top.texts if t.get_text() in ("A", "B", "C")]
        assert sorted(t.get_text() for t in letters) == ["A", "B", "C"], name
        renderer = fig.canvas.get_renderer()
        boxes = [t.get_window_extent(renderer) for t in letters]
        for a, b in combinations(boxes, 2):
            assert not boxes_overlap(a, b), f"{name}: event letters overlap"
        key = " ".join(t.get_text() for legend in fig.legends for t in legend.get_texts())
        assert all(month in key for month in own_months), name


def test_draw_run_figures_saves_png_only_by_default(one_run, tmp_path):
    written = run_plots.draw_run_figures(one_run.table, one_run.events, SCENARIO, tmp_path)
    assert list(written) == list(run_plots.RUN_FIGURES)
    for paths in written.values():
        assert [p.suffix for p in paths] == [".png"]
        for path in paths:
            assert path.exists() and path.stat().st_size > 1000
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files


def test_run_figures_redraw_from_saved_tables(one_run, tmp_path):
    """A run folder's timeseries.parquet and events.csv are all a figure needs."""
    one_run.table.to_parquet(tmp_path / "timeseries.parquet", index=False)
    one_run.events.to_csv(tmp_path / "events.csv", index=False)
    table = pd.read_parquet(tmp_path / "timeseries.parquet")
    events = pd.read_csv(tmp_path / "events.csv", dtype=str).fillna("")
    fig = market_figures.prices(table, events, SCENARIO)
    active = expected_entities(one_run.table, "price", positive=True)
    assert sum(len(named_lines(ax)) for ax in fig.axes) == len(active)


def test_a_baseline_run_has_no_lettered_events():
    res = run(compose_config([*SHORT, "scenario=baseline", "seed=2"]))
    fig = market_figures.hhi(res.table, res.events, "baseline")
    ax = fig.axes[0]
    assert not [line for line in ax.lines if line.get_label() == "_scenario event"]
    assert [line for line in ax.lines if line.get_label() == "_history event"]


# -- a sweep -------------------------------------------------------------------------------------

def test_parameter_columns_are_the_swept_ones(sweep):
    gathered, _ = sweep
    assert sweep_stats.parameter_columns(gathered) == [PARAM]  # not 'run', not 'world'


def test_bands_are_across_seeds(sweep):
    gathered, _ = sweep
    one = gathered[gathered[PARAM] == 0.3]
    frame = sweep_stats.band_frame(one, "cn_share_startups")
    assert (frame["n"] == 3).all()
    assert (frame["low"] <= frame["mean"] + 1e-12).all()
    assert (frame["mean"] <= frame["high"] + 1e-12).all()
    rows = one[(one.metric == "token_share_bloc") & (one.segment == "startups")
               & (one.entity == "CN") & (one.month == "2027-06")
               & (one.scenario == "token_price_cut")]
    got = frame[(frame.scenario == "token_price_cut") & (frame.month == "2027-06")]
    assert got["mean"].item() == pytest.approx(rows.value.mean())
    assert got["high"].item() == pytest.approx(rows.value.quantile(0.95))


def test_paired_difference_of_baseline_from_itself_is_exactly_zero(sweep):
    gathered, _ = sweep
    for h in HEADLINES:
        diffs = sweep_stats.paired_differences(gathered, h.key)
        own = diffs[diffs.scenario == "baseline"]
        assert len(own) == 6 * gathered.month.nunique()  # 3 seeds x 2 parameter values
        finite = own["difference"].dropna()
        assert (finite == 0.0).all(), h.key


def test_paired_differences_pair_seed_and_parameters(sweep):
    gathered, _ = sweep
    diffs = sweep_stats.paired_differences(gathered, "open_share_startups")
    row = diffs[(diffs.scenario == "token_price_cut") & (diffs.seed == 2)
                & (diffs[PARAM] == 0.6) & (diffs.month == "2027-01")]
    pick = gathered[(gathered.metric == "open_share") & (gathered.segment == "startups")
                    & (gathered.seed == 2) & (gathered[PARAM] == 0.6)
                    & (gathered.month == "2027-01")].set_index("scenario")["value"]
    assert row["difference"].item() == pick["token_price_cut"] - pick["baseline"]


def test_metric_bands_grid(sweep):
    gathered, events = sweep
    keys = ["cn_share_startups", "us_lerner", "gap_us_cn_months"]
    fig = sweep_plots.metric_bands(gathered, keys, events=events)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == len(keys)
    check_labels(fig)
    for ax in panels:  # never pooled: a line per scenario and parameter value
        assert [line.get_label() for line in named_lines(ax)] == [
            f"{scenario}, {PARAM}={value}" for scenario in ("baseline", "token_price_cut")
            for value in (0.3, 0.6)]
        assert len(ax.collections) == 4  # and its band
        assert [line for line in ax.lines if line.get_label() == "_event"]
    assert "%" in panels[0].get_ylabel() and "months" in panels[2].get_ylabel()
    assert has_legend(fig)


def test_single_series_by_tuple(sweep):
    gathered, _ = sweep
    fig = sweep_plots.metric_bands(gathered, ("hhi_revenue", "enterprises", "market"))
    assert len(fig.axes) == 1
    check_labels(fig)
    assert "points" in fig.axes[0].get_ylabel()


def test_differences_from_baseline(sweep):
    gathered, events = sweep
    fig = sweep_plots.differences_from_baseline(gathered, ["cn_share_startups", "cn_lerner"],
                                                events=events)
    check_labels(fig)
    for ax in fig.axes:  # one difference per parameter value, each paired within it
        assert [line.get_label() for line in named_lines(ax)] == [
            f"token_price_cut, {PARAM}={value}" for value in (0.3, 0.6)]
    assert "percentage points" in fig.axes[0].get_ylabel()
    # the subsidised cut sells far below cost: a linear axis cut at -2, saying so
    lerner = fig.axes[1]
    assert lerner.get_yscale() == "linear" and lerner.get_ylim()[0] == -2.0
    assert "axis cut at −2" in lerner.get_title(loc="left")
    with pytest.raises(ValueError, match="baseline"):
        sweep_plots.differences_from_baseline(
            gathered[gathered.scenario != "baseline"], "cn_share_startups")


def test_small_multiples_one_panel_per_value(sweep):
    gathered, events = sweep
    fig = sweep_plots.small_multiples(gathered, PARAM, "open_share_startups", events=events)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == gathered[PARAM].nunique() == 2
    assert [ax.get_title(loc="left") for ax in panels] == [f"{PARAM} = 0.3", f"{PARAM} = 0.6"]
    check_labels(fig)
    for ax in panels:
        assert len(named_lines(ax)) == 2


def test_event_study(sweep):
    gathered, events = sweep
    frame = sweep_data.event_study_frame(gathered, events, "cn_share_startups", "price")
    assert frame["months_since"].between(-6, 24).all()
    assert set(frame.scenario) == {"token_price_cut"}
    # month 0 is 2026-01, the scenario's price cut
    assert set(frame.loc[frame.months_since == 0, "month"]) == {"2026-01"}
    before = frame[frame.months_since < 0]["difference"]
    assert (before == 0).all()  # identical history: same seed, same draws before the cut
    fig = sweep_plots.event_study(gathered, events, "cn_share_startups", "price")
    check_labels(fig)
    assert "months" in fig.axes[0].get_xlabel()
    assert len(named_lines(fig.axes[0])) == 2  # the cut at each parameter value
    with pytest.raises(ValueError, match="ban"):
        sweep_plots.event_study(gathered, events, "cn_share_startups", "ban")


def test_draw_sweep_figures_saves_every_figure(sweep, tmp_path):
    gathered, events = sweep
    keys = ["cn_share_startups", "soft_power_us"]
    written = sweep_plots.draw_sweep_figures(gathered, events, tmp_path, keys=keys)
    expected = {"bands", "differences", "event_study_price", "event_study_subsidy",
                *(f"small_multiples_world_demand_price_elasticity_{k}" for k in keys)}
    assert set(written) == expected
    for paths in written.values():
        assert [p.suffix for p in paths] == [".png"]
        assert all(p.stat().st_size > 1000 for p in paths)
