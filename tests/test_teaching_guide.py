"""The teacher's guide, docs/teaching-guide.md, stays true to the notebooks where a machine can
check it: the notebooks and sections it names exist, every notebook is taught in some session,
and no session is planned for more than 100 minutes.

The guide's conventions (it states them itself):
- a notebook section is cited as ``NN «heading»``, the heading exactly as the notebook's markdown
  writes it; a further ``«heading»`` on the same line belongs to the same notebook;
- a session is a ``## Session N · title (M min)`` heading, and its plan is a table whose rows
  start with the minutes of one part.
"""

import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "teaching-guide.md"
NOTEBOOKS = {p.name[:2]: p for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))}

CITE = re.compile(r"(?:\b(\d\d)\s+)?«([^»]+)»")
SESSION = re.compile(r"^## Session (\d+)\b.*\((\d+) min\)\s*$")
MINUTES_ROW = re.compile(r"^\|\s*(\d+)\s*\|")


def _text():
    return GUIDE.read_text(encoding="utf-8")


def _headings(path):
    """The markdown headings of a notebook, as written after the #s."""
    nb = nbformat.read(path, as_version=4)
    return {m.group(1).strip() for cell in nb.cells if cell.cell_type == "markdown"
            for m in re.finditer(r"^#{1,6}\s+(.+)$", cell.source, re.MULTILINE)}


def _cites(text):
    """(line number, notebook number or None, heading) for every «heading» in the text; a «
    or » without its partner on the same line is a heading broken over lines (None, None)."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.count("«") != line.count("»"):
            found.append((number, None, None))
            continue
        notebook = None                      # a bare «…» continues the line's last notebook
        for m in CITE.finditer(line):
            notebook = m.group(1) or notebook
            found.append((number, notebook, m.group(2).strip()))
    return found


def _sessions(text):
    """{session number: (stated minutes, [minutes of each part], set of notebooks cited)}."""
    sessions, current = {}, None
    for line in text.splitlines():
        if line.startswith("## "):
            m = SESSION.match(line)
            current = int(m.group(1)) if m else None
            if m:
                sessions[current] = (int(m.group(2)), [], set())
            continue
        if current is None:
            continue
        row = MINUTES_ROW.match(line)
        if row:
            sessions[current][1].append(int(row.group(1)))
        sessions[current][2].update(nb for _, nb, _ in _cites(line) if nb)
    return sessions


def test_named_notebook_files_exist():
    named = set(re.findall(r"\b\d\d-[a-z0-9-]+\.ipynb\b", _text()))
    missing = sorted(name for name in named if not (ROOT / "notebooks" / name).exists())
    assert not missing, f"the guide names notebooks that are not in notebooks/: {missing}"


def test_cited_sections_exist():
    cites = _cites(_text())
    assert cites, "the guide cites no notebook section as NN «heading»"
    headings = {nn: _headings(path) for nn, path in NOTEBOOKS.items()}
    wrong = []
    for line, notebook, heading in cites:
        if heading is None:
            wrong.append(f"line {line}: a «heading» is broken over two lines")
        elif notebook is None:
            wrong.append(f"line {line}: «{heading}» has no notebook number before it")
        elif notebook not in headings:
            wrong.append(f"line {line}: notebook {notebook} does not exist")
        elif heading not in headings[notebook]:
            wrong.append(f"line {line}: {NOTEBOOKS[notebook].name} has no heading «{heading}»")
    assert not wrong, "the guide cites sections that do not exist:\n" + "\n".join(wrong)


def test_every_notebook_is_taught_in_a_session():
    sessions = _sessions(_text())
    assert len(sessions) >= 3, f"the guide plans {len(sessions)} sessions; at least 3 wanted"
    taught = set().union(*(cited for _, _, cited in sessions.values()))
    missing = sorted(set(NOTEBOOKS) - taught)
    assert not missing, f"notebooks in no session: {missing}"


def test_session_minutes_add_up_to_at_most_100():
    sessions = _sessions(_text())
    assert sessions, "no '## Session N · title (M min)' heading in the guide"
    for number, (stated, parts, _) in sessions.items():
        assert parts, f"session {number} has no table of minutes"
        assert sum(parts) == stated, (f"session {number}: its parts add up to {sum(parts)} min, "
                                      f"its heading says {stated}")
        assert sum(parts) <= 100, f"session {number} is planned for {sum(parts)} min (at most 100)"
