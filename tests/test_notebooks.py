"""The committed notebooks are executed, normalised and complete.

nbval (part of `make test`) re-executes every notebook and compares its text outputs;
this file checks what nbval does not: that there is something to compare, and that the
notebooks are stored the way tools/normalise_notebooks.py leaves them.
"""

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from normalise_notebooks import problems  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks/NN-title.ipynb found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_executed_and_normalised(path):
    nb = nbformat.read(path, as_version=4)
    assert problems(nb) == [], "run: python tools/normalise_notebooks.py " + path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_goals_summary_exercises_and_a_seeded_generator(path):
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "What you'll learn" in text and "Summary" in text
    if not path.name.startswith("00"):
        assert "Exercises" in text and "Before you start" in text
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert "np.random.default_rng(" in code and "check(" in code
    # Every figure a static reader needs is stored: some cell has a PNG.
    pngs = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
               for o in c.outputs)
    assert pngs >= 1


def test_problems_are_found_in_a_notebook_that_is_not_normalised():
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {"state": {}}
    cell = nbformat.v4.new_code_cell("1 + 1")
    cell.metadata["execution"] = {"iopub.status.busy": "2026-01-01"}
    nb.cells = [cell]
    found = problems(nb)
    assert any("widget state" in p for p in found)
    assert any("timings" in p for p in found)
    assert any("execution_count None" in p for p in found)
