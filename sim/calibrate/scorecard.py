"""The validation scorecard: each target, the simulated value, whether it is in its band.

Works on one run or on many (seeds of a sweep): the simulated value is the mean across
runs, with the 5th and 95th percentiles as its spread.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.calibrate.moments import Target, compute

ROLE_ORDER = {"in_sample": 0, "out_of_sample": 1, "input": 2, "not_mapped": 3}


def verdict(target: Target, mean: float) -> str:
    """A one-line verdict on a simulated value against its band."""
    if target.role == "not_mapped":
        return f"not mapped: {target.model_note}"
    if not np.isfinite(mean):
        return "no value (the series is empty in this run)"
    if target.inside(mean):
        where = "reproduced (an input)" if target.role == "input" else "in band"
        return where
    side = "above" if mean > target.high else "below"
    edge = target.high if mean > target.high else target.low
    return f"{side} the band by {abs(mean - edge):.3g} {target.unit}; {target.model_note}"


def scorecard(runs: Sequence, targets: Sequence[Target]) -> pd.DataFrame:
    """One row per target: target, band, simulated mean and spread across ``runs``."""
    values = [compute(r, targets) for r in runs]
    rows = []
    for t in sorted(targets, key=lambda t: (ROLE_ORDER.get(t.role, 9), t.id)):
        sims = np.array([v.get(t.id, np.nan) for v in values], dtype=float)
        mean = float(np.nanmean(sims)) if np.isfinite(sims).any() else np.nan
        rows.append({
            "id": t.id, "quantity": t.quantity, "role": t.role, "period": t.period,
            "target": t.value, "low": t.low, "high": t.high, "unit": t.unit,
            "simulated": mean,
            "p5": float(np.nanpercentile(sims, 5)) if np.isfinite(sims).any() else np.nan,
            "p95": float(np.nanpercentile(sims, 95)) if np.isfinite(sims).any() else np.nan,
            "runs": int(np.isfinite(sims).sum()),
            "in_band": bool(t.inside(mean)) if t.role != "not_mapped" else None,
            "verdict": verdict(t, mean), "source": t.source,
        })
    return pd.DataFrame(rows)


def to_text(card: pd.DataFrame) -> str:
    """The scorecard as a plain-text table for the terminal."""
    lines = [f"{'id':<4} {'role':<13} {'target':>9} {'band':>17} {'simulated':>10} "
             f"{'5-95%':>19}  verdict"]
    for r in card.itertuples():
        band = f"[{r.low:g}, {r.high:g}]"
        spread = f"[{r.p5:.3g}, {r.p95:.3g}]" if np.isfinite(r.p5) else ""
        simulated = f"{r.simulated:.3g}" if np.isfinite(r.simulated) else "-"
        lines.append(f"{r.id:<4} {r.role:<13} {r.target:>9g} {band:>17} {simulated:>10} "
                     f"{spread:>19}  {r.verdict}")
    fitted = card[card.role.isin(["in_sample", "out_of_sample"])]
    hits = int(fitted.in_band.sum())
    lines.append(f"\n{hits} of {len(fitted)} fitted and out-of-sample targets in their bands; "
                 f"inputs reproduced: {int(card[card.role == 'input'].in_band.sum())} of "
                 f"{int((card.role == 'input').sum())}")
    return "\n".join(lines)


def to_markdown(card: pd.DataFrame) -> str:
    """The scorecard as a Markdown table (for the README and fit reports)."""
    lines = ["| id | target | role | value | band | simulated (5-95%) | verdict |",
             "|---|---|---|---|---|---|---|"]
    for r in card.itertuples():
        spread = (f"{r.simulated:.3g} ({r.p5:.3g}-{r.p95:.3g})"
                  if np.isfinite(r.simulated) else "-")
        lines.append(f"| {r.id} | {r.quantity} ({r.unit}, {r.period}) | {r.role} | "
                     f"{r.target:g} | [{r.low:g}, {r.high:g}] | {spread} | {r.verdict} |")
    return "\n".join(lines)


def to_html(card: pd.DataFrame) -> str:
    """The scorecard as an HTML section (for run and sweep reports)."""
    rows = []
    for r in card.itertuples():
        colour = {True: "#e6f4ea", False: "#fde7e9"}.get(r.in_band, "#f1f1f1")
        simulated = f"{r.simulated:.3g}" if np.isfinite(r.simulated) else "-"
        spread = f"{r.p5:.3g} to {r.p95:.3g}" if np.isfinite(r.p5) else ""
        rows.append(
            f"<tr style='background:{colour}'><td>{r.id}</td><td>{html.escape(r.quantity)}"
            f"</td><td>{r.role}</td><td>{r.target:g} [{r.low:g}, {r.high:g}] "
            f"{html.escape(r.unit)}</td><td>{simulated}</td><td>{spread}</td>"
            f"<td>{html.escape(r.verdict)}</td></tr>")
    return ("<h2>Validation scorecard</h2><table><tr><th>id</th><th>target</th><th>role</th>"
            "<th>value and band</th><th>simulated</th><th>5-95%</th><th>verdict</th></tr>"
            + "".join(rows) + "</table>")
