"""The grader reads what the student wrote in notebook 6: unwritten answers, answers copied from the model answer or
shared with a classmate, a conclusion quoting another run's figures; and the marking sheet (HTML, CSV) for a class.

Every case starts from the full-profile hand-in (tests/fixtures/full-run-hand-in.zip), whose notebook 6 carries the
example student's own answers, and changes what a student would change: the text of an answer cell.
"""

import csv
import json
import re
import zipfile

import pytest
from handins import (FIXTURE_LESSONS, FIXTURES, LESSON_10_ANSWERS, LESSON_ARGS, LESSON_10_CONCLUSION, SECOND_STUDENT_ANSWERS,
                      SECOND_STUDENT_CONCLUSION, STUDENT_ANSWERS, STUDENT_CONCLUSION, THIRD_STUDENT_ANSWERS,
                      THIRD_STUDENT_CONCLUSION, build_class, give_own_answers, write_answers)
from test_grade import full_run, grade_folder, hand_in, load, reasons, save  # noqa: F401 (fixtures)

from labutils.course import grade
from labutils.course.grade.answers import (CLASSMATE_COPY_SHARE, conclusion_text, own_runs, own_sentences,
                                           published_example_runs, published_example_share, same_sentences,
                                           sentence_copy_share)
from labutils.course.grade.answers_report import inline_html, latex_html, quote_first
from labutils.course.grade.runs import PUBLISHED_RUNS, PUBLISHED_VARIABLE
from labutils.course.manifest import answer_id
from labutils.viva import (ANSWER_IDS, MODEL_ANSWERS, QUESTIONS, check_conclusion, conclusion_findings,
                           model_answer_shingles, normalised_words, visible, written_answer)

NB6 = "06_viva_voce.ipynb"
HISTORY = {"loss": [0.45, 0.31, 0.26, 0.22, 0.18], "val_loss": [0.36, 0.33, 0.35, 0.37, 0.40],
           "accuracy": [0.78, 0.87, 0.90, 0.92, 0.93], "val_accuracy": [0.84, 0.857, 0.852, 0.855, 0.849]}
RESULTS = {"test_accuracy": 0.8517, "test_loss": 0.3528, "precision": 0.862, "recall": 0.838, "f1": 0.850,
           "roc_auc": 0.929}


def answer_cell(notebook, name):
    return next(cell for cell in notebook["cells"] if answer_id(cell) == name)


def rewrite(folder, changes: dict):
    """Replace whole answers in the hand-in's notebook 6 (the heading line stays), as a student edits the cells."""
    answers = {name: text for name, text in changes.items() if name != "conclusion"}
    write_answers(folder / NB6, answers, conclusion=changes.get("conclusion"), replace=True)


def test_the_hand_ins_answers_are_read_and_pass(hand_in):
    sub = grade_folder(hand_in)[NB6]
    assert sub.status == "PASS", (reasons(sub), sub.answer_flags, sub.unanswered)
    assert sub.unanswered == [] and set(sub.answers) == set(ANSWER_IDS)
    assert sub.answers["Q2"].startswith(STUDENT_ANSWERS["Q2"][:40])
    assert "per-step factor 0.9" in sub.answer_evidence["Q2"]  # the evidence cell printed above the answer
    assert re.search(r"test accuracy", sub.answers["conclusion"])


def test_placeholders_are_reported_per_question(hand_in, tmp_path, capsys):
    notebook = load(hand_in / NB6)
    for name in ("Q3", "Q7"):
        answer_cell(notebook, name)["source"] = "**Your answer to question 3** (double-click...)\n\n*Write your answer here.*"
    answer_cell(notebook, "conclusion")["source"] = 'MY_CONCLUSION = """\nWrite your conclusion here.\n"""'
    save(notebook, hand_in / NB6)
    sub = grade_folder(hand_in)[NB6]
    assert sub.status == "INCOMPLETE" and sub.unanswered == ["Q3", "Q7", "conclusion"], reasons(sub)
    assert grade.main([*LESSON_ARGS, str(hand_in), "--csv", str(tmp_path / "g.csv")]) == 1
    out = capsys.readouterr().out
    assert "INCOMPLETE" in out and "unwritten: Q3, Q7, conclusion" in out and "1 incomplete" in out
    row = next(r for r in csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8")) if r["notebook"].endswith("viva_voce"))
    assert row["status"] == "INCOMPLETE" and row["unwritten"] == "Q3 Q7 conclusion"


def test_an_answer_cell_emptied_or_deleted_is_unwritten(hand_in):
    notebook = load(hand_in / NB6)
    answer_cell(notebook, "Q4")["source"] = ""
    notebook["cells"].remove(answer_cell(notebook, "Q9"))
    save(notebook, hand_in / NB6)
    sub = grade_folder(hand_in)[NB6]
    assert sub.unanswered == ["Q4", "Q9"] and "the answer cell for Q9 is missing (deleted?)" in sub.notes


def test_an_answer_cell_that_lost_its_tag_is_found_by_its_heading(hand_in):
    notebook = load(hand_in / NB6)
    answer_cell(notebook, "Q5")["metadata"] = {}
    save(notebook, hand_in / NB6)
    sub = grade_folder(hand_in)[NB6]
    assert sub.status == "PASS" and sub.answers["Q5"].startswith(STUDENT_ANSWERS["Q5"][:30])


def test_an_answer_cell_split_or_pasted_as_jupyterlab_saves_it_is_read_whole(hand_in):
    """JupyterLab's Split Cell keeps the answer tag on both halves, and a copied answer cell pasted under another
    question keeps its own tag (seen in tests/test_browser.py). Before, only the first cell of a tag was read: the
    second half of a split answer was lost, and an answer written in a pasted copy was not found."""
    notebook = load(hand_in / NB6)
    q2 = answer_cell(notebook, "Q2")
    first, second = STUDENT_ANSWERS["Q2"][:40], STUDENT_ANSWERS["Q2"][40:]
    q2["source"] = f"**Your answer to question 2** (double-click to edit)\n\n{first}"
    notebook["cells"].insert(notebook["cells"].index(q2) + 1, {
        "cell_type": "markdown", "id": "split-half", "metadata": dict(q2["metadata"]), "source": second})
    q5 = answer_cell(notebook, "Q5")
    q5["source"] = "**Your answer to question 5** (double-click to edit)\n\n*Write your answer here.*"
    pasted = {"cell_type": "markdown", "id": "pasted", "metadata": dict(answer_cell(notebook, "Q1")["metadata"]),
              "source": f"**Your answer to question 1** (double-click to edit)\n\n{STUDENT_ANSWERS['Q5']}"}
    notebook["cells"].insert(notebook["cells"].index(q5) + 1, pasted)
    save(notebook, hand_in / NB6)
    sub = grade_folder(hand_in)[NB6]
    assert sub.status == "PASS", (sub.reasons, sub.flag_lines(), sub.unanswered)
    assert first.strip() in sub.answers["Q2"] and second.strip() in sub.answers["Q2"]
    assert sub.answers["Q5"] == STUDENT_ANSWERS["Q5"].strip() and sub.answers["Q1"].startswith(STUDENT_ANSWERS["Q1"][:30])
    assert "Q2's answer is in 2 cells (split?): read together" in sub.notes
    assert "a copy of Q1's answer cell stands under question 5 (pasted?): read as part of Q5's answer" in sub.notes


def test_an_answer_cell_pasted_under_a_question_above_its_own_answer_cell_is_that_questions(hand_in):
    """A copy of Q4's cell pasted right under question 5's heading, above Q5's own (empty) answer cell: read as
    question 5's, by the heading it stands under (the teacher's read of the second trial)."""
    notebook = load(hand_in / NB6)
    q5 = answer_cell(notebook, "Q5")
    q5["source"] = "**Your answer to question 5** (double-click to edit)\n\n*Write your answer here.*"
    heading = next(index for index, cell in enumerate(notebook["cells"])
                   if cell["cell_type"] == "markdown" and "".join(cell["source"]).startswith("### 5."))
    notebook["cells"].insert(heading + 1, {"cell_type": "markdown", "id": "pasted", "metadata": dict(answer_cell(notebook, "Q4")["metadata"]),
                                           "source": f"**Your answer to question 4**\n\n{STUDENT_ANSWERS['Q5']}"})
    save(notebook, hand_in / NB6)
    sub = grade_folder(hand_in)[NB6]
    assert sub.answers["Q5"] == STUDENT_ANSWERS["Q5"].strip() and sub.answers["Q4"].startswith(STUDENT_ANSWERS["Q4"][:30])
    assert sub.notes == ["a copy of Q4's answer cell stands under question 5 (pasted?): read as part of Q5's answer"], sub.notes


def test_a_model_answer_pasted_in_is_flagged_even_with_other_numbers(hand_in):
    pasted = MODEL_ANSWERS[9].strip().replace("three", "3").replace("Three", "3")
    rewrite(hand_in, {"Q9": "As I understand it: " + pasted, "Q3": MODEL_ANSWERS[3].replace("four", "4")})
    sub = grade_folder(hand_in)[NB6]
    assert sub.status == "FLAGGED", reasons(sub)
    assert set(sub.answer_flags) == {"Q9", "Q3"} and "mostly the lab's model answer" in sub.answer_flags["Q9"][0]


def two_classmates(full_run, tmp_path, students=3):
    build_class(full_run, tmp_path, students=students)
    return [tmp_path / f"student{number:03d}" for number in range(students)]


def test_classmates_with_the_same_answer_are_both_named(full_run, tmp_path):
    first, second, third = two_classmates(full_run, tmp_path)
    shared = ("The forget gate multiplies the old memory of each unit by a number between zero and one, "
              "so the network can choose to keep or drop what it stored before.")
    rewrite(first, {"Q5": shared})
    rewrite(second, {"Q5": shared.replace("drop", "delete") + " I saw this in my run."})  # nearly, not exactly
    graded = {(sub.roll_no, sub.notebook): sub for sub in grade.grade_paths([tmp_path], grade.Settings(lessons=FIXTURE_LESSONS))}
    nb6 = {roll: sub for (roll, notebook), sub in graded.items() if notebook.endswith("viva_voce")}
    assert nb6["CS21-000"].status == nb6["CS21-001"].status == "FLAGGED"
    assert "the same answer as Student 1 (CS21-001)" in nb6["CS21-000"].answer_flags["Q5"][0]
    assert "the same answer as Student 0 (CS21-000)" in nb6["CS21-001"].answer_flags["Q5"][0]
    assert nb6["CS21-002"].status == "PASS" and not nb6["CS21-002"].answer_flags
    others = [sub for (roll, notebook), sub in graded.items() if not notebook.endswith("viva_voce")]
    assert all(sub.status == "PASS" for sub in others), {reasons(s) for s in others}


def test_a_class_that_handed_round_one_set_of_answers_is_flagged_once_each(full_run, tmp_path):
    build_class(full_run, tmp_path, students=5, own_answers=False)
    nb6 = [sub for sub in grade.grade_paths([tmp_path], grade.Settings(lessons=FIXTURE_LESSONS)) if sub.notebook.endswith("viva_voce")]
    assert len(nb6) == 5 and all(sub.status == "FLAGGED" for sub in nb6)
    assert all(len(sub.answer_flags["Q1"]) == 1 and "and 1 more" in sub.answer_flags["Q1"][0] for sub in nb6)


def test_a_conclusion_quoting_another_runs_accuracy_is_flagged(hand_in):
    rewrite(hand_in, {"conclusion": "My LSTM reached a test accuracy of 0.8612 after five epochs, better than the "
                                    "practical's 0.8499, and the validation loss rose after epoch 2, so it overfit."})
    sub = grade_folder(hand_in)[NB6]
    assert sub.status == "FLAGGED", reasons(sub)
    assert sub.answer_flags["conclusion"][0].startswith("quotes test accuracy 0.8612, but this run's is 0.")


def test_a_conclusion_naming_the_wrong_best_epoch_is_flagged(hand_in):
    """The fixture run's validation accuracy was highest after epoch 5 and its validation loss lowest after epoch 3."""
    rewrite(hand_in, {"conclusion": "My LSTM reached a test accuracy of 0.8517. My best epoch was epoch 3, where the "
                                    "validation accuracy peaked; the learning curves showed overfitting after it."})
    sub = grade_folder(hand_in)[NB6]
    assert sub.status == "FLAGGED", reasons(sub)
    assert sub.answer_flags["conclusion"] == [
        "says epoch 3 is the best epoch, but in this run the validation accuracy was highest after epoch 5"]


def test_the_conclusion_cell_is_read_never_run_and_holds_only_the_text(hand_in):
    notebook = load(hand_in / NB6)
    answer_cell(notebook, "conclusion")["source"] = 'MY_CONCLUSION = """My conclusion is here and fine."""\nEPOCHS = 1'
    save(notebook, hand_in / NB6)
    assert "the conclusion cell holds more than" in reasons(grade_folder(hand_in)[NB6])
    # a second cell that starts like the conclusion is read too, not waved through the lesson check
    notebook = load(hand_in / NB6)
    answer_cell(notebook, "conclusion")["source"] = 'MY_CONCLUSION = """My conclusion is here and fine."""'
    smuggled = dict(answer_cell(notebook, "conclusion"), metadata={}, source='MY_CONCLUSION = "x"\nEPOCHS = 1')
    notebook["cells"].insert(12, smuggled)
    save(notebook, hand_in / NB6)
    graded = reasons(grade_folder(hand_in)[NB6])
    assert "the conclusion cell holds more than" in graded and "more than one `MY_CONCLUSION` cell" in graded
    assert conclusion_text('MY_CONCLUSION = """text"""  # a comment is fine') == "text"
    assert conclusion_text('MY_CONCLUSION = open("/etc/passwd").read()') is None
    assert conclusion_text('MY_CONCLUSION = f"{__import__(\'os\')}"') is None


@pytest.mark.parametrize("figure, flag", [
    ("Test acc 0.852", None),  # the run's 0.8517, as a student shortens it (issue 35: it was "not quoted")
    ("Test acc 0.923", "quotes test accuracy 0.923, but this run's is 0.8517"),  # not the run's (it passed unflagged)
    (r"My test accuracy was $84.78\%$", "quotes test accuracy 84.78%, but this run's is 0.8517"),  # LaTeX only
    (r"My test accuracy was $85.17\%$", None),
    ("My test accuracy, as recorded, was 0.8890", "quotes test accuracy 0.8890, but this run's is 0.8517"),  # trial
    ("My model scored 87.12 % on the 25,000 test reviews", "quotes test accuracy 87.12 %, but this run's is 0.8517"),
    ("It classified 87 % of the test reviews correctly", "quotes test accuracy 87 %, but this run's is 0.8517"),
    ("It reached an accuracy of 0.8712 on the test set", "quotes test accuracy 0.8712, but this run's is 0.8517"),
    ("My model scored 85.17 % on the 25,000 test reviews", None),
])
def test_a_conclusion_is_read_as_students_write_its_figures(hand_in, figure, flag):
    rewrite(hand_in, {"conclusion": f"{figure}. The validation loss was lowest after epoch 3 and then went up while "
                                    "the training loss kept falling, so the model began to overfit."})
    sub = grade_folder(hand_in)[NB6]
    assert sub.answer_flags.get("conclusion", []) == ([flag] if flag else []), reasons(sub)
    assert sub.status == ("FLAGGED" if flag else "PASS"), reasons(sub)
    assert "the conclusion does not quote the run's test accuracy" not in sub.notes


def published_examples_file(tmp_path, keep=lambda example: True):
    """The lab's published list with its runs left out (so a fixture is graded as a student's run) and only the
    example answers ``keep`` picks."""
    data = json.loads(PUBLISHED_RUNS.read_text(encoding="utf-8"))
    data.update(run_ids=[], timings=[], examples=[example for example in data["examples"] if keep(example)])
    path = tmp_path / "published.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def nb6_of(archive, folder):
    with zipfile.ZipFile(archive) as opened:
        opened.extract(NB6, folder)
    return folder / NB6


FIXTURE_ARCHIVES = sorted(path.name for path in FIXTURES.glob("*.zip"))


@pytest.mark.parametrize("archive", FIXTURE_ARCHIVES)
def test_the_published_list_holds_every_fixtures_example_answers(archive, tmp_path):
    """tests/published_runs.py writes them; run it after a fixture's answers change."""
    sub = grade_folder(nb6_of(FIXTURES / archive, tmp_path), required=())[NB6]
    examples = [example["answers"] for example in json.loads(PUBLISHED_RUNS.read_text(encoding="utf-8"))["examples"]
                if example["roll_no"] == sub.roll_no]
    assert not sub.answers or sub.answers in examples, f"run python tests/published_runs.py ({archive})"


@pytest.mark.parametrize("archive", FIXTURE_ARCHIVES)
def test_a_students_own_answers_are_not_taken_for_the_labs_published_examples(archive, tmp_path, monkeypatch):
    """Each fixture's student against every other student's published answers (the same student's other runs left
    out): real answers, written independently, must raise no flag."""
    roll = grade_folder(nb6_of(FIXTURES / archive, tmp_path / "roll"), required=())[NB6].roll_no
    monkeypatch.setenv(PUBLISHED_VARIABLE, str(published_examples_file(tmp_path, lambda e: e["roll_no"] != roll)))
    sub = grade_folder(nb6_of(FIXTURES / archive, tmp_path), required=(), lessons=(grade.ANY_LESSON,))[NB6]
    assert roll and not sub.answer_flags, sub.answer_flags


def test_every_own_answer_is_far_from_the_other_students_published_ones():
    """The margin, answer by answer: no answer of one example student shares a quarter of its own four-word runs
    with another's published answer (the flag needs half)."""
    examples = json.loads(PUBLISHED_RUNS.read_text(encoding="utf-8"))["examples"]
    own = {"CS21-017": [STUDENT_ANSWERS | {"conclusion": STUDENT_CONCLUSION},
                        LESSON_10_ANSWERS | {"conclusion": LESSON_10_CONCLUSION}],
           "CS21-042": [SECOND_STUDENT_ANSWERS | {"conclusion": SECOND_STUDENT_CONCLUSION}],
           "CS21-055": [THIRD_STUDENT_ANSWERS | {"conclusion": THIRD_STUDENT_CONCLUSION}]}
    checked = 0
    for roll, answer_sets in own.items():
        others = published_example_runs([e for e in examples if e["roll_no"] != roll])
        for answers in answer_sets:
            for name, text in answers.items():
                share, _ = published_example_share(name, text, "", others)
                assert share < 0.25, (roll, name, share)
                checked += 1
    assert checked == 4 * 13


def test_an_answer_copied_from_the_labs_published_examples_is_flagged(hand_in, tmp_path, monkeypatch):
    """Rahul's and Meera's answers ship with the lab (its test hand-ins); Asha copies two of them, a word changed and
    her own figures in the conclusion."""
    monkeypatch.setenv(PUBLISHED_VARIABLE, str(published_examples_file(tmp_path, lambda e: e["roll_no"] != "CS21-017")))
    copied_conclusion = THIRD_STUDENT_CONCLUSION.replace("0.8478", "0.8517").replace("epoch 1", "epoch 3")
    rewrite(hand_in, {"Q5": SECOND_STUDENT_ANSWERS["Q5"].replace("wipes", "deletes"), "conclusion": copied_conclusion})
    sub = grade_folder(hand_in)[NB6]
    assert sub.status == "FLAGGED" and set(sub.answer_flags) == {"Q5", "conclusion"}, (reasons(sub), sub.answer_flags)
    assert sub.answer_flags["Q5"][0].startswith("mostly the lab's published example answer (")
    assert "Rahul Mehta" in sub.answer_flags["Q5"][0] and "Meera Iyer" in sub.answer_flags["conclusion"][0]


def test_the_labs_own_run_handed_in_fails_as_published_not_as_copied_answers(hand_in, monkeypatch):
    """Asha's hand-in is itself a published run: it fails for that, and its answers are not flagged again."""
    monkeypatch.setenv(PUBLISHED_VARIABLE, str(PUBLISHED_RUNS))
    sub = grade_folder(hand_in)[NB6]
    assert "a run published with the lab" in reasons(sub) and not sub.answer_flags, sub.answer_flags


def test_a_notebook_6_of_lesson_6_never_passes_as_written_work(tmp_path):
    """Version 6's notebook 6 had no answer cells: a real hand-in of it is checked as before, but it is never a pass
    for the viva's written work, even in a class that used lesson 6; in a class of the current lesson it is flagged
    with both versions named."""
    with zipfile.ZipFile(FIXTURES / "lesson-6-viva-hand-in.zip") as archive:
        archive.extract(NB6, tmp_path)
    assert load(tmp_path / NB6)["metadata"]["labutils"]["lesson_version"] == "6"
    sub = grade_folder(tmp_path / NB6, required=(), lessons=("6",))[NB6]
    assert sub.status == "INCOMPLETE" and sub.lesson_version == "6" and not sub.answers and not sub.reasons, reasons(sub)
    assert sub.unanswered == ["written answers (lesson version 6 has no answer cells: its viva was not written in the "
                              "notebook)"]
    current = grade.load_manifest()["version"]
    sub = grade.grade_paths([tmp_path / NB6], grade.Settings())[0]  # the teacher states nothing: the current lesson
    assert sub.status == "FLAGGED" and sub.flag_lines() == [
        f"lesson: made from lesson version 6, not {current} as this class (--lesson): an old copy of the notebook? If "
        "the class used 6, grade with --lesson 6"]


# ---------------------------------------------------------------- the marking sheet


def test_the_marking_sheet_and_csv_for_a_class_of_30(full_run, tmp_path):
    build_class(full_run, tmp_path / "class", students=30)
    folders = sorted((tmp_path / "class").iterdir())
    rewrite(folders[0], {"Q1": "<script>alert('x')</script> & =cmd|' /C calc'!A0 " + "long" * 300})
    rewrite(folders[1], {"Q2": "*Write your answer here.*"})
    rewrite(folders[2], {"Q12": MODEL_ANSWERS[12]})
    rewrite(folders[3], {"conclusion": "The test accuracy was 0.97, very good, and the validation loss fell every epoch."})
    code = grade.main([*LESSON_ARGS, str(tmp_path / "class"), "--quiet", "--answers", str(tmp_path / "sheet.html"),
                       "--answers-csv", str(tmp_path / "marks.csv"), "--html", str(tmp_path / "class.html")])
    assert code == 1  # the time a class takes is measured by benchmarks/grade_class.py, not here
    page = (tmp_path / "sheet.html").read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;script&gt;" in page and "http" not in page
    for answer in ANSWER_IDS:
        assert f'<section id="{answer}">' in page
    assert all(f"Student {number}" in page for number in range(30))
    assert "mostly the lab&#x27;s model answer" in page and "quotes test accuracy 0.97" in page
    assert "<i>unwritten</i>" in page and "29 written, 1 unwritten" in page
    rows = list(csv.DictReader((tmp_path / "marks.csv").open(encoding="utf-8")))
    assert len(rows) == 30 and all(row[f"{answer}_mark"] == "" for row in rows for answer in ANSWER_IDS)
    assert rows[0]["Q1"].startswith("<script>") and rows[1]["Q2"] == "" and rows[1]["unwritten"] == "Q2"
    statuses = [row["status"] for row in rows]
    assert statuses.count("FLAGGED") == 2 and statuses.count("INCOMPLETE") == 1 and statuses.count("PASS") == 27
    assert "incomplete" in (tmp_path / "class.html").read_text(encoding="utf-8")


MARKING_SHEET_BYTES_PER_STUDENT = 12_000  # the class below: about 8,900 (9,200 before the evidence was folded)


def test_the_marking_sheet_folds_what_every_student_printed_and_says_each_verdict(full_run, tmp_path):
    """Issue 35, item 9: a sheet a teacher can work through for 30 students. What every student's evidence cell
    printed alike is shown once per question (it was repeated beside every answer); each row says the student's
    verdict: notebook 6's, the worst of their other notebooks', a copied run; the conclusion's row starts with the
    run's figures to quote; LaTeX and markdown tables are shown legibly, escaped; the page stays bounded per student
    (in bytes here; its height, measured in headless Chromium at 1,400 px for this class, fell from about 1,700 px
    per student to about 750)."""
    build_class(full_run, tmp_path / "class", students=30)
    folders = sorted((tmp_path / "class").iterdir())
    for path in folders[0].glob("*.ipynb"):  # student 1 hands in student 0's run, with answers of their own
        text = path.read_text(encoding="utf-8").replace("Student 0", "Student 1").replace("CS21-000", "CS21-001")
        (folders[1] / path.name).write_text(text, encoding="utf-8")
    give_own_answers(folders[1] / NB6, 1)
    next(folders[2].glob("05_*.ipynb")).unlink()  # student 2's notebook 5 is missing
    rewrite(folders[3], {
        "Q5": r"The forget gate is $f_t = \sigma(x_t U_f + H_{t-1} W_f + b_f)$, mine near $\sigma(1)$; $<img src=x onerror=alert(1)>$.",
        "Q12": "| metric | value |\n|---|---|\n| accuracy | 0.8517 |\n| <b>AUC</b> | $0.92$ |\n\nOn the test set, once.",
        "conclusion": r"My test accuracy was $85.17\%$, and the validation accuracy was highest after epoch 5."})
    rewrite(folders[4], {"Q1": "<script>alert('x')</script> " + "long " * 5000})  # cut at 20,000 characters on reading
    grade.main([*LESSON_ARGS, str(tmp_path / "class"), "--quiet", "--answers", str(tmp_path / "sheet.html"),
                "--answers-csv", str(tmp_path / "marks.csv")])
    page = (tmp_path / "sheet.html").read_text(encoding="utf-8")
    assert "<script" not in page and "<img" not in page and "<b>AUC" not in page and "http" not in page
    assert len(page.encode()) / 30 < MARKING_SHEET_BYTES_PER_STUDENT
    # folded: notebook 6's evidence for question 2 is the same for everyone, and is shown once, not 30 times
    assert page.count("per-step factor 0.9: after 200 steps") == 1
    assert page.count("<pre>") <= len(ANSWER_IDS) + 2 * 30  # once per question, and the runs of two folded per row
    # the verdict column: every row of every question; the copied run and the missing notebook are in each of theirs
    assert page.count('<div class="verdict">') == 30 * len(ANSWER_IDS)
    assert page.count("copy group 1 (2)") >= 2 * len(ANSWER_IDS)
    assert page.count("others MISSING: 05") == len(ANSWER_IDS) + 1  # and once in the list of verdicts at the top
    assert '<section id="verdicts">' in page and "others FAIL: 01, 02, 03, 04, 05" in page
    conclusion = page[page.index('<section id="conclusion">'):]
    assert conclusion.count("their run:</span> <span class=\"key\">test accuracy 0.8517, test loss 0.3854 · best epoch "
                            "5 of 5") == 30
    assert '<span class="math" title="$85.17\\%$">85.17%</span>' in conclusion
    assert "f<sub>t</sub> = σ(x<sub>t</sub> U<sub>f</sub> + H<sub>t−1</sub>" in page and "&lt;img src=x" in page
    assert '<table class="md"><thead><tr><th>metric</th><th>value</th></tr></thead>' in page
    assert "<td>&lt;b&gt;AUC&lt;/b&gt;</td>" in page and "more characters</summary>" in page
    rows = {row["student_name"]: row for row in csv.DictReader((tmp_path / "marks.csv").open(encoding="utf-8"))}
    assert rows["Student 1"]["copy_groups"] == "1" and rows["Student 2"]["other_notebooks"] == "others MISSING: 05"


@pytest.mark.parametrize("written, shown", [
    (r"$84.78\%$", "84.78%"),
    (r"\(0.85\)", "0.85"),
    (r"$\frac{TP}{TP+FP} = 0.8459$", "TP/(TP+FP) = 0.8459"),
    (r"$0.9^{200} \approx 7.1\times10^{-10}$", "0.9<sup>200</sup> ≈ 7.1×10<sup>−10</sup>"),
    (r"$\text{test acc} = 85.2\,\%$", "test acc = 85.2 %"),
    (r"$\partial C_t / \partial C_{t-1} = f_t$", "∂ C<sub>t</sub> / ∂ C<sub>t−1</sub> = f<sub>t</sub>"),
    (r"$\sqrt{x} \odot \unknown{y}$", "√x ⊙ \\unknowny"),  # a command it does not know stays as typed
    ("$<script>$", "&lt;script&gt;"),
    ("costs $5 and $6", None),  # dollars, not a formula
])
def test_latex_in_an_answer_is_shown_as_text(written, shown):
    html = inline_html(written)
    if shown is None:
        assert html == written
    else:
        assert html.startswith('<span class="math"') and html.endswith(f">{shown}</span>"), html


def test_what_an_answer_should_quote_comes_from_its_own_evidence():
    printed = ("Run profile: full; test accuracy 0.8517, test loss 0.3854, 5 epoch(s)\n"
               "epoch 1: loss 0.4857, validation loss 0.4160   accuracy 0.7629, validation accuracy 0.8102 (gap -0.0473)\n"
               "epoch 2: loss 0.3508, validation loss 0.3721   accuracy 0.8540, validation accuracy 0.8552 (gap +0.0292)")
    assert quote_first("conclusion", printed) == ("test accuracy 0.8517, test loss 0.3854 · best epoch 2 of 2 "
                                                  "(validation accuracy 0.8552) · lowest validation loss after epoch 2",
                                                  False)
    assert quote_first("Q12", "test_accuracy  0.8517\nroc_auc        0.9238") == ("test_accuracy 0.8517 · roc_auc 0.9238", True)
    assert quote_first("Q3", "SimpleRNN(128): 32,896 parameters") == ("", False)
    assert latex_html(r"{" * 50 + "x") .endswith("x")  # nested past its depth: shown as typed, no recursion error


# ---------------------------------------------------------------- the rules themselves


def test_a_written_answer_is_the_cell_without_the_labs_lines():
    assert written_answer("**Your answer to question 3** (double-click ...)\n\n*Write your answer here.*") == ""
    assert written_answer("**Your answer to question 3** (x)\n\nThe cell state.\n\n*Write your answer here.*") == "The cell state."


@pytest.mark.parametrize("text, wrong, unmatched, quoted", [
    ("Test accuracy 0.852 on the 25,000 reviews.", [], [], ["0.852"]),
    ("My test accuracy was 85.2 %.", [], [], ["85.2 %"]),
    ("The test accuracy was 0.87.", ["0.87"], [], []),
    ("The practical reported a test accuracy of 0.8499; mine is 0.8517.", [], [], ["0.8517"]),
    ("My test accuracy of 0.8517 is close to the practical's 0.8499.", [], [], ["0.8517"]),
    ("My test accuracy was 0.8612, better than the practical's 0.8499.", ["0.8612"], [], []),
    ("My model reached a test accuracy of 85.2%, slightly better than the 84.99% the practical reported.", [], [], ["85.2%"]),
    ("My test accuracy was 0.8517, compared with 0.8702 for the GRU in notebook 8.", [], [], ["0.8517"]),
    ("Notebook 5 evaluated the model on the test set: test accuracy 0.8612, test loss 0.3410.", ["0.8612"], ["0.3410"], []),
    ("As in the practical, the LSTM achieved a test accuracy of 0.8612 after 5 epochs.", ["0.8612"], [], []),
    ("The test accuracy was 7.2% lower than the final training accuracy; val_loss rose by 0.0265.", [], [], []),
    ("The test accuracy was lower than the 0.857 validation accuracy of epoch 2.", [], [], []),
    ("The test accuracy was 0.8612, better than the practical's.", ["0.8612"], [], []),
    ("The accuracy on the test set was 0.8552.", ["0.8552"], [], []),
    ("The practical's test accuracy was 0.8499 and my test accuracy 0.8612.", ["0.8612"], [], []),
    ("I used a 20 % validation split and dropout 0.2.", [], [], []),
    ("Validation accuracy peaked at 0.857 in epoch 2.", [], [], []),
    ("Validation accuracy peaked at 0.95.", [], ["0.95"], []),
    ("Test accuracy 0.8517 and test loss 0.3528, AUC 0.929.", [], [], ["0.8517"]),
    ("Test accuracy 0.8516600131988525, as notebook 5 printed it.", [], [], ["0.8516600131988525"]),
    ("My test accuracy was 0.8516600131988525.", [], [], ["0.8516600131988525"]),
    ("In notebook 8 the GRU reached a test accuracy of 0.87 in the recorded run.", [], [], []),
    ("The accuracy gap grew to 0.081, and 14.8 % of the test reviews were errors; chance is 50 %.", [], [], []),
    ("The precision was 86 % and recall 84 %.", [], [], []),
    # the intervals notebooks 4 and 5 print are quoted as intervals, not as figures of the run
    ("My test accuracy was 0.8517 (95 % interval 0.8473 to 0.8561).", [], [], ["0.8517"]),
    ("My test accuracy was 85.17% (95% CI: 84.73%-85.61%).", [], [], ["85.17%"]),
    ("Test accuracy 0.923 (95 % interval 0.91 to 0.93).", ["0.923"], [], []),
    # the ways students write figures (issue 35): "acc", "accuracy of", ":", "=", "is", percentages, LaTeX
    ("Test acc 0.852", [], [], ["0.852"]),
    ("Test acc 0.923", ["0.923"], [], []),
    ("test acc: 0.8517, val acc 0.855", [], [], ["0.8517"]),
    ("Test acc = 85.17 %.", [], [], ["85.17 %"]),
    ("test_acc 0.923", ["0.923"], [], []),
    ("My test accuracy is 85.2%.", [], [], ["85.2%"]),
    ("The accuracy of my model on the test set was 0.8517.", [], [], ["0.8517"]),
    ("Accuracy on the test set: 0.923.", ["0.923"], [], []),
    ("Validation acc peaked at 0.95.", [], ["0.95"], []),
    (r"My test accuracy was $84.78\%$.", ["84.78%"], [], []),
    (r"My test accuracy was $85.17\%$.", [], [], ["85.17%"]),
    (r"Test accuracy: $0.8517$, test loss $0.3528$.", [], [], ["0.8517"]),
    (r"The test accuracy was \(0.85\).", [], [], ["0.85"]),
    (r"$\text{test acc} = 85.2\,\%$", [], [], ["85.2 %"]),
    (r"$\mathrm{Test\ accuracy} \approx 0.923$", ["0.923"], [], []),
    ("$\t" + "ext{Test acc} = 0.8517$", [], [], ["0.8517"]),  # "\text" typed in a Python string: a tab, then "ext"
    # the third trial's phrasings
    ("On the held-out test split the model was right 92 % of the time.", ["92 %"], [], []),
    ("On the test set my model was right 85.2 % of the time.", [], [], ["85.2 %"]),
    ("Out of 25,000 test reviews, 23,000 were classified correctly.", ["Out of 25,000 test reviews, 23,000"], [], []),
    ("My model misclassified only 5% of the test reviews.", [], ["5%"], []),
    # from the teacher's read of the second trial's fixes
    ("The practical trained this model for 49 epochs and reached a validation accuracy of 0.8799.", [], [], []),
    ("My test error was 0.3528.", [], [], []),  # the run's test loss, which students call the test error too
    ("My validation accuracy at the 0.5 threshold was 0.97.", [], ["0.97"], []),  # the default threshold is the run's
    ("At a threshold of 0.3 my accuracy was 0.786.", [], [], []),  # another threshold: not printed in notebook 6
    # the student's run set against another: the figure is the student's (the second trial of issue 35)
    ("My model beat the benchmark with a test accuracy of 0.95.", ["0.95"], [], []),
    ("Compared with the benchmark, my model reached 0.95 test accuracy.", ["0.95"], [], []),
    ("My LSTM scored 0.95 on the test set, above the benchmark.", ["0.95"], [], []),
    # ... and the other run's own figure stays the other run's
    ("My model's test accuracy (0.8517) was higher than the benchmark's test accuracy of 0.88.", [], [], ["0.8517"]),
    ("My model beat the practical, which had a test accuracy of 0.8499.", [], [], []),
    ("Compared with the practical's test accuracy of 0.88, my model did worse.", [], [], []),
])
def test_figures_in_a_conclusion_are_held_against_the_run(text, wrong, unmatched, quoted):
    found = conclusion_findings(text, HISTORY, RESULTS)
    assert (found["wrong_test_accuracy"], found["unmatched"], found["quoted_test_accuracy"]) == (wrong, unmatched, quoted)


# the fixture run's shape: the highest validation accuracy at epoch 5, the lowest validation loss at epoch 3
HISTORY_APART = {"loss": [0.45, 0.31, 0.26, 0.22, 0.18], "val_loss": [0.36, 0.33, 0.31, 0.37, 0.40],
                 "accuracy": [0.78, 0.87, 0.90, 0.92, 0.93], "val_accuracy": [0.84, 0.850, 0.852, 0.853, 0.855]}


@pytest.mark.parametrize("text, wrong", [
    ("My best epoch was epoch 3, where validation accuracy peaked.", [("best", 3)]),  # one claim, flagged once
    ("My best epoch was epoch 5, where validation accuracy peaked.", []),
    ("The best epoch (highest validation accuracy) was epoch 5.", []),
    ("Best epoch: 3.", [("best", 3)]),
    ("Epoch 3 was the best.", [("best", 3)]),
    ("Validation accuracy peaked at 0.853 in epoch 4.", [("accuracy", 4)]),
    ("Val acc peaked at 0.853 in epoch 4.", [("accuracy", 4)]),  # "acc" as students shorten it
    ("The validation accuracy was highest at epoch 3, after which the validation loss rose.", [("accuracy", 3)]),
    ("Epoch 5 had the highest validation accuracy.", []),
    # the epoch of the lowest validation loss is accepted as "best" only where the sentence speaks of the loss
    ("My best epoch was epoch 3, where the validation loss was lowest.", []),
    ("The lowest validation loss was at epoch 4.", [("loss", 4)]),
    ("The validation loss was lowest after epoch 3 and then went up, although the validation accuracy was highest "
     "after epoch 5 (0.855).", []),
    # an epoch named without calling it best or lowest is no claim
    ("I trained for 5 epochs; after epoch 3 the validation loss rose while the training loss kept falling.", []),
    ("The highest validation accuracy was 0.855, and after epoch 3 the loss rose.", []),
    ("The best model was from epoch 3.", [("best", 3)]),  # the third trial
    # epochs in words (the second trial of issue 35)
    ("The best epoch was the third.", [("best", 3)]),
    ("The best epoch was the fifth.", []),
    ("The third epoch was the best.", [("best", 3)]),
    ("Validation accuracy peaked at epoch four.", [("accuracy", 4)]),
    ("The 4th epoch had the highest validation accuracy.", [("accuracy", 4)]),
    ("At first the loss fell; by the second run I knew the model.", []),
])
def test_the_epoch_a_conclusion_calls_best_is_held_against_the_run(text, wrong, capsys):
    found = conclusion_findings(text, HISTORY_APART, RESULTS)
    assert found["wrong_epoch_claims"] == wrong
    assert (found["best_epoch"], found["lowest_loss_epoch"]) == (5, 3)
    check_conclusion(text, history=HISTORY_APART, results=RESULTS)
    printed = capsys.readouterr().out
    assert ("Correct it" in printed) == bool(wrong), printed


def test_the_students_own_check_reads_acc_and_latex(capsys):
    """check_conclusion in notebook 6 reads the figures as the grader does (issue 35's cases)."""
    check_conclusion("Test acc 0.852; the learning curves showed overfitting.", history=HISTORY_APART, results=RESULTS)
    assert "  - test accuracy: you quote 0.852; your run's is 0.8517: matches." in capsys.readouterr().out
    check_conclusion("Test acc 0.923; the learning curves showed overfitting.", history=HISTORY_APART, results=RESULTS)
    assert "you quote 0.923, but your run's is 0.8517. Quote your own run's." in capsys.readouterr().out
    check_conclusion(r"My test accuracy was $84.78\%$.", history=HISTORY_APART, results=RESULTS)
    assert "you quote 84.78%, but your run's is 0.8517" in capsys.readouterr().out


def test_numbers_aside_a_model_answer_is_still_the_model_answer():
    assert normalised_words("Three 0.85 [notebook 8](08_x.ipynb) **GRU**") == ["three", "#", "notebook", "#", "gru"]
    assert set(MODEL_ANSWERS) == set(QUESTIONS) == set(range(1, 13))
    assert all(len(model_answer_shingles(number)) > 20 for number in MODEL_ANSWERS)


def test_invisible_characters_and_look_alike_letters_do_not_hide_a_copied_answer():
    """A model answer pasted with zero-width spaces, soft hyphens or Cyrillic letters that look Latin reads the same
    to a person, so it is compared as the same words (adversarial trial, issue 35)."""
    from labutils.viva import MODEL_ANSWERS, normalised_words
    plain = MODEL_ANSWERS[1]
    hidden = plain.replace("e", "e\u200b").replace("tion", "ti\u00adon")  # inside words, where nobody sees them
    cyrillic = plain.replace("a", "\u0430").replace("e", "\u0435").replace("o", "\u043e")
    assert normalised_words(hidden) == normalised_words(plain) == normalised_words(cyrillic)


def test_an_answer_circulated_round_half_the_class_with_a_word_changed_each_is_flagged(full_run, tmp_path):
    """30 of 60 students hand in one Q7 answer, each with one word changed in another place: every run of it is in
    more texts than common phrasing allows, yet it is one answer (adversarial trial, issue 35: 24 or more sharers
    went unflagged). The other 30, with their own words, are not flagged."""
    build_class(full_run, tmp_path / "class", students=60)
    words = ("The output gate decides how much of the cell memory is shown to the rest of the network at each step, and "
             "in this model only the final hidden state reaches the dense layer, so the output gate at the last word "
             "matters most for the prediction the classifier makes about the review.").split()
    for number in range(30):
        changed = list(words)
        changed[(2 + 2 * number) % len(changed)] = "really"
        write_answers(tmp_path / "class" / f"student{number:03d}" / NB6, {"Q7": " ".join(changed)}, replace=True)
    nb6 = [sub for sub in grade.grade_paths([tmp_path / "class"], grade.Settings(lessons=FIXTURE_LESSONS))
           if sub.notebook.endswith("viva_voce")]
    flagged = sorted(int(sub.roll_no[-3:]) for sub in nb6 if "A805" in sub.codes)
    assert flagged == list(range(30)), flagged


# ---------------------------------------------------------------- the second adversarial trial (trial2)


@pytest.mark.parametrize("text, wrong, unmatched, quoted", [
    # decimal commas (c30): "85,17 %" is 85.17 %, not 17 %; "25,000" stays a thousand
    ("Test accuracy: 85,17 %, AUC 0,929. The best epoch was epoch 2 (validation accuracy 85,7 %).", [], [], ["85.17 %"]),
    ("Test accuracy: 83,86 % on the 25,000 test reviews.", ["83.86 %"], [], []),
    # a percentage in words (c21)
    ("My model classified about eighty-five per cent of the test reviews correctly.", [], [], ["85 per cent"]),
    ("My model classified about eighty-six per cent of the test reviews correctly.", ["86 per cent"], [], []),
    ("My model classified eighty seven percent of the test reviews correctly.", ["87 percent"], [], []),
    # a count of right test reviews (c24): 0.8517 of 25,000 is 21,292.5, give or take 2 reviews
    ("On the test set it classified 21,293 of the 25,000 reviews correctly.", [], [], ["21,293 of the 25,000 reviews"]),
    ("On the test set it classified 21,650 of the 25,000 reviews correctly.", ["21,650 of the 25,000 reviews"], [], []),
    ("It got 3,707 of the 25,000 test reviews wrong.", [], [], []),
    ("It got 3,000 of the 25,000 test reviews wrong.", [], ["3,000 of the 25,000 test reviews"], []),
    ("I held out 5,000 of the 25,000 training reviews for validation.", [], [], []),
    # an error rate said of the test set (c25): one minus the test accuracy
    ("Its error rate on the 25,000 test reviews was only 12.0 %.", [], ["12.0 %"], []),
    ("Its error rate on the 25,000 test reviews was 14.8 %.", [], [], []),
    ("12 % of the test reviews were misclassified.", [], ["12 %"], []),
    # LaTeX subscripts (c26), "accuracy on test", "Test acc. = .87"
    (r"On the test reviews it reached $\mathrm{acc}_{test} = 87\,\%$.", ["87 %"], [], []),
    (r"$\text{acc}_{\text{test}} = 85.17\,\%$", [], [], ["85.17 %"]),
    ("Accuracy on test: 87%.", ["87%"], [], []),
    ("Test acc. = .87", [".87"], [], []),
    ("Test acc. = .8517", [], [], [".8517"]),
    # a figure beside another run is that run's, clause by clause (c27b); the student's own beside it is not
    ("My accuracy was 0.8900 and the practical reported 0.850.", [], ["0.8900"], []),
    ("The practical, which I followed, reported 0.850 on its validation set.", [], [], []),
    ("My model did worse than the practical, which had 0.86 validation accuracy and 0.35 loss.", [], [], []),
    # figures of what notebook 6 does not print: a class, a class average, an exercise, a threshold (c62, c63)
    ("The classification report gives recall 0.8791 for the negative class against 0.838 for the positive one, and "
     "a macro-average F1 of 0.8384.", [], [], []),
    ("In exercise 4 of notebook 5, counting a false positive three times as costly moved the threshold to 0.786, "
     "where precision rose to 0.923 and recall fell to 0.702 on the validation reviews.", [], [], []),
    ("Recall for the negative class was 0.8791, and my validation accuracy peaked at 0.95.", [], ["0.95"], []),
])
def test_figures_are_read_as_the_second_trial_wrote_them(text, wrong, unmatched, quoted):
    found = conclusion_findings(text, HISTORY, RESULTS)
    assert (found["wrong_test_accuracy"], found["unmatched"], found["quoted_test_accuracy"]) == (wrong, unmatched, quoted)


def test_the_students_own_check_reads_the_second_trials_figures(capsys):
    """check_conclusion in notebook 6 reads decimal commas, counts and error rates as the grader does."""
    check_conclusion("Test accuracy: 85,17 %; the learning curves showed overfitting.", history=HISTORY, results=RESULTS)
    assert "you quote 85.17 %; your run's is 0.8517: matches." in capsys.readouterr().out
    check_conclusion("It classified 21,650 of the 25,000 test reviews correctly.", history=HISTORY, results=RESULTS)
    assert "you quote 21,650 of the 25,000 test reviews, but your run's is 0.8517" in capsys.readouterr().out
    check_conclusion("My accuracy was 0.8900 and the practical reported 0.850.", history=HISTORY, results=RESULTS)
    assert "0.8900: none of your run's figures" in capsys.readouterr().out


def test_what_markdown_shows_as_nothing_does_not_hide_a_copied_answer():
    """Trial 2 (c34, c35): a combining grapheme joiner (U+034F, a mark, not a format character) or a variation
    selector inside words, an HTML character reference (&#101;, &eacute;), an empty tag or comment: Jupyter shows the
    classmate's very words. Real combining marks stay: an accent, and Devanagari's vowel signs."""
    plain = STUDENT_ANSWERS["Q8"]
    joined = " ".join(word[:2] + "\u034f" + word[2:] + "\ufe0f" for word in plain.split(" "))
    referenced = plain.replace("e", "&#101;").replace("a", "&#x61;").replace("gate", "g<b></b>ate<!-- x -->")
    assert normalised_words(joined) == normalised_words(referenced) == normalised_words(plain)
    assert normalised_words("caf&eacute; cafe\u0301") == ["café", "café"]
    assert visible("प्रिया नमस्ते") == "प्रिया नमस्ते" and visible("e\u034f\u0301") == "e\u0301"


def reordered_and_reworded(text: str, every: int = 7) -> str:
    """A copier's disguise (trial 2, c37): the sentences in reverse order, every 7th word swapped for a near synonym
    or given an adverb."""
    swaps = {"the": "this", "a": "one", "is": "gets", "and": "plus", "of": "for", "to": "towards", "in": "within",
             "it": "this", "that": "which", "so": "thus", "by": "via", "with": "using"}
    words = " ".join(reversed(re.split(r"(?<=[.!?])\s+", text))).split(" ")
    for index in range(every - 1, len(words), every):
        words[index] = swaps.get(words[index].lower(), "really " + words[index])
    return " ".join(words)


def test_every_own_answer_is_far_from_the_other_students_sentence_by_sentence():
    """The sentence test's margin: no answer of one example student (or of the lab's published examples) stands in
    sentences near another student's (the flag needs 60 % of an answer's words, 18 words at least; the trial's
    independent students reached 51 % with one stock sentence at most), while each answer disguised as in trial 2
    keeps over 75 % of its words in its sentences (it keeps about half of its four-word runs, under the runs' 60 %)."""
    examples = json.loads(PUBLISHED_RUNS.read_text(encoding="utf-8"))["examples"]
    own = {"CS21-017": [STUDENT_ANSWERS | {"conclusion": STUDENT_CONCLUSION},
                        LESSON_10_ANSWERS | {"conclusion": LESSON_10_CONCLUSION}],
           "CS21-042": [SECOND_STUDENT_ANSWERS | {"conclusion": SECOND_STUDENT_CONCLUSION}],
           "CS21-055": [THIRD_STUDENT_ANSWERS | {"conclusion": THIRD_STUDENT_CONCLUSION}]}
    for example in examples:
        own[example["roll_no"]].append(example["answers"])
    highest, compared = 0.0, 0
    for roll, answer_sets in own.items():
        for other_roll, other_sets in own.items():
            if other_roll == roll:
                continue
            for answers in answer_sets:
                for other in other_sets:
                    for name, text in answers.items():
                        share, _ = sentence_copy_share(own_sentences(name, text), own_sentences(name, other[name]))
                        highest, compared = max(highest, share), compared + 1
    assert compared > 500 and highest < 0.25, highest
    disguised = []
    for name, text in (STUDENT_ANSWERS | SECOND_STUDENT_ANSWERS).items():
        copy = reordered_and_reworded(text)
        runs, copy_runs = own_runs(name, text), own_runs(name, copy)
        if len(runs) >= 15 and len(copy_runs) >= 15:
            assert same_sentences(own_sentences(name, text), own_sentences(name, copy)), name
            disguised.append(sentence_copy_share(own_sentences(name, copy), own_sentences(name, text))[0])
    assert len(disguised) >= 10 and min(disguised) > 0.75, disguised


def test_a_classmates_answer_reordered_and_reworded_is_flagged(full_run, tmp_path):
    """Trial 2 (c37): the copy keeps too few of the classmate's four-word runs for the runs' test, but every sentence
    is still the classmate's; both are named, and the third student, with answers of their own, is not."""
    first, second, third = two_classmates(full_run, tmp_path)
    copy = reordered_and_reworded(STUDENT_ANSWERS["Q8"])
    runs, copy_runs = own_runs("Q8", STUDENT_ANSWERS["Q8"]), own_runs("Q8", copy)
    assert len(runs & copy_runs) / min(len(runs), len(copy_runs)) < CLASSMATE_COPY_SHARE  # the runs' test misses it
    rewrite(first, {"Q8": STUDENT_ANSWERS["Q8"]})
    rewrite(second, {"Q8": copy})
    graded = grade.grade_paths([tmp_path], grade.Settings(lessons=FIXTURE_LESSONS))
    nb6 = {sub.roll_no: sub for sub in graded if sub.notebook.endswith("viva_voce")}
    assert "the same answer as Student 1 (CS21-001)" in nb6["CS21-000"].answer_flags["Q8"][0]
    assert "the same answer as Student 0 (CS21-000)" in nb6["CS21-001"].answer_flags["Q8"][0]
    assert set(nb6["CS21-000"].answer_flags) == {"Q8"} and not nb6["CS21-002"].answer_flags


def test_words_in_hidden_html_elements_do_not_hide_a_copied_answer():
    """<span hidden>zq</span> between words shows nothing in JupyterLab (its sanitizer keeps the attribute) but once
    broke every word run the copy checks compare (the teacher's read of the second trial)."""
    copied = "The forget gate <span hidden>zq</span>keeps the <span style='display: none'>xx yy</span>cell state."
    assert normalised_words(copied) == normalised_words("The forget gate keeps the cell state.")


def test_an_answer_typed_in_a_cell_added_below_the_answer_cell_is_read(hand_in):
    """A student leaves the answer cell as the placeholder and types the answer in a new markdown cell right below it
    (the third trial): read as the answer, with a note."""
    notebook = load(hand_in / NB6)
    q3 = answer_cell(notebook, "Q3")
    q3["source"] = "**Your answer to question 3** (double-click to edit)\n\n*Write your answer here.*"
    notebook["cells"].insert(notebook["cells"].index(q3) + 1, {"cell_type": "markdown", "id": "f0e1d2c3",
                                                             "metadata": {}, "source": STUDENT_ANSWERS["Q3"]})
    save(notebook, hand_in / NB6)
    sub = grade_folder(hand_in)[NB6]
    assert sub.status == "PASS" and sub.answers["Q3"] == STUDENT_ANSWERS["Q3"].strip(), (sub.unanswered, sub.notes)
    assert "Q3's answer continues in a cell added below its answer cell: read together" in sub.notes
