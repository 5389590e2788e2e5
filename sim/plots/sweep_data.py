"""What the sweep figures add to the statistics of :mod:`sim.analysis.sweep_stats`: the
scenarios' order, the variants (a scenario with one value of every swept parameter) and
their names, the scenarios' own events, and event studies (paired differences against
months since an event). Figures are in :mod:`sim.plots.sweep_figures`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from sim.analysis.sweep_stats import BASELINE, Key, paired_differences, parameter_values
from sim.core.dates import SCENARIO_FROM
from sim.plots.style import SCENARIO_ORDER, month_number


def scenarios_in(gathered: pd.DataFrame) -> list[str]:
    """The scenarios of a sweep: the shipped ones in their usual order, then the others."""
    present = set(gathered["scenario"].astype(str))
    return [s for s in SCENARIO_ORDER if s in present] + sorted(present - set(SCENARIO_ORDER))


#: A variant: a scenario and one value of each swept parameter (NaN: the default).
Variant = tuple


def variants(frame: pd.DataFrame, params: Sequence[str]) -> list[Variant]:
    """The distinct (scenario, *parameter values) of a frame, in order: scenarios as
    :func:`scenarios_in`, each parameter's values as
    :func:`sim.analysis.sweep_stats.parameter_values` (numbers numerically), the default
    (a run without the override) last."""
    if frame.empty:
        return []
    scenario_rank = {s: i for i, s in enumerate(scenarios_in(frame))}
    known = [parameter_values([v for v in pd.unique(frame[p]) if not pd.isna(v)])
             for p in params]

    def rank(variant: Variant) -> tuple[int, ...]:
        scenario, *values = variant
        return (scenario_rank[str(scenario)],
                *(len(k) if pd.isna(v) else k.index(v) for v, k in zip(values, known,
                                                                         strict=True)))

    distinct = frame[["scenario", *params]].drop_duplicates().itertuples(index=False,
                                                                        name=None)
    return sorted({_hashable(v) for v in distinct}, key=rank)


def _hashable(variant: tuple) -> Variant:
    """A variant with every missing value as one NaN object (NaN != NaN would split a set)."""
    return tuple(_NAN if pd.isna(v) else v for v in variant)


_NAN = float("nan")


def variant_rows(frame: pd.DataFrame, params: Sequence[str], variant: Variant) -> pd.DataFrame:
    """The rows of ``frame`` of one variant (a missing value matches a missing value)."""
    scenario, *values = variant
    mask = frame["scenario"].astype(str) == str(scenario)
    for p, v in zip(params, values, strict=True):
        mask &= frame[p].isna() if pd.isna(v) else frame[p] == v
    return frame[mask]


def variant_label(variant: Variant, params: Sequence[str]) -> str:
    """A variant's name in a legend: the scenario, then each swept parameter's value
    (``baseline, rules.vendor_pricing=cost_plus``; ``default`` for a run without it)."""
    scenario, *values = variant
    return ", ".join([str(scenario), *(f"{p}={'default' if pd.isna(v) else v}"
                                       for p, v in zip(params, values, strict=True))])


def scenario_events(events: pd.DataFrame | None,
                    scenario_from: str = SCENARIO_FROM) -> pd.DataFrame:
    """The scenarios' own events: from ``scenario_from`` on (the history is shared).

    Returns:
        Columns scenario, month, kind, label; one row per distinct event (a sweep lists
        each scenario's events once per run).
    """
    columns = ["scenario", "month", "kind", "label"]
    if events is None or len(events) == 0 or "scenario" not in events:
        return pd.DataFrame(columns=columns)
    ev = events.assign(scenario=events["scenario"].astype(str),
                       month=events["month"].astype(str), kind=events["kind"].astype(str),
                       label=events["label"].fillna("").astype(str))
    ev = ev[ev["month"] >= scenario_from]
    return ev[columns].drop_duplicates().sort_values(["scenario", "month"]).reset_index(
        drop=True)


def first_event_months(events: pd.DataFrame | None, kind: str,
                       scenario_from: str = SCENARIO_FROM) -> dict[str, str]:
    """For each scenario, the month of its first own event of ``kind`` (``YYYY-MM``)."""
    ev = scenario_events(events, scenario_from)
    ev = ev[ev["kind"] == kind]
    return {str(s): str(m) for s, m in ev.groupby("scenario")["month"].min().items()}


def event_study_frame(gathered: pd.DataFrame, events: pd.DataFrame | None, key: Key,
                      event_kind: str, window: tuple[int, int] = (-6, 24),
                      baseline: str = BASELINE,
                      scenario_from: str = SCENARIO_FROM) -> pd.DataFrame:
    """Paired differences from the baseline against months since a scenario's first event.

    For each scenario (not the baseline) with an event of ``event_kind``, its difference
    from the baseline at the same calendar month and seed, at ``months_since`` =
    month − month of that scenario's first such event, within ``window`` (both ends in).

    Returns:
        The rows of :func:`paired_differences` with ``event_month`` and ``months_since``.

    Raises:
        ValueError: when no scenario of the sweep has such an event.
    """
    firsts = {s: m for s, m in first_event_months(events, event_kind, scenario_from).items()
              if s != baseline}
    diffs = paired_differences(gathered, key, baseline)
    diffs = diffs[diffs["scenario"].isin(list(firsts))].copy()
    if diffs.empty:
        raise ValueError(f"no scenario of the sweep (other than {baseline!r}) has a "
                         f"{event_kind!r} event from {scenario_from}")
    diffs["event_month"] = diffs["scenario"].map(firsts)
    diffs["months_since"] = month_number(diffs["month"]) - month_number(diffs["event_month"])
    lo, hi = window
    return diffs[(diffs["months_since"] >= lo) & (diffs["months_since"] <= hi)].reset_index(
        drop=True)



