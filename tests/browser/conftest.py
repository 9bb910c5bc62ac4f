"""A JupyterLab server and a headless Chromium for the browser tests.

The server runs on 127.0.0.1, on a free port, with a token, and with its own settings,
runtime and config folders (news and update checks off, every cell rendered, autosave
off), on a copy of the notebooks; it is stopped when the tests end (harness.start_lab).
Chromium is Debian's (/usr/bin/chromium), driven by Playwright for Python; no browser is
downloaded.
"""

import os
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

ROOT = harness.ROOT
CHROMIUM_FLAGS = harness.CHROMIUM_FLAGS
chromium_path, free_port = harness.chromium_path, harness.free_port


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        message = ("Chromium is not installed, so the course cannot be tested in a browser. "
                   "Install it with: apt-get install -y chromium (as .ci/run does).")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def lab_server():
    """JupyterLab on a copy of the notebooks: a harness.Lab (url, token, home, runtime).
    BROWSER_BEFORE_FIX=1 runs the kernels on emlib with the Blitter and Explorer from before
    issue 10's fix (harness.emlib_before_fix), to see the tests fail without it."""
    before = harness.emlib_before_fix() if os.environ.get("BROWSER_BEFORE_FIX") else None
    with harness.start_lab(pythonpath=before) as lab:
        yield lab


@pytest.fixture(scope="session")
def lab(lab_server):
    """(base url, token) of the JupyterLab server."""
    return lab_server.url, lab_server.token


@pytest.fixture(scope="session")
def shots():
    folder = Path(tempfile.mkdtemp(prefix="em-course-screenshots-"))
    print(f"\nbrowser screenshots: {folder}")
    return folder
