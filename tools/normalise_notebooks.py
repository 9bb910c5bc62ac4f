"""Re-execute the course notebooks and normalise them, so that diffs stay small.

    python tools/normalise_notebooks.py                 # every notebook in notebooks/
    python tools/normalise_notebooks.py notebooks/03-k-means.ipynb
    python tools/normalise_notebooks.py --check         # only report what is not normalised

Each notebook runs top to bottom in a fresh kernel (from the notebooks/ folder), then:
widget state, execution timings and the Python version are removed from the metadata,
widget views from the outputs (their text stays), and execution counts run 1, 2, 3, ... . Outputs are kept: a static page shows them and
nbval compares them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def problems(nb) -> list[str]:
    """What keeps a notebook from being normalised; empty when it is."""
    found = []
    if "widgets" in nb.metadata:
        found.append("widget state in the notebook metadata")
    if "version" in nb.metadata.get("language_info", {}):
        found.append("the Python version in language_info")
    count = 0
    for i, cell in enumerate(nb.cells):
        if cell.get("metadata", {}).get("execution"):
            found.append(f"cell {i}: execution timings in its metadata")
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        count += 1
        if cell.execution_count != count:
            found.append(f"cell {i}: execution_count {cell.execution_count}, expected {count}")
        for out in cell.outputs:
            if out.output_type == "error":
                found.append(f"cell {i}: an error output ({out.get('ename')})")
            if WIDGET in out.get("data", {}):
                found.append(f"cell {i}: a widget view without its state")
        if len(merge_streams([o.copy() for o in cell.outputs])) != len(cell.outputs):
            found.append(f"cell {i}: stream outputs not merged")
    return found


WIDGET = "application/vnd.jupyter.widget-view+json"


def merge_streams(outputs):
    """One stream output where the kernel sent several in a row (widget messages between
    prints split them at random places)."""
    merged = []
    for out in outputs:
        last = merged[-1] if merged else None
        if (out.output_type == "stream" and last is not None and last.output_type == "stream"
                and last.name == out.name):
            last.text += out.text
        else:
            merged.append(out)
    return merged


def normalise(nb):
    nb.metadata.pop("widgets", None)
    nb.metadata.get("language_info", {}).pop("version", None)
    count = 0
    for i, cell in enumerate(nb.cells):
        cell.get("metadata", {}).pop("execution", None)
        if cell.cell_type == "code":
            if cell.source.strip():
                count += 1
                cell.execution_count = count
                cell.outputs = merge_streams(cell.outputs)
                for out in cell.outputs:
                    if "execution_count" in out:
                        out.execution_count = count
                    # Widget state is not stored, so a stored widget view would only show
                    # "Error displaying widget: model not found" until the cell runs again.
                    # Its text form stays: what a static page and nbval show.
                    out.get("data", {}).pop(WIDGET, None)
            else:
                cell.execution_count, cell.outputs = None, []
    return nb


def execute(path: Path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="report only; change nothing")
    args = parser.parse_args(argv)
    paths = args.paths or sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    bad = 0
    for path in paths:
        if args.check:
            found = problems(nbformat.read(path, as_version=4))
            bad += bool(found)
            for p in found:
                print(f"{path.name}: {p}")
            continue
        print(f"executing {path.name} ...", flush=True)
        nb = normalise(execute(path))
        nbformat.write(nb, path)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
