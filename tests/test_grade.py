"""labutils.grade on real executed notebooks, and on broken and tampered copies of them.

Real hand-ins:
* ``tests/fixtures/full-run-hand-in.zip``: the six notebooks executed by ``python -m labutils run``
  with the full profile (see tests/fixtures/README.md for how they were made), and the same student's run of lesson
  version 11 (``lesson-11-hand-in.zip``);
* a smoke-profile run made here, by the runner, from the committed notebooks.
Every tampered case starts from the full run and changes one thing.
"""

import base64
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import time
import unicodedata

import pytest
from handins import FIXTURE_LESSONS, LESSON_11_ARCHIVE, LESSON_ARGS, SECOND_RUN_ARCHIVE, build_class, runner_ids, smoke_run_ids, unpack_full_run
from helpers import ROOT

from labutils.course import grade
from labutils.course.manifest import cell_source

NB4 = "04_training_with_validation_split.ipynb"
NB5 = "05_test_evaluation_and_confusion_matrix.ipynb"


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def save(notebook, path):
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False), encoding="utf-8")


def code_cell(notebook, text):
    """The code cell whose source contains ``text``."""
    return next(c for c in notebook["cells"] if c["cell_type"] == "code" and text in cell_source(c))


def set_source(cell, text):
    cell["source"] = text


def grade_folder(*paths, **settings):
    """The graded notebooks (and missing ones) by file name; files not graded (the runner's results.json) left out."""
    return {sub.path.rsplit("/", 1)[-1] if sub.path else sub.notebook: sub
            for sub in grade.grade_paths(list(paths), grade.Settings(**{"lessons": FIXTURE_LESSONS, **settings})) if sub.status != "NOT GRADED"}


def reasons(sub):
    return " | ".join(sub.reasons)


@pytest.fixture(scope="session")
def full_run(tmp_path_factory):
    """The full-profile hand-in, unpacked once; tests change copies of it, never this."""
    return unpack_full_run(tmp_path_factory.mktemp("full-run"))


@pytest.fixture(scope="session")
def second_run(tmp_path_factory):
    """Another student's real full-profile run (Rahul Mehta, CS21-042), unpacked once."""
    return unpack_full_run(tmp_path_factory.mktemp("second-run"), SECOND_RUN_ARCHIVE)


@pytest.fixture
def hand_in(full_run, tmp_path):
    """A fresh copy of the full-profile hand-in, in a student's own folder."""
    folder = tmp_path / "asha"
    shutil.copytree(full_run, folder)
    return folder


def tamper(folder, name, change):
    """Apply ``change`` to the notebook ``name`` in ``folder`` (it edits the JSON in place)."""
    notebook = load(folder / name)
    change(notebook)
    save(notebook, folder / name)


# ---------------------------------------------------------------- real hand-ins


def test_the_full_profile_run_passes(hand_in):
    graded = grade_folder(hand_in, required=tuple(runner_ids()))
    assert len(graded) == 6
    for sub in graded.values():
        assert sub.status == "PASS", f"{sub.path}: {reasons(sub)}"
        assert sub.student_name == "Asha Verma" and sub.roll_no == "CS21-017" and sub.profile == "full"
    assert 0.80 <= graded[NB5].test_accuracy <= 0.90


def test_a_full_run_of_the_lesson_with_intervals_and_verdicts_passes(tmp_path):
    """Lesson version 11 (issue 34): notebooks 4 and 5 print intervals and paired verdicts, notebook 6 an interval the
    conclusion quotes; the example student's real full run of it grades as every earlier one did."""
    graded = grade_folder(unpack_full_run(tmp_path / "asha", LESSON_11_ARCHIVE), required=tuple(runner_ids()))
    assert len(graded) == 6
    for sub in graded.values():
        assert sub.status == "PASS", f"{sub.path}: {reasons(sub)}"
        assert sub.lesson_version == "11" and sub.exercises_correct == sub.exercises_total
    assert not graded["06_viva_voce.ipynb"].answer_flags and not graded["06_viva_voce.ipynb"].unanswered


def test_the_command_line_exits_0_and_writes_csv_and_json(hand_in, tmp_path, capsys):
    code = grade.main([*LESSON_ARGS, str(hand_in), "--csv", str(tmp_path / "grades.csv"), "--json", str(tmp_path / "grades.json")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Asha Verma (CS21-017): 6 of 6 pass" in out and "6 pass, 0 incomplete, 0 flagged, 0 fail, 0 missing" in out
    rows = list(csv.DictReader((tmp_path / "grades.csv").open()))
    assert [row["status"] for row in rows] == ["PASS"] * 6 and set(rows[0]) == set(grade.CSV_COLUMNS)
    report = json.loads((tmp_path / "grades.json").read_text())
    assert report["summary"]["pass"] == 6 and report["settings"]["min_accuracy"] is None


def test_a_smoke_run_is_graded_as_a_check_not_a_result(smoke_hand_in):
    graded = grade_folder(smoke_hand_in)
    assert {sub.status for sub in graded.values()} == {"FAIL"}
    for sub in graded.values():
        assert "ran with the 'smoke' profile, not 'full'" in reasons(sub)
    assert "trained on 1,000 of 25,000 reviews for 2 of 5 epochs" in reasons(graded[NB4])
    # a teacher checking the pipeline can accept smoke runs and any accuracy
    accepted = grade_folder(smoke_hand_in, profile="smoke", min_accuracy=0.0, required=smoke_run_ids())
    assert all(sub.status == "PASS" for sub in accepted.values()), {k: reasons(s) for k, s in accepted.items()}


def test_the_colab_drive_switch_may_be_set_either_way(smoke_hand_in, tmp_path):
    """KEEP_ON_DRIVE in the setup cell is the student's to set; anything else there is still the lesson's."""
    folder = tmp_path / "switch"
    shutil.copytree(smoke_hand_in, folder)
    settings = {"profile": "smoke", "min_accuracy": 0.0, "required": smoke_run_ids()}

    def switch(value):
        def change(nb):
            cell = code_cell(nb, "KEEP_ON_DRIVE = False")
            set_source(cell, cell_source(cell).replace("KEEP_ON_DRIVE = False", f"KEEP_ON_DRIVE = {value}"))
        return change

    tamper(folder, NB4, switch("True"))
    assert grade_folder(folder, **settings)[NB4].status == "PASS"
    tamper(folder, NB4, lambda nb: set_source(code_cell(nb, "KEEP_ON_DRIVE = True"), cell_source(
        code_cell(nb, "KEEP_ON_DRIVE = True")).replace("KEEP_ON_DRIVE = True", "KEEP_ON_DRIVE = True; EPOCHS = 1")))
    assert "lesson cell changed" in reasons(grade_folder(folder, **settings)[NB4])


# ---------------------------------------------------------------- tampered


def test_a_changed_hyperparameter_fails(hand_in):
    tamper(hand_in, NB4, lambda nb: set_source(code_cell(nb, "EPOCHS = 5"), "BATCH_SIZE = 64\nEPOCHS = 1\nVALIDATION_SPLIT = 0.2"))
    assert "lesson cell changed: the cell starting `BATCH_SIZE = 64`" in reasons(grade_folder(hand_in)[NB4])


def test_a_smaller_test_set_fails(hand_in):
    def change(nb):
        cell = code_cell(nb, "model.evaluate(")
        set_source(cell, cell_source(cell).replace("model.evaluate(x_test_padded, y_test", "model.evaluate(x_test_padded[:500], y_test[:500]"))

    tamper(hand_in, NB5, change)
    assert "lesson cell changed: the cell starting `test_loss, test_accuracy = model.evaluate(" in reasons(grade_folder(hand_in)[NB5])


def test_comments_and_blank_lines_in_a_lesson_cell_are_fine(hand_in):
    tamper(hand_in, NB4, lambda nb: set_source(code_cell(nb, "EPOCHS = 5"),
                                               "# the practical's settings\nBATCH_SIZE = 64\n\nEPOCHS = 5  # five passes\nVALIDATION_SPLIT = 0.2\n"))
    assert grade_folder(hand_in)[NB4].status == "PASS"


def insert_cell(notebook, index, source, count):
    cell = {"cell_type": "code", "execution_count": count, "metadata": {}, "outputs": [], "source": source}
    notebook["cells"].insert(index, cell)
    return cell


def renumber(notebook):
    """Execution counts 1..n again, as after Restart & Run All."""
    count = 0
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code" and cell_source(cell).strip():
            count += 1
            cell["execution_count"] = count


def test_own_code_after_the_lesson_passes_but_not_between_lesson_cells(hand_in):
    def append(nb):
        insert_cell(nb, len(nb["cells"]), "print(history.history['val_accuracy'])", None)
        renumber(nb)

    tamper(hand_in, NB4, append)
    assert grade_folder(hand_in)[NB4].status == "PASS"

    def insert(nb):
        index = nb["cells"].index(code_cell(nb, "x_train_fit, y_train_fit, epochs_to_run = apply_run_profile"))
        insert_cell(nb, index, "EPOCHS = 1", None)
        renumber(nb)

    tamper(hand_in, NB4, insert)
    assert "code inserted between the lesson's cells" in reasons(grade_folder(hand_in)[NB4])


def test_an_own_cell_after_the_lesson_that_fails_is_a_note_not_a_failure(hand_in):
    """Notebook 6 invites a student's own cells; one that raises stops Run All, and the cells after it stay unrun."""
    error = {"output_type": "error", "ename": "ZeroDivisionError", "evalue": "division by zero", "traceback": []}

    def append(nb):
        insert_cell(nb, len(nb["cells"]), "1 / 0", None)["outputs"].append(error)
        insert_cell(nb, len(nb["cells"]), "print('never ran')", None)
        renumber(nb)
        nb["cells"][-1]["execution_count"] = None  # Run All stopped at the error

    tamper(hand_in, NB4, append)
    graded = grade_folder(hand_in)[NB4]
    assert graded.status == "PASS", reasons(graded)
    notes = " ".join(graded.notes)
    assert "ended in an error (ZeroDivisionError); not graded" in notes and "did not run (Run All stops" in notes

    def inside(nb):  # the same error inside the lesson still fails
        code_cell(nb, "EPOCHS = 5")["outputs"].append(error)

    tamper(hand_in, NB4, inside)
    assert "ended in an error: ZeroDivisionError" in reasons(grade_folder(hand_in)[NB4])


@pytest.mark.parametrize("change, expected", [
    (lambda nb: code_cell(nb, "EPOCHS = 5").update(execution_count=None), "code cell(s) never ran"),
    (lambda nb: code_cell(nb, "EPOCHS = 5").update(execution_count=code_cell(nb, "EPOCHS = 5")["execution_count"] - 2),
     "cells ran out of order"),
    (lambda nb: [c.update(execution_count=c["execution_count"] + 4) for c in nb["cells"] if c["cell_type"] == "code"],
     "not run from a fresh kernel"),
    (lambda nb: nb["cells"].remove(code_cell(nb, "EPOCHS = 5")), "lesson cell deleted"),
    (lambda nb: code_cell(nb, "EPOCHS = 5")["outputs"].append(
        {"output_type": "error", "ename": "NameError", "evalue": "name 'EPOCH' is not defined", "traceback": []}),
     "ended in an error: NameError"),
])
def test_not_run_top_to_bottom_in_one_go(hand_in, change, expected):
    tamper(hand_in, NB4, change)
    assert expected in reasons(grade_folder(hand_in)[NB4])


def test_a_re_run_cell_leaves_a_gap_in_the_counts(hand_in):
    def rerun(nb):
        later = False
        for cell in nb["cells"]:
            later = later or "EPOCHS = 5" in cell_source(cell)
            if later and cell["cell_type"] == "code":
                cell["execution_count"] += 1

    tamper(hand_in, NB4, rerun)
    assert "re-run or deleted" in reasons(grade_folder(hand_in)[NB4])


def test_identity_placeholder_edit_after_run_and_mixed_students(hand_in):
    def placeholder(nb):
        cell = code_cell(nb, "STUDENT_NAME")
        set_source(cell, cell_source(cell).replace('"Asha Verma"', '"<your name>"'))

    tamper(hand_in, "01_lstm_theory_and_gates.ipynb", placeholder)

    def edited(nb):
        cell = code_cell(nb, "STUDENT_NAME")
        set_source(cell, cell_source(cell).replace('"Asha Verma"', '"Asha V."'))

    tamper(hand_in, "02_data_loading_and_padding.ipynb", edited)

    def other_student(nb):  # source and output changed together, as if Ravi ran it
        cell = code_cell(nb, "STUDENT_NAME")
        set_source(cell, cell_source(cell).replace("Asha Verma", "Ravi Kumar").replace("CS21-017", "CS21-040"))
        for output in cell["outputs"]:
            text = "".join(output["text"]) if isinstance(output["text"], list) else output["text"]
            output["text"] = text.replace("Asha Verma", "Ravi Kumar").replace("CS21-017", "CS21-040")

    tamper(hand_in, "03_model_build_and_summary.ipynb", other_student)
    graded = grade_folder(hand_in)
    assert "identity cell not filled in: STUDENT_NAME" in reasons(graded["01_lstm_theory_and_gates.ipynb"])
    assert "identity cell was edited after it ran" in reasons(graded["02_data_loading_and_padding.ipynb"])
    assert "identity differs from the other notebooks in this folder" in reasons(graded["03_model_build_and_summary.ipynb"])
    assert graded["06_viva_voce.ipynb"].status == "PASS"


def drop_images(cell):
    for output in cell["outputs"]:
        output.get("data", {}).pop("image/png", None)


def test_missing_figures_fail(hand_in):
    tamper(hand_in, NB4, lambda nb: drop_images(code_cell(nb, "plot_learning_curves(history")))
    tamper(hand_in, NB5, lambda nb: drop_images(code_cell(nb, "sns.heatmap(")))
    graded = grade_folder(hand_in)
    assert "the learning-curve figure is missing" in reasons(graded[NB4])
    assert "the confusion-matrix figure is missing" in reasons(graded[NB5])


def test_a_fake_image_is_not_a_figure(hand_in):
    def fake(nb):
        for output in code_cell(nb, "sns.heatmap(")["outputs"]:
            if "image/png" in output.get("data", {}):
                output["data"]["image/png"] = base64.b64encode(b"not a picture at all").decode()

    tamper(hand_in, NB5, fake)
    assert "the confusion-matrix figure is missing" in reasons(grade_folder(hand_in)[NB5])


def test_the_pass_mark_is_the_teachers(hand_in):
    graded = grade_folder(hand_in, min_accuracy=0.95)
    assert f"test accuracy {graded[NB5].test_accuracy:.4f} is below the pass mark 0.95" in reasons(graded[NB5])
    assert graded[NB4].status == "PASS"


def test_without_a_pass_mark_a_low_accuracy_is_a_flag_not_a_fail(hand_in, monkeypatch):
    from labutils.course.grade import checks
    monkeypatch.setattr(checks, "LOW_ACCURACY", 0.90)  # the fixture's honest 0.85 is then "low"
    graded = grade_folder(hand_in)[NB5]
    assert graded.status == "FLAGGED" and not graded.reasons, reasons(graded)
    assert graded.flag_lines() == [f"test accuracy: {graded.test_accuracy:.4f}, under 0.90: lower than the lab's "
                                   "honest full runs; look at the run (training log, machine) before marking; "
                                   "--min-accuracy sets a pass mark instead"]
    assert grade_folder(hand_in, min_accuracy=0.80)[NB5].status == "PASS"  # a mark set: the mark decides


def test_an_edited_accuracy_contradicts_the_other_printed_figures(hand_in):
    def inflate(nb):
        for output in code_cell(nb, "model.evaluate(")["outputs"]:
            if output["output_type"] == "stream":
                text = "".join(output["text"]) if isinstance(output["text"], list) else output["text"]
                output["text"] = "\n".join("Test accuracy: 0.9612" if line.startswith("Test accuracy:") else line
                                           for line in text.split("\n"))

    tamper(hand_in, NB5, inflate)
    sub = grade_folder(hand_in)[NB5]
    assert sub.test_accuracy == 0.9612
    assert "disagree" in reasons(sub)


def edit_record(nb, edit):
    cell = code_cell(nb, "run_record = setup()")
    for output in cell["outputs"]:
        if output["output_type"] == "stream":
            text = "".join(output["text"]) if isinstance(output["text"], list) else output["text"]
            output["text"] = edit(text)


@pytest.mark.parametrize("edit, expected", [
    (lambda text: "\n".join(l for l in text.split("\n") if not l.startswith("labutils run record:")), "no run record"),
    (lambda text: text.replace('"profile": "full"', '"profile": "smoke"'), "the run record and the printed run profile disagree"),
    (lambda text: text.replace('"time": "20', '"time": "29'), "is in the future"),
    (lambda text: text.replace("labutils run record: {", "labutils run record: {{"), "the run record is damaged"),
])
def test_the_run_record_must_be_there_and_consistent(hand_in, edit, expected):
    tamper(hand_in, "03_model_build_and_summary.ipynb", lambda nb: edit_record(nb, edit))
    assert expected in reasons(grade_folder(hand_in)["03_model_build_and_summary.ipynb"])


def test_a_notebook_handed_in_twice_by_one_student(hand_in):
    tamper(hand_in, NB4, lambda nb: None)  # re-serialised: same content, different bytes
    shutil.copy(hand_in / NB4, hand_in / "04_again.ipynb")
    tamper(hand_in, "04_again.ipynb", lambda nb: nb["metadata"].update(extra=1))
    graded = grade_folder(hand_in)
    assert "handed in more than once" in reasons(graded["04_again.ipynb"])


def test_missing_notebooks_are_listed_per_student(hand_in, capsys):
    (hand_in / "06_viva_voce.ipynb").unlink()
    graded = grade.grade_paths([hand_in], grade.Settings(lessons=FIXTURE_LESSONS, required=tuple(runner_ids())))
    missing = [sub for sub in graded if sub.status == "MISSING"]
    assert [sub.notebook for sub in missing] == ["lstm-imdb/06_viva_voce"] and missing[0].roll_no == "CS21-017"
    assert grade.main([*LESSON_ARGS, str(hand_in)]) == 1
    assert grade.main([*LESSON_ARGS, str(hand_in), "--require", "none"]) == 0
    assert grade.main([*LESSON_ARGS, str(hand_in), "--require", "04,05"]) == 0
    capsys.readouterr()


def test_recognised_by_its_cells_when_the_id_is_gone(hand_in):
    tamper(hand_in, NB4, lambda nb: nb["metadata"].pop("labutils"))
    sub = grade_folder(hand_in)[NB4]
    assert sub.status == "PASS" and sub.notebook == "lstm-imdb/04_training_with_validation_split"
    assert "recognised by its cells" in " ".join(sub.notes)


# ---------------------------------------------------------------- bad input


def test_bad_input_gets_a_reason_and_the_class_is_still_graded(full_run, hand_in, tmp_path, capsys):
    junk = tmp_path / "asha"  # mixed in with a real hand-in
    (junk / "empty.ipynb").write_text("")
    (junk / "words.ipynb").write_text("my homework, see attached")
    text = (hand_in / NB5).read_text()
    (junk / "truncated.ipynb").write_text(text[: len(text) // 2])
    (junk / "list.ipynb").write_text("[1, 2, 3]")
    (junk / "binary.ipynb").write_bytes(bytes(range(256)) * 10)
    (junk / "old.ipynb").write_text(json.dumps({"nbformat": 3, "cells": [], "metadata": {}}))
    (junk / "broken-cells.ipynb").write_text(json.dumps({"nbformat": 4, "cells": [{"cell_type": "code", "source": 5}], "metadata": {}}))
    foreign = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [], "source": "print('hello')"}]}
    (junk / "foreign.ipynb").write_text(json.dumps(foreign))
    foreign["metadata"]["labutils"] = {"notebook_id": "other-lab/01_intro"}
    (junk / "foreign-id.ipynb").write_text(json.dumps(foreign))
    with (junk / "huge.ipynb").open("wb") as handle:  # sparse: takes no disk space
        handle.truncate(300 * 2**20)
    graded = grade_folder(junk)
    expected = {
        "empty.ipynb": "empty file",
        "words.ipynb": "not valid JSON",
        "truncated.ipynb": "truncated",
        "list.ipynb": "JSON without a list of cells",
        "binary.ipynb": "not a text file",
        "old.ipynb": "nbformat 3",
        "broken-cells.ipynb": "cell 1 has no readable source",
        "foreign.ipynb": "foreign notebook: not one of this lab's",
        "foreign-id.ipynb": "foreign notebook: its id 'other-lab/01_intro'",
        "huge.ipynb": "over the 50 MB limit",
    }
    for name, reason in expected.items():
        assert graded[name].status == "FAIL" and reason in reasons(graded[name]), (name, reasons(graded[name]))
        assert "could not be graded" not in reasons(graded[name])
    assert all(graded[path.name].status == "PASS" for path in full_run.glob("*.ipynb"))
    assert grade.main([*LESSON_ARGS, str(junk)]) == 1
    out = capsys.readouterr().out  # the files name no student; the folder's notebooks do: shown as hers
    assert "Traceback" not in out and "Asha Verma (CS21-017): 6 of 16 pass" in out


def test_paths_that_do_not_exist_or_hold_no_notebooks(tmp_path, capsys):
    assert grade.main([*LESSON_ARGS, str(tmp_path / "nowhere")]) == 2
    assert grade.main([*LESSON_ARGS, str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "No such file or folder" in err and "No notebooks" in err


def test_student_text_cannot_become_a_spreadsheet_formula_or_a_terminal_escape(hand_in, tmp_path, capsys):
    for path in hand_in.glob("*.ipynb"):
        path.write_text(path.read_text().replace("Asha Verma", "=HYPERLINK('x')\\u001b[2J"))
    grade.main([*LESSON_ARGS, str(hand_in), "--csv", str(tmp_path / "grades.csv")])
    out = capsys.readouterr().out
    assert "\x1b" not in out
    rows = list(csv.DictReader((tmp_path / "grades.csv").open()))
    assert rows[0]["student_name"].startswith("'=")


def test_a_class_of_many_students(full_run, tmp_path):
    """Correctness at class size; the time is measured by benchmarks/grade_class.py."""
    assert build_class(full_run, tmp_path, students=40) == 240
    graded = grade.grade_paths([tmp_path], grade.Settings(lessons=FIXTURE_LESSONS))
    assert len(graded) == 240 and all(sub.status == "PASS" for sub in graded), {reasons(s) for s in graded}


# ---------------------------------------------------------------- a hostile class


def edit_stream(nb, marker, edit):
    """Apply ``edit`` to the printed text of the code cell containing ``marker``."""
    for output in code_cell(nb, marker)["outputs"]:
        if output["output_type"] == "stream":
            text = "".join(output["text"]) if isinstance(output["text"], list) else output["text"]
            output["text"] = edit(text)


def rename_student(folder, name):
    """The Student cell's name, in its source and in its printed output, as the student typed it."""
    escaped = json.dumps(name)[1:-1]  # as JSON writes it (a lone surrogate stays an escape)
    for path in folder.glob("*.ipynb"):
        path.write_text(path.read_text(encoding="utf-8").replace("Asha Verma", escaped), encoding="utf-8")


def strict_json(path):
    def refuse(constant):
        raise ValueError(f"not strict JSON: {constant}")

    return json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)


def test_text_that_is_not_unicode_never_costs_the_class_its_reports(hand_in, tmp_path, capsys):
    rename_student(hand_in, "\udc80sha Verma")  # a lone surrogate, which JSON escapes allow
    (hand_in / NB4).rename(hand_in / os.fsdecode(b"04_\xff.ipynb"))  # a file name that is not UTF-8
    assert grade.main([*LESSON_ARGS, str(hand_in), "--csv", str(tmp_path / "g.csv"), "--json", str(tmp_path / "g.json")]) in (0, 1)
    report = strict_json(tmp_path / "g.json")
    assert len(report["submissions"]) == 6 and "?sha Verma" in {s["student_name"] for s in report["submissions"]}
    rows = list(csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8")))
    assert len(rows) == 6 and "?sha Verma (CS21-017)" in capsys.readouterr().out


def test_a_terminal_that_cannot_show_a_name_gets_a_question_mark_not_a_crash(hand_in, tmp_path):
    rename_student(hand_in, "Nguyễn Văn An")
    result = subprocess.run([sys.executable, "-P", "-m", "labutils", "grade", *LESSON_ARGS, str(hand_in), "--json", str(tmp_path / "g.json")],
                            capture_output=True, env={**os.environ, "PYTHONIOENCODING": "cp1252"}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode("cp1252", "replace")[-800:]
    assert "Nguy?n V?n An (CS21-017): 6 of 6 pass".encode("cp1252") in result.stdout
    assert strict_json(tmp_path / "g.json")["submissions"][0]["student_name"] == "Nguyễn Văn An"


def test_an_infinite_accuracy_is_a_reason_and_the_json_stays_valid(hand_in, tmp_path):
    tamper(hand_in, NB5, lambda nb: edit_stream(nb, "model.evaluate(", lambda text: re.sub(
        r"Test accuracy: \S+", "Test accuracy: 1e999", text)))
    sub = grade_folder(hand_in)[NB5]
    assert "the printed test accuracy 1e999 is not between 0 and 1" in reasons(sub) and sub.test_accuracy is None
    grade.main([*LESSON_ARGS, str(hand_in), "--json", str(tmp_path / "g.json")])
    assert strict_json(tmp_path / "g.json")


def test_hostile_lengths_cost_linear_time(hand_in):
    """A line of 200,000 digits and a student cell of 300,000 lines: seconds would mean quadratic work (a bound with
    a wide margin; the timing itself is recorded by benchmarks/grade_class.py --hostile)."""
    tamper(hand_in, NB5, lambda nb: edit_stream(nb, "model.evaluate(", lambda text: text.replace(
        "Test accuracy: ", "Test accuracy: " + "1" * 200_000 + "x\nTest accuracy: ")))
    tamper(hand_in, NB4, lambda nb: insert_cell(nb, len(nb["cells"]), "x = 1\n" * 300_000, 10_000))
    started = time.perf_counter()
    graded = grade_folder(hand_in)
    assert time.perf_counter() - started < 20
    assert graded[NB5].status == "PASS", reasons(graded[NB5])
    assert "execution counts jump" in reasons(graded[NB4])  # the long cell itself is the student's own, after the lesson


def test_a_printed_accuracy_that_disagrees_with_keras_own_log_fails(hand_in):
    def forge(text):  # every line the grader reads, moved together; Keras' evaluate line left as it was
        return re.sub(r"Test accuracy: \S+", "Test accuracy: 0.8612", text)

    def forge_everywhere(nb):
        edit_stream(nb, "model.evaluate(", forge)
        edit_stream(nb, "accuracy_from_predictions = ", lambda text: re.sub(r"from evaluate: \S+", "from evaluate: 0.8612", text))
        edit_stream(nb, "matrix = confusion_matrix(", lambda text: re.sub(r"TP [0-9,]+", "TP 10,780", text))
    tamper(hand_in, NB5, forge_everywhere)
    found = re.search(r"disagrees with Keras' own evaluate line in the same cell \(accuracy: (0\.\d{4})\)",
                      reasons(grade_folder(hand_in)[NB5]))
    assert found and found.group(1) != "0.8612"  # the run's own figure, as Keras logged it


def test_a_smoke_run_relabelled_as_full_fails_on_its_training_log(hand_in):
    def shorten(text):
        text = re.sub(r"Epoch (\d)/5", r"Epoch \1/1", text)
        return text.replace("313/313", "25/25")
    tamper(hand_in, NB4, lambda nb: edit_stream(nb, "apply_run_profile(", shorten))
    found = reasons(grade_folder(hand_in)[NB4])
    assert "not the practical's 5 epochs" in found and "the training log shows 25 steps per epoch" in found


def test_an_implausible_accuracy_fails(hand_in):
    tamper(hand_in, NB5, lambda nb: edit_stream(nb, "model.evaluate(", lambda text: re.sub(
        r"Test accuracy: \S+", "Test accuracy: 0.99", text)))
    assert "test accuracy 0.9900 is implausible" in reasons(grade_folder(hand_in)[NB5])


def test_a_link_to_a_classmates_notebook_is_skipped_and_hurts_nobody(full_run, second_run, tmp_path, capsys):
    asha, rahul = tmp_path / "asha", tmp_path / "rahul"
    shutil.copytree(full_run, asha)
    shutil.copytree(second_run, rahul)  # a classmate's real run of his own
    (rahul / NB5).unlink()
    (rahul / NB5).symlink_to(asha / NB5)  # Rahul "hands in" Asha's notebook 5
    (rahul / "linked-folder").symlink_to(asha, target_is_directory=True)
    code = grade.main([*LESSON_ARGS, str(tmp_path), "--require", "none"])
    out = capsys.readouterr().out
    assert f"NOT GRADED  {rahul / NB5}: [F118] a link, not followed" in out and "a link to a folder, not followed" in out
    assert "Asha Verma (CS21-017): 6 of 6 pass" in out and "Rahul Mehta (CS21-042): 5 of 5 pass" in out and code == 1


def test_one_name_in_two_unicode_forms_is_one_student(hand_in):
    composed, decomposed = "Zoë Müller", unicodedata.normalize("NFD", "Zoë Müller")
    assert composed != decomposed
    rename_student(hand_in, composed)
    path = hand_in / NB4
    path.write_text(path.read_text(encoding="utf-8").replace(composed, decomposed), encoding="utf-8")
    graded = grade_folder(hand_in)
    assert all(sub.status == "PASS" for sub in graded.values()), {k: reasons(s) for k, s in graded.items()}


def test_a_name_typed_once_without_its_accents_is_flagged_not_failed(hand_in):
    rename_student(hand_in, "José Núñez-Díaz")
    path = hand_in / NB4  # typed once on a keyboard without accents, code and output alike
    typed = json.dumps("José Núñez-Díaz")[1:-1]  # as rename_student wrote it
    path.write_text(path.read_text(encoding="utf-8").replace(typed, "Jose Nunez Diaz"), encoding="utf-8")
    graded = grade_folder(hand_in)
    assert graded[NB4].status == "FLAGGED" and graded[NB4].codes == ["I310"], reasons(graded[NB4])
    assert '"Jose Nunez Diaz" here and "José Núñez-Díaz"' in graded[NB4].flag_lines()[0]
    assert all(sub.status == "PASS" for name, sub in graded.items() if name != NB4)
    path.write_text(path.read_text(encoding="utf-8").replace("Jose Nunez Diaz", "Joseph Nunez"), encoding="utf-8")
    assert grade_folder(hand_in)[NB4].status == "FAIL"  # another name is still another student


def test_a_name_typed_with_and_without_accents_as_often_is_flagged_not_failed(hand_in):
    """Three notebooks say "José Núñez", three "Jose Nunez": no majority, one name; flagged, none failed."""
    rename_student(hand_in, "José Núñez")
    typed = json.dumps("José Núñez")[1:-1]
    for path in sorted(hand_in.glob("*.ipynb"))[3:]:
        path.write_text(path.read_text(encoding="utf-8").replace(typed, "Jose Nunez"), encoding="utf-8")
    graded = grade_folder(hand_in)
    assert not [sub for sub in graded.values() if sub.status == "FAIL"], {k: reasons(s) for k, s in graded.items()}
    assert sum(sub.status == "FLAGGED" and "I310" in sub.codes for sub in graded.values()) == 3


def test_grading_from_inside_the_class_folder_imports_nothing_from_it(hand_in):
    marker = hand_in / "imported.txt"
    (hand_in / "csv.py").write_text(f"open({str(marker)!r}, 'w').write('a student module ran')\n")
    (hand_in / "difflib.py").write_text(f"open({str(marker)!r}, 'w').write('a student module ran')\n")
    result = subprocess.run([sys.executable, "-P", "-m", "labutils", "grade", *LESSON_ARGS, "."], capture_output=True, text=True,
                            cwd=hand_in)
    assert result.returncode == 1 and "6 pass" in result.stdout, result.stderr[-800:]  # 1: two files not graded
    assert "NOT GRADED  csv.py: [F118] a Python script, not a notebook" in result.stdout and not marker.exists()


@pytest.mark.parametrize("change, expected", [
    (lambda nb: code_cell(nb, "EPOCHS = 5").update(execution_count=1.5), "execution count that is not a whole number"),
    (lambda nb: code_cell(nb, "plot_learning_curves(").__setitem__(
        "outputs", [{"output_type": "display_data", "data": "iVBORw0KGgo=", "metadata": {}}]),
     "the learning-curve figure is missing"),
    (lambda nb: code_cell(nb, "EPOCHS = 5").update(execution_count=10 ** 40), "execution counts jump"),
])
def test_odd_but_honest_values_get_their_own_reason(hand_in, change, expected):
    tamper(hand_in, NB4, change)
    found = reasons(grade_folder(hand_in)[NB4])
    assert expected in found and "could not be graded" not in found


# ---------------------------------------------------------------- every released version of the lesson


@pytest.fixture
def lesson_changed_again(tmp_path):
    """The lab one release later: a lesson cell of notebook 5 changed, the manifest rebuilt (its history appended)."""
    from labutils.course import manifest as manifest_tools

    notebooks = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks)
    path = notebooks / NB5
    notebook = load(path)
    cell = code_cell(notebook, "model.evaluate(")
    set_source(cell, cell_source(cell).replace("batch_size=256", "batch_size=512"))
    save(notebook, path)
    history = tmp_path / "history.json"
    shutil.copy(manifest_tools.HISTORY_PATH, history)
    written = manifest_tools.write_manifest(notebooks, tmp_path / "manifest.json", history)
    return manifest_tools.load_manifest(tmp_path / "manifest.json", history), written["version"]


def test_a_hand_in_of_an_earlier_release_is_graded_against_its_own_lesson(hand_in, lesson_changed_again):
    manifest, new_version = lesson_changed_again
    current = manifest["version"]
    assert new_version == current and int(current) > 2 and set(manifest["versions"]) >= {"1", "2", current}
    graded = {sub.path.rsplit("/", 1)[-1]: sub for sub in grade.grade_paths([hand_in], grade.Settings(lessons=FIXTURE_LESSONS), manifest)}
    assert all(sub.status == "PASS" for sub in graded.values()), {k: reasons(s) for k, s in graded.items()}
    assert 2 <= int(graded[NB5].lesson_version) < int(current)  # graded against the version it came from
    # a grader that knows only the newest lesson, given a hand-in that names no version (made before versions were
    # stamped): it compares the cells with the newest lesson
    tamper(hand_in, NB5, lambda nb: nb["metadata"]["labutils"].pop("lesson_version", None))
    without_history = dict(manifest, versions={current: manifest["notebooks"]})
    old_only = {sub.path.rsplit("/", 1)[-1]: sub for sub in grade.grade_paths([hand_in], grade.Settings(lessons=FIXTURE_LESSONS), without_history)}
    assert "lesson cell changed" in reasons(old_only[NB5])  # what a one-version grader did to such a student


def fixture_version(folder):
    """The lesson version the full-run hand-in was made from (stamped in its metadata)."""
    return load(folder / NB5)["metadata"]["labutils"]["lesson_version"]


@pytest.mark.parametrize("stated, passes", [("its own", True), ("99", False)])
def test_a_stated_lesson_version_is_used_or_named_as_unknown(hand_in, tmp_path, capsys, stated, passes):
    own = fixture_version(hand_in)
    stated = own if stated == "its own" else stated
    tamper(hand_in, NB5, lambda nb: nb["metadata"]["labutils"].__setitem__("lesson_version", stated))
    sub = grade_folder(hand_in)[NB5]
    if passes:
        assert sub.status == "PASS" and sub.lesson_version == own
    else:
        assert "made from lesson version '99', which this grader does not know (it knows 1, 2" in reasons(sub)
    grade.main([*LESSON_ARGS, str(hand_in), "--csv", str(tmp_path / "g.csv"), "--require", "none"])
    assert f"[lesson v{own}]" in capsys.readouterr().out
    rows = {row["notebook"]: row for row in csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8"))}
    others = [row for notebook, row in rows.items() if notebook != "lstm-imdb/05_test_evaluation_and_confusion_matrix"]
    assert all(row["lesson_version"].isdigit() for row in others)  # every row names the version it was graded against
    assert rows["lstm-imdb/05_test_evaluation_and_confusion_matrix"]["lesson_version"] == (own if passes else "")


def test_the_lesson_version_is_the_teachers_to_state(hand_in, tmp_path, capsys):
    """Last year's whole hand-in (lesson 7) passed unremarked; now the class's version is the grader's current one
    unless the teacher says otherwise, and a notebook of another version is flagged with both versions named."""
    current, own = grade.load_manifest()["version"], fixture_version(hand_in)
    graded = grade_folder(hand_in, lessons=None)  # stated nothing: the current lesson
    assert all(sub.status == "FLAGGED" and not sub.reasons for sub in graded.values()), {k: reasons(s) for k, s in graded.items()}
    assert graded[NB5].flag_lines() == [f"lesson: made from lesson version {own}, not {current} as this class "
                                        f"(--lesson): an old copy of the notebook? If the class used {own}, grade "
                                        f"with --lesson {own}"]
    assert {sub.status for sub in grade_folder(hand_in, lessons=(own,)).values()} == {"PASS"}
    assert {sub.status for sub in grade_folder(hand_in, lessons=(grade.ANY_LESSON,)).values()} == {"PASS"}
    assert grade.main([str(hand_in), "--lesson", own, "--quiet"]) == 0
    assert f"lesson {own}," in capsys.readouterr().out  # the summary says which version it graded against
    with pytest.raises(SystemExit):
        grade.main([str(hand_in), "--lesson", "99"])
    assert "--lesson: this grader knows no lesson version '99'" in capsys.readouterr().err


def test_the_html_report_shows_the_class_and_escapes_every_student_text(hand_in, tmp_path):
    rename_student(hand_in, "<script>alert('x')</script> & Eve")
    tamper(hand_in, NB4, lambda nb: set_source(code_cell(nb, "EPOCHS = 5"), "BATCH_SIZE = 64\nEPOCHS = 1\nVALIDATION_SPLIT = 0.2"))
    assert grade.main([*LESSON_ARGS, str(hand_in), "--html", str(tmp_path / "class.html"), "--quiet"]) == 1
    page = (tmp_path / "class.html").read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Eve" in page
    own = fixture_version(hand_in)
    assert "5 pass" in page and "1 fail" in page and f"[lesson v{own}]" not in page and f"v{own}" in page
    assert "<svg" in page and "flagged under 0.80" in page and "http" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "<td>L401 a lesson cell changed or deleted: not the lab&#x27;s cell</td><td>1</td>" in page  # by rule
