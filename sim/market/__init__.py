"""Pure rule functions of the market: arrays in, arrays out, equations and units in docstrings."""
