"""The README's worked examples, read from README.md itself and run (small world, short
horizon): a README edit that breaks one fails here, and each does what its comment says."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from omegaconf import OmegaConf

from sim.config import SCENARIOS_DIR, compose_config

ROOT = SCENARIOS_DIR.parent
#: Added to each example: small world, two years past the scenarios' 2026 events, no figures.
QUICK = ["world=small", "world.end=2027-12", "output.plots=false", "output.report=false",
         "output.progress=false"]

pytestmark = pytest.mark.slow


def worked_examples(readme: Path = ROOT / "README.md") -> dict[str, list[str]]:
    """The commands of the first ```bash block after "Worked examples", each keyed by the
    comment line above it (continued lines joined; comment-only entries dropped)."""
    text = readme.read_text(encoding="utf-8")
    start = text.index("Worked examples")
    block = re.search(r"```bash\n(.*?)```", text[start:], re.S)
    assert block, "README.md: no ```bash block after 'Worked examples'"
    examples: dict[str, list[str]] = {}
    comment = ""
    for line in block.group(1).replace("\\\n", " ").splitlines():
        line = line.strip()
        if line.startswith("#"):
            if not comment or examples.get(comment):  # the first comment line of an example
                comment = line.lstrip("# ")
        elif line:
            args = shlex.split(line)
            assert args[:3] == ["python", "-m", "sim"], line
            examples[comment] = args[3:]
    return examples


EXAMPLES = worked_examples()


def run(args: list[str], out: Path) -> Path:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "sim", *args, *QUICK, f"hydra.run.dir={out}"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert (out / "DONE").exists()
    return out


def example(start: str) -> list[str]:
    """The example whose comment starts with ``start`` (a renamed comment fails loudly)."""
    found = [args for comment, args in EXAMPLES.items() if comment.startswith(start)]
    assert len(found) == 1, f"README worked examples: none or several start with {start!r}"
    return found[0]


def saved_config(out: Path) -> dict:
    """The run's saved config with its references to scenario.params resolved."""
    return OmegaConf.to_container(OmegaConf.load(out / ".hydra" / "config.yaml"), resolve=True)


def test_every_worked_example_is_checked_here():
    checked = ("a release", "a price cut of one vendor", "export limits answered")
    assert len(EXAMPLES) == len(checked)
    assert all(any(c.startswith(s) for s in checked) for c in EXAMPLES)


def test_a_release_at_the_frontier(tmp_path):
    out = run(example("a release"), tmp_path / "run")
    release = saved_config(out)["scenario"]["events"][0]
    assert release["kind"] == "release" and release["frontier_lag_months"] == 0
    shipped = compose_config(["scenario=open_weight_release"]).scenario.events[0]
    assert shipped.frontier_lag_months > 0  # the override changed it
    events = pd.read_csv(out / "events.csv", dtype=str)
    assert ((events.kind == "release") & (events.vendor == release["vendor"])
            & (events.month == release["date"])).any()


def test_a_price_cut_of_one_vendor_held_a_year_without_state_support(tmp_path):
    out = run(example("a price cut of one vendor"), tmp_path / "run")
    cut = saved_config(out)["scenario"]["events"][1]
    assert cut["kind"] == "price" and cut["vendor"] == "deepseek" and cut["bloc"] is None
    assert cut["duration_months"] == 12 and cut["subsidised"] is False
    table = pd.read_parquet(out / "timeseries.parquet")
    support = table[(table.metric == "state_support") & (table.entity == "deepseek")]
    assert not support.empty and (support.value == 0).all()  # "not subsidised": no state money
    price = table[(table.metric == "price") & (table.entity == "deepseek")].set_index("month")
    assert price.value["2026-01"] < 0.5 * price.value["2025-12"]  # the tenfold cut
    # one vendor instead of a bloc: the only price event of 2026-01 is DeepSeek's
    events = pd.read_csv(out / "events.csv", dtype=str).fillna("")
    cuts = events[(events.kind == "price") & (events.month == "2026-01")]
    assert list(cuts.vendor) == ["deepseek"] and list(cuts.bloc) == [""]


def test_export_limits_answered_by_reactive_governments(tmp_path):
    out = run(example("export limits answered"), tmp_path / "run")
    config = saved_config(out)
    assert config["scenario"]["name"] == "chip_export_limits"
    assert config["rules"]["government_policy"] == "reactive"
    table = pd.read_parquet(out / "timeseries.parquet")
    level = table[(table.metric == "export_level") & (table.entity == "CN")]
    assert level[level.month >= "2026-01"].value.max() <= 0.05 + 1e-9  # the limit holds
