"""Market clearing under capacity: pro-rata rationing of an over-subscribed API."""

from dataclasses import dataclass

import numpy as np
import pytest

from sim.market.clearing import clear, served_share


@dataclass
class Demand:
    tokens: np.ndarray
    spend: np.ndarray
    tokens_by_bloc: np.ndarray
    buyers: np.ndarray


def segment(tokens, spend):
    tokens = np.array(tokens, dtype=float)
    return Demand(tokens, np.array(spend, dtype=float), np.vstack([tokens / 4, 3 * tokens / 4]),
                  np.array([7.0, 3.0, 1.0, 2.0]))


def test_a_lab_over_its_limit_serves_every_buyer_the_same_share():
    # two labs, slots [api 0, api 1, self-hosted 0, self-hosted 1]; capacity 100 each,
    # overload 0.5: limits 150. Lab 0 is asked 100 + 100 = 200 > 150: share 150/200 = 0.75;
    # lab 1 is asked 20 + 30 = 50 <= 150: share 1
    demand = {"a": segment([100, 20, 5, 5], [200, 40, 1, 1]),
              "b": segment([100, 30, 0, 10], [300, 60, 0, 2])}
    served, share = clear(demand, np.array([100.0, 100.0]), np.array([True, True]), 0.5)
    assert share == pytest.approx([0.75, 1.0])
    assert served["a"].tokens == pytest.approx([75, 20, 5, 5])
    assert served["b"].tokens == pytest.approx([75, 30, 0, 10])
    assert served["a"].spend == pytest.approx([150, 40, 1, 1])
    assert served["b"].spend == pytest.approx([225, 60, 0, 2])
    assert served["a"].tokens_by_bloc[0] == pytest.approx([18.75, 5, 1.25, 1.25])
    assert served["a"].tokens_by_bloc[1] == pytest.approx([56.25, 15, 3.75, 3.75])
    assert served["a"].buyers == pytest.approx([7, 3, 1, 2])  # buyers keep their provider


def test_third_party_hosts_serve_on_their_own_cloud_and_are_not_rationed():
    # two labs with hosted slots: [api 0, api 1, self 0, self 1, hosted 0, hosted 1]; lab 0 is
    # asked 300 > 150: share 0.5 on its API only; the hosts serve their 40 and 60 in full
    tokens = np.array([300.0, 10, 5, 5, 40, 60])
    demand = {"a": Demand(tokens, 2 * tokens, np.vstack([tokens / 4, 3 * tokens / 4]),
                          np.ones(6))}
    served, share = clear(demand, np.array([100.0, 100.0]), np.array([True, True]), 0.5)
    assert share == pytest.approx([0.5, 1.0])
    assert served["a"].tokens == pytest.approx([150, 10, 5, 5, 40, 60])
    assert served["a"].spend == pytest.approx([300, 20, 10, 10, 80, 120])
    assert served["a"].tokens_by_bloc.sum(axis=0) == pytest.approx([150, 10, 5, 5, 40, 60])


def test_no_lab_over_its_limit_leaves_the_demand_as_it_is():
    demand = {"a": segment([100, 20, 5, 5], [200, 40, 1, 1])}
    served, share = clear(demand, np.array([100.0, 100.0]), np.array([True, True]), 0.0)
    assert share == pytest.approx([1.0, 1.0])
    assert served["a"] is demand["a"]


def test_labs_without_a_model_or_without_capacity_are_not_rationed():
    # wanted 200 and 50; lab 0 is not on sale, lab 1 has no serving fleet (limit 0)
    share = served_share(np.array([200.0, 50.0]), np.array([10.0, 0.0]),
                         np.array([False, True]), 0.2)
    assert share == pytest.approx([1.0, 1.0])


def test_the_limit_is_capacity_times_one_plus_the_overload():
    # capacity 80, overload 0.25: limit 100; asked 400: share 1/4
    share = served_share(np.array([400.0]), np.array([80.0]), np.array([True]), 0.25)
    assert share == pytest.approx([0.25])
