"""The model: :class:`AIMarket` orchestrates the month; its phases live beside it.

- :mod:`sim.model.ai_market`: construction and the month's ``step()``;
- :mod:`sim.model.costs`, :mod:`sim.model.knowledge`, :mod:`sim.model.views`,
  :mod:`sim.model.entry`: what the phases compute;
- :mod:`sim.model.events`, :mod:`sim.model.bans`, :mod:`sim.model.menu`: the timeline,
  the bans in force and the offerings on sale;
- :mod:`sim.model.record`: the monthly series; :mod:`sim.model.results`: ``run(cfg)``.
"""

from sim.model.ai_market import AIMarket

__all__ = ["AIMarket"]
