"""Cross-check of the joint Nash solver against PyBLP (Conlon and Gortmaker 2020).

One static market in the model's nested logit: homogeneous buyers, an outside good
(PyBLP's normalisation u_0 = 0), no volume elasticity (e = 0, so tokens are market size
times shares, PyBLP's quantities), utility ``x_j b - a ln p_j`` (PyBLP's formulation
``0 + x + log(prices)`` with coefficients (b, -a), no unobserved quality), nests with
dissimilarity lambda = 1 - rho (PyBLP's nesting parameter), and firms of which one owns
two products. PyBLP solves the Bertrand-Nash prices with
``Simulation.replace_endogenous(costs=...)``; :func:`sim.market.pricing.nash_prices`
solves them with the same ownership.
"""

import numpy as np
import pytest

from sim.market.panel import DemandPanel
from sim.market.pricing import nash_prices
from sim.market.supply import implied_marginal_cost

pyblp = pytest.importorskip("pyblp")

X = np.array([1.0, 1.6, 0.7, 1.2, 0.4])
COST = np.array([1.0, 1.4, 0.8, 1.1, 0.6])
FIRM = np.array([0, 0, 1, 2, 3])  # firm 0 owns products 0 and 1 (one in each nest)
NEST = np.array([0, 1, 0, 1, 1])
BETA_X, ALPHA = 1.0, 3.0


def pyblp_prices(rho: float, firms: np.ndarray = FIRM) -> np.ndarray:
    product_data = {
        "market_ids": np.zeros(X.size, int), "firm_ids": firms, "nesting_ids": NEST,
        "x": X, "prices": COST * 1.5,
    }
    simulation = pyblp.Simulation(
        pyblp.Formulation("0 + x + log(prices)"), product_data, beta=[BETA_X, -ALPHA],
        rho=rho, xi=np.zeros(X.size))
    iteration = pyblp.Iteration("simple", {"atol": 1e-14, "max_evaluations": 100_000})
    results = simulation.replace_endogenous(costs=COST, iteration=iteration)
    return np.asarray(results.product_data.prices).ravel()


def model_panel(lam: float) -> DemandPanel:
    return DemandPanel(
        base_utility=(BETA_X * X)[None, :], alpha=np.array([ALPHA]),
        own_price=np.ones((1, X.size)), available=np.ones((1, X.size), bool),
        weight=np.array([1000.0]), is_api=np.ones(X.size, bool), nest=NEST,
        nest_lambda=lam, price_elasticity=0.0, reference_price=1.0,
        outside_utility=np.zeros(1))


def model_prices(lam: float) -> np.ndarray:
    panel = model_panel(lam)
    ownership = (FIRM[:, None] == FIRM[None, :]).astype(float)
    prices, converged = nash_prices(panel, COST, np.ones(X.size, bool), 1000.0,
                                    tolerance=1e-13, ownership=ownership)
    assert converged
    return prices


@pytest.fixture(autouse=True)
def quiet(monkeypatch):
    monkeypatch.setattr(pyblp.options, "verbose", False)


@pytest.mark.parametrize("rho", [0.0, 0.3, 0.6])
def test_joint_nash_prices_equal_pyblps_in_log_price(rho):
    expected = pyblp_prices(rho)
    assert model_prices(1.0 - rho) == pytest.approx(expected, rel=1e-6, abs=1e-6)
    # the merger matters: single-product prices of the owner of two products are lower
    alone = pyblp_prices(rho, firms=np.arange(X.size))
    assert np.all(expected[:2] > alone[:2] + 1e-3)


@pytest.mark.parametrize("rho", [0.0, 0.4])
def test_costs_implied_by_pyblps_nash_prices_are_the_costs_it_priced_at(rho):
    """The first-order-condition inversion of :mod:`sim.market.supply` at PyBLP's
    equilibrium prices (solved by PyBLP, not by the model) gives back PyBLP's costs."""
    ownership = (FIRM[:, None] == FIRM[None, :]).astype(float)
    implied = implied_marginal_cost(model_panel(1.0 - rho), pyblp_prices(rho), ownership,
                                    np.ones(X.size, bool))
    assert implied == pytest.approx(COST, rel=1e-6)
