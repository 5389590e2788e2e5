"""``world.history_mode``: ``replay`` follows the record's releases and list prices to
``history_until``; ``targets`` lets the rules set both from the first month, keeping the
record's policy events and each lab's entry (issue 13)."""

from __future__ import annotations

import pytest
from conftest import small_config

from sim import data
from sim.config import ConfigError
from sim.config.releases import history_end
from sim.core.calendar import parse_month
from sim.model import AIMarket
from sim.model.events import blended_price

TARGETS = ("world.history_mode=targets", "rules.vendor_release=hazard")


def test_targets_mode_ends_the_record_before_the_first_month():
    replay, targets = small_config(), small_config(*TARGETS)
    assert history_end(replay.world) == replay.world.history_until
    assert history_end(targets.world) == "2022-12"
    model = AIMarket(targets)
    assert not model.clock.in_history()


def test_targets_mode_keeps_policy_and_entries_and_drops_the_rest():
    cfg = small_config(*TARGETS)
    record = data.load_events(cfg.world.history_file)
    start = parse_month(cfg.world.start)
    first = {}
    for e in record:
        if e.kind == "release":
            first.setdefault(e.vendor, e)
    model = AIMarket(cfg)
    kept = [e for events in model.timeline.by_month.values() for e in events]
    kept_ids = {(e.date, e.kind, e.vendor, e.model) for e in kept}
    for e in record:
        key = (e.date, e.kind, e.vendor, e.model)
        if e.kind in ("export_limit", "ban", "subsidy"):
            assert key in kept_ids, key  # policy stays
        elif e.kind == "price" and parse_month(e.date) >= start:
            assert key not in kept_ids, key  # the pricing rule prices
        elif e.kind == "release" and parse_month(e.date) >= start:
            assert (key in kept_ids) == (first[e.vendor] is e), key  # an entry only
    # an entry comes without its list price
    assert all(e.price_in is None for e in kept
               if e.kind == "release" and parse_month(e.date) >= start)


def test_in_targets_mode_the_rule_prices_from_the_first_month():
    # GPT-3.5 (2022-11, $20 in and out) is on sale at the start: replay holds its list
    # price through 2023-01, targets mode lets the pricing rule move it in the first month
    def openai_price(*overrides):
        model = AIMarket(small_config("world.end=2023-02", *overrides))
        model.step()
        return model.vendors_by_id["openai"].price

    listed = blended_price(20.0, 20.0)
    assert openai_price() == pytest.approx(listed)
    assert openai_price(*TARGETS) != pytest.approx(listed)


def test_targets_mode_releases_by_the_rule():
    model = AIMarket(small_config(*TARGETS, "world.end=2024-12"))
    while model.running:
        model.step()
    released = {v.vid: v.release_month for v in model.vendors if v.active}
    # labs on the market from the start release by the hazard rule within two years
    # (hazards of 0.06 to 0.16 a month: the chance of none in 23 months is below 25%
    # for each lab, so at least one of the three does)
    assert any(released[v] > parse_month("2023-01") for v in ("openai", "meta", "google"))


@pytest.mark.parametrize("override,field", [
    ("world.history_mode=backcast", "world.history_mode"),
    ("world.releases.fit_until=2019-06", "world.releases.fit_until"),
    ("world.releases.fit_until=soon", "world.releases.fit_until"),
    ("world.releases.prior_months=-1", "world.releases.prior_months"),
])
def test_bad_history_settings_are_refused(override, field):
    with pytest.raises(ConfigError) as err:
        small_config(override)
    assert err.value.path == field
