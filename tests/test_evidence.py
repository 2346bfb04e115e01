"""The lines the grader reads are printed and parsed from one module, labutils.evidence.

Each line is produced the way the lab produces it (the library's own call, or the notebook cell's own print
statement rendered with stand-in values) and parsed with the grader's pattern. Changing either side alone fails
here, before any hand-in is graded.
"""

import ast
import json

import pytest
from helpers import NOTEBOOKS, notebook_constants, python_source

from labutils import evidence
from labutils.course.manifest import cell_source
from labutils.profiles import PROFILES, apply_run_profile
from labutils.training import PRACTICAL

NOTEBOOK_5 = NOTEBOOKS[4]


class AnyNumber(dict):
    """Every name a print statement uses stands for the same number."""

    def __missing__(self, key):
        return 12_500


def printed_lines(source: str) -> list[str]:
    """What the cell's print calls print, each name replaced by a number (calls it cannot render are skipped)."""
    lines = []
    for node in ast.walk(ast.parse(python_source(source))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
            try:
                values = [eval(compile(ast.Expression(arg), "<cell>", "eval"), {"__builtins__": {}}, AnyNumber())
                          for arg in node.args]
            except Exception:  # noqa: BLE001 - e.g. a method call on a stand-in number
                continue
            lines.append(" ".join(str(value) for value in values))
    return lines


def evidence_cell(name: str) -> str:
    cells = json.loads(NOTEBOOK_5.read_text(encoding="utf-8"))["cells"]
    return next(cell_source(c) for c in cells if c.get("metadata", {}).get("labutils", {}).get("evidence") == name)


@pytest.mark.parametrize("name, pattern, groups", [
    ("test-accuracy", evidence.TEST_ACCURACY, ("12500",)),
    ("predict-accuracy", evidence.PREDICT_ACCURACY, ("12500.0000", "12500.0000")),
    ("confusion-matrix", evidence.CONFUSION_COUNTS, ("12,500",) * 4),
])
def test_notebook_5_prints_what_the_grader_parses(name, pattern, groups):
    lines = printed_lines(evidence_cell(name))
    found = [pattern.search(line) for line in lines]
    assert any(found), f"none of {lines} matches the grader's pattern for {name}"
    match = next(m for m in found if m)
    assert match.groups() == groups


def test_setups_banner_starts_as_the_grader_expects():
    for profile in PROFILES.values():
        banner = evidence.RUN_PROFILE_BANNER.format(name=profile.name, description=profile.description)
        assert banner.startswith(evidence.run_profile_banner_start(profile.name))
        assert not banner.startswith(evidence.run_profile_banner_start("other"))


def test_the_training_cells_profile_line_parses(monkeypatch, capsys):
    import numpy as np

    monkeypatch.setenv("LABUTILS_PROFILE", "smoke")
    apply_run_profile(np.zeros((25_000, 2)), np.zeros(25_000), PRACTICAL["epochs"])
    match = evidence.TRAINING_PROFILE.search(capsys.readouterr().out)
    assert match and match.groups() == ("smoke", "1,000", "25,000", "2", "5")


# ---------------------------------------------------------------- the practical's settings, one truth


CONSTANTS = {"NUM_WORDS": "num_words", "MAXLEN": "maxlen", "EMBEDDING_DIM": "embedding_dim", "LSTM_UNITS": "lstm_units",
             "DROPOUT": "dropout", "RECURRENT_DROPOUT": "recurrent_dropout", "BATCH_SIZE": "batch_size",
             "EPOCHS": "epochs", "VALIDATION_SPLIT": "validation_split", "SEED": "seed"}


def practical_constants(path) -> dict[str, object]:
    """The practical's constants a notebook assigns."""
    return {name: value for name, value in notebook_constants(path).items() if name in CONSTANTS}


@pytest.mark.parametrize("path", NOTEBOOKS[1:6], ids=lambda p: p.stem)
def test_the_practicals_notebooks_use_the_practicals_settings(path):
    """labutils.training.PRACTICAL (used by trained_model_or_train and the benchmark) is what notebooks 2-6 write."""
    constants = practical_constants(path)
    assert {name: value for name, value in constants.items()} == {name: PRACTICAL[CONSTANTS[name]] for name in constants}


def test_notebooks_3_and_4_write_out_every_setting_they_use():
    assert set(practical_constants(NOTEBOOKS[2])) == {"NUM_WORDS", "MAXLEN", "EMBEDDING_DIM", "LSTM_UNITS", "DROPOUT",
                                                     "RECURRENT_DROPOUT", "SEED"}
    assert set(practical_constants(NOTEBOOKS[3])) == set(CONSTANTS)
