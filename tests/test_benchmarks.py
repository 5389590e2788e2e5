"""The benchmark code runs (on tiny sizes); it measures, it never asserts times."""

import json

from benchmarks.__main__ import main
from benchmarks.suite import config_for, measure


def test_a_measurement_has_every_column():
    m = measure("tiny", config_for(50, "small", "vector", "2023-03"), repeats=1)
    assert m.months == 3 and m.firms == 50 + 120
    assert m.median_s > 0 and m.peak_mib > 0 and 0 <= m.record_share <= 1
    assert m.buyer_steps_per_s > 0


def test_the_quick_suite_writes_its_table(tmp_path, capsys):
    assert main(["--quick", "--out", str(tmp_path)]) == 0
    result = json.loads((tmp_path / "benchmarks.json").read_text())
    assert len(result["rows"]) == 6
    assert result["vector_to_reference_speedup_buyers"] > 0
    assert "agent-steps/s" in capsys.readouterr().out
