"""Hand-ins as other tools save them (issue 35): Colab's own shape, Colab's "omit outputs" setting, outputs cleared
in JupyterLab, Windows line ends; and the verdicts a teacher found confusing (an unfilled Student cell, one name in
two Unicode forms). Every case starts from a real full-profile run (``tests/fixtures``)."""

from __future__ import annotations

import csv
import json
import re
import shutil
import unicodedata
import uuid

from handins import FIXTURE_LESSONS, LESSON_ARGS, SECOND_RUN_ARCHIVE, THIRD_RUN_ARCHIVE, runner_ids, unpack_full_run
from test_grade import NB4, full_run, grade_folder, hand_in, load, reasons, save  # noqa: F401 (fixtures)

from labutils.course import grade
from labutils.course.grade.report import format_table

USER_ID = "104922733851390177046"  # the form of a Google account's id, as Colab saves it


def as_colab_saved(path, display_name="Asha Verma", user_id=USER_ID, outputs=True, started=1_796_000_000_000):
    """Rewrite an executed notebook the way Colab saves it (the shape of public Colab-saved notebooks): per code cell
    ``metadata.executionInfo`` (elapsed ms, status, a millisecond timestamp, the Google account, the time zone),
    ``metadata.colab``, ``metadata.id`` and ``outputId``; Colab's notebook metadata; nbclient's timings gone. With
    ``outputs=False``, as saved with "Omit code cell output when saving this notebook" on."""
    notebook = load(path)
    clock = started  # milliseconds since 1970, as Colab saves them
    for number, cell in enumerate(notebook["cells"]):
        cell_id = str(cell.pop("id", "") or uuid.uuid4().hex)
        metadata = {key: value for key, value in cell.get("metadata", {}).items() if key != "execution"}
        metadata["id"] = (cell_id.replace("-", "") + "xQ7cPBcWUU")[:12]
        if cell["cell_type"] == "code":
            elapsed = 250 + 37 * number + started % 997  # another student's cells ran for other times
            clock += elapsed + 1_000
            metadata["colab"] = {"base_uri": "https://localhost:8080/"}
            metadata["executionInfo"] = {"elapsed": elapsed, "status": "ok", "timestamp": clock,
                                         "user": {"displayName": display_name, "userId": user_id}, "user_tz": -330}
            if outputs and cell.get("outputs"):
                metadata["outputId"] = str(uuid.uuid4())
            if not outputs:
                cell["outputs"], cell["execution_count"] = [], None
        cell["metadata"] = metadata
    colab = {"colab": {"provenance": [], "authorship_tag": "ABX9TyNVnBMPKOhMfCOTNubwoI+/"},
             "kernelspec": {"display_name": "Python 3", "name": "python3"}, "language_info": {"name": "python"},
             "accelerator": "GPU"}
    if "labutils" in notebook["metadata"]:
        colab["labutils"] = notebook["metadata"]["labutils"]
    notebook["metadata"], notebook["nbformat_minor"] = colab, 0
    save(notebook, path)


def test_a_real_run_saved_by_colab_passes(hand_in):
    for path in hand_in.glob("*.ipynb"):
        as_colab_saved(path)
    graded = grade_folder(hand_in, required=tuple(runner_ids()))
    assert len(graded) == 6
    for sub in graded.values():
        assert sub.status == "PASS" and not sub.notes and not sub.answer_flags, f"{sub.path}: {reasons(sub)} {sub.notes}"


def test_one_google_account_behind_two_students_is_flagged_by_its_name_never_its_id(tmp_path):
    for started, (student, archive) in enumerate((("rahul", SECOND_RUN_ARCHIVE), ("meera", THIRD_RUN_ARCHIVE))):
        for path in unpack_full_run(tmp_path / "class" / student, archive).glob("*.ipynb"):
            as_colab_saved(path, display_name="Rahul Mehta", started=1_796_000_000_000 + 86_400_000 * started)
    paths = [tmp_path / "class"]
    subs = [sub for sub in grade.grade_paths(paths, grade.Settings(lessons=FIXTURE_LESSONS)) if sub.notebook]
    assert len(subs) == 12 and {sub.status for sub in subs} == {"FLAGGED"}, {sub.status for sub in subs}
    meera = [sub for sub in subs if sub.roll_no == "CS21-055"]
    assert all(sub.flag_lines() == ["identity: run on Colab by the same Google account (Rahul Mehta) as notebooks of "
                                    "Rahul Mehta (CS21-042): two students on one account, or one student's work "
                                    "handed in twice?"] for sub in meera), meera[0].flag_lines()
    outputs = {name: tmp_path / name for name in ("g.csv", "g.json", "g.html", "answers.html", "answers.csv")}
    assert grade.main([*LESSON_ARGS, str(tmp_path / "class"), "--csv", str(outputs["g.csv"]), "--json", str(outputs["g.json"]),
                       "--html", str(outputs["g.html"]), "--answers", str(outputs["answers.html"]),
                       "--answers-csv", str(outputs["answers.csv"]), "--quiet"]) == 1
    for path in outputs.values():
        assert USER_ID not in path.read_text(encoding="utf-8"), path.name
    assert "Rahul Mehta" in next(csv.DictReader(outputs["g.csv"].open(encoding="utf-8")))["flags"]
    assert "colab_accounts" not in json.loads(outputs["g.json"].read_text(encoding="utf-8"))["submissions"][0]


def test_the_same_account_on_one_students_own_notebooks_is_not_flagged(hand_in):
    for path in hand_in.glob("*.ipynb"):
        as_colab_saved(path, display_name="A. Verma")  # an account named otherwise than the Student cell: fine
    assert {sub.status for sub in grade_folder(hand_in).values()} == {"PASS"}


def test_a_colab_download_without_outputs_gets_one_reason_with_the_setting_that_omits_them(hand_in):
    for path in hand_in.glob("*.ipynb"):
        as_colab_saved(path, outputs=False)
    graded = grade_folder(hand_in)
    for sub in graded.values():
        assert sub.status == "FAIL" and len(sub.reasons) == 1, f"{sub.path}: {reasons(sub)}"
        assert "Omit code cell output when saving this notebook" in sub.reasons[0] and "Edit > Notebook settings" in sub.reasons[0]
        assert sub.student_name == "Asha Verma" and sub.roll_no == "CS21-017"  # still the student's row


def test_outputs_cleared_in_jupyterlab_are_not_called_an_edited_identity(hand_in):
    notebook = load(hand_in / NB4)
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []  # Edit > Clear Outputs of All Cells keeps the execution counts
    save(notebook, hand_in / NB4)
    sub = grade_folder(hand_in)[NB4]
    assert len(sub.reasons) == 1 and sub.reasons[0].startswith("no outputs were saved in this notebook"), reasons(sub)


def test_windows_line_ends_and_rewritten_lines_in_a_printed_log_read_as_a_notebook_shows_them(hand_in):
    notebook, rewritten = load(hand_in / NB4), False
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                output["text"] = "".join(output["text"]).replace("\n", "\r\n")
                if not rewritten and output["text"].startswith("313/313 - "):  # a progress line rewritten in place
                    output["text"], rewritten = "100/313 - 2s\r" + output["text"], True
    save(notebook, hand_in / NB4)
    assert "2s\\r313/313" in (hand_in / NB4).read_text(encoding="utf-8")  # the rewritten line is in the file
    assert grade_folder(hand_in)[NB4].status == "PASS", reasons(grade_folder(hand_in)[NB4])


def test_a_hand_in_with_the_student_cell_unfilled_is_no_copy_of_itself(full_run, tmp_path):
    folder = tmp_path / "nobody"
    shutil.copytree(full_run, folder)
    for path in folder.glob("*.ipynb"):
        save(json.loads(path.read_text(encoding="utf-8").replace("Asha Verma", "<your name>")
                        .replace("CS21-017", "<your roll number>")), path)
    unpack_full_run(tmp_path / "rahul", SECOND_RUN_ARCHIVE)
    subs = grade.grade_paths([tmp_path], grade.Settings(lessons=FIXTURE_LESSONS))
    mine = [sub for sub in subs if sub.folder.endswith("nobody") and sub.notebook]
    assert len(mine) == 6 and all(sub.copy_group is None for sub in mine)
    assert all("copied run" not in reasons(sub) and "identity cell not filled in" in reasons(sub) for sub in mine)


def test_one_student_whatever_the_unicode_form_of_the_name_or_the_dash_in_the_roll_number(full_run, tmp_path):
    folder = tmp_path / "jose"
    shutil.copytree(full_run, folder)
    for number, path in enumerate(sorted(folder.glob("*.ipynb"))):
        name = unicodedata.normalize("NFC" if number % 2 else "NFD", "José Peña")
        roll = "CS21\u2013017" if number < 2 else "CS21-017"  # an en dash, as some keyboards type it
        save(json.loads(path.read_text(encoding="utf-8").replace("Asha Verma", name).replace("CS21-017", roll)), path)
    subs = [sub for sub in grade.grade_paths([folder], grade.Settings(lessons=FIXTURE_LESSONS, required=tuple(runner_ids()))) if sub.notebook]
    assert {sub.status for sub in subs} == {"PASS"}, {reasons(sub) for sub in subs}
    headings = [line for line in format_table(subs).splitlines() if line and not line.startswith(" ")]
    assert headings == ["José Peña (CS21-017): 6 of 6 pass"], headings


def test_a_run_id_not_in_the_form_setup_writes_fails(hand_in):
    path = hand_in / "01_lstm_theory_and_gates.ipynb"
    text = path.read_text(encoding="utf-8")
    run_id = re.search(r'run_id\\": \\"([0-9a-f]{32})', text).group(1)  # in the printed run record
    path.write_text(text.replace(run_id, "abc1"), encoding="utf-8")
    sub = grade_folder(hand_in)["01_lstm_theory_and_gates.ipynb"]
    assert "the run record's run_id 'abc1' is not the form setup() writes" in reasons(sub), reasons(sub)


def test_apostrophes_and_characters_nobody_sees_do_not_split_a_student(full_run, tmp_path):
    """One student typing "O'Brien" and "O’Brien", or a roll number with a zero-width space pasted in, is one
    student; a right-to-left override cannot make a name show as a classmate's (adversarial trial, issue 35)."""
    folder = tmp_path / "sean"
    shutil.copytree(full_run, folder)
    for number, path in enumerate(sorted(folder.glob("*.ipynb"))):
        name = "Seán O'Brien" if number < 3 else "Seán O\u2019Brien"
        roll = "CS21-0\u200b17" if number == 4 else "CS21-017"
        save(json.loads(path.read_text(encoding="utf-8").replace("Asha Verma", name).replace("CS21-017", roll)), path)
    subs = [sub for sub in grade.grade_paths([folder], grade.Settings(lessons=FIXTURE_LESSONS, required=tuple(runner_ids())))
            if sub.notebook]
    assert {sub.status for sub in subs} == {"PASS"}, {reasons(sub) for sub in subs}
    assert all("\u200b" not in sub.roll_no for sub in subs)
    rtl = tmp_path / "rtl"
    shutil.copytree(full_run, rtl)
    path = rtl / NB4
    path.write_text(path.read_text(encoding="utf-8").replace("Asha Verma", "Meera \u202eayreV ahsA"), encoding="utf-8")
    shown = grade_folder(rtl)[NB4].student_name
    assert shown == "Meera ayreV ahsA"  # as stored, with nothing that reverses it on screen


def test_an_own_cell_that_printed_a_long_list_is_read(hand_in):
    """A student's own cell after the lesson printed a 1.5 MB list: its commas are printed text, not JSON values, so
    the notebook is read and graded (adversarial trial, issue 35); a notebook of that many real values is not."""
    notebook = load(hand_in / "05_test_evaluation_and_confusion_matrix.ipynb")
    printed = str(list(range(300_000)))
    notebook["cells"].append({"cell_type": "code", "execution_count": None, "id": "own-1", "metadata": {},
                              "outputs": [], "source": ["print(list(range(300_000)))"]})
    last = max(cell.get("execution_count") or 0 for cell in notebook["cells"])
    notebook["cells"][-1].update(execution_count=last + 1, outputs=[
        {"name": "stdout", "output_type": "stream", "text": [printed + "\n"]}])
    save(notebook, hand_in / "05_test_evaluation_and_confusion_matrix.ipynb")
    sub = grade_folder(hand_in)["05_test_evaluation_and_confusion_matrix.ipynb"]
    assert sub.status == "PASS", reasons(sub)
