"""Virtual environments made from pyproject.toml's lists, for the tests that check what a
student's environment needs (tests/test_plain_clone.py, tests/hub/).

They install from PyPI (pip's cache makes a second run quick) and never install emlib:
a plain clone of the course, as nbgitpuller or `git clone` gives it, does not.
"""

import os
import subprocess
import sys
import venv
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def course_requirements():
    """emlib's own dependencies and the `notebooks` extra: all a student's environment holds."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return list(project["dependencies"]) + list(project["optional-dependencies"]["notebooks"])


def make_venv(path, requirements):
    """A virtual environment at `path` with exactly `requirements` (and their dependencies)."""
    path = Path(path)
    venv.EnvBuilder(with_pip=True).create(path)
    subprocess.run([path / "bin" / "python", "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", *requirements], check=True)
    return path


def clean_env(venv_path, **extra):
    """os.environ for a command run in `venv_path`: its bin first, no other Python's paths."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "JUPYTER", "VIRTUAL_ENV", "PIP_"))}
    env["PATH"] = f"{Path(venv_path) / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv_path)
    env.update(extra)
    return env


def copy_working_tree(dest):
    """The repository's tracked files as they are now (a clone of the working tree) at `dest`."""
    dest = Path(dest)
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True,
                           text=True).stdout.split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            (dest / name).write_bytes(source.read_bytes())
            (dest / name).chmod(source.stat().st_mode)
    return dest


if __name__ == "__main__":  # python tests/envs.py DIR: make a student's environment at DIR
    make_venv(sys.argv[1], course_requirements())
