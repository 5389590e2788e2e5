"""The interactive dashboard (``python -m sim.app``; docs/dashboard.md).

- :mod:`sim.dashboard.levers`: the page's levers and the config each builds;
- :mod:`sim.dashboard.model`: :class:`~sim.dashboard.model.DashboardModel`, the model
  built from them (every lever a keyword, for SolaraViz's Reset);
- :mod:`sim.dashboard.figures`: the report's figures drawn from the model's tables so far;
- :mod:`sim.dashboard.scenario_file`: saving the settings as a scenario file;
- :mod:`sim.dashboard.page`: the Solara page;
- :mod:`sim.dashboard.assets`: Solara's front-end files for machines without its CDN.

Importing this package imports neither Solara nor Mesa's visualization; only ``page`` does.
"""
