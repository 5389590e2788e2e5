"""Named scalar outcomes: each headline series (:data:`sim.analysis.headline.HEADLINES`)
reduced to one number per run.

A pure function of a run's tidy table, so that both the experiments
(:mod:`sim.experiment`, which re-exports it as ``sim.experiment.outcomes``) and the sweep
gathering (``gathered/runs.csv``, :mod:`sim.tools.gather`) compute the same numbers: the
two sit side by side in the layers and may not import each other.

Names:

============================  ============================================================
``<headline>``                the value in the run's last month
``<headline>@mean``           the mean over the months after the recorded history (from the
                              month after ``world.history_until`` to the end): the scenario
``<headline>@YYYY-MM``        the value in that month, e.g. ``cn_share_startups@2027-12``
============================  ============================================================

:data:`OUTCOMES` registers the first two for every headline; dated outcomes are parsed
from their name. :data:`SERIES` are further series an experiment may name the same way
(``cn_frontier@mean``: the claims ledger, :mod:`sim.claims`) that are no headline, so
that summaries, sweeps and their tables keep the headlines only.
Values are as the table stores them (an unbounded capability gap stays infinite); a mean
over no month (a run that ends within the history) is NaN.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.analysis.headline import HEADLINES, Headline

#: Named series beyond the headlines, for experiments (not in :data:`OUTCOMES`).
SERIES: tuple[Headline, ...] = (
    Headline("cn_share_nations", "token_share_bloc", "nations", "CN",
             "Chinese models' share of developing nations' tokens", "share",
             "of every 100 tokens developing nations' people use, how many Chinese models "
             "serve"),
    Headline("cn_frontier", "frontier_bloc", "all", "CN",
             "China's best capability on sale", "OOM",
             "the capability of the best Chinese model on sale, in orders of magnitude"),
    Headline("cn_compute", "compute_bloc", "all", "CN",
             "Chinese labs' delivered compute", "FLOP/s",
             "what Chinese labs' fleets deliver, domestic and imported chips together"),
    Headline("deepseek_marginal_cost", "marginal_cost", "all", "deepseek",
             "DeepSeek's marginal cost of serving", "USD per million tokens",
             "what serving one more million tokens costs DeepSeek, surge included"),
)

_HEADLINES = {h.key: h for h in (*HEADLINES, *SERIES)}
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class OutcomeError(KeyError):
    """An unknown outcome name, or a month the run does not have."""

    def __str__(self) -> str:  # KeyError quotes its message; this reads as a sentence
        return str(self.args[0])


@dataclass(frozen=True)
class Outcome:
    """One scalar of a run: a headline and how its series is reduced.

    Attributes:
        name: as in tables (``cn_share_startups@mean``).
        headline: the series.
        statistic: ``end``, ``mean`` (after the history) or ``at`` (a month).
        month: the month of ``at``.
    """

    name: str
    headline: Headline
    statistic: str
    month: str | None = None

    @property
    def unit(self) -> str:
        return self.headline.unit

    @property
    def doc(self) -> str:
        what = {"end": "in the last month", "mean": "mean after the recorded history",
                "at": f"in {self.month}"}[self.statistic]
        return f"{self.headline.label}, {what}"

    def of(self, series: pd.Series, history_until: str) -> float:
        """The outcome of one headline series (indexed by ``YYYY-MM``, in month order)."""
        if self.statistic == "end":
            return float(series.iloc[-1])
        if self.statistic == "mean":
            after = series[series.index > history_until]  # YYYY-MM strings sort as months
            return float(after.mean()) if len(after) else float("nan")
        if self.month not in series.index:
            raise OutcomeError(f"outcome {self.name}: the run has no month {self.month} "
                               f"(it runs {series.index[0]} to {series.index[-1]})")
        return float(series.loc[self.month])


def outcome(name: str) -> Outcome:
    """The outcome of a name (see the module docstring), or :class:`OutcomeError`."""
    key, _, suffix = name.partition("@")
    if key not in _HEADLINES:
        raise OutcomeError(f"unknown outcome {name!r}: {key!r} is no headline or series; they "
                           f"are {', '.join(_HEADLINES)} (add @mean or @YYYY-MM)")
    headline = _HEADLINES[key]
    if suffix in ("", "end"):
        return Outcome(name, headline, "end")
    if suffix == "mean":
        return Outcome(name, headline, "mean")
    if _MONTH.match(suffix):
        return Outcome(name, headline, "at", suffix)
    raise OutcomeError(f"outcome {name!r}: after @ write mean, end or a month YYYY-MM")


#: The registered outcomes, by name: every headline's end value and its mean after history.
OUTCOMES: dict[str, Outcome] = {
    o.name: o for h in HEADLINES for o in (outcome(h.key), outcome(f"{h.key}@mean"))}


def compute_outcomes(table: pd.DataFrame, history_until: str,
                     names: Iterable[str] | None = None) -> dict[str, float]:
    """The named outcomes of a run's tidy table (all of :data:`OUTCOMES` by default)."""
    wanted = [outcome(n) for n in names] if names is not None else list(OUTCOMES.values())
    series = _headline_series(table, {o.headline for o in wanted})
    out = {}
    for o in wanted:
        found = series[o.headline.key]
        # a series the run does not record (a segment the world lacks) is missing: NaN
        out[o.name] = o.of(found, history_until) if len(found) else np.nan
    return out


def _headline_series(table: pd.DataFrame, headlines: Iterable[Headline]
                     ) -> dict[str, pd.Series]:
    """Each headline's series by month (sorted), the rows
    :func:`sim.analysis.tidy.entity_series` picks: the rows of the metrics taken once, then
    each series by plain array comparisons (a gather computes thousands of runs')."""
    headlines = list(headlines)
    picked = table[table["metric"].isin({h.metric for h in headlines})]
    metric, segment, entity, month = (picked[c].to_numpy(dtype=object)
                                      for c in ("metric", "segment", "entity", "month"))
    value = picked["value"].to_numpy(dtype=float)
    out = {}
    for h in headlines:
        mask = (metric == h.metric) & (segment == h.segment) & (entity == h.entity)
        out[h.key] = pd.Series(value[mask], index=pd.Index(month[mask], name="month"),
                               name="value").sort_index()
    return out
