"""emlib.frontend.check_live_figures, without a browser: its line says what to install until
ipympl's browser side reports the figure ("initialized", which clears the canvas's
syncing_data_url), then turns into "✓ live figures work in this browser"; any other message
leaves it alone; a static backend gets "✗". tests/browser/test_notebook7.py checks it in a
real browser, with and without ipympl's extension.

Each case runs in a Python of its own: it switches matplotlib's backend.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROGRAM = """
import json, sys
import matplotlib
matplotlib.use(sys.argv[1])
import matplotlib.pyplot as plt
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
InteractiveShell.instance()
from emlib import frontend

def texts(outputs):
    return [o.data.get("text/plain", "") for o in outputs]

seen = {}
with capture_output() as shown:
    frontend.check_live_figures()
seen["shown"] = texts(shown.outputs)
canvas = plt.gcf().canvas
for message in sys.argv[2:]:  # what the browser sends, in order
    with capture_output() as updated:
        canvas._handle_custom_msg({"type": message}, [])
    seen[message] = texts(updated.outputs)
print(json.dumps(seen))
"""


def run(backend, *messages):
    done = subprocess.run([sys.executable, "-c", PROGRAM, backend, *messages], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_line_turns_green_only_when_the_browser_reports_the_figure():
    from emlib.frontend import WAITING, WORKS

    seen = run("module://ipympl.backend_nbagg", "refresh", "send_image_mode", "initialized")
    figure, line = seen["shown"]
    assert figure.startswith("(a small live figure")
    assert line == WAITING and "install ipympl in the environment that runs Jupyter" in line
    assert seen["refresh"] == [] and seen["send_image_mode"] == []  # not yet
    assert seen["initialized"] == [WORKS]


def test_a_static_backend_is_told_to_turn_live_figures_on():
    seen = run("agg")
    assert len(seen["shown"]) == 1 and seen["shown"][0].startswith("✗ figures are not live")
    assert "%matplotlib widget" in seen["shown"][0]
