"""My own pricing rule, in a file of my own.

Run it with
    python -m sim rules.plugins=[my_rules.py] rules.vendor_pricing=my_rule
"""

import numpy as np

from sim.rules import rule


@rule("vendor_pricing", "my_rule")
def my_rule(vendor, market) -> float:
    """Undercut the cheapest rival API by 10%, but never price below marginal cost.

        target = max(c, 0.9 * min over rivals on sale of their price)

    in USD per million tokens; the vendor then moves towards it with the pricing inertia.
    """
    menu = market.menu  # arrays over the slots: slot v is vendor v's API
    rivals = menu.is_api & menu.on_sale & (menu.vendor != vendor.index)
    if not rivals.any():
        return vendor.price  # nobody to undercut: keep the current price
    cheapest = float(np.nanmin(menu.price[rivals]))
    return max(vendor.marginal_cost, 0.9 * cheapest)
