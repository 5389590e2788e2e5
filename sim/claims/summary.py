"""The ledger's tables from its long runs: the paired effects and their summary.

- :func:`paired`: ``claims.csv``, a row per claim, outcome, draw and seed with the ``off``
  and ``on`` values and ``effect = on - off`` (the pairs share draw and seed);
- :func:`summarize`: ``claims_summary.csv``, a row per claim and outcome: the mean effect,
  its 5% and 95% quantiles over every (draw, seed) pair (a 90% interval that holds both the
  parameters' and the model's spread), the share of draws whose effect (averaged over the
  seeds) has the expected sign, and the effect standardized by the outcome's spread with
  the mechanism off (``scale``), which puts every outcome on one axis of the figure.

Pure functions of tables: the figure (:mod:`sim.plots.claims_figure`) reads the summary.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

#: The interval's quantiles: a 90% interval.
QUANTILES: tuple[float, float] = (0.05, 0.95)
PAIR_COLUMNS: tuple[str, ...] = ("claim", "outcome", "draw", "seed", "off", "on", "effect")
SUMMARY_COLUMNS: tuple[str, ...] = (
    "claim", "outcome", "expected_sign", "mean_effect", "lo", "hi", "share_expected",
    "share_positive", "n_draws", "n", "scale", "std_mean", "std_lo", "std_hi")


def paired(runs: pd.DataFrame) -> pd.DataFrame:
    """Each claim's off and on values side by side, by outcome, draw and seed, and their
    difference. A run whose partner is missing (an interrupted ledger) is left out."""
    wide = runs.pivot_table(index=["claim", "outcome", "draw", "seed"], columns="side",
                            values="value", aggfunc="first", dropna=False)
    wide = wide.reindex(columns=["off", "on"]).dropna(how="any").reset_index()
    wide.columns.name = None
    wide["effect"] = wide["on"] - wide["off"]
    return wide[list(PAIR_COLUMNS)].sort_values(["claim", "outcome", "draw", "seed"],
                                                ignore_index=True)


def holds(effect: np.ndarray, expected: str) -> np.ndarray:
    """Whether each effect has the expected sign (strictly: no effect is not the claim)."""
    return effect > 0 if expected == "+" else effect < 0


def scale_of(off: np.ndarray) -> float:
    """The outcome's spread with the mechanism off (standard deviation over draws and
    seeds); its mean's size where it does not vary, 1 where that is 0 too."""
    finite = off[np.isfinite(off)]
    spread = float(np.std(finite, ddof=1)) if len(finite) > 1 else 0.0
    if spread > 0:
        return spread
    level = float(np.abs(finite).mean()) if len(finite) else 0.0
    return level if level > 0 else 1.0


def summarize(pairs: pd.DataFrame, expected: Mapping[tuple[int, str], str]) -> pd.DataFrame:
    """A row per claim and outcome (see the module docstring).

    Args:
        pairs: the table of :func:`paired`.
        expected: ``(claim, outcome) -> "+" | "-" | "either"``.
    """
    rows = []
    for (claim, name), part in pairs.groupby(["claim", "outcome"], sort=True):
        effect = part["effect"].to_numpy(dtype=float)
        finite = effect[np.isfinite(effect)]
        by_draw = part.groupby("draw")["effect"].mean().to_numpy(dtype=float)
        by_draw = by_draw[np.isfinite(by_draw)]
        sign = expected.get((int(claim), str(name)), "either")
        lo, hi = (np.quantile(finite, QUANTILES) if len(finite) else (np.nan, np.nan))
        mean = float(finite.mean()) if len(finite) else np.nan
        scale = scale_of(part["off"].to_numpy(dtype=float))
        rows.append({
            "claim": int(claim), "outcome": name, "expected_sign": sign,
            "mean_effect": mean, "lo": float(lo), "hi": float(hi),
            "share_expected": (float(holds(by_draw, sign).mean())
                               if sign != "either" and len(by_draw) else np.nan),
            "share_positive": float((by_draw > 0).mean()) if len(by_draw) else np.nan,
            "n_draws": len(by_draw), "n": len(finite), "scale": scale,
            "std_mean": mean / scale, "std_lo": float(lo) / scale, "std_hi": float(hi) / scale,
        })
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def verdict(row: Mapping[str, object]) -> str:
    """The claim's direction in words: holds, fails, mixed, or no sign expected."""
    share = row["share_expected"]
    if row["expected_sign"] == "either" or pd.isna(share):
        return "no sign expected"
    if share == 1:
        return "holds in every draw"
    if share == 0:
        return "fails in every draw"
    return f"holds in {share:.0%} of draws"
