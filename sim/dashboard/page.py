"""The dashboard page: Mesa's SolaraViz, the levers, and the run's figures.

The sidebar holds SolaraViz's controls (play interval, render interval, Reset / ▶ / Step)
and the levers (:func:`LeverPanel`, one input per :func:`sim.dashboard.levers.controls`).
Each change of a lever is checked at once the way the command line checks a config
(:func:`sim.dashboard.levers.build_config`): settings it refuses show its
:class:`sim.config.ConfigError` message and are not used; Reset builds
``DashboardModel(**levers)`` from the last settings accepted
(:func:`sim.dashboard.model.with_settings`). The main area (:func:`Dashboard`) is
redrawn after every step: the month, one of the report's figures (drawn by the report's
own functions, in a thread of the session's own and in worker processes, so that a figure
never holds the months up), the headline numbers, and a form that saves the settings as a
scenario.
"""

# ruff: noqa: N802  (Solara components are named like classes)
from __future__ import annotations

import dataclasses
import logging
import math
import threading
import warnings
from typing import cast

import solara
from hydra.errors import HydraException
from omegaconf.errors import OmegaConfBaseException

with warnings.catch_warnings():  # Mesa's ComponentsView breaks a rule of hooks, harmlessly
    warnings.filterwarnings("ignore", message=".*ComponentsView.*", category=UserWarning)
    from mesa.visualization import SolaraViz
    from mesa.visualization.utils import force_update, update_counter

from sim.dashboard.agents import country_rows, firm_rows
from sim.dashboard.figures import (
    FIGURES,
    SHARE_SEGMENTS,
    Drawn,
    Glance,
    draw_png,
    glance,
    latest_values,
    snapshot,
)
from sim.dashboard.info import info_markdown
from sim.dashboard.levers import (
    Control,
    Levers,
    build_config,
    controls,
    forget_composed,
    scenarios,
)
from sim.dashboard.model import DashboardModel, with_settings
from sim.dashboard.scenario_file import save_scenario, scenario_yaml, session_name
from sim.model.results import release_model
from sim.plots.agent_figures import agents as agents_figure
from sim.plots.parallel import FigurePool
from sim.plots.style import png_bytes

log = logging.getLogger("sim.dashboard")

#: Errors that mean "these settings are refused" (ConfigError and RuleError are
#: ValueErrors; Hydra and OmegaConf raise their own for overrides they cannot compose).
REFUSED = (ValueError, HydraException, OmegaConfBaseException)
#: Milliseconds between months when playing (SolaraViz's slider starts there): at most
#: four months a second, the whole run in half a minute, while ten sessions of one
#: server still leave it time to draw (docs/dashboard.md, "Serving a class").
PLAY_INTERVAL_MS = 250
#: Worker processes that draw every session's figures (one per CPU), so that the
#: sessions' months do not wait for each other's figures on the server's one
#: interpreter lock; they start with the first figure.
FIGURE_POOL = FigurePool()
TITLE = "AI market simulation"

CSS = """
.ai-figure { max-width: 100%; height: auto; }
.ai-month { font-size: 1.3em; font-weight: 600; }
.ai-note { color: #666; font-size: 0.85em; display: block; }
.ai-group { font-weight: 600; margin-top: 10px; display: block; }
/* SolaraViz's "Model Parameters" card stays empty: the levers have a card of their own */
.v-card:has(> .v-card-text > .v-sheet:empty) { display: none; }
/* in the sidebar, the levers come after SolaraViz's controls whatever the mount order */
.v-navigation-drawer__content > div { display: flex; flex-direction: column; }
.ai-levers { order: 1; }
"""


def refusal_text(err: BaseException) -> str:
    """The message of a refused setting, with Hydra's cause when it has one."""
    text = str(err)
    cause = err.__cause__
    if cause is not None and str(cause) and str(cause) not in text:
        text = f"{text}: {cause}"
    return text


def refusal(levers: Levers) -> str | None:
    """Why the config refuses ``levers`` (the command line's message), or None."""
    try:
        build_config(levers)
    except REFUSED as err:
        return refusal_text(err)
    return None


def differences(old: Levers, new: Levers) -> str:
    """The levers that differ, as ``name: old → new``."""
    return ", ".join(f"{f.name}: {getattr(old, f.name)} → {getattr(new, f.name)}"
                     for f in dataclasses.fields(Levers)
                     if getattr(old, f.name) != getattr(new, f.name))


@solara.component
def Page():
    """The whole page (``solara run sim/app.py`` and ``python -m sim.app`` serve it)."""
    accepted = solara.use_ref(Levers())  # the last settings the config accepted
    # Reset builds model.__class__(): this class takes the accepted settings of the moment
    model_class = solara.use_memo(lambda: with_settings(lambda: accepted.current), [])
    initial = solara.use_memo(model_class, [])
    model = solara.use_reactive(initial)
    pending = solara.use_reactive(initial.levers)  # what the inputs show
    problem = solara.use_memo(lambda: refusal(pending.value), [pending.value])
    if problem is None:
        accepted.current = pending.value
    # Reset could still fail (a scenario file removed since it was checked): show it
    refused, clear_refused = solara.use_exception()
    if refused is not None and not isinstance(refused, REFUSED):
        raise refused

    def on_new_model():
        current = model.value
        clear_refused()

        def close() -> None:
            # the model Reset replaces, or the session's last when its browser has gone
            # (Solara closes a session cull_timeout after its last connection): a play
            # loop still running steps a closed model, which does nothing
            current.close()
            log.info("closed the model of a session at month %d", current.month)
            # Mesa 3.3.1 keeps every model alive (mesa#3179): free it
            release_model(current)

        return close

    solara.use_effect(on_new_model, [model.value])

    solara.Style(CSS)
    # playing, each month is followed by a redraw of the page, which costs little: the
    # figure is drawn in a thread of its own (Figure), so a month never waits for one.
    # (SolaraViz's "Use Threads" would redraw in yet another thread: measured with ten
    # sessions on one server, some pages then stopped showing their months.)
    SolaraViz(model, components=[], name=TITLE, play_interval=PLAY_INTERVAL_MS)
    message = problem or (refusal_text(refused) if refused is not None else None)
    Dashboard(model.value, pending.value, message)
    with solara.Sidebar():  # below SolaraViz's controls (CSS orders them)
        LeverPanel(pending, problem)


@solara.component
def LeverPanel(pending: solara.Reactive[Levers], problem: str | None):
    """One input per lever, grouped; a refused setting shows the config's message."""
    levers = pending.value

    def setter(name: str):
        return lambda value: pending.set(dataclasses.replace(pending.value, **{name: value}))

    with solara.Card("Levers", classes=["ai-levers"]):
        solara.Text("Set the levers, then press Reset to run them.", classes=["ai-note"])
        group = None
        for control in controls():
            if control.group != group:
                group = control.group
                solara.Text(group, classes=["ai-group"])
            LeverInput(control, getattr(levers, control.lever), setter(control.lever))
        if problem:
            solara.Error(f"Refused: {problem}", classes=["ai-refused"])


@solara.component
def LeverInput(control: Control, value, on_value):
    with solara.Column(gap="0px", classes=[f"ai-lever-{control.lever}"]):
        _lever_input(control, value, on_value)


def _lever_input(control: Control, value, on_value) -> None:
    if control.kind == "select":
        # scenarios saved from the page join the list at once
        values = scenarios() if control.lever == "scenario" else list(control.values)
        solara.Select(control.label, value=value, values=values, on_value=on_value)
    elif control.kind == "checkbox":
        solara.Checkbox(label=control.label, value=value, on_value=on_value)
    elif control.kind == "month":
        solara.InputText(control.label, value=str(value), on_value=on_value,
                         continuous_update=False)
    else:
        shown = f"{value:g}" if isinstance(value, int | float) else str(value)
        solara.Text(f"{control.label}: {shown}", classes=["ai-note"])
        slider = solara.SliderInt if control.kind == "slider_int" else solara.SliderFloat
        slider("", value=value, min=control.min, max=control.max, step=control.step,
               on_value=on_value)


@solara.component
def Dashboard(model: DashboardModel, pending: Levers, problem: str | None):
    """The main area: status, figure, headline numbers, save form (redrawn every step;
    the figure is drawn in a thread of its own, :func:`Figure`)."""
    tick = update_counter.get()  # SolaraViz bumps it after every step and reset
    now = solara.use_memo(lambda: glance(model), [model, tick])
    shown = solara.use_ref(0)
    shown.current = len(now.months)

    def catch_up(cancel: threading.Event) -> None:
        """Redraw once the model has stood still for a moment with months not shown
        (when playing with threads, SolaraViz stops redrawing as soon as it is paused)."""
        last = -1
        while not cancel.wait(0.4):
            months = len(model.recorder.months)
            if months == last and months != shown.current:
                force_update()
            last = months

    solara.use_thread(catch_up, dependencies=[model], intrusive_cancel=False)
    with solara.Column(style={"padding": "0 12px", "max-width": "1100px"}):
        Status(model, now, pending, problem)
        Figure(model, now)
        with solara.Columns([1, 1]):
            Headlines(model, now)
            SaveScenario(pending, problem)
        Agents(model, now)
        with (solara.Details("What the numbers mean (Lerner, HHI, soft power, the claims)"),
              solara.Column(classes=["ai-info"])):
            solara.Markdown(info_markdown())


@solara.component
def Status(model: DashboardModel, now: Glance, pending: Levers, problem: str | None):
    levers = model.levers
    months = now.months
    solara.Text(f"Month: {months[-1] if months else 'none yet'}", classes=["ai-month"])
    solara.Markdown(
        f"Scenario **{levers.scenario}**, world **{levers.world}**, seed **{levers.seed}**: "
        f"{len(months)} of {model.clock.n_months} months ({model.cfg.world.start} to "
        f"{model.cfg.world.end}) simulated. Settings of this run: {levers.summary()}.")
    if problem:
        solara.Error(f"Settings refused (the run on screen is unchanged): {problem}",
                     classes=["ai-refused"])
    elif pending != levers:
        solara.Info(f"Press Reset to run the new settings ({differences(levers, pending)}).")
    elif not now.running:
        solara.Info("The run has reached its last month: press Reset to start again.")


@solara.component
def Figure(model: DashboardModel, now: Glance):
    """One standard figure of the latest month (the others are a click away).

    The figure is drawn in a thread of the session's own (by the page's worker
    processes), never in the redraw of the page: a redraw shows the month simulated last
    at once, and the figure follows as soon as it is drawn. While one is being drawn the
    months go on; the next drawing is of the latest month then, so a slow figure (or a
    server shared by a class) draws fewer months, never delays them.
    """
    labels = {f.label: f.key for f in FIGURES}
    key, set_key = solara.use_state(FIGURES[0].key)
    segment, set_segment = solara.use_state("startups")
    # the figure drawn last, and the model it was drawn from (Reset makes another)
    last, set_last = solara.use_state(cast(tuple[int, Drawn] | None, None))
    drawn = last[1] if last is not None and last[0] == id(model) else None
    wanted = solara.use_ref((0, key, segment))  # (months, figure, segment) to draw next
    wake = solara.use_memo(threading.Event, [])
    wanted.current = (len(now.months), key, segment)
    if drawn is None or (drawn.n_months, drawn.key, drawn.segment) != wanted.current:
        wake.set()

    def drawer(cancel: threading.Event) -> None:
        done = None
        while not cancel.is_set():
            if not wake.wait(0.5):
                continue
            wake.clear()
            months, want_key, want_segment = wanted.current
            if months < 1 or (months, want_key, want_segment) == done:
                continue
            # the latest month, whatever the month asked for: the model may have gone on
            result = draw_png(model, want_key, want_segment, pool=FIGURE_POOL)
            if result is None or cancel.is_set():
                continue
            done = (result.n_months, want_key, want_segment)
            set_last((id(model), result))

    solara.use_thread(drawer, dependencies=[model], intrusive_cancel=False)
    with solara.Card(style={"margin-top": "8px"}):
        with solara.Row(style={"flex-wrap": "wrap"}):
            solara.ToggleButtonsSingle(
                value=next(lbl for lbl, k in labels.items() if k == key),
                values=list(labels), on_value=lambda label: set_key(labels[label]))
            if key == "market_shares":
                solara.ToggleButtonsSingle(value=segment, values=list(SHARE_SEGMENTS),
                                           on_value=set_segment)
        if drawn is None:
            solara.Info("Drawing the figure..." if now.months
                        else "Press Step (or ▶) to simulate months.")
        else:
            solara.Image(drawn.png, classes=["ai-figure"])
            label = next(lbl for lbl, k in labels.items() if k == drawn.key)
            solara.Text(f"{label} at {drawn.month}: the month simulated in "
                        f"{1000 * now.step_seconds:.0f} ms, the figure drawn in "
                        f"{1000 * drawn.seconds:.0f} ms", classes=["ai-note", "ai-timing"])
            with solara.Row():
                solara.FileDownload(drawn.png, filename=f"{drawn.key}_{drawn.month}.png",
                                    label="Download the figure (PNG)", mime_type="image/png")
                # the table is written only when asked for (a callable: solara's lazy data)
                solara.FileDownload(lambda: snapshot(model).table.to_csv(index=False).encode(),
                                    filename=f"run_{now.months[-1]}.csv",
                                    label="Download the run's table (CSV)",
                                    mime_type="text/csv")


def _format(value: float, unit: str) -> str:
    if not math.isfinite(value):
        return "–"
    if unit.startswith("share"):
        return f"{100 * value:.1f}%"
    if unit == "points":
        return f"{value:,.0f}"
    return f"{value:.2f}" + ("" if unit == "1" else f" {unit}")


@solara.component
def Headlines(model: DashboardModel, now: Glance):
    values = solara.use_memo(lambda: latest_values(model), [model, len(now.months)])
    with solara.Card("Headline numbers"):
        if values.empty:
            solara.Text("None yet.")
            return
        rows = "\n".join(f"| {r.headline} | {_format(r.value, r.unit)} |"
                         for r in values.itertuples())
        solara.Markdown(f"| at {now.months[-1]} | |\n|---|---:|\n{rows}")


@solara.component
def Agents(model: DashboardModel, now: Glance):
    """The agents behind the totals (drawn only while the box is ticked: it costs a
    figure): firms by privacy concern and provider, countries by who answers them."""
    show, set_show = solara.use_state(False)
    segment, set_segment = solara.use_state("startups")
    months = len(now.months)

    def draw() -> bytes | None:
        if not show or months == 0:
            return None
        snap = snapshot(model)
        with model.lock:
            firms = firm_rows(model)
        fig = agents_figure(firms, country_rows(snap.table), model.cfg.scenario.name,
                            segment=segment, month=snap.months[-1])
        return png_bytes(fig, dpi=110)

    png = solara.use_memo(draw, [model, months, show, segment])
    with solara.Card("The agents", style={"margin-top": "8px"}):
        with solara.Row():
            solara.Checkbox(label="Show the firms and countries", value=show,
                            on_value=set_show)
            if show:
                solara.ToggleButtonsSingle(value=segment, values=list(model.firms),
                                           on_value=set_segment)
        if png is not None:
            solara.Image(png, classes=["ai-figure", "ai-agents"])
        elif show:
            solara.Info("Press Step to simulate a month first.")


@solara.component
def SaveScenario(levers: Levers, problem: str | None):
    """Save the settings as ``scenarios/scenario/<name>.yaml``, and offer it as a download.
    A session starts with a name of its own, and never replaces a file unless asked."""
    first_name = solara.use_memo(session_name, [])
    name, set_name = solara.use_state(first_name)
    replace, set_replace = solara.use_state(False)
    description, set_description = solara.use_state("")
    saved, set_saved = solara.use_state(None)  # (file name, text) of the last file written
    error, set_error = solara.use_state(None)

    def save():
        try:
            path = save_scenario(levers, name, description, overwrite=replace)
        except REFUSED as err:
            set_saved(None)
            set_error(refusal_text(err))
            return
        forget_composed()  # the file may be a scenario composed before
        set_error(None)
        set_saved((path.name, path.read_text(encoding="utf-8")))
        log.info("saved %s", path)

    with solara.Card("Save the settings as a scenario"):
        solara.Text("Writes scenarios/scenario/<name>.yaml, which the command line runs.",
                    classes=["ai-note"])
        solara.InputText("Scenario name (a file name)", value=name, on_value=set_name,
                         continuous_update=True)
        solara.InputText("Description (one line)", value=description,
                         on_value=set_description, continuous_update=True)
        solara.Checkbox(label="Replace it if a file of this name was saved already",
                        value=replace, on_value=set_replace)
        solara.Button("Save scenario", on_click=save, color="primary",
                      icon_name="mdi-content-save", disabled=problem is not None)
        if error:
            solara.Error(error, classes=["ai-save-error"])
        if saved:
            filename, text = saved
            solara.Success(f"Saved scenarios/scenario/{filename}. Run it: python -m sim "
                           f"scenario={filename.removesuffix('.yaml')} world={levers.world} "
                           f"seed={levers.seed}", classes=["ai-saved"])
            solara.FileDownload(text, filename=filename, label=f"Download {filename}",
                                mime_type="text/yaml")
        if problem is None:
            with solara.Details("Preview the file"):
                solara.Preformatted(scenario_yaml(build_config(levers), levers,
                                                  name or first_name, description))
