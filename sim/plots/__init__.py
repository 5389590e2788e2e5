"""Figures for papers: one run's standard plots (:mod:`sim.plots.run_figures`), sweep comparisons
(:mod:`sim.plots.sweep_figures`), and the shared look (:mod:`sim.plots.style`).

Every function takes tidy tables, never the model, so a figure can be redrawn from a
saved run folder (see docs/outputs.md).
"""
