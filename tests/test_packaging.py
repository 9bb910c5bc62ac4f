"""environment.yml (conda, Binder) and pyproject.toml (pip) must list the same packages.

conda itself cannot run here, so this test is what keeps the two in step.
"""

import re
from pathlib import Path

import yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def requirement(spec: str):
    """('numpy', '>=1.24') from 'numpy>=1.24' (an environment marker is dropped)."""
    spec = spec.split(";")[0]
    name, version = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*$", spec).groups()
    return name.lower().replace("_", "-"), version.replace(" ", "")


def pip_packages():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra, items in project["optional-dependencies"].items():
        specs += [s for s in items if not s.startswith("emlib")]
    return dict(requirement(s) for s in specs), project["requires-python"]


def conda_packages():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pkgs, pip_lines = {}, []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_lines += dep.get("pip", [])
        else:
            name, version = requirement(dep)
            pkgs[name] = version
    return env, pkgs, pip_lines


def test_environment_yml_lists_exactly_the_pyproject_packages():
    pip, requires_python = pip_packages()
    env, conda, pip_lines = conda_packages()
    assert "conda-forge" in env["channels"]
    assert conda.pop("python") == requires_python
    conda.pop("pip")
    assert conda == pip, (
        f"only in environment.yml: {sorted(set(conda.items()) - set(pip.items()))}; "
        f"only in pyproject.toml: {sorted(set(pip.items()) - set(conda.items()))}"
    )
    assert pip_lines == ["-e ."], "the conda environment must install emlib itself, editable"


def test_makefile_and_ci_use_the_readme_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()
