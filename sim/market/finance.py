"""A lab's accounts: its cash, what it may spend on chips, its profit.

Conventions (all money in USD, flows per month, the cash a stock):

* Costs are booked at their unsubsidised value and every subsidy as an inflow from the
  government that pays it: the lab pays its whole serving bill (energy at the market
  price) and receives the energy subsidy; it pays the whole price of its chips and
  receives the compute subsidy; it receives price support for selling below cost, and a
  per-token subsidy on the API tokens it sells (a tax is a negative one).
  So what a government spends is exactly what its labs receive from it.
* A product line with a parent has no cash of its own: its flows are booked on its
  parent's cash.
* Outside funding arrives, and fixed costs are paid, at the start of the month, before
  chips are bought; revenue, serving and compliance costs and price support are booked
  when the month is settled.

The cash may fall below the floor through operating losses (the lab then buys no chips
until it is back above it); chip purchases alone never take it below the floor.
"""

from __future__ import annotations


def chip_budget(wanted_usd: float, cash_usd: float, floor_usd: float) -> float:
    """What a lab may spend of its own money on chips this month (USD).

        budget = min(wanted, max(0, cash - floor))

    Args:
        wanted_usd: what it would spend without a cash limit: funding plus the reinvested
            share of last month's revenue (USD).
        cash_usd: its cash after this month's funding and fixed costs (USD).
        floor_usd: the cash it keeps in any case (USD).
    """
    return min(wanted_usd, max(0.0, cash_usd - floor_usd))


def cash_inflows(revenue: float, funding: float, support: float) -> float:
    """Money in during a month (USD): ``in = revenue + funding + state support``.

    State support is everything its government pays it: price support, the energy
    subsidy, the compute subsidy and the per-token subsidy.
    """
    return revenue + funding + support


def cash_outflows(serving: float, chips: float, fixed: float, compliance: float) -> float:
    """Money out during a month (USD): ``out = serving + chips + fixed + compliance``.

    Serving and chips at their unsubsidised cost (the subsidies come in as support).
    """
    return serving + chips + fixed + compliance


def next_cash(cash: float, inflows: float, outflows: float) -> float:
    """The cash after a month's flows (USD): ``cash(t) = cash(t-1) + in - out``."""
    return cash + inflows - outflows


def operating_profit(revenue: float, price_support: float, serving_net: float,
                     compliance: float) -> float:
    """Profit on selling tokens (USD per month), capital and fixed costs aside.

        operating profit = revenue + price support - serving (net of the energy subsidy)
                           - compliance

    The per-token subsidy comes in with price support: both are paid on tokens sold.
    """
    return revenue + price_support - serving_net - compliance


def profit(inflows: float, funding: float, outflows: float) -> float:
    """Profit of the month (USD per month): everything but outside funding.

        profit = (in - funding) - out
               = revenue + support - serving - chips - fixed - compliance

    Chip purchases are expensed when bought (no depreciation schedule).
    """
    return inflows - funding - outflows
