"""One test for each reason code that no other test produces (issue 35 item 8): a real hand-in with one thing broken,
graded, and the rule's code among its codes. tests/conftest.py checks, at the end of a whole session, that the tests
produced every code of labutils/course/grade/rules.py."""

from __future__ import annotations

import json
import re

import pytest
from handins import LESSON_11_ARCHIVE, unpack_full_run
from test_grade import NB4, NB5, full_run, grade_folder, hand_in, load, reasons, save, tamper  # noqa: F401 (fixtures)

from labutils.course.grade import checks
from labutils.course.grade.rules import RULES

NB1 = "01_lstm_theory_and_gates.ipynb"


def _edit_printed(notebook, edit):
    """Apply ``edit`` to every printed text of the notebook's code cells."""
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                output["text"] = edit("".join(output["text"]) if isinstance(output["text"], list) else output["text"])


def _record_edit(edit):
    """Edit the run record setup() printed (its JSON after "labutils run record: ")."""
    def change(notebook):
        _edit_printed(notebook, lambda text: re.sub(r"(labutils run record: )(\{.*\})",
                                                    lambda m: m.group(1) + edit(m.group(2)), text))
    return change


def _without(key):
    return lambda record: json.dumps({k: v for k, v in json.loads(record).items() if k != key})


BROKEN = {  # code: (notebook, the change to its JSON)
    "E502": (NB1, lambda nb: _edit_printed(nb, lambda text: re.sub(r"(labutils run record: .*\n)", r"\1\1", text))),
    "E505": (NB1, _record_edit(_without("seed"))),
    "E511": (NB1, _record_edit(lambda record: json.dumps(dict(json.loads(record), time="the day before the deadline")))),
    "E512": (NB4, lambda nb: _edit_printed(nb, lambda text: re.sub(r"Run profile 'full': training on.*\n", "", text))),
    "E513": (NB4, lambda nb: _edit_printed(nb, lambda text: text.replace("Run profile 'full': training", "Run profile 'smoke': training"))),
    "E516": (NB5, lambda nb: _edit_printed(nb, lambda text: re.sub(r"Test accuracy: .*\n", "", text))),
    "E523": (NB5, lambda nb: _edit_printed(nb, lambda text: re.sub(r"TN [0-9,]+ +FP", "TN ? FP", text))),
    "E526": (NB5, lambda nb: _edit_printed(nb, lambda text: text.replace("98/98 - ", "90/90 - "))),
    "E528": (NB4, lambda nb: _edit_printed(nb, lambda text: re.sub(r"Epoch \d+/5\n", "", text))),
    "C614": (NB4, lambda nb: _edit_printed(nb, lambda text: re.sub(r"(after the last epoch: )[+-][0-9.]+", r"\g<1>+0.0100", text))),
}


@pytest.mark.parametrize("name, edit", [
    (NB4, lambda text: re.sub(r"(best validation accuracy )[0-9.]+( at epoch )\d+", r"\g<1>0.8600\g<2>4", text)),
    ("06_viva_voce.ipynb", lambda text: re.sub(r"\(gap [+-][0-9.]+\)", "(gap +0.0100)", text, count=1)),
])
def test_figures_made_from_the_epochs_must_agree_with_them(hand_in, name, edit):
    """A forger who edits an epoch's validation accuracy must also find the best-epoch line and every gap printed
    from it (adversarial trial, issue 35: stale gaps were never compared)."""
    tamper(hand_in, name, lambda nb: _edit_printed(nb, edit))
    sub = grade_folder(hand_in)[name]
    assert "C614" in sub.codes, (sub.codes, reasons(sub))


# the second adversarial trial of issue 35: a careless forger types over a few figures of notebook 4 (lesson 11)
FORGED_EPOCH_FIGURES = {
    "C615": [  # one Keras time per step typed over, its seconds left
        lambda text: re.sub(r"^(\d+/\d+ - \d+s - )(\d+)(ms/step)", lambda m: f"{m.group(1)}{int(m.group(2)) + 30}{m.group(3)}",
                            text, count=1, flags=re.M),
        # the epoch timer's seconds typed over, its ms per step left
        lambda text: re.sub(r"^(epoch 2: +)([0-9.]+)( s)", lambda m: f"{m.group(1)}{float(m.group(2)) - 9:.1f}{m.group(3)}",
                            text, flags=re.M),
        lambda text: re.sub(r"^(median )([0-9.]+)", r"\g<1>40.0", text, flags=re.M),  # the median typed over
    ],
    "C602": [  # the last epoch's interval line replaced by a second copy of epoch 3's (the third trial)
        lambda text: re.sub(r"^epoch 5, validation accuracy: .*$",
                            lambda m: re.search(r"^epoch 3, validation accuracy: .*$", text, re.M).group(0), text, flags=re.M),
        # the interval and comparison lines deleted, so that nothing contradicts a raised epoch
        lambda text: re.sub(r"^(epoch \d+, validation accuracy: .*|best epoch \(\d+\) minus .*|  they disagree .*)\n", "",
                            text, flags=re.M),
    ],
    "C614": [  # the last epoch's validation accuracy raised in the interval line, its count and interval left
        lambda text: re.sub(r"^(epoch 5, validation accuracy: )[0-9.]+", r"\g<1>0.8890", text, flags=re.M),
        # a comparison typed over
        lambda text: re.sub(r"^(best epoch \(5\) minus epoch 1: )[+-][0-9.]+", r"\g<1>+0.0716", text, flags=re.M),
    ],
}


@pytest.mark.parametrize("code, number", [(code, number) for code, edits in FORGED_EPOCH_FIGURES.items()
                                          for number in range(len(edits))])
def test_notebook_4s_timings_and_validation_lines_must_add_up(tmp_path, code, number):
    folder = unpack_full_run(tmp_path / "asha", LESSON_11_ARCHIVE)
    assert grade_folder(folder)[NB4].status == "PASS"  # the real run adds up
    tamper(folder, NB4, lambda nb: _edit_printed(nb, FORGED_EPOCH_FIGURES[code][number]))
    sub = grade_folder(folder)[NB4]
    assert sub.status == "FAIL" and code in sub.codes, (sub.codes, reasons(sub))


def test_counts_typed_over_after_a_cell_was_run_again_are_flagged_by_the_saved_times(tmp_path):
    """A student runs the evaluate cell again at the end and renumbers the counts 1..n by hand: the cell's saved
    finishing time is later than the cells below it (the second adversarial trial of issue 35)."""
    folder = unpack_full_run(tmp_path / "asha", LESSON_11_ARCHIVE)

    def run_again_later(notebook):
        code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
        code[3]["metadata"]["execution"]["shell.execute_reply"] = code[-1]["metadata"]["execution"]["shell.execute_reply"].replace(
            "T", "T", 1)[:11] + "23:59:59.000000Z"

    tamper(folder, NB5, run_again_later)
    sub = grade_folder(folder)[NB5]
    assert sub.status == "FLAGGED" and sub.codes == ["X207"] and "finished before" in sub.flag_lines()[0], sub.flag_lines()


@pytest.mark.parametrize("code", sorted(BROKEN))
def test_each_broken_piece_of_evidence_gets_its_own_code(hand_in, code):
    name, change = BROKEN[code]
    tamper(hand_in, name, change)
    sub = grade_folder(hand_in)[name]
    assert sub.status == "FAIL" and code in sub.codes, (code, RULES[code], sub.codes, reasons(sub))


@pytest.mark.parametrize("code, text", [
    ("F105", '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [' + "[]," * 210_000 + "[]]}"),
    ("F108", "[" * 150_000 + "]" * 150_000),
    ("F111", '{"nbformat": 5, "nbformat_minor": 0, "metadata": {}, "cells": []}'),
])
def test_files_that_are_not_lab_notebooks_get_their_codes(tmp_path, code, text):
    path = tmp_path / "student" / "04_training_with_validation_split.ipynb"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    sub = grade_folder(path.parent)[path.name]
    assert sub.status == "FAIL" and sub.codes == [code], (sub.codes, reasons(sub))


def test_a_file_the_grader_fails_on_is_reported_not_a_crash(hand_in, monkeypatch):
    def broken(*_):
        raise RuntimeError("a bug")
    monkeypatch.setattr(checks, "_check_run_record", broken)
    sub = grade_folder(hand_in)[NB4]
    assert sub.codes == ["F199"] and "could not be graded (RuntimeError: a bug)" in reasons(sub)


def test_a_model_answer_padded_with_as_many_own_words_is_flagged(hand_in):
    """The whole model answer pasted, then padded to twice its length with the student's own words: under half its
    runs are the model's, but 15 or more of them are (adversarial trial, issue 35). Honest fixture answers share at
    most 6 with it."""
    from handins import own_words, write_answers
    from labutils.viva import MODEL_ANSWERS
    padding = " ".join(own_words(number, "Q10") for number in range(4))  # 120 words of the student's own
    write_answers(hand_in / "06_viva_voce.ipynb", {"Q10": MODEL_ANSWERS[10] + " " + padding}, replace=True)
    sub = grade_folder(hand_in)["06_viva_voce.ipynb"]
    assert "A809" in sub.codes and "A803" not in sub.codes, (sub.codes, sub.flag_lines())
