"""The notebooks' shared skeleton, committed clean (nbval executes them separately)."""

import ast
import json
import re
import subprocess

import pytest
from helpers import NOTEBOOKS, ROOT, python_source

from labutils.course import catalogue

IDENTITY_FIELDS = ["STUDENT_NAME", "ROLL_NO", "SEMESTER_YEAR", "ACADEMIC_SESSION", "DATE_OF_PERFORMANCE",
                   "DATE_OF_SUBMISSION"]


def load(path):
    return json.loads(path.read_text())


def source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_the_practicals_six_notebooks_and_the_three_beyond_it_are_there():
    assert catalogue.numbered_files(ROOT / "notebooks") == NOTEBOOKS
    assert [notebook.part for notebook in catalogue.NOTEBOOKS] == ["practical"] * 6 + ["beyond"] * 3


@pytest.mark.parametrize("notebook", catalogue.NOTEBOOKS, ids=lambda n: n.stem)
def test_each_notebook_carries_its_catalogue_id_and_part(notebook):
    """A hand-in is recognised by this metadata without the catalogue, so the two must agree."""
    metadata = load(ROOT / "notebooks" / notebook.file)["metadata"]["labutils"]
    version = json.loads((ROOT / "labutils" / "course" / "lesson_manifest.json").read_text())["version"]
    assert metadata == {"notebook_id": notebook.id, "part": notebook.part, "lesson_version": version}


def committed_notebooks():
    """Every .ipynb in the repository: git's list, or without git the lab's and the tests' own."""
    listed = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode == 0:
        return [ROOT / name for name in listed.stdout.split()]
    return sorted(ROOT.glob("notebooks/*.ipynb")) + sorted(ROOT.glob("tests/**/*.ipynb"))


@pytest.mark.parametrize("path", committed_notebooks(), ids=lambda p: str(p.relative_to(ROOT)))
def test_committed_clean(path):
    """The lab's notebooks and any other (executed hand-ins for the grader's tests are zipped)."""
    notebook = load(path)
    for number, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"cell {number} has outputs: strip them before committing"
            assert cell.get("execution_count") is None, f"cell {number} has an execution count"
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_skeleton(path):
    cells = load(path)["cells"]
    number = path.stem[:2]
    title = source(cells[0])
    assert title.startswith(f"# {number} · "), "the first cell is the title"
    # its Colab badge and the setup cell's install line: labutils.repository.problems, in test_colab_and_repository.py
    headings = [line for cell in cells if cell["cell_type"] == "markdown" for line in source(cell).splitlines()
                if line.startswith("## ")]
    assert headings[:3] == ["## Overview", "## Student", "## Setup"]
    assert "## Exercises" in headings and "## Summary" in headings
    overview = next(source(cell) for cell in cells if source(cell).startswith("## Overview"))
    assert "**How long it takes**" in overview and "RESULTS.md#the-labs-whole-wait" in overview, \
        "the overview says how long the notebook took on the lab's machine, by linking the recorded run"
    if number in "01 02 03 04 05 06":  # the practical's notebooks are handed in: run them once, in order, first
        student = next(source(cell) for cell in cells if source(cell).startswith("## Student"))
        assert ("Before you hand in, run the whole notebook once from the top: JupyterLab *Kernel > Restart Kernel and "
                "Run All Cells*, Colab *Runtime > Restart session and run all*. The grader checks that every cell ran "
                "once, in order.") in student, "the Student section says to run the whole notebook once before handing in"

    code = [source(cell) for cell in cells if cell["cell_type"] == "code"]
    assert all(field in code[0] for field in IDENTITY_FIELDS), "the first code cell is the identity cell"
    assert "from labutils import setup" in code[1] and "run_record = setup(" in code[1], "the second code cell is the setup call"
    # notebooks 4 to 7 share notebook 4's model, so on Colab they offer to keep it in Google Drive
    assert ("KEEP_ON_DRIVE = False" in code[1] and "setup(keep_on_drive=KEEP_ON_DRIVE)" in code[1]) == (number in "04 05 06 07")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_code_cell_follows_a_markdown_cell(path):
    cells = load(path)["cells"]
    for index, cell in enumerate(cells):
        if cell["cell_type"] == "code":
            assert index > 0 and cells[index - 1]["cell_type"] == "markdown", f"code cell {index} has no explanation before it"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_explicit_imports_and_valid_python(path):
    for cell in load(path)["cells"]:
        if cell["cell_type"] != "code":
            continue
        tree = ast.parse(python_source(source(cell)))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert all(alias.name != "*" for alias in node.names), "no `import *`"


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.stem[:2] in {"02", "04", "05", "06", "07", "08", "09"}], ids=lambda p: p.stem)
def test_data_loading_stays_visible(path):
    code = "\n".join(source(cell) for cell in load(path)["cells"] if cell["cell_type"] == "code")
    assert "keras.datasets.imdb.load_data(num_words=NUM_WORDS)" in code
    assert re.search(r"NUM_WORDS = 10_000\nMAXLEN = 200", code)


def test_profile_acts_through_one_visible_call():
    code = {path.stem: "\n".join(source(c) for c in load(path)["cells"] if c["cell_type"] == "code") for path in NOTEBOOKS}
    assert "apply_run_profile(x_train_padded, y_train, EPOCHS)" in code["04_training_with_validation_split"]
    assert "model.fit(" in code["04_training_with_validation_split"]
    assert "model.evaluate(x_test_padded, y_test" in code["05_test_evaluation_and_confusion_matrix"]


def test_the_cells_the_grader_reads_are_marked():
    marked = {path.stem: [c["metadata"].get("labutils", {}).get("evidence") for c in load(path)["cells"]
                          if c["cell_type"] == "code"] for path in NOTEBOOKS}
    for stem, evidence in marked.items():
        assert evidence.count("run-record") == 1 and evidence.index("run-record") == 1, f"{stem}: the setup cell"
    assert {"run-profile", "learning-curves"} <= set(marked["04_training_with_validation_split"])
    assert {"test-accuracy", "predict-accuracy", "confusion-matrix"} <= set(marked["05_test_evaluation_and_confusion_matrix"])


def test_the_viva_answers_link_to_the_notebooks_beyond_the_practical():
    viva = "".join(source(c) for c in load(ROOT / "notebooks" / "06_viva_voce.ipynb")["cells"] if c["cell_type"] == "markdown")
    assert "07_gates_inside_the_trained_lstm.ipynb" in viva and "08_architectures_compared.ipynb" in viva


def test_the_gate_pictures_reuse_notebook_1s_numpy_lstm():
    code = "".join(source(c) for c in load(ROOT / "notebooks" / "07_gates_inside_the_trained_lstm.ipynb")["cells"]
                   if c["cell_type"] == "code")
    assert "from labutils import lstm_forward" in code and "def lstm_step" not in code  # one LSTM, not a copy
    assert "assert max_difference < 1e-4" in code


def test_the_student_writes_each_viva_answer_below_its_evidence():
    """Notebook 6: one answer cell per question, right after the evidence cell whose figures it quotes, each with
    the lab's heading and placeholder; the conclusion cell holds only MY_CONCLUSION, and a lesson cell checks it."""
    from labutils.viva import ANSWER_IDS, CONCLUSION_NAME, answer_cell_source, written_answer

    cells = load(ROOT / "notebooks" / "06_viva_voce.ipynb")["cells"]
    tags = [cell["metadata"].get("labutils", {}).get("answer") for cell in cells]
    assert [tag for tag in tags if tag] == list(ANSWER_IDS)
    for index, (cell, tag) in enumerate(zip(cells, tags)):
        if tag and tag != "conclusion":
            number = int(tag[1:])
            assert cell["cell_type"] == "markdown" and source(cell) == answer_cell_source(number)
            assert written_answer(source(cell)) == "" and cells[index - 1]["cell_type"] == "code"
            assert source(cells[index - 2]).startswith(f"### {number}. ") or source(cells[index - 3]).startswith(f"### {number}. ")
    conclusion = cells[tags.index("conclusion")]
    assert conclusion["cell_type"] == "code" and source(conclusion).startswith(f'{CONCLUSION_NAME} = """')
    assert "check_conclusion(MY_CONCLUSION, history=history, results=results)" in source(cells[tags.index("conclusion") + 2])


def test_a_model_answer_reads_only_what_notebook_6_computes():
    """show_model_answer fills in the student's figures from the notebook's variables: each one it reads is assigned
    in notebook 6's code, so a renamed variable cannot silently empty the model answers."""
    viva = (ROOT / "labutils" / "viva.py").read_text(encoding="utf-8")
    read = set(re.findall(r"ns\['(\w+)'\]", viva))
    code = "\n".join(python_source(source(c)) for c in load(ROOT / "notebooks" / "06_viva_voce.ipynb")["cells"]
                     if c["cell_type"] == "code")
    assigned = {target.id for node in ast.walk(ast.parse(code)) if isinstance(node, (ast.Assign, ast.For))
                for target in ast.walk(node.targets[0] if isinstance(node, ast.Assign) else node.target)
                if isinstance(target, ast.Name)}
    assert len(read) > 10 and read <= assigned, read - assigned
