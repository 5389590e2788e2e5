"""The report's section on a scenario's headline effect split by lever
(:mod:`sim.analysis.decomposition`): a table of each lever's contribution per outcome."""

from __future__ import annotations

import pandas as pd

from sim.analysis.decomposition import summarise
from sim.report.html import section, table_html


def decomposition_html(table: pd.DataFrame) -> str:
    """The section: per outcome, the total effect of the scenario's events and each
    lever's contribution (what the scenario loses with that lever off, the others on), the
    interaction the remainder."""
    summary = summarise(table)
    shown = summary.rename(columns={"contribution": "contribution of the lever",
                                    "total": "total effect of the events",
                                    "share_of_total": "share of the total"})
    intro = ("<p>Each lever of the scenario (its events, grouped by label) switched off in "
             "turn, the others on, on the same seed: a lever's contribution is what the "
             "scenario loses without it; <em>interaction</em> is the total effect less the "
             "contributions (0 when levers add up; below 0 when together they do less than "
             "their sum). Outcomes are means after the recorded history.</p>")
    body = table_html(shown, numeric=["contribution of the lever", "total effect of the events",
                                      "share of the total"],
                      empty="No lever to decompose.")
    return section("decomposition", "The headline effect by lever", intro + body)
