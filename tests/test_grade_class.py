"""A gradebook a teacher can trust: copied runs caught, consistent forgeries caught, no student missing.

Built from three real full-profile hand-ins (tests/fixtures): Asha Verma's, and Rahul Mehta's and Meera Iyer's, two
independent runs made one after the other on one machine with the lab's seed (their accuracies and losses repeat;
their timings do not). Every copy and forgery below is made the way a student would make it, from these files.
"""

import csv
import json
import re
import shutil
import subprocess
import sys
import uuid
import zipfile
from io import BytesIO

import pytest
from handins import (FIXTURES, FIXTURE_LESSONS, LESSON_ARGS, THIRD_RUN_ARCHIVE, another_run, build_class, give_own_answers,
                     runner_ids, unpack_full_run)
from test_grade import (NB4, NB5, full_run, grade_folder, hand_in, load, reasons, save, second_run,  # noqa: F401
                        tamper)

from labutils.course import grade
from labutils.course.grade.runs import PUBLISHED_RUNS, PUBLISHED_VARIABLE, SAME_CELL_TIMES, SAME_EPOCHS, VALIDATION_BAND
from published_runs import fixture_blobs, runs_in
from labutils.course.manifest import cell_source

NB6 = "06_viva_voce.ipynb"
PRACTICAL = tuple(runner_ids())
RUN_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture(scope="session")
def third_run(tmp_path_factory):
    return unpack_full_run(tmp_path_factory.mktemp("third-run"), THIRD_RUN_ARCHIVE)


def copy_folder(source, target):
    shutil.copytree(source, target)
    return target


def graded_by_student(*paths, **settings):
    """{(roll no, notebook number): submission} for everything graded under ``paths``."""
    subs = grade.grade_paths(list(paths), grade.Settings(**{"lessons": FIXTURE_LESSONS, **settings}))
    return {(sub.roll_no, sub.notebook.rsplit("/", 1)[-1][:2]): sub for sub in subs if sub.notebook}


def retype_identity(folder, name, roll, old_name="Asha Verma", old_roll="CS21-017"):
    """The student's name and roll number typed over another's, everywhere they appear (source and output)."""
    for path in folder.glob("*.ipynb"):
        path.write_text(path.read_text(encoding="utf-8").replace(old_name, name).replace(old_roll, roll),
                        encoding="utf-8")


def edit_outputs(notebook, edit):
    """Apply ``edit`` to every printed text of every code cell (streams and plain-text results)."""
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            if "text" in output:
                output["text"] = edit("".join(output["text"]) if isinstance(output["text"], list) else output["text"])
            elif "text/plain" in output.get("data", {}):
                value = output["data"]["text/plain"]
                output["data"]["text/plain"] = edit("".join(value) if isinstance(value, list) else value)


def record(notebook):
    return json.loads(re.search(r"labutils run record: (\{.*\})", "".join(
        "".join(o.get("text", "")) for c in notebook["cells"] for o in c.get("outputs", []))).group(1))


# ---------------------------------------------------------------- 1. copied runs


def test_two_real_independent_runs_are_never_a_copy(full_run, second_run, third_run, tmp_path):
    """Three students' real runs; two of them on one machine, one after the other, with the same seed: every
    accuracy and loss of notebook 4 repeats, yet no run is taken for another's."""
    for source, name in ((full_run, "asha"), (second_run, "rahul"), (third_run, "meera")):
        copy_folder(source, tmp_path / name)
    nb4 = {name: load(tmp_path / name / NB4) for name in ("rahul", "meera")}
    keras_figures = {name: re.findall(r"accuracy: [0-9.]+ - loss: [0-9.]+ - val_accuracy: [0-9.]+ - val_loss: [0-9.]+",
                                      json.dumps(notebook)) for name, notebook in nb4.items()}
    assert keras_figures["rahul"] == keras_figures["meera"] and len(keras_figures["rahul"]) == 5  # seeded: repeats
    graded = grade.grade_paths([tmp_path], grade.Settings(lessons=FIXTURE_LESSONS, required=PRACTICAL))
    assert len(graded) == 18 and all(sub.status == "PASS" for sub in graded), {reasons(s) for s in graded}
    assert all(sub.copy_group is None for sub in graded)


@pytest.mark.parametrize("placed_as", ["extra.ipynb", NB5])
def test_a_classmates_notebook_dropped_into_ones_own_folder_changes_only_ones_own_grade(full_run, second_run,
                                                                                          tmp_path, placed_as):
    """Rahul puts a copy of Asha's notebook 5, still naming her, with its test accuracy raised, into his folder (as
    an extra file, or as his own notebook 5): the file fails as his (I304), and Asha's own notebooks all pass. Before,
    the copy counted as hers, and her own notebook 5 failed as handed in twice (the second adversarial trial)."""
    asha = copy_folder(full_run, tmp_path / "class" / "CS21-017_Asha_Verma")
    rahul = copy_folder(second_run, tmp_path / "class" / "Rahul Mehta_4242_assignsubmission_file_")
    forged = (asha / NB5).read_text(encoding="utf-8").replace("Test accuracy: 0.", "Test accuracy: 0.9")
    (rahul / NB5).unlink() if placed_as == NB5 else None
    (rahul / placed_as).write_text(forged, encoding="utf-8")
    graded = grade.grade_paths([tmp_path / "class"], grade.Settings(lessons=FIXTURE_LESSONS, required=PRACTICAL))
    mine = [sub for sub in graded if sub.roll_no == "CS21-017"]
    assert len(mine) == 6 and all(sub.status == "PASS" for sub in mine), {sub.path: reasons(sub) for sub in mine}
    stray = next(sub for sub in graded if sub.path.endswith(f"Rahul Mehta_4242_assignsubmission_file_/{placed_as}"))
    assert stray.status == "FAIL" and stray.roll_no == "CS21-042" and "I304" in stray.codes
    assert "names Asha Verma (CS21-017), but lies in Rahul Mehta's folder" in reasons(stray)
    assert "counts as nobody's hand-in (neither Rahul Mehta's nor Asha Verma's)" in reasons(stray)


def test_a_class_folder_whose_name_holds_a_roll_number_is_no_ones_folder(full_run, tmp_path):
    """Three students in one flat folder named "CS 2026-27", roll numbers 26, 27 and 28: the folder's name holds
    27, but student 27 holds only a third of its notebooks, so no one is failed as a stray (the teacher's read)."""
    folder = tmp_path / "CS 2026-27"
    folder.mkdir()
    for number in (26, 27, 28):
        for path in sorted(full_run.glob("*.ipynb")):
            text = another_run(path.read_text(encoding="utf-8"), number)
            text = text.replace("CS21-017", str(number)).replace("Asha Verma", f"Student {number}")
            (folder / f"{number}_{path.name}").write_text(text, encoding="utf-8")
        give_own_answers(folder / f"{number}_{NB6}", number)
    graded = grade.grade_paths([folder], grade.Settings(lessons=FIXTURE_LESSONS, required=PRACTICAL))
    assert len(graded) == 18 and all(sub.status == "PASS" for sub in graded), {sub.path: reasons(sub) for sub in graded}


def test_an_unchanged_copy_in_a_classmates_folder_is_the_repeat_not_the_owners_file(full_run, second_run, tmp_path):
    """Rahul's notebook 5, byte for byte, also lies in Asha's folder under a shorter name: Rahul's own file is graded
    (his 6 pass), the copy is the repeat (F117); before, the shorter path won, and Rahul's notebook 5 went MISSING."""
    asha = copy_folder(full_run, tmp_path / "class" / "CS21-017 Asha Verma")
    rahul = copy_folder(second_run, tmp_path / "class" / "Rahul Mehta_4242_assignsubmission_file_")
    shutil.copy(rahul / NB5, asha / "x.ipynb")
    graded = grade.grade_paths([tmp_path / "class"], grade.Settings(lessons=FIXTURE_LESSONS, required=PRACTICAL))
    his = [sub for sub in graded if sub.roll_no == "CS21-042" and sub.status != "NOT GRADED"]
    assert len(his) == 6 and all(sub.status == "PASS" for sub in his), {sub.path: (sub.status, reasons(sub)) for sub in his}
    repeat = next(sub for sub in graded if sub.path.endswith("/x.ipynb"))
    assert repeat.status == "NOT GRADED" and "F117" in repeat.codes


def test_a_classmates_notebook_in_a_subfolder_of_ones_own_folder_is_still_ones_own(full_run, second_run, tmp_path):
    """The same stray one folder down ("lab/"): the folder above is Rahul's, so it fails as his, and Asha passes."""
    asha = copy_folder(full_run, tmp_path / "class" / "CS21-017_Asha_Verma")
    rahul = copy_folder(second_run, tmp_path / "class" / "CS21-042_Rahul_Mehta")
    (rahul / "lab").mkdir()
    (rahul / "lab" / "extra.ipynb").write_text((asha / NB5).read_text(encoding="utf-8").replace(
        "Test accuracy: 0.", "Test accuracy: 0.9"), encoding="utf-8")
    graded = grade.grade_paths([tmp_path / "class"], grade.Settings(lessons=FIXTURE_LESSONS, required=PRACTICAL))
    assert all(sub.status == "PASS" for sub in graded if sub.roll_no == "CS21-017")
    stray = next(sub for sub in graded if sub.path.endswith("extra.ipynb"))
    assert stray.status == "FAIL" and stray.roll_no == "CS21-042" and "counts as nobody's hand-in" in reasons(stray)


@pytest.mark.parametrize("folders, planted", [(("CS21-017_Asha_Verma", "CS21-042_Rahul_Mehta"), 6),
                                              (("upload-1", "upload-2"), 1)])
def test_a_classmates_whole_hand_in_planted_beside_ones_own_counts_for_nobody(full_run, second_run, tmp_path, folders,
                                                                               planted):
    """Rahul's folder holds his six notebooks and a copy of each of Asha's, each with a cell added (so no byte-for-byte
    repeat), as many as his own (the third trial): the copies fail as his, Asha's own six pass. So does one copy in
    a folder named after nobody, where Rahul holds most of the notebooks. (Six copies in unnamed folders, as many as
    his own, leave nothing to tell whose folder it is.)"""
    asha = copy_folder(full_run, tmp_path / "class" / folders[0])
    rahul = copy_folder(second_run, tmp_path / "class" / folders[1])
    for number, path in enumerate(sorted(asha.glob("*.ipynb"))[:planted], 1):
        notebook = load(path)
        notebook["cells"].append({"cell_type": "markdown", "id": "zz", "metadata": {}, "source": " "})
        save(notebook, rahul / f"asha_{number}.ipynb")
    graded = grade.grade_paths([tmp_path / "class"], grade.Settings(lessons=FIXTURE_LESSONS, required=PRACTICAL))
    hers = [sub for sub in graded if sub.roll_no == "CS21-017"]
    assert len(hers) == 6 and all(sub.status == "PASS" for sub in hers), {sub.path: reasons(sub) for sub in hers}
    copies = [sub for sub in graded if "/asha_" in sub.path]
    assert len(copies) == planted and all(sub.status == "FAIL" and sub.roll_no == "CS21-042" and "I304" in sub.codes
                                          for sub in copies), {sub.path: reasons(sub) for sub in copies}


def test_no_two_real_runs_the_lab_has_kept_share_a_fingerprint(tmp_path):
    """The false-flag check of the copy keys, on every real run the lab has kept (each fixture zip, now and in git
    history): notebooks of different runs (another run_id, and their hand-in's notebook 4 another run_id) share no
    cell-time or epoch key; the same run zipped again (answers rewritten) shares them all, as it should."""
    notebooks = []  # (the hand-in's notebook 4 run_id, the notebook id, its fingerprint keys, its own run_id)
    for number, data in enumerate(fixture_blobs().values()):
        folder = tmp_path / f"blob{number}"
        with zipfile.ZipFile(BytesIO(data)) as archive:
            archive.extractall(folder)
        subs = [sub for sub in grade.grade_paths([folder], grade.Settings(lessons=(grade.ANY_LESSON,))) if sub.notebook]
        run = next((sub.run_id for sub in subs if sub.notebook.endswith("04_training_with_validation_split")), f"blob{number}")
        notebooks += [(run, sub.notebook, {log for log in sub.run_logs if log.startswith((SAME_CELL_TIMES, SAME_EPOCHS))},
                       sub.run_id) for sub in subs]
    runs = {run for run, _, _, _ in notebooks}
    pairs = shared = 0
    for index, (run, notebook, keys, own) in enumerate(notebooks):
        for other_run, other_notebook, other_keys, other_own in notebooks[index + 1:]:
            if notebook == other_notebook and run != other_run and own != other_own:
                pairs += 1
                shared += bool(keys & other_keys)
    assert len(runs) >= 5 and pairs >= 50 and shared == 0, (len(runs), pairs, shared)
    assert all(keys for _, notebook, keys, _ in notebooks if not notebook.endswith("06_viva_voce")), "cell times unread"


def test_a_classmates_whole_hand_in_with_every_id_new_and_one_timing_changed_is_a_copy(second_run, tmp_path):
    """The issue's copy: every run id replaced by a fresh one of the lab's form, one digit of one epoch time changed.
    The cells' saved finishing times tie all six notebooks; moved to another day by a replace-all, their durations
    still do; stripped as well, with a second epoch retimed, notebook 4's three other epochs still do."""
    for strip_times in (False, "moved", True):
        folder = tmp_path / f"class-{strip_times}"
        copy_folder(second_run, folder / "rahul")
        kiran = copy_folder(second_run, folder / "kiran")
        retype_identity(kiran, "Kiran Rao", "CS21-061", "Rahul Mehta", "CS21-042")
        renamed = {}
        for path in kiran.glob("*.ipynb"):
            text = RUN_ID.sub(lambda m: renamed.setdefault(m.group(0), uuid.uuid4().hex), path.read_text(encoding="utf-8"))
            if path.name == NB4:  # the epoch timer's first line, "epoch 1:   53.0 s  (169 ms per step)": 53.0 -> 53.1
                text = re.sub(r"(epoch 1: +[0-9]+\.)([0-9])", lambda m: f"{m.group(1)}{(int(m.group(2)) + 1) % 10}", text, 1)
                if strip_times is True:  # and a second epoch retimed (the second trial: three of five epochs suffice)
                    text = re.sub(r"(epoch 3: +[0-9]+\.)([0-9])", lambda m: f"{m.group(1)}{(int(m.group(2)) + 1) % 10}",
                                  text, 1)
            if strip_times == "moved":
                text = text.replace('"2026-12-02T', '"2026-12-05T')
            notebook = json.loads(text)
            if strip_times is True:
                for cell in notebook["cells"]:
                    cell.get("metadata", {}).pop("execution", None)
            save(notebook, path)
        graded = graded_by_student(folder)
        caught = [number for number in ("01", "02", "03", "04", "05", "06") if "copied run" in reasons(graded[("CS21-061", number)])]
        assert caught == (["04", "05", "06"] if strip_times is True else ["01", "02", "03", "04", "05", "06"]), caught
        if strip_times is True:
            assert SAME_EPOCHS in reasons(graded[("CS21-061", "04")])


@pytest.mark.parametrize("edit", ["name and roll only", "run ids in the run records", "every run id and time"])
def test_a_copied_hand_in_is_caught_whatever_identifiers_were_edited(full_run, tmp_path, edit):
    copy_folder(full_run, tmp_path / "asha")
    ravi = copy_folder(full_run, tmp_path / "ravi")
    retype_identity(ravi, "Ravi Kumar", "CS21-040")
    renamed = {}

    def new_id(old):
        return renamed.setdefault(old, f"{len(renamed) + 1:032x}")

    for path in ravi.glob("*.ipynb"):
        notebook = load(path)
        if edit == "run ids in the run records":
            edit_outputs(notebook, lambda text: re.sub(r'("run_id": ")([0-9a-f]{32})',
                                                       lambda m: m.group(1) + new_id(m.group(2)), text))
        elif edit == "every run id and time":  # consistently: notebooks 5 and 6 name his "own" notebook 4
            edit_outputs(notebook, lambda text: re.sub(r'"time": "2026-12-02T15', '"time": "2026-12-03T09',
                                                       RUN_ID.sub(lambda m: new_id(m.group(0)), text)))
        save(notebook, path)
    graded = graded_by_student(tmp_path)
    for roll, other in (("CS21-017", "Ravi Kumar (CS21-040)"), ("CS21-040", "Asha Verma (CS21-017)")):
        sub = graded[(roll, "04")]
        assert sub.status == "FAIL" and f"copied run: notebook 04 is the same run as that of {other}" in reasons(sub)
        assert "the same epoch times (Keras' and the epoch timer's)" in reasons(sub) and sub.copy_group_size == 2
        assert "the grader does not say who copied" in reasons(sub)
    if edit != "every run id and time":  # notebooks 5 and 6 still name her training run, or are hers with ids
        assert all(graded[(roll, number)].copy_group == graded[("CS21-017", "04")].copy_group
                   for roll in ("CS21-017", "CS21-040") for number in ("05", "06"))
    if edit == "name and roll only":
        assert all("the same run_id" in reasons(graded[(roll, number)]) for roll in ("CS21-017", "CS21-040")
                   for number in ("01", "02", "03"))


def test_a_copy_under_the_same_name_with_another_roll_number_is_a_copy(full_run, tmp_path):
    copy_folder(full_run, tmp_path / "asha")
    retype_identity(copy_folder(full_run, tmp_path / "copy"), "Asha Verma", "CS21-041")
    graded = graded_by_student(tmp_path)
    assert all("copied run" in reasons(graded[(roll, "04")]) for roll in ("CS21-017", "CS21-041"))


def test_notebooks_5_and_6_copied_onto_a_run_of_ones_own(full_run, second_run, tmp_path):
    """Rahul runs notebooks 1 to 4 himself, then hands in Asha's notebooks 5 and 6 with his name typed in and their
    own run ids changed: they still report on the training run of her notebook 4, and their cells finished at the
    same moments as hers (so hers are in the copy group too: the grader does not say who copied)."""
    copy_folder(full_run, tmp_path / "asha")
    rahul = copy_folder(second_run, tmp_path / "rahul")
    for name in (NB5, NB6):
        shutil.copy(full_run / name, rahul / name)
        tamper(rahul, name, lambda nb: edit_outputs(nb, lambda text: re.sub(
            r'("run_id": ")[0-9a-f]{32}', r"\g<1>" + "ab" * 16, text)))
    retype_identity(rahul, "Rahul Mehta", "CS21-042")
    graded = graded_by_student(tmp_path)
    for number in ("05", "06"):
        found = reasons(graded[("CS21-042", number)])
        assert "copied run" in found and "it reports on the training run of Asha Verma (CS21-017)'s notebook 04" in found
        assert "cells that finished at the same moments" in found
        assert "copied run: notebook %s is the same run as that of Rahul Mehta (CS21-042)" % number in reasons(
            graded[("CS21-017", number)])
    assert graded[("CS21-017", "04")].status == "PASS"  # her notebook 4 is hers; a note names who reports on it
    assert "notebooks of Rahul Mehta (CS21-042)" in " ".join(graded[("CS21-017", "04")].notes)
    assert all(graded[("CS21-042", number)].status == "PASS" for number in ("01", "02", "03", "04"))


def test_notebooks_reporting_on_a_copied_notebook_4_are_copies_too(full_run, tmp_path):
    """Every run id replaced consistently: notebook 4 is caught by its timed log, and notebooks 5 and 6, which report
    on that run, with it."""
    copy_folder(full_run, tmp_path / "asha")
    ravi = copy_folder(full_run, tmp_path / "ravi")
    retype_identity(ravi, "Ravi Kumar", "CS21-040")
    renamed = {}
    for path in ravi.glob("*.ipynb"):
        tamper(ravi, path.name, lambda nb: edit_outputs(nb, lambda text: RUN_ID.sub(
            lambda m: renamed.setdefault(m.group(0), f"{len(renamed) + 1:032x}"), text)))
    graded = graded_by_student(tmp_path)
    for roll in ("CS21-017", "CS21-040"):
        assert "the same epoch times" in reasons(graded[(roll, "04")])
        for number in ("05", "06"):
            assert "it reports on notebook 04's training run, a copied run" in reasons(graded[(roll, number)])


def test_a_notebook_5_reporting_on_a_run_nobody_handed_in_fails(second_run, tmp_path):
    rahul = copy_folder(second_run, tmp_path / "rahul")
    trained = record(load(rahul / NB4))["run_id"]
    tamper(rahul, NB5, lambda nb: edit_outputs(nb, lambda text: text.replace(f"training run {trained}",
                                                                               "training run " + "cd" * 16)))
    sub = grade_folder(rahul)[NB5]
    assert sub.status == "FAIL" and "notebook 05 reports on training run cdcd" in reasons(sub)
    assert f"the notebook 04 handed in is training run {trained}" in reasons(sub) and "copied" not in reasons(sub)


def stream_outputs(notebook, marker):
    return next(cell for cell in notebook["cells"] if cell["cell_type"] == "code" and marker in cell_source(cell))["outputs"]


def trained_in_notebook_5(folder):
    """Notebook 5 as on Colab without Drive: it found no model, trained it itself (printing the training log, as
    notebook 4's training cell does) and saved it as its own run. Built from the student's notebooks 4 and 5."""
    nb4, nb5 = load(folder / NB4), load(folder / NB5)
    trained, own = record(nb4)["run_id"], record(nb5)["run_id"]
    log = [output for output in stream_outputs(nb4, "model.fit(") if output.get("output_type") == "stream"]
    loading = stream_outputs(nb5, "trained_model_or_train(")
    for output in loading:
        if "text" in output:
            text = "".join(output["text"]) if isinstance(output["text"], list) else output["text"]
            output["text"] = text.replace(f"Loaded the model trained in notebook 4 (training run {trained})",
                                          f"Saved the trained model (training run {own})")
    loading[:0] = log
    edit_outputs(nb5, lambda text: text.replace(trained, own))
    save(nb5, folder / NB5)


def test_a_notebook_that_trained_its_own_model_is_its_own_run(second_run, tmp_path):
    rahul = copy_folder(second_run, tmp_path / "rahul")
    trained_in_notebook_5(rahul)
    assert grade_folder(rahul)[NB5].status == "PASS", reasons(grade_folder(rahul)[NB5])


def test_a_notebook_claiming_to_have_trained_shows_its_training_log(second_run, tmp_path):
    """Relabelling the training run as notebook 5's own (as if on Colab) switches no check off."""
    rahul = copy_folder(second_run, tmp_path / "rahul")
    trained, own = record(load(rahul / NB4))["run_id"], record(load(rahul / NB5))["run_id"]
    tamper(rahul, NB5, lambda nb: edit_outputs(nb, lambda text: text.replace(trained, own)))
    assert "names itself as the run that trained its model, but shows no training log" in reasons(grade_folder(rahul)[NB5])


def test_invisible_edits_to_the_timings_change_nothing(full_run, tmp_path):
    """Only the timings' numbers are compared: spacing, a no-break or zero-width space, a carriage return, or the
    figures beside them do not matter; a log cleared or made unreadable fails on its own."""
    copy_folder(full_run, tmp_path / "asha")
    ravi = copy_folder(full_run, tmp_path / "ravi")
    cleared = copy_folder(full_run, tmp_path / "cleared")
    retype_identity(ravi, "Ravi Kumar", "CS21-040")
    retype_identity(cleared, "Kiran Rao", "CS21-041")

    def disguise(text):
        return RUN_ID.sub("12" * 16, text).replace("313/313 - 142s", "\r313/313\u00a0-  1\u200b42s").replace(
            "epoch 2:  107.3 s", "epoch 2:\u00a0 107.3\u200b s")

    for path in ravi.glob("*.ipynb"):
        tamper(ravi, path.name, lambda nb: edit_outputs(nb, disguise))
    tamper(cleared, NB4, lambda nb: edit_outputs(nb, lambda text: re.sub(r"epoch \d: +[0-9.]+ s .*\n", "", text)))
    graded = graded_by_student(tmp_path / "asha", ravi)
    assert "copied run" in reasons(graded[("CS21-040", "04")]) and "the same epoch times" in reasons(graded[("CS21-040", "04")])
    assert "5 of Keras' 5 epoch lines and 0 of the epoch timer's can be read" in reasons(grade_folder(cleared)[NB4])


def test_two_honest_runs_whose_notebook_5_started_in_the_same_second(second_run, third_run, tmp_path):
    rahul = copy_folder(second_run, tmp_path / "rahul")
    meera = copy_folder(third_run, tmp_path / "meera")
    started = record(load(rahul / NB5))["time"]
    tamper(meera, NB5, lambda nb: edit_outputs(nb, lambda text: re.sub(
        r'"time": "[^"]+"', f'"time": "{started}"', text).replace("98/98 - 12s - 126ms/step", "98/98 - 13s - 135ms/step")))
    graded = grade.grade_paths([tmp_path], grade.Settings(lessons=FIXTURE_LESSONS))
    assert all(sub.status == "PASS" for sub in graded), {reasons(s) for s in graded}


def test_a_training_run_must_be_one_that_trained(second_run, tmp_path):
    """Pointing notebook 5 at notebook 1's run_id (which trained nothing) does not switch the checks off."""
    rahul = copy_folder(second_run, tmp_path / "rahul")
    trained, first = record(load(rahul / NB4))["run_id"], record(load(rahul / "01_lstm_theory_and_gates.ipynb"))["run_id"]
    tamper(rahul, NB5, lambda nb: edit_outputs(nb, lambda text: text.replace(f"training run {trained}", f"training run {first}")))
    assert "no notebook handed in trained that model" in reasons(grade_folder(rahul)[NB5])


def test_lab_partners_sharing_a_checkout_fail_only_the_borrowed_notebook(second_run, third_run, tmp_path):
    """Rahul's notebook 5 evaluated the model Meera's notebook 4 saved in their shared folder: his notebook 5 is
    not his run; her notebooks are hers (a note on her notebook 4 says whose notebook reports on it)."""
    rahul = copy_folder(second_run, tmp_path / "rahul")
    copy_folder(third_run, tmp_path / "meera")
    his, hers = record(load(rahul / NB4))["run_id"], record(load(tmp_path / "meera" / NB4))["run_id"]
    tamper(rahul, NB5, lambda nb: edit_outputs(nb, lambda text: text.replace(his, hers)))
    graded = graded_by_student(tmp_path)
    assert "it reports on the training run of Meera Iyer (CS21-055)'s notebook 04" in reasons(graded[("CS21-042", "05")])
    assert all(graded[("CS21-055", number)].status == "PASS" for number in ("01", "02", "03", "04", "05", "06"))
    assert "Rahul Mehta (CS21-042)" in " ".join(graded[("CS21-055", "04")].notes)


def test_notebook_6_may_report_on_the_model_notebook_5_trained(second_run, tmp_path):
    rahul = copy_folder(second_run, tmp_path / "rahul")
    trained_in_notebook_5(rahul)
    trained, own = record(load(rahul / NB4))["run_id"], record(load(rahul / NB5))["run_id"]
    tamper(rahul, NB6, lambda nb: edit_outputs(nb, lambda text: text.replace(trained, own)))
    graded = grade_folder(rahul)
    assert graded[NB6].status == "PASS", reasons(graded[NB6])


def test_a_class_of_one_copied_run_reports_each_group_once(full_run, tmp_path):
    """Copies are reported as one group: each reason names three others and counts the rest, so what is written per
    student does not grow with the class."""
    sizes = {}
    for students in (8, 40):
        folder = tmp_path / f"class{students}"
        build_class(full_run, folder, students, own_runs=False)
        assert grade.main([*LESSON_ARGS, str(folder), "--quiet", "--csv", str(tmp_path / f"{students}.csv")]) == 1
        rows = list(csv.DictReader((tmp_path / f"{students}.csv").open(encoding="utf-8")))
        copied = [row for row in rows if "copied run" in row["reasons"]]
        assert len(copied) == 6 * students and {row["copy_group"] for row in copied} == {"1"}
        assert {row["copy_group_size"] for row in copied} == {str(students)}
        assert all(f"and {students - 4} more" in row["reasons"] for row in copied)
        sizes[students] = (tmp_path / f"{students}.csv").stat().st_size / students
    assert sizes[40] < 1.2 * sizes[8]


def test_the_labs_own_published_runs_are_not_a_students(full_run, tmp_path, monkeypatch):
    """The test hand-ins ship with the lab: handed in with the name typed over, or with every run id edited too."""
    monkeypatch.setenv(PUBLISHED_VARIABLE, str(PUBLISHED_RUNS))
    whole = copy_folder(full_run, tmp_path / "karan")
    retype_identity(whole, "Karan Shah", "CS21-050")
    edited = copy_folder(whole, tmp_path / "edited")
    retype_identity(edited, "Karan Shah", "CS21-051", old_name="Karan Shah", old_roll="CS21-050")
    for path in edited.glob("*.ipynb"):
        tamper(edited, path.name, lambda nb: edit_outputs(nb, lambda text: RUN_ID.sub("ef" * 16, text)))
    for folder, caught in ((whole, ("01", "04", "05", "06")), (edited, ("04", "05", "06"))):
        graded = grade_folder(folder)
        for number in caught:
            sub = next(sub for name, sub in graded.items() if name.startswith(number))
            assert "a run published with the lab" in reasons(sub), (folder.name, number)


def test_the_published_list_holds_every_fixture_run(tmp_path):
    """tests/published_runs.py rewrites the list; it must be run after a fixture is added or regenerated."""
    listed = json.loads(PUBLISHED_RUNS.read_text(encoding="utf-8"))
    for archive in sorted(FIXTURES.glob("*.zip")):
        run_ids, timings = runs_in(unpack_full_run(tmp_path / archive.stem, archive))
        assert run_ids <= set(listed["run_ids"]) and timings <= set(listed["timings"]), (
            f"{archive.name} is not in {PUBLISHED_RUNS.name}: run python tests/published_runs.py")


# ---------------------------------------------------------------- 2. consistent forgeries


def raise_accuracy(folder, old="0.8517", new="0.8717", matrix=True, keep_rows=True):
    """Asha's test accuracy raised everywhere a careful forger looks in notebook 5: Keras' evaluate line, the
    printed accuracy, predict's line and (``matrix``) the confusion matrix's counts."""
    def edit(text):
        text = text.replace(f"accuracy: {old}", f"accuracy: {new}").replace(
            "Test accuracy: 0.8517199754714966", f"Test accuracy: {new}1234")
        text = text.replace(f"from predict: {old}   from evaluate: {old}", f"from predict: {new}   from evaluate: {new}")
        if matrix:  # 250 more right answers on each side
            moved = 250 if keep_rows else 0
            text = text.replace("TN 10,542  FP 1,958  FN 1,749  TP 10,751",
                                f"TN {10_542 + 250:,}  FP {1_958 - moved:,}  FN {1_749 - moved:,}  TP {10_751 + 250:,}")
        return text

    tamper(folder, NB5, lambda nb: edit_outputs(nb, edit))


def test_a_raised_accuracy_is_caught_by_the_figures_the_forger_left(hand_in):
    raise_accuracy(hand_in)
    graded = grade_folder(hand_in)
    found = reasons(graded[NB5])
    assert "figures that disagree with the confusion matrix printed beside them: precision 0.8459 (the matrix " \
           "gives 0.8656); recall 0.8601" in found and "and 13 more (output edited?)" in found  # 13 in the report
    assert "confusion matrix and the printed test accuracy disagree" not in found
    assert "notebook 06 quotes figures of the same model that notebook 05 printed otherwise: test_accuracy 0.8517 " \
           "(notebook 05: 0.8717)" in reasons(graded[NB6])


def test_a_confusion_matrix_whose_rows_are_not_the_test_sets_halves_fails(hand_in):
    raise_accuracy(hand_in, keep_rows=False)
    assert "the confusion matrix's rows hold 12,750 negative and 12,750 positive reviews; IMDb's test set has " \
           "12,500 of each" in reasons(grade_folder(hand_in)[NB5])


def test_a_fully_consistent_forgery_still_fails_against_the_validation_accuracy(hand_in):
    """0.94 everywhere in notebooks 5 and 6, every figure recomputed: only the run's own validation accuracy after
    its last epoch (0.8552) is left to contradict it."""
    tn, fp, fn, tp = 11_750, 750, 750, 11_750
    precision = recall = f1 = 0.94

    def edit5(text):
        text = re.sub(r"accuracy: 0\.8517", "accuracy: 0.9400", text).replace(
            "Test accuracy: 0.8517199754714966", "Test accuracy: 0.94")
        text = text.replace("from predict: 0.8517   from evaluate: 0.8517", "from predict: 0.9400   from evaluate: 0.9400")
        text = text.replace("TN 10,542  FP 1,958  FN 1,749  TP 10,751", f"TN {tn:,}  FP {fp:,}  FN {fn:,}  TP {tp:,}")
        text = re.sub(r"precision 0\.8459   recall 0\.8601   F1 0\.8529",
                      f"precision {precision:.4f}   recall {recall:.4f}   F1 {f1:.4f}", text)
        text = re.sub(r"(negative|positive|macro avg|weighted avg)( +)0\.\d{4} +0\.\d{4} +0\.\d{4}",
                      lambda m: f"{m.group(1)}{m.group(2)}0.9400    0.9400    0.9400", text)
        return re.sub(r"(accuracy +)0\.8517", r"\g<1>0.9400", text)

    def edit6(text):
        return (text.replace("test accuracy 0.8517", "test accuracy 0.9400").replace("test_accuracy  0.8517", "test_accuracy  0.9400")
                .replace("precision      0.8459", "precision      0.9400").replace("recall         0.8601", "recall         0.9400")
                .replace("f1             0.8529", "f1             0.9400"))

    tamper(hand_in, NB5, lambda nb: edit_outputs(nb, edit5))
    tamper(hand_in, NB6, lambda nb: edit_outputs(nb, edit6))
    graded = grade_folder(hand_in)
    for name in (NB5, NB6):
        found = reasons(graded[name])
        assert "test accuracy 0.9400 is 0.0848 above the validation accuracy after the last epoch (0.8552" in found
        assert f"in real runs the two lie within {VALIDATION_BAND}" in found
        assert "disagree with the confusion matrix" not in found and "quotes figures" not in found


def test_notebook_4s_table_must_say_what_keras_printed(hand_in):
    tamper(hand_in, NB4, lambda nb: edit_outputs(nb, lambda text: text.replace(
        "epoch 5: training accuracy 0.9235   validation accuracy 0.8552", "epoch 5: training accuracy 0.9235   validation accuracy 0.8852")))
    assert "notebook 4's table says epoch 5 reached training accuracy 0.9235 and validation accuracy 0.8852" in reasons(
        grade_folder(hand_in)[NB4])


def test_predicts_own_accuracy_and_the_matrix_lines_must_be_there_and_agree(hand_in, tmp_path):
    other = copy_folder(hand_in, tmp_path / "other")
    tamper(hand_in, NB5, lambda nb: edit_outputs(nb, lambda text: text.replace("from predict: 0.8517", "from predict: 0.8480")))
    assert "the printed test accuracies disagree with each other" in reasons(grade_folder(hand_in)[NB5])
    tamper(other, NB5, lambda nb: edit_outputs(nb, lambda text: re.sub(r"accuracy from predict:.*\n", "", text)))
    assert "predict's accuracy line is missing" in reasons(grade_folder(other)[NB5])


def test_notebook_4s_table_must_have_a_row_per_epoch(hand_in):
    tamper(hand_in, NB4, lambda nb: edit_outputs(nb, lambda text: re.sub(r"epoch 5: training accuracy .*\n", "", text)))
    assert "notebook 4's table of epochs shows 4 readable row(s) for Keras' 5 epochs" in reasons(grade_folder(hand_in)[NB4])


def test_notebook_6s_epochs_must_be_notebook_4s(hand_in):
    tamper(hand_in, NB6, lambda nb: edit_outputs(nb, lambda text: text.replace(
        "validation accuracy 0.8552 (gap +0.0683)", "validation accuracy 0.8752 (gap +0.0483)")))
    assert "notebook 06's table of epochs differs from the training log of the same run" in reasons(grade_folder(hand_in)[NB6])


# ---------------------------------------------------------------- 3. no student missing, no false alarm


def zip_folder(folder, target, prefix=""):
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.glob("*.ipynb")):
            archive.write(path, prefix + path.name)
    return target


def test_a_zip_of_the_notebooks_is_graded_in_memory(full_run, tmp_path):
    class_folder = tmp_path / "class"
    (class_folder / "asha").mkdir(parents=True)
    zip_folder(full_run, class_folder / "asha" / "hand-in.zip", prefix="lab/")
    graded = grade.grade_paths([class_folder], grade.Settings(lessons=FIXTURE_LESSONS, required=PRACTICAL))
    assert len(graded) == 6 and all(sub.status == "PASS" for sub in graded), {reasons(s) for s in graded}
    assert graded[0].path == f"{class_folder / 'asha' / 'hand-in.zip'}!/lab/01_lstm_theory_and_gates.ipynb"
    assert sorted(p.name for p in (class_folder / "asha").iterdir()) == ["hand-in.zip"]  # nothing extracted
    assert grade.main([*LESSON_ARGS, str(class_folder / "asha" / "hand-in.zip"), "--quiet"]) == 0  # a zip named directly


def test_hostile_zips_cost_nothing_and_say_why(full_run, tmp_path):
    folder = tmp_path / "mallory"
    folder.mkdir()
    with zipfile.ZipFile(folder / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("05_test.ipynb", b" " * (20 * 2**20))  # packs about a thousand times
        archive.writestr("../../escape.ipynb", (full_run / NB5).read_bytes())  # a name that points outside
        archive.writestr("inner.zip", b"PK\x05\x06" + bytes(18))
    with zipfile.ZipFile(folder / "many.zip", "w") as archive:
        for number in range(2_100):
            archive.writestr(f"f{number}.txt", b"")
    (folder / "broken.zip").write_bytes(b"PK\x03\x04 not really")
    graded = {sub.path.rsplit("/", 1)[-1]: sub for sub in grade.grade_paths([folder], grade.Settings(lessons=FIXTURE_LESSONS))}
    assert "packed" in reasons(graded["05_test.ipynb"]) and "far more than a notebook packs" in reasons(graded["05_test.ipynb"])
    assert graded["escape.ipynb"].status == "PASS" and not (tmp_path / "escape.ipynb").exists()
    assert graded["inner.zip"].status == "NOT GRADED" and "a zip inside a zip" in reasons(graded["inner.zip"])
    assert "more than 2,000 entries" in reasons(graded["many.zip"]) and "f1.txt" not in graded
    assert "not a readable zip archive" in reasons(graded["broken.zip"])


def test_every_file_that_is_not_graded_is_listed_in_the_table_and_the_csv(full_run, tmp_path, capsys):
    folder = copy_folder(full_run, tmp_path / "asha")
    (folder / NB4).rename(folder / "04_TRAINING.IPYNB")  # saved with an upper-case extension: still graded
    (folder / "05_test.html").write_text("<html>an export</html>")
    (folder / "06_viva.pdf").write_bytes(b"%PDF-1.4")
    (folder / "__MACOSX").mkdir()
    (folder / "__MACOSX" / f"._{NB5}").write_bytes(b"\x00\x05\x16\x07")
    (folder / f"._{NB6}").write_bytes(b"\x00\x05\x16\x07")
    assert grade.main([*LESSON_ARGS, str(tmp_path), "--quiet", "--csv", str(tmp_path / "g.csv")]) == 1
    rows = {row["file"].rsplit("/", 1)[-1]: row for row in csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8"))}
    assert rows["04_TRAINING.IPYNB"]["status"] == "PASS"
    assert rows["05_test.html"]["status"] == "NOT GRADED" and "an HTML export, not a notebook" in rows["05_test.html"]["reasons"]
    assert "a PDF export" in rows["06_viva.pdf"]["reasons"] and "AppleDouble" in rows["__MACOSX"]["reasons"]
    assert "AppleDouble" in rows[f"._{NB6}"]["reasons"]
    assert sum(row["status"] == "PASS" for row in rows.values()) == 6
    assert "4 not graded" in capsys.readouterr().out
    for number in range(40):  # a folder of plots: listed up to 25, then counted
        (folder / f"plot{number:02d}.png").write_bytes(b"\x89PNG")
    (folder / "__pycache__").mkdir()
    listed = [sub for sub in grade.grade_paths([folder], grade.Settings(lessons=FIXTURE_LESSONS)) if sub.status == "NOT GRADED"]
    assert len(listed) == 25 + 1 + 2 and any("18 more file(s) in this folder" in sub.reasons[0] for sub in listed)
    assert any("Python's cache, not searched" in sub.reasons[0] for sub in listed)


def test_identical_copies_of_a_file_are_graded_once(full_run, tmp_path):
    """A re-download ("05_... (1).ipynb") and one student's two LMS folders holding the same files."""
    first = copy_folder(full_run, tmp_path / "lms-attempt-1")
    copy_folder(full_run, tmp_path / "lms-attempt-2")
    shutil.copy(first / NB5, first / NB5.replace(".ipynb", " (1).ipynb"))
    found = grade.grade_paths([tmp_path], grade.Settings(lessons=FIXTURE_LESSONS, required=PRACTICAL))
    graded = [sub for sub in found if sub.status != "NOT GRADED"]
    assert len(graded) == 6 and all(sub.status == "PASS" for sub in graded), {reasons(s) for s in graded}
    nb5 = next(sub for sub in graded if sub.path.endswith(NB5))
    assert nb5.path == str(first / NB5) and "identical copies of this file were handed in too, graded once" in nb5.notes[0]
    repeats = {sub.path: reasons(sub) for sub in found if sub.status == "NOT GRADED"}  # still seen, each once
    assert len(repeats) == 7 and "in the same folder (a re-download?)" in repeats[str(first / NB5.replace(".ipynb", " (1).ipynb"))]
    assert "another student's folder holding that hand-in unchanged" in repeats[str(tmp_path / "lms-attempt-2" / NB5)]
    assert all(sub.roll_no == "CS21-017" for sub in found)  # both folders are hers


def test_one_name_under_two_roll_numbers_is_flagged_for_the_teacher(full_run, second_run, tmp_path):
    asha = copy_folder(full_run, tmp_path / "asha")
    for path in asha.glob("06_*.ipynb"):
        path.write_text(path.read_text(encoding="utf-8").replace("CS21-017", "CS21-17"), encoding="utf-8")
    namesake = copy_folder(second_run, tmp_path / "rahul")  # another student of the same name, all six his own
    retype_identity(namesake, "Asha Verma", "CS21-099", old_name="Rahul Mehta", old_roll="CS21-042")
    graded = grade.grade_paths([tmp_path], grade.Settings(lessons=FIXTURE_LESSONS, required=PRACTICAL))
    split = [sub for sub in graded if sub.roll_no == "CS21-17" and sub.path]
    assert len(split) == 1 and "the same name as the notebooks of roll no CS21-017" in split[0].flag_lines()[0]
    assert split[0].status == "FAIL" and "identity differs from the other notebooks in this folder" in reasons(split[0])
    assert all(sub.status == "FLAGGED" and "mistyped" in sub.flag_lines()[0]
               for sub in graded if sub.roll_no == "CS21-017" and sub.path)
    assert not [sub for sub in graded if sub.status == "MISSING"]  # the two halves make one hand-in
    namesakes = [sub for sub in graded if sub.roll_no == "CS21-099"]
    assert all(sub.status == "PASS" for sub in namesakes) and "namesakes" in namesakes[0].notes[-1]


def test_a_roll_number_typed_with_other_spacing_is_the_same_student(full_run, tmp_path):
    folder = copy_folder(full_run, tmp_path / "asha")
    path = folder / NB5
    path.write_text(path.read_text(encoding="utf-8").replace("CS21-017", "cs21 - 017"), encoding="utf-8")
    graded = grade.grade_paths([folder], grade.Settings(lessons=FIXTURE_LESSONS, required=PRACTICAL))
    assert len(graded) == 6 and all(sub.status == "PASS" for sub in graded), {reasons(s) for s in graded}


def test_roll_numbers_that_differ_in_more_than_spacing_stay_two_students(full_run, second_run, tmp_path):
    retype_identity(copy_folder(full_run, tmp_path / "asha"), "Asha Verma", "CS-21-1-17")
    retype_identity(copy_folder(second_run, tmp_path / "rahul"), "Rahul Mehta", "ＣＳ-21-11-7",  # full-width letters
                    old_name="Rahul Mehta", old_roll="CS21-042")
    graded = grade.grade_paths([tmp_path], grade.Settings(lessons=FIXTURE_LESSONS, required=PRACTICAL))
    assert len(graded) == 12 and all(sub.status == "PASS" for sub in graded), {reasons(s) for s in graded}


def test_an_unreadable_file_in_a_students_folder_is_shown_as_theirs_not_missing(full_run, tmp_path):
    folder = copy_folder(full_run, tmp_path / "asha")
    (folder / NB5).write_text("{ this is not json")
    graded = grade.grade_paths([folder], grade.Settings(lessons=FIXTURE_LESSONS, required=PRACTICAL))
    nb5 = next(sub for sub in graded if sub.path.endswith(NB5))
    assert nb5.status == "FAIL" and nb5.roll_no == "CS21-017" and nb5.named_as.endswith("05_test_evaluation_and_confusion_matrix")
    assert not [sub for sub in graded if sub.status == "MISSING"]


@pytest.mark.parametrize("content, expected", [
    (json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": []}]}),
     "saved in an old notebook format (nbformat 3)"),
    ('{"nbformat": 4, "cells": [], "metadata": {}}\n{"more": 1}', "and 11 more character(s) follow it"),
])
def test_reasons_that_point_the_right_way(tmp_path, content, expected):
    (tmp_path / "x.ipynb").write_text(content)
    found = reasons(grade_folder(tmp_path)["x.ipynb"])
    assert expected in found and "truncated" not in found and "no list of cells" not in found


@pytest.mark.parametrize("record_text, expected", [
    ('["run_id", "time", "platform", "profile", "seed", "versions"]', "it is not the JSON object setup() prints"),
    ('{"run_id": 7, "time": "2026-12-02T15:21:20+00:00", "platform": "local", "profile": "full", "seed": 42, '
     '"versions": {}}', "its run_id is not the text setup() prints"),
])
def test_a_tampered_run_record_says_what_is_wrong(hand_in, record_text, expected):
    tamper(hand_in, NB4, lambda nb: edit_outputs(nb, lambda text: re.sub(
        r"labutils run record: \{.*\}", lambda m: "labutils run record: " + record_text, text)))
    found = reasons(grade_folder(hand_in)[NB4])
    assert expected in found and "report this to the lab's maintainers" not in found


@pytest.mark.parametrize("arguments, message", [
    (["--max-mb", "0"], "--max-mb is a size in megabytes above 0"),
    (["--max-mb", "-5"], "--max-mb is a size in megabytes above 0"),
    (["--csv", "{missing}/g.csv"], "does not exist"),
    (["--csv", "{tmp}"], "is a folder"),
    (["--csv", "{tmp}/a.csv", "--answers-csv", "{tmp}/a.csv"], "name the same file"),
    (["--json", "{hand_in}/" + NB5], "would overwrite a notebook"),
])
def test_the_command_line_refuses_bad_options_before_grading(hand_in, tmp_path, capsys, arguments, message):
    arguments = [a.format(missing=tmp_path / "nowhere", tmp=tmp_path, hand_in=hand_in) for a in arguments]
    with pytest.raises(SystemExit) as stopped:
        grade.main([*LESSON_ARGS, str(hand_in), *arguments])
    assert stopped.value.code == 2 and message in capsys.readouterr().err
    assert not list(tmp_path.glob("*.csv")) and load(hand_in / NB5)["cells"]


def test_one_report_that_cannot_be_written_does_not_stop_the_others(hand_in, tmp_path, monkeypatch, capsys):
    def refuse(*_):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(grade.cli, "write_csv", refuse)
    code = grade.main([*LESSON_ARGS, str(hand_in), "--quiet", "--csv", str(tmp_path / "g.csv"), "--json", str(tmp_path / "g.json"),
                       "--html", str(tmp_path / "g.html")])
    assert code == 2 and "Could not write" in capsys.readouterr().err
    assert (tmp_path / "g.json").is_file() and (tmp_path / "g.html").is_file()


# ---------------------------------------------------------------- 4. memory per file


def test_a_notebook_of_empty_cells_is_refused_in_memory_about_its_size(tmp_path):
    """48 MB of empty cells would take over a gigabyte as Python objects; it is refused before it is parsed."""
    path = tmp_path / "04_empty.ipynb"
    cell = '{"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": []}'
    count = 48 * 2**20 // (len(cell) + 1)
    path.write_text('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [' + ",".join([cell] * count) + "]}")
    script = ("import resource, sys; from pathlib import Path; from labutils.course import grade;"
              "sub = grade.grade_paths([Path(sys.argv[1])])[0];"
              "print(sub.reasons[0]); print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    baseline = subprocess.run([sys.executable, "-c", script.replace("grade.grade_paths([Path(sys.argv[1])])[0]",
                                                                   "grade.Submission(path='', reasons=['-'])")],
                              capture_output=True, text=True, check=True)
    result = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True)
    reason, peak_kib = result.stdout.splitlines()
    extra_mib = (int(peak_kib) - int(baseline.stdout.splitlines()[1])) / 1024
    assert "not a lab notebook: its JSON holds about" in reason
    assert extra_mib < 1.5 * path.stat().st_size / 2**20, f"{extra_mib:.0f} MiB for a {path.stat().st_size / 2**20:.0f} MB file"
