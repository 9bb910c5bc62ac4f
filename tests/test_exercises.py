"""Every exercise's checker runs on the data its notebook passes, accepts the right
answer, and rejects a wrong one (without a traceback)."""

import inspect
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

import emlib
from emlib.exercises import EXERCISES, check, is_right

ROOT = Path(__file__).resolve().parents[1]


def data_for(exercise):
    """Data of the kind the exercise's notebook passes (not the same draw: any data will do)."""
    rng = np.random.default_rng(0)
    wanted = inspect.signature(EXERCISES[exercise]["solve"]).parameters
    chapter = exercise.split(".")[0]
    if chapter == "03":
        X = emlib.lecture_kmeans_data(rng)[0]
    else:
        X = np.vstack([rng.standard_normal((60, 2)) + c for c in ([0, 0], [6, 0], [0, 6], [6, 6])])
    available = {"X": X, "x": emlib.lecture_em1_data(rng)[0], "A": [[1.0, 0.5], [0.0, 2.0]]}
    if chapter == "07":
        t, x, _ = emlib.demonstrations(rng, 4, 0.2)
        available.update(t=t, x=x)
    return {name: available[name] for name in wanted}


NUMERIC = sorted(e for e in EXERCISES if "write" not in EXERCISES[e])  # not write-your-own


@pytest.mark.parametrize("exercise", NUMERIC)
def test_the_right_answer_is_right_and_a_wrong_one_is_not(exercise, capsys):
    data = data_for(exercise)
    expected = np.asarray(EXERCISES[exercise]["solve"](**data), dtype=float)
    assert is_right(exercise, expected, **data)
    wrong = expected + 0.5 * np.abs(expected) + 1.0
    assert not is_right(exercise, wrong, **data)
    assert not is_right(exercise, None, **data)
    assert not is_right(exercise, "a word", **data)  # nonsense is wrong, not a traceback
    check(exercise, expected.tolist(), **data)
    assert "✓ right" in capsys.readouterr().out


def test_every_exercise_is_asked_in_a_notebook_and_every_check_exists():
    asked = set()
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                asked |= set(re.findall(r'check\("(\d\d\.\d+)"', cell.source))
    assert asked == set(EXERCISES)


def test_an_unknown_exercise_names_the_known_ones():
    with pytest.raises(ValueError, match="exercise must be one of"):
        check("99.9", 1)


# ------------------------------------------------------------ the tolerance the question states
# A checker accepts exactly what its question says. The question's words are read from the
# notebooks and compared with the tolerance the entry declares (emlib.exercises.tolerance).

from emlib.exercises import EXACT, Tolerance, tolerance  # noqa: E402

PLACES = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
STATED = re.compile(r"\(\s*(?:within\s+(?P<amount>\d+(?:\.\d+)?)\s*(?P<percent>%)?"
                    r"|to\s+(?P<places>one|two|three|four|five|six|\d)\s+decimals?)\s*\.?\s*\)",
                    re.IGNORECASE)


def stated_tolerance(question):
    """The tolerance a question states: "(within 1 %)", "(within 0.001)", "(to three decimals)"
    (a trailing full stop and any case allowed); None when it states none."""
    found = set()
    for m in STATED.finditer(question):
        if m["places"]:
            places = PLACES.get(m["places"].lower()) or int(m["places"])
            found.add(Tolerance("absolute", 0.5 * 10.0 ** -places))
        elif m["percent"]:
            found.add(Tolerance("relative", float(m["amount"]) / 100))
        else:
            found.add(Tolerance("absolute", float(m["amount"])))
    assert len(found) <= 1, f"the question states more than one tolerance: {question!r}"
    return found.pop() if found else None


def _asked():
    """exercise -> (its question: the last numbered item of the markdown before its check
    cell; the check cell's source; the notebook's name)."""
    asked = {}
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        markdown = ""
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                markdown = cell.source
                continue
            for name in re.findall(r'check\("(\d\d\.\d+)"', cell.source):
                items = re.split(r"(?m)^(?=\d+\.\s)", markdown)
                asked[name] = (items[-1], cell.source, path.name)
    return asked


ASKED = _asked()


def test_the_tolerance_phrases_are_read():
    assert stated_tolerance("What is p(0) (within 1 %)?") == Tolerance("relative", 0.01)
    assert stated_tolerance("grow? (Within 1 %.)") == Tolerance("relative", 0.01)
    assert stated_tolerance("W₁³ (within 0.1 %)?") == Tolerance("relative", 0.001)
    assert stated_tolerance("P(ill | +) (within 0.001)?") == Tolerance("absolute", 0.001)
    assert stated_tolerance("a Gaussian (to three decimals)?") == Tolerance("absolute", 0.0005)
    # words that are part of the question, not its tolerance, are not read as one
    assert stated_tolerance("runs end within 0.1 % of the lowest inertia?") is None
    with pytest.raises(AssertionError, match="more than one"):
        stated_tolerance("(within 1 %) or (within 0.001)")


@pytest.mark.parametrize("exercise", NUMERIC)
def test_the_question_states_the_tolerance_its_checker_uses(exercise):
    assert exercise in ASKED, f"{exercise} is asked in no notebook"
    question, _, notebook = ASKED[exercise]
    stated, declared = stated_tolerance(question), tolerance(EXERCISES[exercise])
    if stated is not None:
        assert declared.kind == stated.kind and declared.amount == pytest.approx(stated.amount), (
            f"{exercise} ({notebook}) says {stated} but its checker uses {declared}: {question!r}")
        return
    # No tolerance stated: then the checker must be exact, and exactness must be fair, an answer
    # a student can type exactly: a count, or a short decimal such as 0.36 or 37 out of 100.
    assert declared == EXACT, (
        f"{exercise} ({notebook}) states no tolerance (write \"(within 1 %)\", \"(within 0.001)\" "
        f"or \"(to three decimals)\"), yet its checker uses {declared}: {question!r}")
    expected = np.asarray(EXERCISES[exercise]["solve"](**data_for(exercise)), dtype=float)
    assert np.allclose(expected * 100, np.round(expected * 100), rtol=0, atol=1e-6), (
        f"{exercise} ({notebook}) states no tolerance and its answer {expected} is not a whole "
        f"number or a short decimal: state a tolerance in the question: {question!r}")


@pytest.mark.parametrize("exercise", NUMERIC)
def test_an_answer_just_inside_the_tolerance_is_right_and_just_outside_is_not(exercise):
    data = data_for(exercise)
    expected = np.asarray(EXERCISES[exercise]["solve"](**data), dtype=float)
    tol = tolerance(EXERCISES[exercise])
    if tol.kind == "relative":
        assert np.all(expected != 0), f"{exercise}: a relative tolerance of an answer 0 means nothing"
        margin = tol.amount * np.abs(expected)
    elif tol.kind == "absolute":
        margin = np.full_like(expected, tol.amount)
    else:  # exact: the smallest visible difference is already wrong
        margin = 1e-6 * np.maximum(1.0, np.abs(expected))
        assert is_right(exercise, expected.tolist(), **data)  # as the student types it
    for sign in (+1, -1):
        inside, outside = expected + sign * 0.99 * margin, expected + sign * 1.01 * margin
        if tol.kind == "exact":
            inside = expected
        assert is_right(exercise, inside, **data), f"{exercise}: {inside} is within {tol}"
        assert not is_right(exercise, outside, **data), f"{exercise}: {outside} is outside {tol}"
        for i in range(expected.size):  # one entry of an array answer outside is enough to be wrong
            one_off = expected.copy()
            one_off.flat[i] = outside.flat[i]
            assert not is_right(exercise, one_off, **data)


def test_01_1_accepts_what_within_1_percent_says():
    # The case: p(0) = 7.979 for σ = 0.05, "within 1 %"; an absolute 0.01 rejected 7.95.
    assert is_right("01.1", 7.95) and is_right("01.1", 8.05)
    assert not is_right("01.1", 7.89) and not is_right("01.1", 8.07)


# ------------------------------------------------------------ no answer is printed in the course

NUMBER = re.compile(r"(?<![\w.])[-−]?\d+(?:\.\d+)?(?:e[-+]?\d+)?")
MATRIX = re.compile(r"\[\[[^\[\]]*\](?:\s*,?\s*\[[^\[\]]*\])*\]")
# Numbers that happen to fall within an answer's tolerance in an unrelated place.
COINCIDENCES = {("02.1", "07", "0.154")}  # 07's noise table: an RMS error, not a medical test


def _printed():
    """(notebook number, text) of every markdown cell and every text output in the course."""
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                yield path.name[:2], cell.source
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream":
                    yield path.name[:2], out["text"]
                for mime, text in out.get("data", {}).items():
                    if mime.startswith("text/"):
                        yield path.name[:2], text if isinstance(text, str) else "".join(text)


def _significant_digits(number):
    return len(number.split("e")[0].lstrip("-−0.").replace(".", ""))


def _notebook_data(exercise):
    """The data the notebook's check cell passes, when that cell defines it itself; None when
    the data come from earlier cells."""
    passed = {}
    namespace = {"np": np, "emlib": emlib, "None": None,
                 "check": lambda name, answer, **data: passed.update(data)}
    try:
        exec(ASKED[exercise][1], namespace)
    except NameError:
        return None
    return passed


SELF_CONTAINED = [e for e in NUMERIC if _notebook_data(e) is not None]


@pytest.mark.parametrize("exercise", SELF_CONTAINED)
def test_no_answer_is_printed_in_the_course(exercise):
    """No number (of 3 or more significant digits: "8" is everywhere) or printed matrix that
    the checker accepts appears in any notebook's text or text output."""
    data = _notebook_data(exercise)
    shape = np.shape(EXERCISES[exercise]["solve"](**data))
    for notebook, text in _printed():
        candidates = [(m, float(m.replace("−", "-"))) for m in NUMBER.findall(text)
                      if _significant_digits(m) >= 3]
        for block in MATRIX.findall(text):
            values = [float(m.replace("−", "-")) for m in NUMBER.findall(block)]
            if len(values) == int(np.prod(shape)):
                candidates.append((block, np.reshape(values, shape)))
        for printed, value in candidates:
            if (exercise, notebook, printed) in COINCIDENCES or np.shape(value) != shape:
                continue
            assert not is_right(exercise, value, **data), (
                f"notebook {notebook} prints {printed!r}, an accepted answer to {exercise}")
