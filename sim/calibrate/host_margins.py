"""The hosts' fringe margin from their prices: ``world.hosting.fringe_margin``.

Each open model's price on a budget host (``sim/data/host_margins.csv``), blended at the
input/output mix DeepSeek served, over the serving cost of its active parameters on the
world's advanced chip in the US cloud (:func:`sim.market.cost.serving_cost_per_mtok`, the
cost the model's hosts pay); the default margin is the median over the models:

    m_k = p_k / c_k - 1,     m = median_k m_k

Run ``python -m sim.calibrate.host_margins`` to print the table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.data import read_csv
from sim.market import cost, hosting

#: DeepSeek's served tokens a day, 2025-02-27/28: 608B input, 168B output (its disclosed
#: inference day; shared/data/market-data-2023-2025.md, section 4).
INPUT_SHARE = 608.0 / (608.0 + 168.0)


def margins(world, name: str = "host_margins.csv") -> pd.DataFrame:
    """Each model's blended host price, serving cost and margin, at the ``world``'s chips
    and energy (``cfg.world``), in the reference month's prices."""
    chip, energy = world.chips["advanced"], world.energy[world.hosting.cloud_bloc]
    per_second = cost.chip_cost_per_second(chip.rental_usd_per_hour, chip.power_kw, energy.pue,
                                           energy.price_usd_per_kwh)
    usd_per_flop = cost.cost_per_flop(per_second, chip.tflops, world.compute.serving_utilisation)
    rows = pd.DataFrame(read_csv(name))
    active = rows["active_params_b"].astype(float).to_numpy()
    price = hosting.blended_price(rows["input_usd_per_mtok"].astype(float).to_numpy(),
                                  rows["output_usd_per_mtok"].astype(float).to_numpy(),
                                  INPUT_SHARE)
    serving = cost.serving_cost_per_mtok(active, usd_per_flop)
    return pd.DataFrame({"model": rows["model"], "price": price, "serving_cost": serving,
                         "margin": hosting.margin_over_cost(price, serving)})


def fringe_margin(world) -> float:
    """The median margin over the models (1)."""
    return float(np.median(margins(world)["margin"]))


def main() -> None:
    from sim.config import compose_config
    world = compose_config(["world=default"]).world
    table = margins(world)
    print(table.round(3).to_string(index=False))
    print(f"median margin: {fringe_margin(world):.2f}")


if __name__ == "__main__":
    main()
