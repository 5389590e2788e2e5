"""HTML reports: one self-contained page for a run or for a sweep.

A report is a single ``report.html`` with its figures embedded as base64 PNG and a little
inline CSS: it can be mailed, archived or opened offline, and needs nothing beside it.
It is written atomically (a reader never sees half a page).

- :func:`write_run_report`: the scenario (name, description, events), the run's settings
  and the parameters that differ from the world's defaults, the headline metrics at the
  report dates, and every standard figure.
- :func:`write_sweep_report`: the headline metrics at the report dates per scenario
  (mean, 5th and 95th percentiles across seeds, n), each scenario's paired difference
  from the baseline (mean, 90% confidence interval of the mean, 5th–95th percentile of
  the differences, n), and the sweep figures.

Both take ``extra_html``, inserted verbatim as its own section (e.g. a validation
scorecard).
"""

from __future__ import annotations

import base64
import html
import logging
from collections.abc import Mapping, Sequence
from dataclasses import fields
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.headline import HEADLINES
from sim.core.files import write_text
from sim.plots.style import png_bytes, unit_display
from sim.report.tables import (  # noqa: F401 (re-exported)
    CI_LEVEL,
    DEFAULT_DATES,
    _calibrated,
    _fmt,
    _headline_runs,
    _month_note,
    _parameter_columns,
    _reference_config,
    _scenario_events,
    changed_parameters,
    flatten_config,
    headline_table,
    sweep_difference_table,
    sweep_headline_table,
)

log = logging.getLogger("sim.report.html")

REPORT = "report.html"

_CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: #222; margin: 0; background: #fafafa; }
main { max-width: 1100px; margin: 0 auto; padding: 1.5em 2em 3em; background: #fff; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em;
     margin-top: 2em; }
h3 { font-size: 1.05em; margin-top: 1.4em; }
p.lead { font-size: 1.1em; color: #444; margin-top: 0; }
p.note, .muted { color: #666; font-size: 0.9em; }
table { border-collapse: collapse; margin: 0.6em 0 1em; font-size: 0.88em; }
th, td { padding: 0.25em 0.6em; border-bottom: 1px solid #e4e4e4; text-align: left;
         vertical-align: top; }
th { background: #f3f3f3; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.group td { border-top: 2px solid #ccc; }
figure { margin: 1.5em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #444; font-size: 0.9em; margin-top: 0.3em; }
details { margin: 0.5em 0 1em; }
summary { cursor: pointer; color: #0072B2; }
code { font-size: 0.92em; }
footer { margin-top: 3em; color: #888; font-size: 0.85em; }
"""


# -- numbers ------------------------------------------------------------------------------------

def _e(text: Any) -> str:
    return html.escape(str(text))


def _table(frame: pd.DataFrame, numeric: Sequence[str] = ()) -> str:
    """A DataFrame as an HTML table; ``numeric`` columns formatted and right-aligned."""
    if frame.empty:
        return '<p class="note">None.</p>'
    head = "".join(f'<th class="num">{_e(c)}</th>' if c in numeric else f"<th>{_e(c)}</th>"
                   for c in frame.columns)
    body = []
    for _, row in frame.iterrows():
        cells = "".join(f'<td class="num">{_fmt(row[c])}</td>' if c in numeric
                        else f"<td>{_e(row[c])}</td>" for c in frame.columns)
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _img(data: bytes, alt: str, caption: str) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{encoded}" alt="{_e(alt)}">'
            f"<figcaption><strong>{_e(alt)}.</strong> {_e(caption)}</figcaption></figure>")


def _figures_html(figures: Mapping[str, Sequence[Path]], captions: Any) -> str:
    """Each figure's PNG, embedded, with its caption."""
    parts = []
    for name, paths in figures.items():
        png = next((Path(p) for p in paths if str(p).endswith(".png")), None)
        if png is None or not png.exists():
            log.warning("figure %s has no PNG to embed", name)
            continue
        parts.append(_img(png.read_bytes(), name.replace("_", " ").capitalize(),
                          captions(name)))
    return "\n".join(parts)


def _page(title: str, sections: Sequence[str]) -> str:
    try:
        version = metadata.version("ai-market-sim")
    except metadata.PackageNotFoundError:
        version = "unknown"
    body = "\n".join(s for s in sections if s)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
            f"{body}\n<footer>Written by ai-market-sim {_e(version)}. Figures are also "
            f"saved as PNG and PDF in <code>plots/</code> when the run draws them; "
            f"docs/outputs.md says how to redraw them from the tables.</footer>\n"
            f"</main>\n</body>\n</html>\n")


def _section(section_id: str, heading: str, content: str) -> str:
    return f'<section id="{section_id}">\n<h2>{_e(heading)}</h2>\n{content}\n</section>'


def _extra(extra_html: str | None) -> str:
    if not extra_html:
        return ""
    return f'<section id="extra">\n{extra_html}\n</section>'


def _headline_html(table: pd.DataFrame, dates: Sequence[str]) -> str:
    """The run's headline table, shares in per cent."""
    frame = headline_table(table, dates)
    rows = []
    for _, r in frame.iterrows():
        scale, unit, _ = unit_display(r["unit"])
        cells = "".join(f'<td class="num">{_fmt(r[d] * scale)}</td>' for d in dates)
        rows.append(f"<tr><td>{_e(r['label'])}</td><td>{_e(unit)}</td>{cells}</tr>")
    head = "".join(f'<th class="num">{_e(d)}</th>' for d in dates)
    note = _month_note(table["month"].astype(str).unique(), dates)
    return (f"<table><thead><tr><th>Headline</th><th>Unit</th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
            + (f'<p class="note">{_e(note)}</p>' if note else ""))


def write_run_report(table: pd.DataFrame, events: pd.DataFrame | None, config: Any,
                     out_dir: str | Path, figures: Mapping[str, Sequence[Path]] | None = None,
                     report_dates: Sequence[str] = DEFAULT_DATES, *,
                     extra_html: str | None = None, reference: Any | None = None,
                     scenario_from: str | None = None) -> Path:
    """Write ``<out_dir>/report.html`` for one run.

    Args:
        table: the run's tidy table.
        events: the run's events (or None).
        config: the run's :class:`sim.config.Config`.
        out_dir: the run's folder.
        figures: name -> paths from :func:`sim.plots.run_figures.draw_run_figures`; None draws
            them in memory (no files besides the report).
        report_dates: months (``YYYY-MM``) of the headline table.
        extra_html: HTML inserted verbatim as its own section (e.g. a scorecard).
        reference: the config to list changed parameters against (default: the baseline
            scenario in the same world, composed from scenarios/).
        scenario_from: first month of the scenario's own events (default: the month after
            ``config.world.history_until``).

    Returns:
        The path of the report.
    """
    from sim.plots import run_figures as run_plots

    out_dir = Path(out_dir)
    scenario = config.scenario
    if scenario_from is None:
        scenario_from = _month_after(config.world.history_until)
    dates = [str(d) for d in report_dates]
    first, last = table["month"].astype(str).min(), table["month"].astype(str).max()

    settings = pd.DataFrame([
        ("scenario", scenario.name), ("world", config.world.name), ("seed", config.seed),
        ("engine", config.engine), ("period", f"{first} to {last}"),
        ("recorded history until", config.world.history_until),
        *[(f"rule: {f.name}", getattr(config.rules, f.name)) for f in fields(config.rules)],
    ], columns=["setting", "value"])
    header = (f"<h1>Scenario: {_e(scenario.name)}</h1>\n"
              f'<p class="lead">{_e(scenario.description or "(no description)")}</p>')
    run_html = _section("run", "Run", _table(settings))

    configured = _scenario_events(config)
    applied = run_plots.events_to_mark(events, first, last, scenario_from)
    history = (events[events["month"].astype(str) < scenario_from]
               if events is not None and len(events) else pd.DataFrame())
    events_html = (
        "<h3>The scenario's events</h3>" + _table(configured)
        + (f"<details><summary>{len(history)} events of the recorded history "
           f"(before {_e(scenario_from)})</summary>"
           + _table(history[["month", "kind", "vendor", "bloc", "label"]]) + "</details>"
           if len(history) else ""))
    if configured.empty and len(applied):
        events_html += _table(applied[applied["scenario"]][["month", "kind", "label"]])

    reference = reference if reference is not None else _reference_config(config)
    if reference is not None:
        changed = changed_parameters(config, reference)
        params_html = ("<h3>Changed from the baseline scenario of this world</h3>"
                       + _table(changed.astype(str)))
    else:
        params_html = '<p class="note">No reference config to compare with.</p>'
    params_html += ("<details><summary>Calibrated parameters</summary>"
                    + _table(_calibrated(config).astype(str)) + "</details>")

    if figures is None:
        captions = run_plots.CAPTIONS
        fig_html = "\n".join(
            _img(png_bytes(fig), name.replace("_", " ").capitalize(), captions.get(name, ""))
            for name, fig in run_plots.run_figures(
                table, events, scenario.name, scenario_from=scenario_from,
                vendor_blocs={v: c.bloc for v, c in config.world.vendors.items()}))
    else:
        fig_html = _figures_html(figures, lambda n: run_plots.CAPTIONS.get(n, ""))

    page = _page(f"{scenario.name}: report", [
        header,
        run_html,
        _section("events", "Events", events_html),
        _section("parameters", "Key parameters", params_html),
        _section("headlines", "Headline metrics", _headline_html(table, dates)),
        _extra(extra_html),
        _section("figures", "Figures", fig_html),
    ])
    return write_text(out_dir / REPORT, page)


def _month_after(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    return f"{year:04d}-{mon:02d}"


def _sweep_headline_html(gathered: pd.DataFrame, dates: Sequence[str]) -> str:
    """Per headline and scenario: mean, 5th and 95th percentiles and n at each date."""
    frame = sweep_headline_table(gathered, dates)
    params = _parameter_columns(gathered)
    return _grouped_table(frame, params, dates, [("mean", "Mean"), ("low", "5th pct"),
                                                 ("high", "95th pct"), ("n", "n seeds")],
                          level=True)


def _sweep_difference_html(gathered: pd.DataFrame, dates: Sequence[str],
                           baseline: str) -> str:
    frame = sweep_difference_table(gathered, dates, baseline)
    if frame.empty:
        return f'<p class="note">No {_e(baseline)} runs: no paired differences.</p>'
    params = _parameter_columns(gathered)
    return _grouped_table(frame, params, dates,
                          [("mean", "Mean"), ("ci", f"{CI_LEVEL:.0%} CI"),
                           ("band", "5th–95th pct"), ("n", "n pairs")], level=False)


def _grouped_table(frame: pd.DataFrame, params: Sequence[str], dates: Sequence[str],
                   stats_: Sequence[tuple[str, str]], level: bool) -> str:
    """A table with a row per (headline, scenario, parameters) and columns per date."""
    head1 = "".join(f'<th colspan="{len(stats_)}" class="num">{_e(d)}</th>' for d in dates)
    lead = "<th>Headline</th><th>Unit</th><th>Scenario</th>" + "".join(
        f"<th>{_e(p)}</th>" for p in params)
    head2 = "".join(f'<th class="num">{_e(label)}</th>' for _ in dates for _, label in stats_)
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
            label_cells = (f"<td>{_e(h.label)}</td><td>{_e(unit if level else diff_unit)}</td>"
                           if first else "<td></td><td></td>")
            row_class = ' class="group"' if first else ""
            rows.append(f"<tr{row_class}>{label_cells}"
                        + "".join(f"<td>{_e(k)}</td>" for k in keys) + "".join(cells)
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
        return f"[{_fmt(row['ci_low'] * scale)}, {_fmt(row['ci_high'] * scale)}]"
    if stat == "band":
        return f"[{_fmt(row['low'] * scale)}, {_fmt(row['high'] * scale)}]"
    return _fmt(row[stat] * scale)


def write_sweep_report(gathered: pd.DataFrame, events: pd.DataFrame | None,
                       out_dir: str | Path, report_dates: Sequence[str] = DEFAULT_DATES, *,
                       figures: Mapping[str, Sequence[Path]] | None = None,
                       extra_html: str | None = None, baseline: str = "baseline",
                       scenario_from: str = "2026-01", keys: Sequence[Any] | None = None
                       ) -> Path:
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

    Returns:
        The path of the report.
    """
    from sim.plots import sweep_figures as sweep_plots

    out_dir = Path(out_dir)
    dates = [str(d) for d in report_dates]
    scenarios = sweep_plots.scenarios_in(gathered)
    params = _parameter_columns(gathered)
    seeds = sorted(int(s) for s in pd.unique(gathered["seed"]))
    runs_per = (gathered.drop_duplicates(["scenario", "seed", *params])
                .groupby("scenario").size())
    own = sweep_plots.scenario_events(events, scenario_from)
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
        values = sweep_plots.parameter_values(gathered[p])
        lines.append(f"{p}: {', '.join(str(v) for v in values)}")
    header = (f"<h1>Sweep of {len(scenarios)} scenarios</h1>\n"
              f'<p class="lead">{_e("; ".join(lines))}</p>')
    note = _month_note(gathered["month"].astype(str).unique(), dates)
    heads = (
        '<p class="note">Mean across seeds, and the 5th and 95th percentiles of the runs. '
        "Shares in per cent.</p>" + _sweep_headline_html(gathered, dates)
        + (f'<p class="note">{_e(note)}</p>' if note else ""))
    diffs = (
        f'<p class="note">Scenario minus {_e(baseline)}, seed by seed (same seed, same '
        f"parameter values). Mean, its {CI_LEVEL:.0%} confidence interval (Student t), the "
        "5th–95th percentile of the paired differences, and the number of pairs. "
        "Differences of shares in percentage points.</p>"
        + _sweep_difference_html(gathered, dates, baseline))
    if figures is None:
        fig_html = "\n".join(
            _img(png_bytes(fig), name.replace("_", " ").capitalize(),
                 sweep_plots.caption(name))
            for name, fig in sweep_plots.sweep_figures(gathered, events, keys=keys,
                                                       baseline=baseline,
                                                       scenario_from=scenario_from))
    else:
        fig_html = _figures_html(figures, sweep_plots.caption)
    page = _page("Sweep report", [
        header,
        _section("scenarios", "Scenarios", _table(overview, numeric=("runs",))),
        _section("headlines", "Headline metrics", heads),
        _section("differences", f"Paired differences from the {baseline}", diffs),
        _extra(extra_html),
        _section("figures", "Figures", fig_html),
    ])
    return write_text(out_dir / REPORT, page)


def _seed_text(seeds: Sequence[int]) -> str:
    """Seeds as a short text: '0–19' for a range, else a list."""
    if len(seeds) > 2 and seeds == list(range(seeds[0], seeds[-1] + 1)):
        return f"{seeds[0]}–{seeds[-1]} ({len(seeds)})"
    return ", ".join(str(s) for s in seeds)
