"""The three package lists agree: pyproject.toml (pip), environment.yml (conda, the developers')
and binder/environment.yml (Binder, the course only); and the notebooks' imports are all in
the `notebooks` extra.

conda itself cannot run here, so these tests are what keep the lists in step. conda-forge
names some packages differently from PyPI; CONDA_FORGE_NAMES maps them.
"""

import ast
import json
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]

# PyPI name -> conda-forge name, where they differ. On conda-forge, "playwright" is the
# Node.js driver and the Python package is "playwright-python"; "matplotlib" adds a Qt GUI
# to "matplotlib-base", which is what PyPI's matplotlib is.
CONDA_FORGE_NAMES = {"playwright": "playwright-python", "matplotlib": "matplotlib-base"}
# The test tools, which the students' Binder image must not carry.
TEST_ONLY = {"pytest", "hypothesis", "nbval", "playwright", "playwright-python", "pyyaml",
             "nbclient", "tomli", "scipy"}


def requirement(spec: str):
    """('numpy', '>=1.24') from 'numpy>=1.24' (an environment marker is dropped)."""
    spec = spec.split(";")[0]
    name, version = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*$", spec).groups()
    return name.lower().replace("_", "-"), version.replace(" ", "")


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def pip_packages(*extras):
    """{name: version} of the core dependencies and the given extras (all when none given),
    each under its conda-forge name."""
    project = pyproject()
    chosen = extras or tuple(project["optional-dependencies"])
    specs = list(project["dependencies"])
    for extra in chosen:
        specs += [s for s in project["optional-dependencies"][extra] if not s.startswith("emlib")]
    pkgs = dict(requirement(s) for s in specs)
    return {CONDA_FORGE_NAMES.get(name, name): version for name, version in pkgs.items()}


def conda_packages(path):
    env = yaml.safe_load(path.read_text())
    pkgs, pip_lines = {}, []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_lines += dep.get("pip", [])
        else:
            name, version = requirement(dep)
            pkgs[name] = version
    return env, pkgs, pip_lines


def differences(conda, pip):
    return (f"only in the conda file: {sorted(set(conda.items()) - set(pip.items()))}; "
            f"only in pyproject.toml (conda-forge names): {sorted(set(pip.items()) - set(conda.items()))}")


def test_environment_yml_lists_the_pyproject_packages_under_conda_forge_names():
    env, conda, pip_lines = conda_packages(ROOT / "environment.yml")
    assert env["channels"] == ["conda-forge"]
    assert conda.pop("python") == pyproject()["requires-python"]
    conda.pop("pip")
    assert "playwright" not in conda, (
        "on conda-forge 'playwright' is the Node.js driver; the Python package is 'playwright-python'")
    pip = pip_packages()
    assert conda == pip, differences(conda, pip)
    assert pip_lines == ["-e ."], "the developers' environment installs emlib itself, editable"


def test_binder_environment_is_the_course_only_with_python_pinned():
    env, conda, pip_lines = conda_packages(ROOT / "binder" / "environment.yml")
    assert env["channels"] == ["conda-forge"]
    python = conda.pop("python")
    # repo2docker reads the version only from "python=3.X" (">=3.10" silently gets its default).
    assert re.fullmatch(r"=3\.\d+", python), f"binder/environment.yml: write python=3.X, not python{python}"
    least = tuple(map(int, re.search(r"\d+\.\d+", pyproject()["requires-python"]).group().split(".")))
    assert tuple(map(int, python[1:].split("."))) >= least
    # No local pip requirement: it would make repo2docker install the environment after
    # copying the repository, so that every commit re-solves it (postBuild installs emlib).
    assert pip_lines == [] and "pip" not in conda
    assert not TEST_ONLY & set(conda), f"test tools in the students' image: {TEST_ONLY & set(conda)}"
    pip = pip_packages("notebooks")
    assert conda == pip, differences(conda, pip)


def notebook_imports():
    """{top-level module: [notebook, ...]} of every import in the notebooks' code cells."""
    found = {}
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            python = "\n".join("pass" if line.lstrip().startswith(("%", "!")) else line
                               for line in source.splitlines())
            for node in ast.walk(ast.parse(python)):
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    found.setdefault(name.split(".")[0], set()).add(path.name)
    return found


def test_the_notebooks_extra_holds_everything_the_notebooks_import():
    imports = notebook_imports()
    assert {"numpy", "matplotlib", "emlib"} <= set(imports), "the notebooks' imports were not read"
    dists = packages_distributions()  # module -> distributions, in this (the developers') environment
    pip = pyproject()
    allowed = {requirement(s)[0] for s in pip["dependencies"] + pip["optional-dependencies"]["notebooks"]}
    missing = {}
    for module, where in imports.items():
        if module in sys.stdlib_module_names or module == "emlib":
            continue
        names = {d.lower().replace("_", "-") for d in dists.get(module, [module])}
        if not names & allowed:
            missing[module] = sorted(where)
    assert missing == {}, f"imported by the notebooks but not in the notebooks extra: {missing}"


def test_makefile_and_ci_use_the_readme_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()
