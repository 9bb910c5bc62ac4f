"""A class of 10 students on a real JupyterHub, from PyPI and npm, on 127.0.0.1: each logs in,
gets the course through an nbgitpuller link, opens notebook 03 and runs it to the end.
tests/hub/class_load.py does the work and measures; this test holds it to "no failures".

It takes a few minutes (a fresh environment from PyPI, then the class), so `make test` skips
it and `make test-hub` (which .ci/run runs after `make test`) runs it:

    EM_HUB_TEST=1 python -m pytest tests/hub

The numbers are printed (pytest -s shows them) and written to the JSON file it names; the
README's capacity table comes from them.
"""

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import class_load  # noqa: E402

STUDENTS = 10
# The README's capacity table counts 400 MiB per student with one notebook open: a server of
# at most 160 MiB and the heaviest notebook's kernel, at most 240 MiB (tests/test_plain_clone.py
# holds every notebook's kernel to that).
SERVER_MIB = 160
KERNEL_MIB = 240

pytestmark = pytest.mark.skipif(
    not os.environ.get("EM_HUB_TEST"),
    reason="the JupyterHub class test runs with `make test-hub` (EM_HUB_TEST=1), as .ci/run does")


def test_a_class_of_ten_runs_notebook_03_on_jupyterhub(tmp_path_factory):
    for tool in ("npm", "git"):
        assert shutil.which(tool), f"{tool} is needed (apt-get install -y nodejs npm git; .ci/run does)"
    workdir = tmp_path_factory.mktemp("hub")
    result = class_load.run_class(STUDENTS, workdir)
    result["summary"] = class_load.summary(result)
    report = workdir / "class.json"
    report.write_text(json.dumps(result, indent=1))
    s = result["summary"]
    print(f"\nJupyterHub class of {STUDENTS} on {result['cores']} cores: {result['finished']} finished, "
          f"last at {result['last_finished_s']} s, failures {result['failures'] or 'none'}\n"
          f"per student server RSS {s['server_rss']} MiB, kernel RSS {s['kernel_rss']} MiB "
          f"(peak {s['kernel_peak']}), kernel CPU {s['kernel_cpu']} s; hub {result['hub']}, "
          f"proxy {result['proxy']}\nfull report: {report}")

    assert result["failures"] == {}, f"{result['failures']} (hub log: {result['log']})"
    assert result["finished"] == STUDENTS
    code_cells = sum(c["cell_type"] == "code" for c in
                     json.loads((class_load.ROOT / class_load.NOTEBOOK).read_text())["cells"])
    for student in result["roster"]:
        assert student["cells"] == code_cells, f"{student['name']} ran {student['cells']} of {code_cells} cells"
        assert "kernel" in student["memory"] and "server" in student["memory"], student
        server, kernel = student["memory"]["server"]["rss_mib"], student["memory"]["kernel"]["peak_mib"]
        assert server <= SERVER_MIB and kernel <= KERNEL_MIB, (
            f"{student['name']}: server {server} MiB, kernel {kernel} MiB; update the README's capacity table")
