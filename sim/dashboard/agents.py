"""The page's agent-level view: the firms and countries behind the market's totals.

Two tidy tables taken from a model at one moment, for :mod:`sim.plots.agent_figures`
(which never sees the model):

- ``firm_rows``: one row per firm (segment, privacy concern, how it is served: a closed
  API, an open-weight API, self-hosting, the outside option, or no provider yet);
- ``country_rows``: one row per developing nation at the last month recorded (its
  population and the shares of its people's AI queries answered by each bloc), from the
  run's own tidy table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.core.constants import BLOCS, OPENNESS
from sim.model import AIMarket
from sim.population.segment import OUTSIDE

#: How a firm is served, in the order the figure stacks them.
SERVED: tuple[str, ...] = ("closed_api", "open_api", "self_host", "outside", "none")


def served_by(current: np.ndarray, is_api: np.ndarray, closed: np.ndarray) -> np.ndarray:
    """Each firm's way of being served, from the slot of its provider.

    Args:
        current: the provider's slot per firm (-1: none yet; ``OUTSIDE``: it buys none).
        is_api: per slot, whether it is an API (else self-hosting of a vendor's weights).
        closed: per slot, whether the model on it is closed.
    """
    slot = np.maximum(current, 0)
    kind = np.where(is_api[slot], np.where(closed[slot], "closed_api", "open_api"),
                    "self_host")
    return np.where(current == OUTSIDE, "outside", np.where(current < 0, "none", kind))


def firm_rows(model: AIMarket) -> pd.DataFrame:
    """One row per firm: ``segment``, ``privacy`` (0 to 1) and ``served`` (:data:`SERVED`)."""
    menu = model.menu
    closed = menu.openness == OPENNESS.index("closed")
    frames = []
    for segment, firms in model.firms.items():
        agents = getattr(firms, "agents", None)
        privacy = (np.asarray(firms.privacy) if agents is None
                   else np.array([a.privacy for a in agents]))
        current = np.asarray(firms.current)
        frames.append(pd.DataFrame({"segment": segment, "privacy": privacy,
                                    "served": served_by(current, menu.is_api, closed)}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["segment", "privacy", "served"])


def country_rows(table: pd.DataFrame) -> pd.DataFrame:
    """One row per country at the table's last month: ``country`` and ``share_<bloc>``
    for each bloc (the share of its people's AI queries answered by the bloc's models)."""
    rows = table[table["metric"].astype(str).str.startswith("country_share_")]
    if rows.empty:
        return pd.DataFrame(columns=["country", *[f"share_{b}" for b in BLOCS]])
    last = rows[rows["month"].astype(str) == rows["month"].astype(str).max()]
    wide = last.pivot_table(index="entity", columns="metric", values="value",
                            observed=True, aggfunc="first")
    wide.columns = [str(c).replace("country_share_", "share_") for c in wide.columns]
    return wide.reset_index(names="country")
