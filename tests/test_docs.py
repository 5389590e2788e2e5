"""docs/MODEL.md agrees with the code: its parameter tables, the functions it names as
implementing equations, and the metrics of its outputs section."""

from __future__ import annotations

import dataclasses
import importlib
import re
import typing

import pytest

from sim import compose_config, run
from sim.config import Config
from sim.tools.docs import MODEL_MD, extract_block, main, parameter_tables, splice

TEXT = MODEL_MD.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def tables() -> str:
    return parameter_tables(compose_config([]))


def test_the_generated_block_is_what_the_code_generates(tables):
    assert extract_block(TEXT) == tables, (
        "docs/MODEL.md's parameter tables are out of date: run python -m sim.tools.docs")


def test_check_mode_passes_on_the_document_and_fails_on_a_stale_copy(tmp_path, tables):
    stale = tmp_path / "MODEL.md"
    stale.write_text(splice(TEXT, tables + "\n| a stale row |"), encoding="utf-8")
    assert main(["--check", "--path", str(MODEL_MD)]) == 0
    assert main(["--check", "--path", str(stale)]) == 1
    assert main(["--path", str(stale)]) == 0  # rewrites it
    assert stale.read_text(encoding="utf-8") == TEXT


def _documented_paths(cls: type, prefix: str = "") -> list[tuple[str, str]]:
    """(regex of the field's dotted path, readable name) for every field with metadata,
    walking nested dataclasses, dictionaries and lists of them."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        path = rf"{prefix}{re.escape(f.name)}"
        if f.metadata:
            out.append((path, f"{cls.__name__}.{f.name}"))
            continue
        hint = hints[f.name]
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if dataclasses.is_dataclass(hint):
            out += _documented_paths(hint, rf"{path}\.")
        elif origin is dict and dataclasses.is_dataclass(args[1]):
            out += _documented_paths(args[1], rf"{path}\.[^.`|]+\.")
        elif origin is list and dataclasses.is_dataclass(args[0]):
            out += _documented_paths(args[0], rf"{path}\[[^\]]*\]\.")
    return out


def test_every_documented_field_has_a_row(tables):
    paths = _documented_paths(Config)
    assert len(paths) > 150
    missing = [name for pattern, name in paths if not re.search(rf"`{pattern}`", tables)]
    assert not missing, f"fields missing from the parameter tables: {missing}"


def _resolve(dotted: str) -> object:
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ModuleNotFoundError:
            continue
        for name in parts[i:]:
            obj = getattr(obj, name)
        return obj
    raise ModuleNotFoundError(dotted)


def test_every_function_named_in_the_document_exists():
    names = sorted(set(re.findall(r"`(sim(?:\.[A-Za-z_]\w*)+)`", TEXT)))
    assert len(names) > 40
    missing = []
    for name in names:
        try:
            _resolve(name)
        except (ImportError, AttributeError):
            missing.append(name)
    assert not missing, f"MODEL.md names code that does not exist: {missing}"


def _outputs_rows() -> dict[str, tuple[str, str]]:
    """metric -> (segments, unit) from the table of MODEL.md's outputs section."""
    section = re.search(r"^## \d*\.? ?Outputs.*?$(.*?)^## ", TEXT, re.M | re.S)
    assert section, "MODEL.md has no '## Outputs' section"
    rows = {}
    for line in section.group(1).splitlines():
        match = re.match(r"\|\s*`(\w+)`\s*\|([^|]*)\|([^|]*)\|([^|]*)\|", line)
        if match:
            metric, segments, _entities, unit = match.groups()
            rows[metric] = (segments.strip(), unit.strip().strip("`"))
    return rows


def test_the_outputs_section_lists_exactly_the_recorded_metrics():
    # third-party hosts on: their series are recorded besides every other
    table = run(compose_config(["world=small", "world.end=2024-06",
                                "world.hosting.third_party=true"])).table
    documented = _outputs_rows()
    recorded = set(table.metric.astype(str).unique())
    assert set(documented) == recorded, (
        f"in MODEL.md only: {sorted(set(documented) - recorded)}; "
        f"recorded only: {sorted(recorded - set(documented))}")
    units = table.groupby("metric", observed=True)["unit"].first().astype(str)
    segments = table.groupby("metric", observed=True)["segment"].unique()
    for metric, (segs, unit) in documented.items():
        assert unit == units[metric], f"{metric}: MODEL.md says {unit!r}, runs {units[metric]!r}"
        assert {s.strip() for s in segs.split(",")} == set(segments[metric].astype(str)), metric
