"""The package metadata installs without setuptools' deprecation warnings: the licence is an
SPDX expression with its file named (setuptools 77 deprecates the ``{text = ...}`` table and
licence classifiers, and warns on each install)."""

from __future__ import annotations

import re
import tomllib

from sim.config import SCENARIOS_DIR

ROOT = SCENARIOS_DIR.parent


def test_the_licence_is_an_spdx_expression_with_its_file():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = pyproject["project"]
    assert project["license"] == "MIT"  # a string, not the deprecated table
    assert not [c for c in project.get("classifiers", []) if c.startswith("License ::")]
    for name in project["license-files"]:
        assert "Permission is hereby granted" in (ROOT / name).read_text(encoding="utf-8")
    setuptools = next(r for r in pyproject["build-system"]["requires"]
                      if r.startswith("setuptools"))
    assert int(re.search(r">=\s*(\d+)", setuptools).group(1)) >= 77  # reads SPDX strings
