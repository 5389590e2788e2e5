"""The report of a sweep: the headline metrics at the report dates per scenario (mean,
5th and 95th percentiles across seeds, n), each scenario's paired difference from the
baseline (mean, 90% confidence interval of the mean, 5th–95th percentile of the
differences, n), in a sweep of parameter draws each headline outcome's 90% interval over
draws × seeds and the share of its spread due to the parameters
(:mod:`sim.report.outcome_report`), and the sweep figures, in one ``report.html``.

The numbers come from :mod:`sim.analysis.sweep_stats`, as do those of the gathered
``paired_differences.csv``: the report and the file agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.headline import HEADLINES
from sim.analysis.sweep_stats import (
    BASELINE,
    CI_LEVEL,
    difference_table,
    headline_bands,
    parameter_columns,
    parameter_values,
)
from sim.core.dates import REPORT_DATES, SCENARIO_FROM
from sim.core.files import write_text
from sim.plots.style import png_bytes, unit_display
from sim.plots.sweep_data import scenario_events, scenarios_in
from sim.report.html import (
    REPORT,
    escape,
    extra_section,
    figures_html,
    img_html,
    page,
    section,
    table_html,
)
from sim.report.outcome_report import uncertainty_section
from sim.report.tables import fmt_number, month_note


def _sweep_headline_html(gathered: pd.DataFrame, dates: Sequence[str]) -> str:
    """Per headline and scenario: mean, 5th and 95th percentiles and n at each date."""
    frame = headline_bands(gathered, dates)
    params = parameter_columns(gathered)
    n = "n runs" if "draw" in gathered.columns else "n seeds"
    return _grouped_table(frame, params, dates, [("mean", "Mean"), ("low", "5th pct"),
                                                 ("high", "95th pct"), ("n", n)],
                          level=True)


def _sweep_difference_html(gathered: pd.DataFrame, dates: Sequence[str],
                           baseline: str) -> str:
    frame = difference_table(gathered, dates, baseline)
    params = parameter_columns(gathered)
    noted = frame["note"].fillna("").astype(str) != ""
    notes = []
    for _, row in frame[noted].iterrows():  # what had nothing to pair with, and why
        who = ", ".join([str(row["scenario"])] if pd.notna(row["scenario"]) else []) + "".join(
            f", {p}={'default' if pd.isna(row[p]) else row[p]}" for p in params
            if pd.notna(row["scenario"]))
        notes.append(f'<p class="note">{escape(who + ": " if who else "")}'
                     f"{escape(row['note'])}.</p>")
    if not (~noted).any():
        return "".join(notes)
    return _grouped_table(frame[~noted], params, dates,
                          [("mean", "Mean"), ("ci", f"{CI_LEVEL:.0%} CI"),
                           ("band", "5th–95th pct"), ("n", "n pairs")], level=False) + "".join(
        notes)


def _grouped_table(frame: pd.DataFrame, params: Sequence[str], dates: Sequence[str],
                   stats_: Sequence[tuple[str, str]], level: bool) -> str:
    """A table with a row per (headline, scenario, parameters) and columns per date."""
    head1 = "".join(f'<th colspan="{len(stats_)}" class="num">{escape(d)}</th>' for d in dates)
    lead = "<th>Headline</th><th>Unit</th><th>Scenario</th>" + "".join(
        f"<th>{escape(p)}</th>" for p in params)
    head2 = "".join(f'<th class="num">{escape(label)}</th>' for _ in dates for _, label in stats_)
    blank = "".join("<th></th>" for _ in range(3 + len(params)))
    rows = []
    index = ["headline", "scenario", *params]
    for h in HEADLINES:
        part = frame[frame["headline"] == h.key]
        if part.empty:
            continue
        scale, unit, diff_unit = unit_display(h.unit)
        first = True
        for keys, group in part.groupby(index[1:], sort=False, dropna=False):
            keys = keys if isinstance(keys, tuple) else (keys,)
            by_month = group.set_index("month")
            cells = []
            for d in dates:
                r = by_month.loc[d] if d in by_month.index else None
                for stat, _ in stats_:
                    cells.append(f'<td class="num">{_stat(r, stat, scale)}</td>')
            shown_unit = unit if level else diff_unit
            label_cells = (f"<td>{escape(h.label)}</td><td>{escape(shown_unit)}</td>"
                           if first else "<td></td><td></td>")
            row_class = ' class="group"' if first else ""
            rows.append(f"<tr{row_class}>{label_cells}"
                        + "".join(f"<td>{escape(k)}</td>" for k in keys) + "".join(cells)
                        + "</tr>")
            first = False
    return (f"<table><thead><tr>{blank}{head1}</tr><tr>{lead}{head2}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _stat(row: pd.Series | None, stat: str, scale: float) -> str:
    if row is None:
        return "—"
    if stat == "n":
        return str(int(row["n"]))
    if stat == "ci":
        return f"[{fmt_number(row['ci_low'] * scale)}, {fmt_number(row['ci_high'] * scale)}]"
    if stat == "band":
        return f"[{fmt_number(row['low'] * scale)}, {fmt_number(row['high'] * scale)}]"
    return fmt_number(row[stat] * scale)


def write_sweep_report(gathered: pd.DataFrame, events: pd.DataFrame | None,
                       out_dir: str | Path, report_dates: Sequence[str] = REPORT_DATES, *,
                       figures: Mapping[str, Sequence[Path]] | None = None,
                       extra_html: str | None = None, baseline: str = BASELINE,
                       scenario_from: str = SCENARIO_FROM, keys: Sequence[Any] | None = None,
                       uncertainty: pd.DataFrame | None = None) -> Path:
    """Write ``<out_dir>/report.html`` for a sweep.

    Args:
        gathered: the sweep table (a run's columns plus scenario, seed and parameters).
        events: the sweep's events, with a ``scenario`` column (or None).
        out_dir: the folder of the gathered sweep.
        report_dates: months (``YYYY-MM``) of the tables.
        figures: name -> paths from :func:`sim.plots.sweep_figures.draw_sweep_figures`; None
            draws them in memory.
        extra_html: HTML inserted verbatim as its own section.
        baseline: the scenario the others are paired with.
        scenario_from: first month of the scenarios' own events.
        keys: the series of the figures drawn when ``figures`` is None (default: every
            headline).
        uncertainty: in a sweep of parameter draws, the table of
            :func:`sim.analysis.variance.uncertainty_table` (``gathered/uncertainty.csv``),
            shown as its own section.

    Returns:
        The path of the report.
    """
    from sim.plots import sweep_figures as sweep_plots

    out_dir = Path(out_dir)
    dates = [str(d) for d in report_dates]
    scenarios = scenarios_in(gathered)
    params = parameter_columns(gathered)
    seeds = sorted(int(s) for s in pd.unique(gathered["seed"]))
    runs_per = (gathered.drop_duplicates(["scenario", "seed", *params])
                .groupby("scenario").size())
    own = scenario_events(events, scenario_from)
    overview = pd.DataFrame({
        "scenario": scenarios,
        "runs": [int(runs_per.get(s, 0)) for s in scenarios],
        f"events from {scenario_from}": [
            "; ".join(f"{m} {lab or k}" for m, k, lab in
                      own.loc[own["scenario"] == s, ["month", "kind", "label"]].itertuples(
                          index=False)) for s in scenarios],
    })
    lines = [f"{len(scenarios)} scenarios, seeds {_seed_text(seeds)}"]
    for p in params:
        values = parameter_values(gathered[p])
        lines.append(f"{p}: {', '.join(str(v) for v in values)}")
    header = (f"<h1>Sweep of {len(scenarios)} scenarios</h1>\n"
              f'<p class="lead">{escape("; ".join(lines))}</p>')
    note = month_note(gathered["month"].astype(str).unique(), dates)
    across = ("across runs (parameter draws × seeds: the percentiles include parameter "
              "uncertainty)" if "draw" in gathered.columns else "across seeds")
    heads = (
        f'<p class="note">Mean {across}, and the 5th and 95th percentiles of the runs. '
        "Shares in per cent.</p>" + _sweep_headline_html(gathered, dates)
        + (f'<p class="note">{escape(note)}</p>' if note else ""))
    diffs = (
        f'<p class="note">Scenario minus {escape(baseline)}, seed by seed (same seed, same '
        f"parameter values). Mean, its {CI_LEVEL:.0%} confidence interval (Student t), the "
        "5th–95th percentile of the paired differences, and the number of pairs. "
        "Differences of shares in percentage points.</p>"
        + _sweep_difference_html(gathered, dates, baseline))
    if figures is None:
        fig_html = "\n".join(
            img_html(png_bytes(fig), sweep_plots.figure_title(name), sweep_plots.caption(name))
            for name, fig in sweep_plots.sweep_figures(gathered, events, keys=keys,
                                                       baseline=baseline,
                                                       scenario_from=scenario_from))
    else:
        fig_html = figures_html(figures, sweep_plots.caption, sweep_plots.figure_title)
    text = page("Sweep report", [
        header,
        section("scenarios", "Scenarios", table_html(overview, numeric=("runs",),
                                                     empty="No finished runs.")),
        section("headlines", "Headline metrics", heads),
        section("differences", f"Paired differences from the {baseline}", diffs),
        uncertainty_section(uncertainty, baseline),
        extra_section(extra_html),
        section("figures", "Figures", fig_html),
    ])
    return write_text(out_dir / REPORT, text)


def _seed_text(seeds: Sequence[int]) -> str:
    """Seeds as a short text: '0–19' for a range, else a list."""
    if len(seeds) > 2 and seeds == list(range(seeds[0], seeds[-1] + 1)):
        return f"{seeds[0]}–{seeds[-1]} ({len(seeds)})"
    return ", ".join(str(s) for s in seeds)
