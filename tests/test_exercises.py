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
