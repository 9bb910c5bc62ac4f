"""Binder builds the image we mean: repo2docker (from PyPI) renders the repository's Dockerfile
offline (`--no-build`: no Docker needed), and we read it.

- Python is the version binder/environment.yml pins (repo2docker reads only "python=3.X";
  "python>=3.10" silently gets its default, 3.10).
- The environment is installed *before* the repository is copied into the image, so Docker
  caches it and a new commit does not re-solve it (a local pip requirement such as "-e ."
  makes repo2docker install it after the copy).
- postBuild (which installs emlib and builds matplotlib's font cache) runs after the copy.

The same checks run on the layout this repository had before binder/ (a check that cannot
fail would prove nothing).
"""

import re
import subprocess
import venv
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
REPO2DOCKER = "jupyter-repo2docker>=2024.7"


@pytest.fixture(scope="module")
def repo2docker(tmp_path_factory):
    """The repo2docker command, from PyPI, in a virtual environment of its own."""
    env = tmp_path_factory.mktemp("repo2docker") / "venv"
    venv.EnvBuilder(with_pip=True).create(env)
    subprocess.run([env / "bin" / "python", "-m", "pip", "install", "--quiet", REPO2DOCKER],
                   check=True)
    return env / "bin" / "repo2docker"


def render(repo2docker, repo, workdir):
    """repo2docker's log and Dockerfile for `repo`, without building anything."""
    done = subprocess.run([repo2docker, "--no-build", "--debug", "--user-id", "1000",
                           "--user-name", "jovyan", str(repo)],
                          cwd=workdir, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def problems(rendered, python):
    """What is wrong with a rendered image for a conda environment pinned to `python`."""
    found = []
    if f"Building conda environment for python={python}" not in rendered:
        got = re.search(r"Building conda environment for python=([\d.]+)", rendered)
        found.append(f"Python {got.group(1) if got else '?'} instead of {python}")
    lines = rendered.splitlines()
    env = [i for i, line in enumerate(lines) if "env update" in line and "environment.yml" in line]
    copy = [i for i, line in enumerate(lines) if re.match(r"COPY .*\bsrc/ \$\{REPO_DIR\}/?$", line)]
    post = [i for i, line in enumerate(lines) if re.match(r"RUN \./(binder/)?postBuild", line)]
    if len(env) != 1 or len(copy) != 1:
        found.append(f"expected one environment install and one repository copy, found {len(env)} and {len(copy)}")
    elif env[0] > copy[0]:
        found.append("the environment is installed after the repository is copied (not cached)")
    if copy and (not post or post[0] < copy[0]):
        found.append("postBuild does not run after the repository is copied")
    return found


def test_binder_image_pins_python_and_caches_the_environment(repo2docker, tmp_path):
    python = next(d for d in yaml.safe_load((ROOT / "binder" / "environment.yml").read_text())["dependencies"]
                  if isinstance(d, str) and d.startswith("python="))[len("python="):]
    rendered = render(repo2docker, ROOT, tmp_path)
    assert 'env update -p ${NB_PYTHON_PREFIX} --file "binder/environment.yml"' in rendered, (
        "repo2docker did not read binder/environment.yml")
    assert problems(rendered, python) == []


# The layout before binder/ existed: one environment.yml at the top for everything.
OLD_ENVIRONMENT = """\
channels: [conda-forge]
dependencies:
  - python>=3.10
  - numpy>=1.24
  - pip
  - pip:
      - -e .
"""


def test_the_checks_catch_an_unpinned_python_and_an_uncached_environment(repo2docker, tmp_path):
    repo = tmp_path / "old-layout"
    repo.mkdir()
    (repo / "environment.yml").write_text(OLD_ENVIRONMENT)
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0"\n')
    (repo / "postBuild").write_text("#!/bin/bash\ntrue\n")
    found = problems(render(repo2docker, repo, tmp_path), "3.12")
    assert any(p.startswith("Python 3.10 instead of") for p in found), found
    assert "the environment is installed after the repository is copied (not cached)" in found


def test_postbuild_installs_emlib_without_dependencies_and_builds_the_font_cache():
    script = (ROOT / "binder" / "postBuild").read_text()
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"
    assert script.startswith("#!/bin/bash") and "set -euo pipefail" in script
    assert re.search(r"pip install --no-deps\b.* \.$", script, re.M), "postBuild must install emlib (only)"
    assert "import matplotlib.pyplot" in script
    subprocess.run(["bash", "-n", ROOT / "binder" / "postBuild"], check=True)  # it parses
