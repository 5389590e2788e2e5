"""The dashboard's agent-level view and Info panel: the firms and countries it draws agree
with the run's own aggregate tables, and the Info panel covers every claim."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from sim.config.tables import country_codes
from sim.dashboard.agents import SERVED, country_rows, firm_rows, served_by
from sim.dashboard.figures import snapshot
from sim.dashboard.info import CLAIMS, info_markdown
from sim.dashboard.model import DashboardModel
from sim.model.results import release_model
from sim.plots.agent_figures import agents
from sim.population.segment import OUTSIDE

pytestmark = pytest.mark.filterwarnings("ignore:.*ComponentsView.*:UserWarning")
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def stepped():
    model = DashboardModel(world="small", seed=3)
    for _ in range(4):
        model.step()
    yield model
    release_model(model)


def test_served_by_reads_the_slot_of_each_provider():
    is_api = np.array([True, True, False, False])
    closed = np.array([True, False, False, False])
    current = np.array([0, 1, 2, 3, -1, OUTSIDE])
    assert served_by(current, is_api, closed).tolist() == [
        "closed_api", "open_api", "self_host", "self_host", "none", "outside"]


def test_the_firms_drawn_are_the_firms_the_table_counts(stepped):
    """The firm rows' split by provider equals the run's firm_share (buyers by nest over
    all buyers), counted from the model's totals by a different path (demand.buyers)."""
    firms = firm_rows(stepped)
    table = snapshot(stepped).table
    last = table[table["month"].astype(str) == table["month"].astype(str).max()]
    for segment, population in stepped.firms.items():
        rows = firms[firms["segment"] == segment]
        assert len(rows) == population.n
        assert set(rows["served"]) <= set(SERVED)
        assert rows["privacy"].between(0, 1).all()
        buying = rows[rows["served"].isin(["closed_api", "open_api", "self_host"])]
        share = last[(last["metric"] == "firm_share") & (last["segment"] == segment)]
        for nest, value in zip(share["entity"].astype(str), share["value"], strict=True):
            assert (buying["served"] == nest).mean() == pytest.approx(value, abs=1e-12)


def test_the_countries_are_the_tables_shares(stepped):
    table = snapshot(stepped).table
    countries = country_rows(table)
    nations = stepped.cfg.world.nations  # no list: every country of the table
    assert len(countries) == len(nations.include or country_codes(nations.countries_file))
    shares = countries.filter(like="share_").to_numpy()
    assert (shares >= 0).all() and (shares.sum(axis=1) <= 1 + 1e-9).all()
    fig = agents(firm_rows(stepped), countries, "baseline", month="2023-04")
    assert len(fig.axes) == 2
    assert len(fig.axes[1].get_yticklabels()) == min(len(countries), 20)


def test_the_info_panel_defines_the_measures_and_lists_every_claim():
    text = info_markdown()
    for measure in ("Lerner index", "HHI", "Soft power", "Capability gap", "Consumer surplus"):
        assert f"**{measure}" in text
    model_md = (ROOT / "docs" / "MODEL.md").read_text(encoding="utf-8")
    section = model_md.split("### 1.1", 1)[1].split("\n## ", 1)[0]
    claim_rows = re.findall(r"^\| (\d+) \|", section, flags=re.M)
    assert len(CLAIMS) == len(claim_rows) == 11
    assert all(f"{i}. **" in text for i in range(1, 12))
