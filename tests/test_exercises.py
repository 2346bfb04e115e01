"""Exercises that check themselves: every exercise cell has a checker, the checks say right or wrong without giving
the answer away, the published solutions pass their own checks, and the grader counts them as information only."""

import json
import re
import shutil

import pytest
from handins import FIXTURE_LESSONS, answer_line, fill_identity
from helpers import NOTEBOOKS, ROOT

from labutils import evidence
from labutils.artifacts import ARTIFACTS_VARIABLE
from labutils.course import grade, runner
from labutils.course.manifest import cell_source, exercise_id, text_of
from labutils.exercises import NotYet, check_exercise, exercise, registered, show_hint, show_solution
from labutils.exercises import _REGISTRY

LATER_NOTEBOOKS = ("05", "06", "07", "08", "09")  # the smoke_run fixture runs 01-04 with the solutions


def exercise_cells(path):
    return [cell for cell in json.loads(path.read_text(encoding="utf-8"))["cells"] if exercise_id(cell)]


def test_every_exercise_cell_has_a_checker_and_every_checker_a_cell():
    in_cells = [exercise_id(cell) for path in NOTEBOOKS for cell in exercise_cells(path)]
    assert len(in_cells) == len(set(in_cells)), "an exercise id is used twice"
    assert sorted(in_cells) == sorted(registered())
    for path in NOTEBOOKS:
        ids = [exercise_id(cell) for cell in exercise_cells(path)]
        assert all(name.startswith(path.name[:2] + "-") for name in ids), f"{path.name}: ids start with its number"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_exercise_cells_come_after_the_lesson_unanswered_with_a_visible_check(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = [i for i, cell in enumerate(cells) if cell["cell_type"] == "code"]
    exercises = [i for i in code if exercise_id(cells[i])]
    assert exercises, f"{path.name} has no exercise cells"
    assert all(i > max(set(code) - set(exercises)) for i in exercises), "exercise cells must follow every lesson cell"
    for i in exercises:
        name, source = exercise_id(cells[i]), cell_source(cells[i])
        answer_line(source, registered()[name].answer_name)  # raises unless exactly one `answer = None` line
        assert f'check_exercise("{name}", {registered()[name].answer_name}' in source
        assert cells[i - 1]["cell_type"] == "markdown", "each exercise cell follows the markdown that asks it"


@pytest.fixture
def toy_exercise():
    @exercise("99-1", answer_name="toy_answer", hint="Think of a dozen.", solution="toy_answer = 12",
              explanation="A dozen is twelve.")
    def _check(answer, *, offset=0):
        if float(answer) + offset != 12:
            raise NotYet("Not a dozen.")
    yield "99-1"
    del _REGISTRY["99-1"]


def test_a_check_says_right_wrong_or_unanswered_and_never_raises(toy_exercise, capsys):
    for answer, context in [(None, {}), (11, {}), ("twelve", {}), (12, {}), (10, {"offset": 2})]:
        assert check_exercise(toy_exercise, answer, **context) is None  # nothing for a notebook to display
    check_exercise("99-9", 12)
    lines = capsys.readouterr().out.splitlines()
    verdicts = [match.group(2) for line in lines if (match := evidence.EXERCISE_RESULT.match(line))]
    assert verdicts == ["not answered yet:", "not yet.", "not yet.", "correct.", "correct."]
    assert "Not a dozen." in lines[1] and "12" not in lines[1] and "12" not in lines[0]
    assert "no exercise '99-9'" in lines[-1]


def test_hints_and_solutions_are_printed_only_when_asked(toy_exercise, capsys):
    check_exercise(toy_exercise, 11)
    assert "toy_answer = 12" not in capsys.readouterr().out
    show_hint(toy_exercise)
    assert capsys.readouterr().out == "Hint for exercise 99-1: Think of a dozen.\n"
    show_solution(toy_exercise)
    assert "toy_answer = 12" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(registered()))
def test_no_hint_gives_the_answer_away(name):
    exercise_ = registered()[name]
    assert exercise_.hint and exercise_.explanation and exercise_.solution
    assert exercise_.solution not in exercise_.hint
    # nor does it spell out the recipe: no library call the solution makes is named in the hint
    calls = set(re.findall(r"\b((?:np|keras|tf|plt)\.[\w.]+)\s*\(", exercise_.solution))
    assert not [call for call in calls if call in exercise_.hint], f"{name}'s hint names the solution's calls"


def outputs(cell):
    return "".join(text_of(output.get("text", "")) for output in cell.get("outputs", []))


def assert_solved(executed_dir, numbers):
    checked = 0
    for path in sorted(executed_dir.glob("[0-9][0-9]_*.ipynb")):
        if path.name[:2] not in numbers:
            continue
        for cell in exercise_cells(path):
            printed = outputs(cell)
            assert f"Exercise {exercise_id(cell)}: correct." in printed, f"{path.name}: {printed[-400:]}"
            checked += 1
    assert checked == sum(len(exercise_cells(p)) for p in NOTEBOOKS if p.name[:2] in numbers)


def test_the_published_solutions_pass_their_checks_in_notebooks_1_to_4(smoke_run):
    assert_solved(smoke_run.executed, ("01", "02", "03", "04"))


def test_the_published_solutions_pass_their_checks_in_the_later_notebooks(smoke_run, tmp_path, monkeypatch):
    """Notebooks 5 to 9 with the solutions filled in, on a copy of the smoke run's model (smoke profile)."""
    artifacts = tmp_path / "artifacts"
    shutil.copytree(smoke_run.artifacts, artifacts)
    monkeypatch.setenv(ARTIFACTS_VARIABLE, str(artifacts))
    solved = fill_identity(ROOT / "notebooks", tmp_path / "solved", solve=True)
    runner.run([p for p in runner.lab_notebooks(solved) if p.name[:2] in LATER_NOTEBOOKS], tmp_path / "executed",
               "smoke", log=lambda *_: None)
    assert_solved(tmp_path / "executed", LATER_NOTEBOOKS)


def test_the_grader_counts_correct_checks_as_information(smoke_hand_in, tmp_path):
    subs = grade.grade_paths([smoke_hand_in], grade.Settings(lessons=FIXTURE_LESSONS, profile="smoke"))
    graded = {sub.notebook: sub for sub in subs}
    first = next(sub for notebook, sub in graded.items() if notebook.endswith("01_lstm_theory_and_gates"))
    assert (first.exercises_correct, first.exercises_total, first.status) == (4, 4, "PASS")  # edited cells allowed
    # an unanswered hand-in: still passes, with 0 correct
    notebook_path = next(smoke_hand_in.glob("01_*.ipynb"))
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if exercise_id(cell):
            for output in cell["outputs"]:
                if "text" in output:
                    text = "".join(output["text"])
                    output["text"] = text.replace(": correct.", ": not yet. A hint.")
    unanswered = tmp_path / "unanswered" / notebook_path.name
    unanswered.parent.mkdir()
    unanswered.write_text(json.dumps(notebook), encoding="utf-8")
    again = grade.grade_paths([unanswered], grade.Settings(lessons=FIXTURE_LESSONS, profile="smoke"))[0]
    assert (again.exercises_correct, again.exercises_total, again.status) == (0, 4, first.status)


def graded_copy(smoke_hand_in, tmp_path, change):
    """Notebook 1 of the smoke hand-in, changed by ``change`` (which edits the JSON), graded alone."""
    path = next(smoke_hand_in.glob("01_*.ipynb"))
    notebook = json.loads(path.read_text(encoding="utf-8"))
    change(notebook["cells"])
    copy = tmp_path / "copy" / path.name
    copy.parent.mkdir(exist_ok=True)
    copy.write_text(json.dumps(notebook), encoding="utf-8")
    return grade.grade_paths([copy], grade.Settings(lessons=FIXTURE_LESSONS, profile="smoke", min_accuracy=0.0))[0]


def test_an_exercise_tag_exempts_nothing_between_the_lesson_cells(smoke_hand_in, tmp_path):
    def insert_tagged_cell(cells):
        lesson = [i for i, cell in enumerate(cells) if cell["cell_type"] == "code" and not exercise_id(cell)]
        cells.insert(lesson[3], {"cell_type": "code", "execution_count": None, "outputs": [], "source": "EPOCHS = 1",
                                 "metadata": {"labutils": {"exercise": "01-1"}}})
        count = 0
        for cell in cells:
            if cell["cell_type"] == "code":
                count += 1
                cell["execution_count"] = count

    sub = graded_copy(smoke_hand_in, tmp_path, insert_tagged_cell)
    assert sub.status == "FAIL" and any("code inserted between the lesson's cells" in r for r in sub.reasons)


def test_an_exercise_that_errs_is_a_note_not_a_failure(smoke_hand_in, tmp_path):
    def break_exercise_2(cells):
        exercise_cells = [cell for cell in cells if exercise_id(cell)]
        exercise_cells[1]["outputs"] = [{"output_type": "error", "ename": "NameError", "evalue": "x", "traceback": []}]
        for cell in exercise_cells[2:]:
            cell["execution_count"], cell["outputs"] = None, []

    sub = graded_copy(smoke_hand_in, tmp_path, break_exercise_2)
    assert sub.status == "PASS", sub.reasons
    assert any("exercise 01-2" in note and "NameError" in note for note in sub.notes)
    assert any("exercise 01-3 did not run" in note for note in sub.notes)
    assert (sub.exercises_correct, sub.exercises_total) == (1, 4)
