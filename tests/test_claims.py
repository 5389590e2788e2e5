"""The claims ledger (sim.claims): its definition is checked, off and on runs are paired by
draw and seed, a neutral claim has no effect, resuming redoes nothing, and the summary's
interval and shares are those of a hand calculation."""

from __future__ import annotations

import copy
import math

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.claims import report, runs, summary
from sim.claims.__main__ import main
from sim.claims.ledger import LEDGER, LedgerError, load_ledger, parse_ledger
from sim.experiment.levers import LEVERS

#: Small world, four months around the scenarios' first month (2026-01).
SHORT = ("world.start=2025-11", "world.end=2026-02")


def test_the_shipped_ledger_has_the_eleven_claims_and_every_side_builds():
    ledger = load_ledger(LEDGER)
    assert [c.id for c in ledger.claims] == list(range(1, 12))
    for claim in ledger.claims:
        assert claim.outcomes
        for side in (claim.off, claim.on):
            for name, value in side.set.items():
                if name in LEVERS:  # neutral and on values within the lever's range
                    assert LEVERS[name].check(value) == value
    # every side is a config the model accepts (a lever a scenario cannot take fails here)
    runs.check_jobs(ledger.claims, runs.draws_of(ledger, 1), "small", SHORT)


def _raw() -> dict:
    return {"draws": {"levers": ["spill_open"], "seed": 0},
            "claims": [{"id": 2, "title": "cost", "mechanism": "a price cut",
                        "off": {"set": {"cn_price_factor": 1.0}},
                        "on": {"set": {"cn_price_factor": 0.3}},
                        "outcomes": [{"name": "cn_share_startups@mean", "expected": "+",
                                      "why": "cheaper tokens win share"}]}]}


@pytest.mark.parametrize("edit, words", [
    (lambda c: c["on"]["set"].update(cn_price_factor=500.0), ["cn_price_factor", "500"]),
    (lambda c: c["on"]["set"].update(no_such_lever=1.0), ["lever", "no_such_lever"]),
    (lambda c: c["on"]["set"].update({"world.demand.nope": 1.0}), ["world.demand.nope"]),
    (lambda c: c["off"]["set"].update({"world.capability.spill_closed": 2.0}),
     ["spill_closed", "2.0", "[0, 1]"]),
    (lambda c: c["on"].update(scenario="atlantis"), ["scenario", "atlantis", "baseline"]),
    (lambda c: c["outcomes"][0].update(name="cn_shar"), ["cn_shar", "headline"]),
    (lambda c: c["outcomes"][0].update(expected="up"), ["expected", "'up'", "+, -, either"]),
    (lambda c: c["outcomes"][0].update({"so cheap": None}), ["key", "so cheap", "quote"]),
    (lambda c: c.update(id=12), ["id", "12", "1 to 11"]),
    (lambda c: c.update(colour="red"), ["key", "colour", "mechanism"]),
])
def test_a_bad_entry_is_refused_naming_field_value_and_allowed(edit, words):
    raw = copy.deepcopy(_raw())
    edit(raw["claims"][0])
    with pytest.raises(LedgerError) as err:
        parse_ledger(raw)
    for word in words:
        assert word in str(err.value)


def test_yaml_reads_bare_on_and_off_keys_as_the_sides():
    text = yaml.safe_dump(_raw()).replace("'off'", "off").replace("'on'", "on")
    ledger = parse_ledger(yaml.safe_load(text))
    assert ledger.claims[0].on.set == {"cn_price_factor": 0.3}


def test_off_and_on_share_the_draw_and_the_seed():
    ledger = parse_ledger(_raw())
    draws = runs.draws_of(ledger, 3)
    jobs = runs.jobs_of(ledger.claims, draws, [0, 5])
    assert len(jobs) == 1 * 3 * 2 * 2
    for off, on in zip(jobs[::2], jobs[1::2], strict=True):
        assert (off[2], on[2]) == ("off", "on")
        assert off[3:5] == on[3:5]  # draw, seed
        assert off[6]["spill_open"] == on[6]["spill_open"] == draws[off[3]]["spill_open"]
        assert (off[6]["cn_price_factor"], on[6]["cn_price_factor"]) == (1.0, 0.3)


def test_a_neutral_claim_has_no_effect_and_resuming_redoes_nothing(tmp_path, monkeypatch):
    raw = _raw()
    raw["claims"][0]["on"]["set"]["cn_price_factor"] = 1.0  # neutral against neutral
    ledger = parse_ledger(raw)
    long = runs.run_ledger(ledger, ledger.claims, 2, [0], tmp_path, "small", SHORT,
                           progress=False)
    pairs = summary.paired(long)
    assert len(pairs) == 2
    assert (pairs.effect == 0).all()  # the same config on the same seed: the same run

    calls = []

    def fake(params, seed, world, scenario, names, overrides):
        calls.append((seed, params.get("cn_price_factor")))
        return dict.fromkeys(names, 0.5)

    monkeypatch.setattr(runs, "evaluate", fake)
    again = runs.run_ledger(ledger, ledger.claims, 2, [0], tmp_path, "small", SHORT,
                            progress=False)
    assert calls == []  # every run was saved
    pd.testing.assert_frame_equal(again, long)
    more = runs.run_ledger(ledger, ledger.claims, 2, [0, 1], tmp_path, "small", SHORT,
                           progress=False)
    assert sorted(calls) == [(1, 1.0)] * 4  # only seed 1: 2 draws x 2 sides
    assert len(more) == 2 * len(long)
    other = parse_ledger({**raw, "draws": {"levers": ["quality_weight"]}})
    with pytest.raises(runs.ResumeError, match="draw_levers"):
        runs.run_ledger(other, other.claims, 2, [0], tmp_path, "small", SHORT,
                        progress=False)


def _synthetic() -> pd.DataFrame:
    effects = {0: [1.0, 2.0], 1: [3.0, -10.0], 2: [4.0, 4.0]}  # draw -> by seed
    offs = [10.0, 12.0]
    rows = []
    for draw, by_seed in effects.items():
        for seed, effect in enumerate(by_seed):
            off = offs[seed]
            for side, value in (("off", off), ("on", off + effect)):
                rows.append({"claim": 1, "digest": "x", "side": side, "draw": draw,
                             "seed": seed, "outcome": "y", "value": value})
    rows.append({"claim": 1, "digest": "x", "side": "off", "draw": 3, "seed": 0,
                 "outcome": "y", "value": 1.0})  # its on run is missing: left out
    return pd.DataFrame(rows)


def test_the_summary_matches_a_hand_calculation():
    pairs = summary.paired(_synthetic())
    assert len(pairs) == 6
    assert pairs.effect.tolist() == [1.0, 2.0, 3.0, -10.0, 4.0, 4.0]
    row = summary.summarize(pairs, {(1, "y"): "+"}).iloc[0]
    # sorted effects -10, 1, 2, 3, 4, 4; linear quantiles at (n - 1) q = 0.25 and 4.75
    assert row.mean_effect == pytest.approx(4 / 6)
    assert row.lo == pytest.approx(-10 + 0.25 * 11)
    assert row.hi == pytest.approx(4.0)
    # draw means 1.5, -3.5, 4: two of three draws rise
    assert row.share_expected == pytest.approx(2 / 3)
    assert row.share_positive == pytest.approx(2 / 3)
    assert (row.n_draws, row.n) == (3, 6)
    # off is 10, 12, 10, 12, 10, 12: sample standard deviation sqrt(6 / 5)
    assert row.scale == pytest.approx(math.sqrt(1.2))
    assert row.std_mean == pytest.approx((4 / 6) / math.sqrt(1.2))
    down = summary.summarize(pairs, {(1, "y"): "-"}).iloc[0]
    assert down.share_expected == pytest.approx(1 / 3)
    either = summary.summarize(pairs, {(1, "y"): "either"}).iloc[0]
    assert np.isnan(either.share_expected)


def test_the_command_writes_tables_figure_report_and_the_readme_block(tmp_path):
    ledger = tmp_path / "ledger.yaml"
    ledger.write_text(yaml.safe_dump(_raw()), encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{report.BEGIN}\nSTALE\n{report.END}\nend\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["--ledger", str(ledger), "--world", "small", "--draws", "1", "--seeds", "0",
            "--start", "2025-11", "--end", "2026-02", "--out", str(out), "--quiet"]
    assert main([*args, "--readme", str(readme)]) == 0
    for name in ("claims.csv", "claims_summary.csv", "claims.png", "claims.md", "runs.csv"):
        assert (out / name).exists(), name
    table = pd.read_csv(out / "claims.csv")
    assert list(table.columns) == list(summary.PAIR_COLUMNS)
    text = readme.read_text(encoding="utf-8")
    assert "STALE" not in text and "cn_share_startups@mean" in text and text.endswith("end\n")
    with pytest.raises(SystemExit):  # a folder with runs needs --resume
        main(args)
    assert main([*args, "--resume"]) == 0
