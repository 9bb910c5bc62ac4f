"""The course runs from a plain clone, in an environment made from the `notebooks` extra alone.

That is how a class gets it from a JupyterHub (an nbgitpuller link only clones the repository)
and how Colab or a student's `git clone` gets it: nothing pip-installed emlib. So the first
cell of each notebook imports emlib and, when it is not installed, finds it in the repository
the notebook sits in (Jupyter starts the kernel in the notebook's folder, notebooks/, so the
repository is "..").

The environment: a virtual environment with emlib's dependencies and the `notebooks` extra,
from PyPI, and not emlib. Every notebook is executed there from a copy of the working tree;
this also proves the extra holds everything the notebooks import.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from envs import ROOT, clean_env, copy_working_tree, course_requirements, make_venv  # noqa: E402

NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
RUNNER = Path(__file__).resolve().parent / "run_notebook.py"

# The lines that go before `import emlib` in each notebook's first code cell.
SNIPPET = """\
import importlib.util, os, sys
if importlib.util.find_spec("emlib") is None:  # a plain clone (nbgitpuller, git clone): use its emlib
    sys.path.append(os.path.abspath(".."))     # the kernel runs in notebooks/; emlib/ is beside it
"""


@pytest.fixture(scope="module")
def student_env(tmp_path_factory):
    """A student's environment: the notebooks' packages from PyPI, not emlib."""
    path = make_venv(tmp_path_factory.mktemp("student") / "venv", course_requirements())
    # matplotlib's font cache, as a set-up does (Makefile, binder/postBuild): built on the first
    # import, with a notice on stderr that would otherwise land in the first notebook.
    subprocess.run([path / "bin" / "python", "-c", "import matplotlib.pyplot"], check=True)
    probe = subprocess.run([path / "bin" / "python", "-c", "import emlib"], cwd=path,
                           capture_output=True, text=True)
    assert probe.returncode != 0, "emlib is installed in the student's environment; the test would prove nothing"
    return path


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    return copy_working_tree(tmp_path_factory.mktemp("clone") / "em-course")


def run(env, notebook, cells=None):
    cmd = [env / "bin" / "python", RUNNER, notebook] + (["--cells", str(cells)] if cells else [])
    # From a folder that is not the repository, so only the notebook's own cell can find emlib.
    done = subprocess.run(cmd, cwd=env, env=clean_env(env), capture_output=True, text=True, timeout=900)
    lines = done.stdout.strip().splitlines()
    assert lines, f"the runner printed nothing: {done.stderr[-3000:]}"
    return json.loads(lines[-1])


def first_cell(path):
    nb = nbformat.read(path, as_version=4)
    return nb, next(c for c in nb.cells if c.cell_type == "code")


def with_snippet(path):
    """The notebook at `path` with SNIPPET before its first cell's `import emlib`."""
    nb, cell = first_cell(path)
    if SNIPPET not in cell.source:
        assert "import emlib" in cell.source
        cell.source = re.sub(r"^import emlib", SNIPPET + "import emlib", cell.source, count=1, flags=re.M)
        nbformat.write(nb, path)
    return path


def without_snippet(path):
    """The notebook at `path` with SNIPPET taken out of its first cell."""
    nb, cell = first_cell(path)
    cell.source = cell.source.replace(SNIPPET, "")
    assert "find_spec" not in cell.source, "the first cell differs from SNIPPET: keep the two the same"
    nbformat.write(nb, path)
    return path


def test_the_snippet_finds_emlib_in_a_plain_clone(student_env, tmp_path):
    """On a copy of notebook 03: without the snippet its first cell fails, with it the whole
    notebook runs and emlib comes from the clone."""
    copy = copy_working_tree(tmp_path / "em-course")
    notebook = copy / "notebooks" / "03-k-means.ipynb"

    without = run(student_env, without_snippet(notebook), cells=1)
    assert not without["ok"] and "ModuleNotFoundError: No module named 'emlib'" in without["error"], without

    result = run(student_env, with_snippet(notebook))
    assert result["ok"], result["error"]
    assert Path(result["emlib"]).resolve().is_relative_to(copy.resolve()), result
    assert Path(result["python"]).resolve().is_relative_to(student_env.resolve()), result
    assert result["stderr"] == []


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_notebook_runs_from_a_plain_clone(student_env, clone, name):
    result = run(student_env, clone / "notebooks" / name)
    assert result["ok"], (f"{name} failed in an environment with the notebooks extra and no emlib "
                          f"installed: {result['error']}. Its first cell needs, before `import emlib`:\n{SNIPPET}")
    assert Path(result["emlib"]).resolve().is_relative_to(clone.resolve()), result
    assert Path(result["python"]).resolve().is_relative_to(student_env.resolve()), result
    assert result["stderr"] == [], f"{name} wrote to stderr: {result['stderr']}"
    print(f"{name}: kernel peak memory {result['kernel_peak_mib']} MiB")
    # The README's capacity table counts a kernel at 240 MiB at most (tests/hub too).
    assert result["kernel_peak_mib"] <= 240, (
        f"{name}'s kernel peaked at {result['kernel_peak_mib']} MiB: update the README's capacity table")
