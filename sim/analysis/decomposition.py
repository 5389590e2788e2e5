"""A scenario's headline effect split by lever: each lever switched off in turn.

A scenario is a set of levers (its events, grouped by label). For a scalar outcome y, with
``y(S)`` its value when the levers in S are on and ``L`` all of them:

    total effect        T   = y(L) - y({})
    lever l's share     c_l = y(L) - y(L minus l)        (one lever off at a time)
    interaction         I   = T - sum_l c_l

``c_l`` is what the scenario loses without l, all else on; with additive (independent)
levers the ``c_l`` sum to T and I = 0; I measures how much the levers amplify
(I < 0: their sum exceeds the whole, they substitute) or need each other (I > 0).

A pure function of a table of outcome values by run; the runs themselves are made by
:mod:`sim.tools.decompose`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: The run with every lever of the scenario on, and the one with none.
ALL, NONE = "all", "none"
#: The prefix of a run without one lever.
WITHOUT = "without:"
#: The columns of the decomposition table.
COLUMNS: tuple[str, ...] = ("outcome", "lever", "seed", "contribution", "total",
                            "share_of_total")


def decompose(values: pd.DataFrame) -> pd.DataFrame:
    """Each lever's contribution to each outcome's total effect, by seed.

    Args:
        values: one row per run and outcome: ``run`` (:data:`ALL`, :data:`NONE` or
            ``without:<lever>``), ``seed``, ``outcome``, ``value``.

    Returns:
        One row per outcome, lever and seed (:data:`COLUMNS`): the lever's contribution
        c_l, the total T, and c_l / T (NaN where T = 0); the lever ``interaction`` carries
        I = T - sum c_l.
    """
    wide = values.pivot_table(index=["outcome", "seed"], columns="run", values="value",
                              aggfunc="first")
    for run in (ALL, NONE):
        if run not in wide:
            raise ValueError(f"the decomposition needs the run {run!r}; it has "
                             f"{sorted(map(str, wide.columns))}")
    total = wide[ALL] - wide[NONE]
    rows = []
    levers = [c for c in wide.columns if str(c).startswith(WITHOUT)]
    contributions = {c.removeprefix(WITHOUT): wide[ALL] - wide[c] for c in levers}
    parts = pd.DataFrame(contributions, index=wide.index)
    parts["interaction"] = total - parts.sum(axis=1, min_count=1).fillna(0.0)
    for lever in parts.columns:
        part = parts[lever]
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(total != 0, part / total, np.nan)
        rows.append(pd.DataFrame({"outcome": part.index.get_level_values("outcome"),
                                  "lever": lever,
                                  "seed": part.index.get_level_values("seed"),
                                  "contribution": part.to_numpy(), "total": total.to_numpy(),
                                  "share_of_total": share}))
    return pd.concat(rows, ignore_index=True)[list(COLUMNS)]


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """The decomposition averaged over seeds: outcome, lever, mean contribution and total,
    the mean share of the total (contribution over total of the seed means), and seeds."""
    grouped = table.groupby(["outcome", "lever"], sort=False)
    out = grouped.agg(contribution=("contribution", "mean"), total=("total", "mean"),
                      seeds=("seed", "nunique")).reset_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share_of_total"] = np.where(out["total"] != 0,
                                         out["contribution"] / out["total"], np.nan)
    return out[["outcome", "lever", "contribution", "total", "share_of_total", "seeds"]]
