"""Pure functions of tidy tables: headline series, sweep statistics. No model imports."""
