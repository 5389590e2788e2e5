"""The report of one run: the scenario (name, description, events), the run's settings
and the parameters that differ from the baseline scenario of its world, the headline
metrics at the report dates, and every standard figure, in one ``report.html``.

It is written atomically (a reader never sees half a page), and takes ``extra_html``,
inserted verbatim as its own section (e.g. a validation scorecard).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

import pandas as pd

from sim.core.dates import REPORT_DATES, month_after
from sim.core.files import write_text
from sim.plots.annotate import events_to_mark
from sim.plots.captions import CAPTIONS, figure_title
from sim.plots.style import png_bytes, unit_display
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
from sim.report.tables import (
    calibrated_parameters,
    changed_parameters,
    configured_events,
    fmt_number,
    headline_table,
    month_note,
    reference_config,
)


def _headline_html(table: pd.DataFrame, dates: Sequence[str]) -> str:
    """The run's headline table, shares in per cent."""
    frame = headline_table(table, dates)
    rows = []
    for _, r in frame.iterrows():
        scale, unit, _ = unit_display(r["unit"])
        cells = "".join(f'<td class="num">{fmt_number(r[d] * scale)}</td>' for d in dates)
        # shares are shown in per cent: "of every 100" reads the number as it is shown
        rows.append(f"<tr><td>{escape(r['label'])}</td><td>{escape(unit)}</td>{cells}"
                    f'<td class="muted">{escape(r["meaning"])}</td></tr>')
    head = "".join(f'<th class="num">{escape(d)}</th>' for d in dates)
    note = month_note(table["month"].astype(str).unique(), dates)
    return (f"<table><thead><tr><th>Headline</th><th>Unit</th>{head}"
            f"<th>What the number means</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
            + (f'<p class="note">{escape(note)}</p>' if note else ""))


def write_run_report(table: pd.DataFrame, events: pd.DataFrame | None, config: Any,
                     out_dir: str | Path, figures: Mapping[str, Sequence[Path]] | None = None,
                     report_dates: Sequence[str] = REPORT_DATES, *,
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
        scenario_from = month_after(config.world.history_until)
    dates = [str(d) for d in report_dates]
    first, last = table["month"].astype(str).min(), table["month"].astype(str).max()

    settings = pd.DataFrame([
        ("scenario", scenario.name), ("world", config.world.name), ("seed", config.seed),
        ("engine", config.engine), ("period", f"{first} to {last}"),
        ("recorded history until", config.world.history_until),
        *[(f"rule: {f.name}", getattr(config.rules, f.name)) for f in fields(config.rules)],
    ], columns=["setting", "value"])
    header = (f"<h1>Scenario: {escape(scenario.name)}</h1>\n"
              f'<p class="lead">{escape(scenario.description or "(no description)")}</p>')
    run_html = section("run", "Run", table_html(settings, empty="No settings."))

    configured = configured_events(config)
    applied = events_to_mark(events, first, last, scenario_from)
    own = applied.loc[applied["scenario"], ["month", "kind", "label"]]
    history = (events[events["month"].astype(str) < scenario_from]
               if events is not None and len(events) else pd.DataFrame())
    no_events = f"The scenario has no events of its own (from {scenario_from})."
    events_html = (
        "<h3>The scenario's events</h3>"
        + (table_html(own, empty=no_events) if configured.empty
           else table_html(configured, empty=no_events))
        + (f"<details><summary>{len(history)} events of the recorded history "
           f"(before {escape(scenario_from)})</summary>"
           + table_html(history[["month", "kind", "vendor", "bloc", "label"]], empty="")
           + "</details>" if len(history) else ""))

    reference = reference if reference is not None else reference_config(config)
    if reference is not None:
        changed = changed_parameters(config, reference)
        params_html = ("<h3>Changed from the baseline scenario of this world</h3>"
                       + table_html(changed.astype(str),
                                    empty="No setting differs from the baseline scenario of "
                                          "this world."))
    else:
        params_html = '<p class="note">No reference config to compare with.</p>'
    params_html += ("<details><summary>Calibrated parameters</summary>"
                    + table_html(calibrated_parameters(config).astype(str),
                                 empty="The world has no calibrated parameters.")
                    + "</details>")

    def captions(name: str) -> str:
        return CAPTIONS.get(name, "")

    if figures is None:
        fig_html = "\n".join(
            img_html(png_bytes(fig), figure_title(name), captions(name))
            for name, fig in run_plots.run_figures(
                table, events, scenario.name, scenario_from=scenario_from,
                vendor_blocs={v: c.bloc for v, c in config.world.vendors.items()}))
    else:
        fig_html = figures_html(figures, captions, figure_title)

    text = page(f"{scenario.name}: report", [
        header,
        run_html,
        section("events", "Events", events_html),
        section("parameters", "Key parameters", params_html),
        section("headlines", "Headline metrics", _headline_html(table, dates)),
        extra_section(extra_html),
        section("figures", "Figures", fig_html),
    ])
    return write_text(out_dir / REPORT, text)
