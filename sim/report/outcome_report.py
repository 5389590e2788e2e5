"""The report's tables of a sweep's scalar outcomes (``gathered/runs.csv``): each headline
outcome per variant, with its 90% interval across the runs and, in a sweep of parameter
draws, the share of its spread that comes from the parameters (the table
:func:`sim.analysis.variance.uncertainty_table` computes, ``gathered/uncertainty.csv``).

:func:`write_outcome_report` is the whole report of a headline-only gather, which keeps
no series to draw.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from sim.analysis.outcomes import OUTCOMES, outcome
from sim.analysis.variance import SPLIT_COLUMNS, swept_in_runs, variance_table
from sim.core.files import write_text
from sim.plots.style import unit_display
from sim.report.html import REPORT, escape, extra_section, page, section, table_html
from sim.report.tables import fmt_number

#: The note above the uncertainty table.
UNCERTAINTY_NOTE = (
    "Each outcome over every run of a variant, parameter draws × seeds together: the mean, "
    "the 5th–95th percentile of the runs (a 90% interval that includes parameter "
    "uncertainty), and the share of the runs' variance between draws (the parameters; "
    "the rest is the seeds'). Between draws still holds each draw mean's seed noise "
    "(σ²_seed / S); the analysis-of-variance estimate removes it. Differences pair each "
    "scenario run with the baseline run of the same seed and draw. Shares in per cent.")


def _pct(value: float) -> str:
    return "—" if pd.isna(value) else f"{100 * float(value):.0f}%"


def uncertainty_html(table: pd.DataFrame, quantity: str = "value") -> str:
    """The rows of ``table`` (:func:`sim.analysis.variance.uncertainty_table`) of one
    ``quantity`` (``value`` or ``difference``) as an HTML table."""
    return _outcome_html(table[table["quantity"] == quantity], level=quantity == "value",
                         shares=True)


def _outcome_html(part: pd.DataFrame, level: bool, shares: bool) -> str:
    """Outcome rows (outcome, unit, scenario, swept overrides, the split's columns) as an
    HTML table, in the units the report shows (shares in per cent)."""
    if part.empty:
        return ""
    params = [c for c in part.columns
              if c not in ("quantity", "outcome", "unit", "scenario", *SPLIT_COLUMNS)]
    head = ("<th>Outcome</th><th>Unit</th><th>Scenario</th>"
            + "".join(f"<th>{escape(p)}</th>" for p in params)
            + '<th class="num">Mean</th><th class="num">90% interval</th>'
            + ('<th class="num">Share from parameters</th><th class="num">(ANOVA)</th>'
               '<th class="num">Draws</th>' if shares else "") + '<th class="num">Runs</th>')
    rows = []
    for _, row in part.iterrows():
        scale, level_unit, diff_unit = unit_display(str(row["unit"]))
        interval = f"[{fmt_number(row['low'] * scale)}, {fmt_number(row['high'] * scale)}]"
        counts = (f'<td class="num">{_pct(row["share_param"])}</td>'
                  f'<td class="num">{_pct(row["share_param_adjusted"])}</td>'
                  f'<td class="num">{int(row["n_draws"])}</td>' if shares else "") \
            + f'<td class="num">{int(row["n_runs"])}</td>'
        rows.append(
            f"<tr><td>{escape(row['outcome'])}</td>"
            f"<td>{escape(level_unit if level else diff_unit)}</td>"
            f"<td>{escape(row['scenario'])}</td>"
            + "".join(f"<td>{escape(row[p])}</td>" for p in params)
            + f'<td class="num">{fmt_number(row["mean"] * scale)}</td>'
              f'<td class="num">{interval}</td>{counts}</tr>')
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def uncertainty_section(table: pd.DataFrame | None, baseline: str = "baseline") -> str:
    """The report's section on parameter uncertainty ("" for a sweep without draws)."""
    if table is None or table.empty:
        return ""
    body = f'<p class="note">{escape(UNCERTAINTY_NOTE)}</p>' + uncertainty_html(table)
    diffs = uncertainty_html(table, "difference")
    if diffs:
        body += f"<h3>Differences from the {escape(baseline)}</h3>" + diffs
    return section("uncertainty", "Parameter uncertainty", body)


def outcome_bands(runs: pd.DataFrame, outcomes: Sequence[str] | None = None) -> pd.DataFrame:
    """Each outcome per variant over the finished runs: ``outcome``, ``unit``,
    ``scenario``, the swept overrides, then the mean, the 5th and 95th percentiles
    (``low``, ``high``) and the runs (``n_runs``)."""
    names = [c for c in (outcomes if outcomes is not None else OUTCOMES) if c in runs]
    finished = runs[runs["status"] == "finished"]
    params = swept_in_runs(runs, names)
    long = finished.melt(id_vars=["scenario", *params], value_vars=names,
                         var_name="outcome", value_name="value")
    long["draw"] = 0  # one group per variant: the split is not wanted here
    table = variance_table(long, ["outcome", "scenario", *params])
    table.insert(1, "unit", table["outcome"].map(lambda n: outcome(n).unit))
    return table[["outcome", "unit", "scenario", *params, "mean", "low", "high", "n_runs"]]


def write_outcome_report(runs: pd.DataFrame, out_dir: str | Path,
                         uncertainty: pd.DataFrame | None = None,
                         extra_html: str | None = None) -> Path:
    """Write ``<out_dir>/report.html`` of a headline-only gather: the runs per scenario,
    every outcome's mean and 90% interval per variant, and the uncertainty table."""
    counts = runs.groupby(["scenario", "status"]).size().unstack(fill_value=0)
    overview = counts.reset_index()
    draws = int(runs["draw"].nunique()) if "draw" in runs.columns else 0
    lead = (f"{int((runs['status'] == 'finished').sum())} finished runs of "
            f"{runs['scenario'].nunique()} scenarios" + (f", {draws} parameter draws"
                                                         if draws else ""))
    text = page("Sweep report (outcomes)", [
        f"<h1>Sweep of {runs['scenario'].nunique()} scenarios</h1>\n"
        f'<p class="lead">{escape(lead)}. Gathered headline-only: the outcomes of '
        "runs.csv, no series.</p>",
        section("scenarios", "Runs", table_html(overview, numeric=tuple(
            c for c in overview.columns if c != "scenario"), empty="No runs.")),
        section("outcomes", "Outcomes", '<p class="note">Mean over the finished runs of each '
                "variant, and the 5th–95th percentile of the runs (draws and seeds together). "
                "Shares in per cent.</p>"
                + (_outcome_html(outcome_bands(runs), level=True, shares=False)
                   or '<p class="note">No finished runs.</p>')),
        uncertainty_section(uncertainty),
        extra_section(extra_html),
    ])
    return write_text(Path(out_dir) / REPORT, text)
