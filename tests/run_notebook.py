"""Execute a notebook as Jupyter does (the kernel starts in the notebook's folder) and print
what happened as JSON. Run by another environment's python, e.g. a student's
(tests/test_plain_clone.py):

    python tests/run_notebook.py NOTEBOOK [--cells N]

--cells N runs only the first N code cells. After the notebook it runs one more cell that
reports the kernel's python, where emlib was imported from and the kernel's peak memory.
"""

import argparse
import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

WHERE = ("import sys, json, resource\n"
         "print(json.dumps({'python': sys.executable, "
         "'emlib': getattr(sys.modules.get('emlib'), '__file__', None), "
         "'kernel_peak_mib': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))")

parser = argparse.ArgumentParser()
parser.add_argument("notebook", type=Path)
parser.add_argument("--cells", type=int, default=None)
args = parser.parse_args()

nb = nbformat.read(args.notebook, as_version=4)
code = [c for c in nb.cells if c.cell_type == "code"]
if args.cells is not None:
    nb.cells = code[:args.cells]
nb.cells.append(nbformat.v4.new_code_cell(WHERE))
client = NotebookClient(nb, timeout=600, kernel_name="python3",
                        resources={"metadata": {"path": str(args.notebook.parent.resolve())}})
result = {"ok": True, "error": None}
try:
    client.execute()
    where = next(o for o in nb.cells[-1].outputs if o.output_type == "stream")
    result.update(json.loads(where.text))
except CellExecutionError as e:
    result.update(ok=False, error=f"{e.ename}: {e.evalue}")
result["stderr"] = [o.text for c in nb.cells for o in c.get("outputs", [])
                    if o.output_type == "stream" and o.name == "stderr"]
print(json.dumps(result))
sys.exit(0 if result["ok"] else 1)
