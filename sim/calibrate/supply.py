"""``python -m sim.calibrate.supply``: the marginal costs that list prices imply, against
the model's engineering costs, for every vendor-quarter of the replayed history.

Runs a world in its replay mode (releases at list prices until ``world.history_until``)
and, in the last month of each quarter, inverts the owners' first-order conditions at the
month's prices against the month's demand panel (:func:`sim.market.supply.invert_prices`).
Writes, to the folder ``--out`` (default ``outputs/supply/<time>``):

- ``supply_costs.csv``: one row per vendor-quarter on sale: list price, engineering
  marginal cost, implied marginal cost, their ratio, conduct, the Bertrand-Nash price at
  engineering cost, and a status with its reason where no cost could be implied;
- ``supply_report.md``: the estimated log cost shifter ln c_implied = ln c_eng + delta,
  pooled, by bloc and by year, and the ratios of the larger vendors.

    python -m sim.calibrate.supply                          # default world, about a minute
    python -m sim.calibrate.supply --world small --out outputs/supply/small
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from sim.config import Config, compose_config
from sim.core.calendar import format_month, parse_month
from sim.core.constants import BLOCS
from sim.core.files import atomic_write, write_text
from sim.market.supply import STATUS, CostShifter, cost_shifter, implied_conduct, invert_prices
from sim.model import AIMarket

#: Vendors whose ratios the report prints month by month.
HEADLINE = ("openai", "anthropic", "google", "deepseek", "alibaba")


def quarter_label(month: int) -> str:
    """``"2024Q4"`` for any month of the fourth quarter of 2024."""
    year, index = divmod(month, 12)
    return f"{year}Q{index // 3 + 1}"


def observe(model: AIMarket, month: int) -> list[dict]:
    """One row per vendor whose API is on sale, from the month just simulated.

    Reads the month's demand panel and prices (the panel is only evaluated, so the run
    goes on as it would have)."""
    menu = model.menu
    inversion = invert_prices(model.panel, menu.price, model.ownership, menu.on_sale)
    conduct = implied_conduct(menu.price, inversion.lerner, menu.marginal_cost)
    guard = model.cfg.world.pricing.max_markup
    rows = []
    for v, vendor in enumerate(model.vendors):
        if not menu.on_sale[v]:
            continue
        price, engineering = float(menu.price[v]), float(menu.marginal_cost[v])
        implied, nash = float(inversion.cost[v]), float(model.nash[v])
        status = str(inversion.status[v])
        rows.append({
            "quarter": quarter_label(month), "month": format_month(month), "vendor": vendor.vid,
            "owner": model.vendor_ids[model.owner[v]], "bloc": vendor.bloc,
            "model": vendor.model_name, "list_price": bool(month <= vendor.held_until),
            "subsidised": bool(vendor.subsidised), "price": price,
            "engineering_cost": engineering, "implied_cost": implied,
            "ratio": implied / engineering if np.isfinite(implied) else np.nan,
            "lerner": float(inversion.lerner[v]), "conduct": float(conduct[v]),
            "nash_price": nash, "price_over_nash": price / nash,
            "nash_at_guard": bool(nash >= guard * engineering * (1.0 - 1e-9)),
            "status": status, "reason": "" if status == "ok" else STATUS[status]})
    return rows


def vendor_quarters(cfg: Config, first: str | None = None, last: str | None = None
                    ) -> pd.DataFrame:
    """Run ``cfg`` and collect :func:`observe` in the last month of each quarter from
    ``first`` to ``last`` ("YYYY-MM"; default: the run's start to the end of its history)."""
    model = AIMarket(cfg)
    clock = model.clock
    lo = clock.start if first is None else parse_month(first)
    hi = min(clock.end, clock.history_until) if last is None else parse_month(last)
    ends = {m for m in range(lo, hi + 1) if m % 3 == 2}  # March, June, September, December
    rows: list[dict] = []
    while model.month <= min(clock.end, hi):
        month = model.month
        model.step()
        if month in ends:
            rows += observe(model, month)
    return pd.DataFrame(rows)


def usable(table: pd.DataFrame) -> pd.DataFrame:
    """Rows the shifter is estimated on: list prices with a positive implied cost."""
    ok = table["list_price"] & np.isfinite(table["implied_cost"]) & (table["implied_cost"] > 0)
    return table[ok]


def shifters(table: pd.DataFrame) -> dict[str, CostShifter]:
    """The shifter pooled and by bloc (clustered by vendor), and by year."""
    rows = usable(table)
    vendors = rows["vendor"].to_numpy()
    return {
        "bloc": cost_shifter(rows["implied_cost"], rows["engineering_cost"],
                             groups=rows["bloc"].to_numpy(), clusters=vendors),
        "year": cost_shifter(rows["implied_cost"], rows["engineering_cost"],
                             groups=rows["month"].str[:4].to_numpy(), clusters=vendors),
    }


def _fmt(value: float, digits: int = 3) -> str:
    return "-" if not np.isfinite(value) else f"{value:.{digits}g}"


def report_markdown(table: pd.DataFrame, fits: dict[str, CostShifter], world: str,
                    months: Sequence[str] = ("2024-12", "2025-12")) -> str:
    """The report: the shifters, the headline vendors' ratios, and every flagged row."""
    pooled = fits["bloc"]
    lines = [
        "# Supply side: marginal costs implied by list prices", "",
        f"World `{world}`, replay of the history; {len(table)} vendor-quarters on sale, "
        f"{pooled.n} with a list price and a positive implied cost (the shifter's sample).", "",
        "## Log cost shifter  ln c_implied = ln c_eng + delta", "",
        "| sample | n | delta (log points) | SE | SE clustered by vendor | exp(delta) |",
        "|---|---|---|---|---|---|",
        f"| all | {pooled.n} | {pooled.delta:.3f} | {pooled.se:.3f} | "
        f"{_fmt(pooled.se_cluster)} | {pooled.factor:.3g} |"]
    order = [b for b in BLOCS if b in pooled.by_group]
    for label, (delta, se, se_cl, n) in [(b, pooled.by_group[b]) for b in order] + sorted(
            fits["year"].by_group.items()):
        lines.append(f"| {label} | {n} | {delta:.3f} | {se:.3f} | {_fmt(se_cl)} | "
                     f"{np.exp(delta):.3g} |")
    lines += ["", f"Residual SD of ln(c_implied / c_eng): {pooled.residual_sd:.3f} log points.",
              "", "## Implied over engineering marginal cost, larger vendors", "",
              "| month | vendor | model | price | c_eng | c_implied | ratio | conduct | "
              "Nash at c_eng | price / Nash | status |", "|---" * 11 + "|"]
    pick = table[table["month"].isin(months) & table["vendor"].isin(HEADLINE)]
    for row in pick.itertuples():
        lines.append(
            f"| {row.month} | {row.vendor} | {row.model} | {row.price:.3g} | "
            f"{row.engineering_cost:.3g} | {_fmt(row.implied_cost)} | {_fmt(row.ratio)} | "
            f"{_fmt(row.conduct)} | {row.nash_price:.3g} | {row.price_over_nash:.3g} | "
            f"{row.status} |")
    flagged = table[table["status"] != "ok"]
    lines += ["", f"## Vendor-quarters without an implied cost ({len(flagged)})", ""]
    if flagged.empty:
        lines.append("None.")
    else:
        lines += ["| quarter | vendor | price | lerner | status | reason |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {r.quarter} | {r.vendor} | {r.price:.3g} | {_fmt(r.lerner)} | "
                  f"{r.status} | {r.reason} |" for r in flagged.itertuples()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.calibrate.supply", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--world", default="default", help="world to replay")
    parser.add_argument("--first", default=None, help="first month (YYYY-MM; default start)")
    parser.add_argument("--last", default=None,
                        help="last month (YYYY-MM; default world.history_until)")
    parser.add_argument("--out", type=Path, default=None, help="folder of the table and report")
    parser.add_argument("overrides", nargs="*", help="Hydra overrides, e.g. seed=1")
    args = parser.parse_args(argv)
    cfg = compose_config([f"world={args.world}", *args.overrides])
    if args.last is None:  # the replay only: stop the run where the history stops
        cfg.world.end = min(cfg.world.end, cfg.world.history_until)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d_%H-%M-%S")
    out = args.out or Path("outputs") / "supply" / stamp
    table = vendor_quarters(cfg, args.first, args.last)
    if table.empty:
        print("no vendor was on sale in the months asked for", file=sys.stderr)
        return 1
    fits = shifters(table)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write(out / "supply_costs.csv", lambda tmp: table.to_csv(tmp, index=False))
    write_text(out / "supply_report.md", report_markdown(table, fits, args.world))
    pooled = fits["bloc"]
    print(f"{len(table)} vendor-quarters; shifter delta = {pooled.delta:.3f} "
          f"(SE {pooled.se:.3f}, clustered {_fmt(pooled.se_cluster)}), implied / engineering "
          f"= {pooled.factor:.3g}; flagged: {int((table['status'] != 'ok').sum())}")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
