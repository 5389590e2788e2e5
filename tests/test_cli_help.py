"""The command line's own pages: ``--help`` (from the registry and the config metadata),
``--describe PATH``, ``--show``, the run folder named by its overrides, the first line of a
sweep and the refusal of a SLURM launcher where there is no SLURM."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sim.config import SCENARIOS_DIR, compose_config
from sim.config.behaviour import DemandConfig
from sim.config.fields import describe_range
from sim.config.scenario import EVENT_KINDS
from sim.config.world import VendorConfig
from sim.rules import DECISIONS, known_rules
from sim.tools.announce import count_jobs
from sim.tools.params import format_value
from sim.tools.rundir import MAX_NAME, run_name
from sim.tools.show import drop_null_event_fields

ROOT = SCENARIOS_DIR.parent
PLUGIN = "tests/plugins/my_rules.py"
QUICK = ["world=small", "output.plots=false", "output.report=false", "output.progress=false"]


def sim(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None,
        ) -> subprocess.CompletedProcess:
    """``python -m sim ARGS`` with this checkout's ``sim`` first on the path, from ``cwd``."""
    env = {**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


# -- --help ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def help_page() -> str:
    result = sim("--help", f"rules.plugins=[{PLUGIN}]")
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_help_lists_every_rule_of_the_registry_and_a_plugins_rule(help_page):
    for decision in DECISIONS:
        line = next(ln for ln in help_page.splitlines() if ln.strip().startswith(decision))
        for name in known_rules(decision):
            assert name in line, (decision, name)
    vendor_pricing = next(ln for ln in help_page.splitlines()
                          if ln.strip().startswith("vendor_pricing"))
    assert "my_rule" in vendor_pricing  # registered by the plugin named on the command line


def test_help_lists_worlds_scenarios_event_kinds_and_levers(help_page):
    for kind in EVENT_KINDS:
        assert f"\n  {kind} " in help_page
    for path in sorted((SCENARIOS_DIR / "scenario").glob("*.yaml")):
        scenario = yaml.safe_load(path.read_text())["scenario"]
        assert path.stem in help_page and scenario["description"].split()[0] in help_page
        for name, value in (scenario.get("params") or {}).items():  # what overrides reach
            assert f"{name}={value}" in help_page
    for path in (SCENARIOS_DIR / "world").glob("*.yaml"):
        assert f"\n  {path.stem} " in help_page
    quality = DemandConfig.__dataclass_fields__["quality_weight"].metadata
    assert f"[{quality['unit']}; {describe_range(quality)};" in " ".join(help_page.split())
    for lever in ("seed", "engine", "world.end", "world.pricing.inertia", "rules.plugins"):
        assert f"\n  {lever} " in help_page
    assert "--describe" in help_page and "--show" in help_page and "docs/MODEL.md" in help_page
    assert len(help_page.splitlines()) < 200  # a page, not Hydra's 500 lines


def test_hydra_help_is_still_hydras():
    result = sim("--hydra-help")
    assert result.returncode == 0 and "Hydra (1.3" in result.stdout


# -- --describe ------------------------------------------------------------------------------

@pytest.mark.parametrize("path,cls,name,default", [
    ("world.demand.quality_weight", DemandConfig, "quality_weight",
     lambda cfg: cfg.world.demand.quality_weight),
    ("world.vendors.openai.funding_musd_per_month", VendorConfig, "funding_musd_per_month",
     lambda cfg: cfg.world.vendors["openai"].funding_musd_per_month),
    ("world.pricing.max_markup", None, "max_markup", lambda cfg: cfg.world.pricing.max_markup),
])
def test_describe_gives_unit_range_default_and_origin(path, cls, name, default):
    cfg = compose_config([])
    cls = cls or type(cfg.world.pricing)
    meta = {f.name: f for f in dataclasses.fields(cls)}[name].metadata
    result = sim("--describe", path)
    assert result.returncode == 0, result.stderr
    lines = {ln.split(":", 1)[0].strip(): ln.split(":", 1)[1].strip()
             for ln in result.stdout.splitlines() if ln.startswith("  ") and ":" in ln}
    assert lines["meaning"] == meta["doc"]
    assert lines["unit"] == meta["unit"]
    assert lines["range"] == describe_range(meta)
    assert lines["default"] == format_value(default(cfg))
    assert lines["origin"].startswith(meta["origin"])
    if cls is VendorConfig:
        assert lines["source"] == cfg.world.vendors["openai"].source


def test_describe_a_node_lists_the_event_kinds():
    result = sim("--describe", "scenario.events")
    assert result.returncode == 0
    assert all(kind in result.stdout for kind in EVENT_KINDS)


def test_describe_an_unknown_path_exits_2_naming_the_closest():
    result = sim("--describe", "world.demand.qualty_weight")
    assert result.returncode == 2
    assert "not a config path" in result.stderr
    assert "world.demand.quality_weight" in result.stderr


# -- --show ----------------------------------------------------------------------------------

def test_show_prints_events_without_null_fields():
    result = sim("--show", "scenario=token_price_cut", "world=small")
    assert result.returncode == 0, result.stderr
    events = yaml.safe_load(result.stdout)["scenario"]["events"]
    assert [e["kind"] for e in events] == ["subsidy", "price"]
    assert all(v is not None for e in events for v in e.values())
    assert events[1]["subsidised"] is True and "lift" not in events[1]


def test_drop_null_event_fields_keeps_what_a_kind_uses():
    cfg = {"scenario": {"events": [{"date": "2026-01", "kind": "ban", "countries": ["US"],
                                    "vendor": None, "lift": False, "level": None}]}}
    assert drop_null_event_fields(cfg)["scenario"]["events"] == [
        {"date": "2026-01", "kind": "ban", "countries": ["US"], "lift": False}]


# -- run folders -----------------------------------------------------------------------------

def test_run_name_drops_the_world_names_no_overrides_default_and_stays_short():
    pricing = "rules.vendor_pricing=cost_plus"
    assert run_name(f"{pricing},world=small") == pricing
    assert run_name("") == "default" and run_name("world=small") == "default"
    assert "/" not in run_name("world.history_file=data/h.csv")
    long = ",".join(f"world.vendors.v{i}.appeal=0.{i}" for i in range(20))
    cut = run_name(long)
    assert len(cut.encode()) <= MAX_NAME and cut != run_name(long + "1")


@pytest.mark.slow
def test_a_run_folder_names_its_overrides(tmp_path):
    result = sim(*QUICK, "world.end=2024-03", "seed=3", "rules.vendor_pricing=cost_plus",
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    done = [p.parent for p in (tmp_path / "outputs" / "runs").rglob("DONE")]
    assert len(done) == 1
    parts = done[0].relative_to(tmp_path / "outputs" / "runs").parts
    assert parts[:4] == ("baseline", "small", "seed=3",
                         "rules.vendor_pricing=cost_plus,world.end=2024-03")
    plain = sim(*QUICK, "seed=4", cwd=tmp_path)  # world and output settings only
    assert plain.returncode == 0, plain.stderr
    names = [p.name for p in (tmp_path / "outputs/runs/baseline/small/seed=4").iterdir()]
    assert names == ["default"]


# -- sweeps and launchers --------------------------------------------------------------------

def test_count_jobs_is_the_product_of_the_sweeps():
    assert count_jobs(["scenario=baseline,token_price_cut", "seed=range(5)", "world=small"]) == 10
    assert count_jobs(["world=small"]) == 1


@pytest.mark.slow
def test_a_sweep_says_at_once_how_many_jobs_and_where(tmp_path):
    sweep = tmp_path / "sweep"
    result = sim("-m", *QUICK, "world.end=2024-02", "seed=0,1", f"hydra.sweep.dir={sweep}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"2 jobs (basic launcher), writing to {sweep}"


def test_a_slurm_launcher_without_sbatch_is_refused_at_once(tmp_path):
    bare = tmp_path / "bin"  # a PATH with python and nothing else: no sbatch
    bare.mkdir()
    (bare / "python").symlink_to(sys.executable)
    result = sim("-m", "hydra/launcher=slurm", "seed=0,1", cwd=tmp_path,
                 env={"PATH": str(bare)})
    assert result.returncode == 2
    assert "sbatch is not on PATH" in result.stderr
    assert not (tmp_path / "outputs").exists()
