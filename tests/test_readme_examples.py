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


def run(args: list[str], out: Path, after: tuple[str, ...] = ()) -> Path:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "sim", *args, *QUICK, *after,
                             f"hydra.run.dir={out}"],
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
    checked = ("a release", "a price cut of one vendor", "the cut as a held price level",
               "the scenario's headline effect", "export limits answered")
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


def test_the_cut_held_as_a_level(tmp_path):
    """mode hold: each Chinese lab's price is the level set in 2026-01, every month after."""
    out = run(example("the cut as a held price level"), tmp_path / "run")
    assert saved_config(out)["scenario"]["events"][1]["mode"] == "hold"
    table = pd.read_parquet(out / "timeseries.parquet")
    price = table[(table.metric == "price") & (table.entity == "deepseek")
                  & (table.month >= "2026-01")]
    assert len(price) == 24 and price.value.nunique() == 1


def test_the_headline_effect_by_lever(tmp_path):
    # the decomposition is the report's: the report on (QUICK turns it off), no figures
    out = run(example("the scenario's headline effect"), tmp_path / "run",
              after=("output.report=true",))
    table = pd.read_csv(out / "decomposition.csv")
    assert set(table.lever) == {"CN price support", "CN tenfold price cut", "interaction"}
    assert {"cn_share_startups@mean", "us_lerner@mean"} <= set(table.outcome)


def test_export_limits_answered_by_reactive_governments(tmp_path):
    out = run(example("export limits answered"), tmp_path / "run")
    config = saved_config(out)
    assert config["scenario"]["name"] == "chip_export_limits"
    assert config["rules"]["government_policy"] == "reactive"
    table = pd.read_parquet(out / "timeseries.parquet")
    level = table[(table.metric == "export_level") & (table.entity == "CN")]
    assert level[level.month >= "2026-01"].value.max() <= 0.05 + 1e-9  # the limit holds


# -- "For researchers": every command and the Python block, run as written ----------------

def researcher_examples(readme: Path = ROOT / "README.md") -> tuple[list[list[str]], str]:
    """The commands of the first ```bash block of "For researchers" (continued lines joined,
    comments dropped) and its first ```python block."""
    text = readme.read_text(encoding="utf-8")
    section = text[text.index("## For researchers"):]
    section = section[:section.index("\n## ", 1)]
    bash = re.search(r"```bash\n(.*?)```", section, re.S).group(1).replace("\\\n", " ")
    commands = [shlex.split(line) for line in bash.splitlines()
                if line.strip() and not line.strip().startswith("#")]
    python = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    return commands, python


RESEARCHER_COMMANDS, RESEARCHER_PYTHON = researcher_examples()


def test_the_researchers_section_has_its_examples():
    modules = [args[2] for args in RESEARCHER_COMMANDS]
    assert modules == ["sim.experiment", "sim.experiment", "sim.sensitivity", "sim.discover"]
    assert "evaluate(" in RESEARCHER_PYTHON and "sample_parameters(" in RESEARCHER_PYTHON


@pytest.mark.parametrize("args", RESEARCHER_COMMANDS, ids=lambda a: " ".join(a[2:4]))
def test_a_researchers_command_runs(tmp_path, args):
    assert args[:2] == ["python", "-m"]
    args = list(args)
    if "--out" in args:  # into a temporary folder rather than outputs/
        args[args.index("--out") + 1] = str(tmp_path / "out")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, *args[1:], "--quiet"] if "--out" in args
                            else [sys.executable, *args[1:]], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    written = {"sim.sensitivity": "indices.csv", "sim.discover": "boxes.csv"}.get(args[2])
    if written:
        assert not pd.read_csv(tmp_path / "out" / written).empty
    else:
        assert ("cn_price_factor" in result.stdout) or ("soft_power_cn@mean" in result.stdout)


def test_the_researchers_python_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(RESEARCHER_PYTHON, "README.md", "exec"), namespace)
    assert len(namespace["runs"]) == 4 * 2  # four draws on two seeds
    assert "cn_share_startups" in capsys.readouterr().out
