"""The student notebooks run top to bottom without an error, show their figures, and are
stored without outputs."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SKIP_DIRS = {".venv", ".git", "outputs", "node_modules", ".ipynb_checkpoints", "build"}

pytestmark = pytest.mark.notebook


def notebooks_in_the_repository() -> list[Path]:
    found = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [d for d in subfolders if d not in SKIP_DIRS and not d.startswith(".")]
        found += [Path(folder) / f for f in files if f.endswith(".ipynb")]
    return sorted(found)


def test_the_four_notebooks_are_there():
    assert [p.name for p in NOTEBOOKS] == [
        "01_quickstart.ipynb", "02_compare_scenarios.ipynb", "03_write_your_own_rule.ipynb",
        "04_sensitivity_and_discovery.ipynb"]


@pytest.mark.parametrize("path", notebooks_in_the_repository(),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_notebook_is_stored_with_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: cell {i} has stored outputs"
            assert cell.execution_count is None, f"{path.name}: cell {i} has an execution count"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_notebook_runs_top_to_bottom(path):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}})
    client.execute()  # raises CellExecutionError, with the cell and traceback, on any error
    shown = [output for cell in nb.cells if cell.cell_type == "code"
             for output in cell.outputs if output.output_type in ("execute_result", "display_data")]
    images = [o for o in shown if "image/png" in o.data]
    assert images, f"{path.name} shows no figure"
    for output in shown:  # a figure that came out as text was not drawn
        text = output.data.get("text/plain", "")
        assert "image/png" in output.data or not text.startswith("<Figure"), (
            f"{path.name}: a figure was shown as {text!r}")
    streams = "".join(o.text for cell in nb.cells if cell.cell_type == "code"
                      for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")
    if path.stem == "04_sensitivity_and_discovery":
        assert "soft_power_cn > 0.8: " in streams and "% of the runs" in streams
        assert len(images) == 3  # the Morris figure, the PRIM figure and the band
    if path.stem == "03_write_your_own_rule":
        assert "RuleError: pricing rule 'broken_rule' gave vendor" in streams
        assert "known rules: best_response" in streams
