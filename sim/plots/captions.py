"""The standard figures of a run by name: their order, their names in words and their
captions, which say what the numbers mean.

Kept apart from the figures themselves (:mod:`sim.plots.run_figures`), which need
matplotlib: a process that only hands figures out to workers
(:mod:`sim.plots.parallel`) or writes a report page needs the names, not the drawing.
"""

from __future__ import annotations

#: The standard figures of a run, in the order of the report (and of their files' names).
RUN_FIGURE_NAMES: tuple[str, ...] = (
    "market_shares", "prices", "lerner", "hhi", "revenue_token_shares", "soft_power",
    "capability_compute", "firm_choice", "welfare",
)

#: Each figure's name in a report: the file name in words ("HHI", not "Hhi").
TITLES: dict[str, str] = {
    "market_shares": "Market shares",
    "prices": "Token prices",
    "lerner": "Lerner index",
    "hhi": "HHI",
    "revenue_token_shares": "Revenue and token shares",
    "soft_power": "Soft power",
    "capability_compute": "Capability and compute",
    "firm_choice": "Firm choice",
    "welfare": "Welfare",
}

#: Each figure's caption, for reports and docs/outputs.md: what it shows and, in words, what
#: its numbers mean.
CAPTIONS: dict[str, str] = {
    "market_shares": "Share of tokens served, by the model's home bloc (left) and by its "
                     "openness (right), in each buyer segment; stacked to 100%: a band 30% "
                     "high means that bloc's models served 30 of every 100 tokens.",
    "prices": "Price per million tokens of each vendor's current model, a panel per bloc "
              "on one log axis (each step of 10 is a tenfold price); labels at the right "
              "name the vendors. Until the end of the recorded history (2025-12) prices are "
              "list prices; from then on the pricing rule sets them, so part of the change "
              "at that month is this change of source, not an event.",
    "lerner": "Lerner index (P − MC)/P by vendor (left): the share of the price above "
              "marginal cost; 0.5 means half the price is margin, 0 a sale at cost, −1 a "
              "price of half the cost. Revenue-weighted margin Σ(P − MC)Q / ΣPQ of each "
              "bloc's API sales and of all vendors' (right): the same share over their "
              "revenue. Both axes are linear and cut at −1 when a line falls below: the "
              "panel's title names the lowest value and ▼ marks the months below the cut "
              "(state-supported dumping). A vendor whose price is held, as in a price cut, "
              "draws a sawtooth: its marginal cost falls a little each month as compute "
              "gets cheaper and jumps at each release of a larger model.",
    "hhi": "Herfindahl–Hirschman index of vendors' shares in each segment and in all: "
           "10,000 × the sum of squared shares, so 10,000 is one seller and 10,000/n is n "
           "equal sellers (2,500: four). Of API revenue, of API tokens (self-hosted tokens "
           "an atomistic fringe owned by no lab), and of tokens with self-hosting credited "
           "to the weights' author; the dashed line at 1,800 marks a highly concentrated "
           "market (2023 US Merger Guidelines).",
    "revenue_token_shares": "Each bloc's share of API revenue (solid) against its share of "
                            "tokens (dotted; self-hosted tokens counted to the bloc of the "
                            "weights' author), per segment: a revenue share below the token "
                            "share means the bloc sells its tokens cheaper than the others.",
    "soft_power": "Soft power: the population-weighted share of developing nations' "
                  "queries answered by each bloc's models (left), and its reach: the share "
                  "of their people using them (right); 40% means 40 of every 100 queries "
                  "(or people).",
    "capability_compute": "US lead over China at the capability frontier and closed lead "
                          "over open models, in months of frontier progress: how long ago "
                          "the leader reached the laggard's capability (left; below zero "
                          "the other side leads); compute held by each bloc's labs (right, "
                          "log scale, FLOP/s).",
    "firm_choice": "How startups (left) and enterprises (right) are served: closed APIs, "
                   "hosted open-weight APIs, or self-hosted open weights, as a share of "
                   "firms (not of tokens).",
    "welfare": "Welfare split per month: consumer surplus (buyers' gain, in USD, over "
               "their outside option or a reference offering), producer surplus (before "
               "capital and fixed costs), government spending and W = CS + PS − G (left, "
               "log scale); producer surplus by bloc and government spending (right), "
               "billion USD per month. CS is measured from a reference, so compare runs by "
               "differences.",
}


def figure_title(name: str) -> str:
    """A run figure's name in words, for a report (its file name as a fallback)."""
    return TITLES.get(name, name.replace("_", " ").capitalize())
