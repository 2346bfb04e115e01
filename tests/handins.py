"""Students' hand-ins for the grader's tests and benchmarks/grade_class.py (no pytest needed to import it).

The full-profile hand-in is kept zipped in tests/fixtures: it is data for the grader, executed notebooks with
their outputs, and committed notebooks are kept clean.
"""

import random
import zipfile
from pathlib import Path

import nbformat

from labutils.course import catalogue, grade
from labutils.course.manifest import answer_id, exercise_id
from labutils.exercises import registered
from labutils.viva import ANSWER_HEADING_LINE, ANSWER_PLACEHOLDER, CONCLUSION_NAME, CONCLUSION_PLACEHOLDER

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FULL_RUN_ARCHIVE = FIXTURES / "full-run-hand-in.zip"

EXAMPLE_STUDENT = {"<your name>": "Asha Verma", "<your roll number>": "CS21-017",
                   "<e.g. VIIth Sem / IVth Year>": "VIIth Sem / IVth Year", "<e.g. 2025-2026 [ODD]>": "2026-2027 [ODD]",
                   "<YYYY-MM-DD>": "2026-11-24"}


def unpack_full_run(folder: Path) -> Path:
    """The six notebooks of the full-profile hand-in (Asha Verma, CS21-017), unpacked into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(FULL_RUN_ARCHIVE) as archive:
        archive.extractall(folder)
    return folder


def fill_identity(source_dir: Path, target_dir: Path, values: dict = EXAMPLE_STUDENT, solve: bool = False) -> Path:
    """Copies of the lab's notebooks with the identity cell filled in, as a student does before running them;
    with ``solve``, every exercise answered with its published solution too."""
    target_dir.mkdir(parents=True, exist_ok=True)
    for path in sorted(source_dir.glob("[0-9][0-9]_*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        cell = next(c for c in notebook.cells if c.cell_type == "code")
        for placeholder, value in values.items():
            cell.source = cell.source.replace(placeholder, value)
        if solve:
            for cell in notebook.cells:
                if exercise_id(cell):
                    cell.source = solved_source(cell.source, exercise_id(cell))
        nbformat.write(notebook, target_dir / path.name)
    return target_dir


def answer_line(source: str, answer_name: str) -> int:
    """The index of the exercise cell's ``answer_name = None`` line (the one a student replaces)."""
    lines = source.split("\n")
    found = [i for i, line in enumerate(lines) if line.startswith(f"{answer_name} = None")]
    if len(found) != 1:
        raise ValueError(f"expected one line `{answer_name} = None`, found {len(found)}")
    return found[0]


def solved_source(source: str, name: str) -> str:
    """An exercise cell with its ``answer = None`` line replaced by the published solution."""
    exercise = registered()[name]
    lines = source.split("\n")
    lines[answer_line(source, exercise.answer_name)] = exercise.solution
    return "\n".join(lines)


def build_class(hand_in: Path, folder: Path, students: int, own_answers: bool = True) -> int:
    """``students`` folders, each a copy of ``hand_in`` with its own name, roll number and run_id; returns the files.

    With ``own_answers`` each student's notebook 6 answers are their own (different words for each student, so no
    two share an answer); without, every student hands in the example student's answers."""
    sources = {path.name: path.read_text(encoding="utf-8") for path in sorted(hand_in.glob("*.ipynb"))}
    for number in range(students):
        student = folder / f"student{number:03d}"
        student.mkdir(parents=True)
        for name, text in sources.items():
            text = text.replace("CS21-017", f"CS21-{number:03d}").replace("Asha Verma", f"Student {number}")
            text = text.replace('\\"run_id\\": \\"', f'\\"run_id\\": \\"{number:04d}')  # inside the JSON string
            (student / name).write_text(text, encoding="utf-8")
            if own_answers and name.startswith("06_"):
                give_own_answers(student / name, number)
    return students * len(sources)


WORDS = ("gate memory cell state forget input output hidden gradient vanish review word sentiment epoch loss "
         "validation accuracy test train overfit dropout unit layer sequence recurrent network weight bias sigmoid "
         "tanh step long short term keep erase write read model data padding token embedding dense positive "
         "negative signal error learn").split()


def give_own_answers(notebook_path: Path, number: int) -> None:
    """Notebook 6's answers and conclusion replaced by student ``number``'s own, shared with no other student."""
    write_answers(notebook_path, {answer: own_words(number, answer) for answer in STUDENT_ANSWERS},
                  conclusion=own_words(number, "conclusion"), replace=True)


def own_words(number: int, answer: str) -> str:
    """An answer no other student shares: 30 words drawn for this student and question."""
    draw = random.Random(f"{number}-{answer}")
    return f"My answer ({answer}): " + " ".join(draw.choice(WORDS) for _ in range(30)) + "."


def runner_ids() -> list[str]:
    """The practical's six notebooks, which every student hands in."""
    return grade.required_notebooks("practical", grade.load_manifest())


def smoke_run_ids() -> list[str]:
    """The practical's notebooks up to training (notebook 4)."""
    return [notebook.id for notebook in catalogue.NOTEBOOKS if notebook.part == "practical" and notebook.number <= 4]


# The example student's own viva answers (short, in a student's words, not the lab's model answers), written into
# notebook 6's answer cells for the full-profile hand-in, and her conclusion, which quotes her run's figures (see
# tests/fixtures/README.md).
STUDENT_ANSWERS = {
    "Q1": "Plain RNNs forget what they read long ago, because the error signal gets weaker as it travels back over "
          "many time steps. Hochreiter and Schmidhuber proposed the LSTM in 1997 with a memory cell to keep "
          "information over long gaps. In my run more than 40 % of the training reviews are longer than 200 tokens, so their beginning is cut.",
    "Q2": "The vanishing gradient problem: when the gradient goes back through many steps it is multiplied again and "
          "again by small factors and becomes almost zero. 0.9 to the power 200 is tiny. Exploding gradients are "
          "fixed with clipping, not by the LSTM.",
    "Q3": "A simple RNN only has a hidden state that is overwritten each step. The LSTM also has a cell state that is "
          "updated by adding, and three gates control it. That costs four times the weights: 131,584 against 32,896 "
          "in my evidence.",
    "Q4": "Gates are sigmoid layers with outputs between 0 and 1 that multiply other vectors, so they decide how much "
          "passes. There are forget, input and output gates. They let the network learn what to remember. My NumPy "
          "LSTM gave the same probability as Keras for the review.",
    "Q5": "The forget gate multiplies the old cell state, so a value near 1 keeps the memory and near 0 deletes it. "
          "On test review 0 my forget gates averaged close to sigma(1), with few values at the extremes, so memory "
          "mostly fades gradually.",
    "Q6": "The input gate controls how much of the new candidate values get added to the cell state. For my review the "
          "input gate averaged over the units went from 0.38 to 0.57; the most open words had 'terrible' and 'flat' but "
          "also a name, so it does not clearly pick out the sentiment words.",
    "Q7": "The output gate decides how much of tanh of the cell state is shown as the hidden state. Only the last "
          "hidden state goes to the Dense layer, so the last output gate matters for the prediction.",
    "Q8": "The cell state is updated by addition and multiplied only by the forget gate, so the gradient along it is "
          "the product of forget gate values. If they are close to 1 it survives many steps. In my model only a small "
          "share of units kept 1 % over the last 50 words.",
    "Q9": "The GRU has two gates, update and reset, and no separate cell state, so it has three weight blocks instead "
          "of four and fewer parameters (99,072 vs 131,584). It is usually about as accurate on sentiment tasks.",
    "Q10": "Use dropout and recurrent dropout, stop training early when validation loss stops going down, use a "
           "smaller model or regularisation, or get more data. In my run the validation loss stopped improving "
           "before the last epoch.",
    "Q11": "It reads the review forwards and backwards, so the beginning of the review is also close to one of the "
           "two final states. It needs the full sequence and doubles the parameters of the recurrent layer.",
    "Q12": "Evaluate on the test set that was never used for training: accuracy, confusion matrix, precision, recall, "
           "F1 and ROC AUC. Use the validation split for choosing the epoch, not the test set.",
}

STUDENT_CONCLUSION = (
    "I built the practical's network: an embedding of the 10,000 most frequent words, an LSTM with 128 units and "
    "dropout, and one sigmoid output, 1,411,713 parameters in all. It trained for 5 epochs on 20,000 reviews, with "
    "5,000 held out for validation. On the 25,000 test reviews it reached a test accuracy of 0.8517, about the same "
    "as the practical's 0.850. The validation loss was lowest after epoch 3 and then went up while the training loss "
    "kept falling, so the model began to overfit after epoch 3, although the validation accuracy was highest after "
    "epoch 5 (0.855). Early stopping on the validation loss would have kept the weights of epoch 3.")


def write_answers(notebook_path: Path, answers: dict, conclusion: str | None = None, replace: bool = False) -> None:
    """Write ``answers`` (by answer id) into notebook 6's answer cells, and ``conclusion`` into MY_CONCLUSION, as a
    student does (markdown cells need no re-run; the conclusion cell must run afterwards). With ``replace``, an
    answer already written is replaced too (the lab's heading line stays)."""
    notebook = nbformat.read(notebook_path, as_version=4)
    for cell in notebook.cells:
        name = answer_id(cell)
        if name in answers:
            heading = ANSWER_HEADING_LINE.search(cell.source)
            cell.source = (f"{heading.group(0)}\n\n{answers[name]}" if replace and heading
                           else cell.source.replace(ANSWER_PLACEHOLDER, answers[name]))
        elif name == "conclusion" and conclusion is not None:
            cell.source = (f'{CONCLUSION_NAME} = """\n{conclusion}\n"""' if replace
                           else cell.source.replace(CONCLUSION_PLACEHOLDER, conclusion))
    nbformat.write(notebook, notebook_path)
