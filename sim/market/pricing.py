"""Pricing: markups from logit demand, the first-order conditions of owners of several
products, and the Bertrand-Nash benchmark (the vendors' pricing rules, which use them,
are in :mod:`sim.rules.pricing`; the demand panel in :mod:`sim.market.panel`).

A single-product vendor's profit (p - c) Q(p) is highest where the Lerner index equals
1 / E (:func:`markup_factor`). An owner of several API slots (a lab and its open-weight
product line, or a merger: ownership matrix O, O_jk = 1 when j and k have one owner)
maximises sum_{k owned} (p_k - c_k) Q_k, whose first-order condition in p_j is

    Q_j + sum_k O_jk (p_k - c_k) dQ_k/dp_j = 0

Multiplied by p_j, with revenue R_k = p_k Q_k, Lerner m_k = (p_k - c_k) / p_k and
M_kj = d ln Q_k / d ln p_j (:meth:`sim.market.panel.DemandPanel.demand_derivatives`):

    sum_k O_jk (-M_kj) R_k m_k = R_j                                  (1)

which for O = I is m_j = 1 / E_j, E_j = -M_jj, the single-product rule.

A vendor does not post its rule's target at once: it moves part of the way each month
(:func:`partial_adjustment`), and by at most a share of its list price
(:func:`sticky_price`): list prices are sticky.
"""

from __future__ import annotations

import numpy as np

from sim.market.panel import DemandPanel


def partial_adjustment(price: float, target: float, inertia: float) -> float:
    """Next month's price moved part of the way to the rule's target, in log price (USD per
    million tokens).

        p' = p ** (1 - l) * target ** l,     l = inertia (share of the log gap closed)
    """
    return float(price ** (1.0 - inertia) * target ** inertia)


def scaled_price(rule_price: float, factor: float) -> float:
    """The posted price under a relative price event (USD per million tokens).

        p = f * p_rule

    with p_rule the price the vendor's pricing rule sets this month and f the event's
    factor (1): f = 1 posts the rule's price unchanged.
    """
    return float(factor * rule_price)


def sticky_price(price: float, proposed: float, max_change: float | None) -> float:
    """The proposed price, moved at most ``max_change`` from last month's (USD per Mtok).

        p' = min(max(proposed, (1 - c) p), (1 + c) p),     c = max_change (1)

    A list price is a posted menu that vendors change rarely and by bounded steps
    (list-price stickiness; docs/MODEL.md); c >= 1 leaves falls free. ``None``: no limit.
    """
    if max_change is None:
        return float(proposed)
    return float(min(max(proposed, (1.0 - max_change) * price), (1.0 + max_change) * price))


def markup_factor(elasticity, max_markup: float):
    """Profit-maximising price over marginal cost, ``E / (E - 1)``, capped at ``max_markup``."""
    elasticity = np.asarray(elasticity, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(elasticity > 1.0, elasticity / (elasticity - 1.0), np.inf)
    return np.minimum(factor, max_markup)


def lerner_markup_factor(lerner, max_markup: float):
    """Price over marginal cost at Lerner index m, ``1 / (1 - m)``, capped at ``max_markup``."""
    lerner = np.asarray(lerner, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(lerner < 1.0, 1.0 / (1.0 - lerner), np.inf)
    return np.minimum(np.where(np.isnan(factor), np.inf, factor), max_markup)


def co_owned_lerner(elasticity: float, revenue: float, co_revenue: np.ndarray,
                    co_lerner: np.ndarray, co_cross: np.ndarray) -> float:
    """Lerner index of product j given the prices of the other products of its owner (1).

    Equation (1) of this module solved for m_j alone, the other products k at their
    current Lerner m_k:

        m_j = (1 + sum_{k != j} m_k R_k M_kj / R_j) / E_j

    Args:
        elasticity: E_j, the own-price elasticity of j's demand (1).
        revenue: R_j = p_j Q_j (USD per month).
        co_revenue, co_lerner: R_k and m_k of the co-owned products (USD per month, 1).
        co_cross: M_kj = d ln Q_k / d ln p_j for those products (1).
    """
    if revenue <= 0 or elasticity <= 0:
        return float("inf")
    return float((1.0 + np.sum(co_lerner * co_revenue * co_cross) / revenue) / elasticity)


def first_order_matrix(revenue: np.ndarray, derivatives: np.ndarray,
                       ownership: np.ndarray) -> np.ndarray:
    """The matrix A of the owners' first-order conditions (1) in Lerner indices, A m = R.

        A_jk = O_jk (-M_kj) R_k

    Args:
        revenue: R (USD per month), (n,).
        derivatives: M_jk = d ln Q_j / d ln p_k (1), (n, n).
        ownership: O (1 where one owner prices both), (n, n).
    """
    return ownership * (-derivatives.T) * revenue[None, :]


def ownership_lerner(revenue: np.ndarray, derivatives: np.ndarray, ownership: np.ndarray,
                     cap_lerner: float) -> tuple[np.ndarray, np.ndarray]:
    """Lerner indices that solve every owner's first-order conditions (1) at given demand.

        sum_k O_jk (-M_kj) R_k m_k = R_j   for every product j

    Products whose m would reach ``cap_lerner`` = 1 - 1/max_markup (demand too inelastic),
    or that sell nothing, are held at the cap and the others' conditions are solved again
    with them fixed. Returns m and which products are capped.

    Args:
        revenue: R (USD per month), (n,).
        derivatives: M_jk = d ln Q_j / d ln p_k (1), (n, n).
        ownership: O (1 where one owner prices both), (n, n).
        cap_lerner: the highest Lerner index allowed (1).
    """
    n = revenue.size
    a = first_order_matrix(revenue, derivatives, ownership)
    capped = ~(revenue > 0)
    lerner = np.full(n, cap_lerner)
    for _ in range(n + 1):
        free = ~capped
        lerner = np.full(n, cap_lerner)
        if free.any():
            rhs = revenue[free] - a[np.ix_(free, capped)] @ lerner[capped]
            try:
                lerner[free] = np.linalg.solve(a[np.ix_(free, free)], rhs)
            except np.linalg.LinAlgError:
                lerner[free] = np.nan
        over = free & ~(lerner < cap_lerner)
        if not over.any():
            break
        capped = capped | over
    return lerner, capped


def safeguarded_step(dh: np.ndarray, h: np.ndarray, capped: np.ndarray,
                     eye: np.ndarray) -> np.ndarray:
    """The Newton step ``dh^-1 h`` in log prices, with the solvers' safeguards.

    Rows where demand is not locally concave (a diagonal below 0.1 or not finite) take a
    half fixed-point step (row ``2 I``); rows where the markup cap binds are linear in x,
    ``h = x - ln c - ln M`` (row ``I``); a singular system falls back to ``0.5 h``; every
    component is clipped to one log point. ``dh`` is changed in place.
    """
    flat = capped | ~np.isfinite(np.diag(dh)) | (np.diag(dh) < 0.1)
    dh[flat] = 2.0 * eye[flat]
    dh[capped] = eye[capped]
    try:
        step = np.linalg.solve(dh, h)
    except np.linalg.LinAlgError:
        step = 0.5 * h
    return np.clip(np.nan_to_num(step), -1.0, 1.0)


def joint_nash_prices(panel: DemandPanel, marginal_cost: np.ndarray, slots: np.ndarray,
                      ownership: np.ndarray, max_markup: float, start: np.ndarray,
                      tolerance: float, max_iter: int) -> tuple[np.ndarray, bool]:
    """Bertrand-Nash prices of ``slots`` under ownership O (n x n over those slots).

    Newton's method on h(x) = x - ln c + ln(1 - m(x)), x = ln p, m from
    :func:`ownership_lerner` (h = x - ln c - ln max_markup where the cap binds). The
    Jacobian is the single-product one of :func:`nash_prices` (exact on the rows of
    single-product owners), with the co-owned products' rows carried by Broyden's update
    from step to step; their columns are taken by forward differences (step 1e-7 in log
    price, one demand evaluation per co-owned product) at the first step and after any
    step that did not halve the largest |h|, by Broyden otherwise. The safeguards of
    :func:`nash_prices`: half fixed-point steps on rows that are not locally concave,
    step halving, and a damped fixed-point fallback. Returns the prices of ``slots``
    and whether the largest |h| fell below ``tolerance``.
    """
    log_cost = np.log(marginal_cost[slots])
    cap = np.log(max_markup)
    cap_lerner = 1.0 - 1.0 / max_markup
    x = np.clip(np.log(start[slots]), log_cost, log_cost + cap)
    full = np.full(marginal_cost.size, np.nan)
    eye = np.eye(slots.size)

    def residual(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        full[slots] = np.exp(x)
        used, tokens, derivatives = panel.demand_derivatives(full)
        pick = np.searchsorted(used, slots)
        revenue = np.exp(x) * tokens[pick]
        lerner, capped = ownership_lerner(revenue, derivatives[np.ix_(pick, pick)], ownership,
                                          cap_lerner)
        with np.errstate(invalid="ignore", divide="ignore"):
            markup = np.where(capped, cap, -np.log(1.0 - lerner))
        markup = np.nan_to_num(markup, nan=cap)
        return x - log_cost - np.minimum(markup, cap), capped | (markup >= cap)

    def single_product_jacobian(x: np.ndarray) -> np.ndarray:
        full[slots] = np.exp(x)
        used, elasticity, jacobian = panel.elasticity_jacobian(full)
        pick = np.searchsorted(used, slots)
        elasticity = elasticity[pick]
        with np.errstate(divide="ignore", invalid="ignore"):
            return eye + jacobian[np.ix_(pick, pick)] / (elasticity * (elasticity - 1.0))[:, None]

    joint = np.flatnonzero(ownership.sum(axis=1) > 1)  # products whose owner has others
    converged = False
    h, capped = residual(x)
    delta = 1e-7
    cross: np.ndarray | None = None
    fresh = True  # differences at the first step and after any step that did not halve |h|
    for _ in range(max_iter):
        size = np.max(np.abs(h))
        if size < tolerance:
            converged = True
            break
        jacobian = single_product_jacobian(x)  # the panel's state at x, kept from residual
        if cross is not None:  # the co-owned rows as Broyden carried them
            jacobian[joint] = cross
        if fresh:  # the co-owned columns by differences (Broyden carries them otherwise)
            for k in joint:
                bumped = x.copy()
                bumped[k] += delta
                column = (residual(bumped)[0] - h) / delta
                jacobian[joint, k] = column[joint]
        rows = jacobian[joint].copy()
        step = safeguarded_step(jacobian, h, capped, eye)
        for _ in range(3):  # backtracking: halve the step until the residual falls
            trial = np.clip(x - step, log_cost, log_cost + cap)
            trial_h, trial_capped = residual(trial)
            if np.max(np.abs(trial_h)) < size:
                break
            step = 0.5 * step
        else:  # Newton is lost here: take a damped fixed-point step instead
            trial = np.clip(x - 0.3 * np.clip(h, -1.0, 1.0), log_cost, log_cost + cap)
            trial_h, trial_capped = residual(trial)
        fresh = not np.max(np.abs(trial_h)) < 0.5 * size
        moved = trial - x
        if moved @ moved > 0:  # Broyden's update of the co-owned rows on the step taken
            change = (trial_h - h)[joint] - rows @ moved
            cross = rows + np.outer(change, moved) / (moved @ moved)
        x, h, capped = trial, trial_h, trial_capped
    return np.exp(x), converged


def nash_prices(panel: DemandPanel, marginal_cost: np.ndarray, active: np.ndarray,
                max_markup: float, start: np.ndarray | None = None, tolerance: float = 1e-9,
                max_iter: int = 100, ownership: np.ndarray | None = None
                ) -> tuple[np.ndarray, bool]:
    """Bertrand-Nash prices of the API offerings: the fixed point of the markup rule.

        p_j = c_j * min(E_j(p) / (E_j(p) - 1), max_markup)   for every active API j

    solved by Newton's method on h(x) = x - ln c - ln min(mu(E(x)), M), x = ln p, with
    the Jacobian of :meth:`DemandPanel.elasticity_jacobian`,

        dh_j / dx_k = 1[j = k] + G_jk / (E_j (E_j - 1))   (identity rows where the cap binds)

    safeguarded: rows where demand is not locally concave take a half fixed-point step,
    each step is halved until the largest |h| falls (backtracking), and where that fails a
    damped fixed-point step x <- x - 0.3 h is taken. Returns the prices (nan where not
    sold) and whether the largest |h| fell below ``tolerance``.

    ``ownership`` (J x J over the menu's slots; O_jk = 1 when one owner prices j and k):
    None, or the identity on the active API slots, is the single-product solution above;
    otherwise the owners' joint first-order conditions (1) are solved
    (:func:`joint_nash_prices`), started from the single-product solution.
    """
    active = active & panel.is_api
    prices = np.full(active.size, np.nan)
    slots = panel.cols[panel.is_api[panel.cols]]
    slots = slots[active[slots]]
    if slots.size == 0:
        return prices, True
    guess = (marginal_cost * 2.0 if start is None
             else np.where(np.isfinite(start), start, marginal_cost * 2.0))
    if ownership is not None:
        owned = np.asarray(ownership)[np.ix_(slots, slots)] != 0
        if not np.array_equal(owned, np.eye(slots.size, dtype=bool)):
            # started from the single-product equilibrium, which a merger moves a little
            single, _ = nash_prices(panel, marginal_cost, active, max_markup, guess, tolerance,
                                    max_iter)
            prices[slots], converged = joint_nash_prices(
                panel, marginal_cost, slots, owned.astype(float), max_markup,
                np.where(np.isfinite(single), single, guess), tolerance, max_iter)
            return prices, converged
    log_cost = np.log(marginal_cost[slots])
    cap = np.log(max_markup)
    x = np.clip(np.log(guess[slots]), log_cost, log_cost + cap)
    full = np.full(active.size, np.nan)
    eye = np.eye(slots.size)

    def residual(x: np.ndarray, elasticity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with np.errstate(divide="ignore", invalid="ignore"):
            markup = np.where(elasticity > 1.0, np.log(elasticity / (elasticity - 1.0)), np.inf)
        capped = markup >= cap
        return x - log_cost - np.where(capped, cap, markup), capped

    def evaluate(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        full[slots] = np.exp(x)
        used, elasticity, jacobian = panel.elasticity_jacobian(full)
        pick = np.searchsorted(used, slots)
        return elasticity[pick], jacobian[np.ix_(pick, pick)]

    converged = False
    elasticity, jacobian = evaluate(x)
    for _ in range(max_iter):
        h, capped = residual(x, elasticity)
        size = np.max(np.abs(h))
        if size < tolerance:
            converged = True
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            dh = eye + jacobian / (elasticity * (elasticity - 1.0))[:, None]
        step = safeguarded_step(dh, h, capped, eye)
        for _ in range(3):  # backtracking: halve the step until the residual falls
            trial = np.clip(x - step, log_cost, log_cost + cap)
            elasticity, jacobian = evaluate(trial)
            if np.max(np.abs(residual(trial, elasticity)[0])) < size:
                break
            step = 0.5 * step
        else:  # Newton is lost here: take a damped fixed-point step instead
            trial = np.clip(x - 0.3 * np.clip(h, -1.0, 1.0), log_cost, log_cost + cap)
            elasticity, jacobian = evaluate(trial)
        x = trial
    prices[slots] = np.exp(x)
    return prices, converged
