"""Students' hand-ins for the grader's tests and benchmarks/grade_class.py (no pytest needed to import it).

The full-profile hand-in is kept zipped in tests/fixtures: it is data for the grader, executed notebooks with
their outputs, and committed notebooks are kept clean.
"""

import hashlib
import random
import re
import statistics
import zipfile
from pathlib import Path

import nbformat

from labutils.course import catalogue, grade
from labutils.course.manifest import answer_id, exercise_id, load_manifest
from labutils.exercises import registered
from labutils.viva import ANSWER_HEADING_LINE, ANSWER_PLACEHOLDER, CONCLUSION_NAME, CONCLUSION_PLACEHOLDER

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FULL_RUN_ARCHIVE = FIXTURES / "full-run-hand-in.zip"
# Two more real full runs, by two other students, made one after the other on one machine on 2026-12-02: the proof
# that independent runs are not taken for copies (tests/test_grade_class.py).
SECOND_RUN_ARCHIVE = FIXTURES / "second-run-hand-in.zip"  # Rahul Mehta, CS21-042
THIRD_RUN_ARCHIVE = FIXTURES / "third-run-hand-in.zip"  # Meera Iyer, CS21-055
# The same example student's full run of lesson version 11 (2026-12-07): the notebooks that print intervals and verdicts.
LESSON_11_ARCHIVE = FIXTURES / "lesson-11-hand-in.zip"  # Asha Verma, CS21-017; LESSON_10_ANSWERS are true of it
# The lesson versions of the hand-ins the tests grade, as a teacher states them (--lesson): the fixtures' (7 and 11)
# and the smoke run's, made from the committed notebooks (the current version).
FIXTURE_LESSONS = tuple(dict.fromkeys(("7", "11", load_manifest()["version"])))
LESSON_ARGS = ("--lesson", ",".join(FIXTURE_LESSONS))

EXAMPLE_STUDENT = {"<your name>": "Asha Verma", "<your roll number>": "CS21-017",
                   "<e.g. VIIth Sem / IVth Year>": "VIIth Sem / IVth Year", "<e.g. 2025-2026 [ODD]>": "2026-2027 [ODD]",
                   "<YYYY-MM-DD>": "2026-11-24"}


def unpack_full_run(folder: Path, archive: Path = FULL_RUN_ARCHIVE) -> Path:
    """The six notebooks of a full-profile hand-in (by default Asha Verma's, CS21-017), unpacked into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(folder)
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


def build_class(hand_in: Path, folder: Path, students: int, own_answers: bool = True, own_runs: bool = True) -> int:
    """``students`` folders, each a copy of ``hand_in`` with its own name and roll number; returns the files.

    With ``own_runs`` each copy is made to look like a run of its own, as only a forger who edits every identifier
    and timing would make it: every run_id replaced (consistently, so notebooks 5 and 6 still name the student's own
    notebook 4), every timing Keras and the epoch timer printed changed, and every cell time the runner saved. The grader cannot tell such copies from
    real runs (the README says so); they stand in for a class of real runs where only the class's size matters.
    Without ``own_runs``, every student hands in the one run with only name and roll number changed: copies.
    With ``own_answers`` each student's notebook 6 answers are their own (different words for each student, so no
    two share an answer); without, every student hands in the example student's answers."""
    sources = {path.name: path.read_text(encoding="utf-8") for path in sorted(hand_in.glob("*.ipynb"))}
    for number in range(students):
        student = folder / f"student{number:03d}"
        student.mkdir(parents=True)
        for name, text in sources.items():
            text = text.replace("CS21-017", f"CS21-{number:03d}").replace("Asha Verma", f"Student {number}")
            if own_runs:
                text = another_run(text, number)
            (student / name).write_text(text, encoding="utf-8")
            if own_answers and name.startswith("06_"):
                give_own_answers(student / name, number)
    return students * len(sources)


RUN_ID = re.compile(r"\b[0-9a-f]{32}\b")
KERAS_TIMING = re.compile(r"(\d+/\d+ - )(\d+)(s - )(\d+)(ms/step)")
TIMER_LINE = re.compile(r"(epoch \d+: +)([0-9]+\.[0-9])( s +\()([0-9]+)( ms per step)(, (\d+) steps)?")
MEDIAN_LINE = re.compile(r"(median )([0-9]+\.[0-9])( s per epoch)")


CELL_TIME = re.compile(r'("\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.)(\d{6})(Z")')  # nbclient's metadata.execution


def _shifted(microseconds: str, number: int) -> str:
    """A saved cell time's microseconds, moved by an amount of its own for student ``number`` (so durations change
    too, as in another run)."""
    offset = int(hashlib.sha256(f"{number}-{microseconds}".encode()).hexdigest()[:6], 16)
    return f"{(int(microseconds) + offset) % 10**6:06d}"


def another_run(text: str, number: int) -> str:
    """A notebook's text with every run_id, every printed timing and every saved cell time changed for student
    ``number``. The timings change as a careful forger would change them, so that they still add up (the grader checks
    that they do): Keras' time per step moves and its seconds follow; the epoch timer's seconds move as Keras' did,
    its ms per step and the median follow."""
    text = RUN_ID.sub(lambda match: hashlib.sha256(f"{number}-{match.group(0)}".encode()).hexdigest()[:32], text)
    text = CELL_TIME.sub(lambda m: f"{m.group(1)}{_shifted(m.group(2), number)}{m.group(3)}", text)
    shifts: list[int] = []

    def keras(match):
        steps = int(match.group(1).split("/")[0])
        per_step = int(match.group(4)) + number + 1
        seconds = round(steps * per_step / 1000)
        shifts.append(seconds - int(match.group(2)))
        return f"{match.group(1)}{seconds}{match.group(3)}{per_step}{match.group(5)}"

    text = KERAS_TIMING.sub(keras, text)
    timer_seconds: list[float] = []

    def timer(match):
        shift = shifts[len(timer_seconds)] if len(timer_seconds) < len(shifts) else number + 1
        seconds = float(match.group(2)) + shift
        timer_seconds.append(seconds)
        steps = int(match.group(7) or 313)
        return (f"{match.group(1)}{seconds:.1f}{match.group(3)}{round(1000 * seconds / steps)}{match.group(5)}"
                f"{match.group(6) or ''}")

    text = TIMER_LINE.sub(timer, text)
    if timer_seconds:
        text = MEDIAN_LINE.sub(lambda m: f"{m.group(1)}{statistics.median(timer_seconds):.1f}{m.group(3)}", text)
    return text


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


# Her answers to the lesson-10 run: the same words, with the figures that run printed (notebook 6's evidence).
LESSON_10_ANSWERS = {
    **STUDENT_ANSWERS,
    "Q6": "The input gate controls how much of the new candidate values get added to the cell state. For my review the "
          "input gate averaged over the units went from 0.38 to 0.61; the most open words had 'terrible' and 'flat' but "
          "also a name, so it does not clearly pick out the sentiment words.",
    "Q8": "The cell state is updated by addition and multiplied only by the forget gate, so the gradient along it is "
          "the product of forget gate values. If they are close to 1 it survives many steps. In my model no unit kept "
          "1 % over the last 50 words, so the path is there but training did not use it on this review.",
    "Q10": "Use dropout and recurrent dropout, stop training early when the validation accuracy stops going up, use a "
           "smaller model or regularisation, or get more data. In my run the validation loss jumped after epoch 4 but "
           "was lowest after epoch 5, so five epochs showed no clear overfitting.",
}
LESSON_10_CONCLUSION = (
    "I built the practical's network: an embedding of the 10,000 most frequent words, an LSTM with 128 units "
    "and dropout, and one sigmoid output, 1,411,713 parameters in all. It trained for 5 epochs on 20,000 reviews, with "
    "5,000 held out for validation. On the 25,000 test reviews it reached a test accuracy of 0.8386 (95 % interval "
    "0.8340 to 0.8431), a little below the practical's 0.850. My best epoch was epoch 5, where the validation accuracy "
    "was highest (0.8418), and the validation loss was also lowest after epoch 5. The learning curves were not smooth: "
    "after epoch 4 the validation loss jumped up and the validation accuracy fell, then both recovered, while the "
    "training loss kept falling. More epochs could start to overfit, so early stopping on the validation accuracy "
    "would be a safe choice.")


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


# A second and a third student of the same class, for the grader's proof that real, independent runs are not taken
# for copies (tests/fixtures/second-run-hand-in.zip and third-run-hand-in.zip; see tests/fixtures/README.md). Their
# two runs, made one after the other on one machine with the lab's seed, print the same figures and other timings;
# their words are their own, written from what their notebooks printed.
SECOND_STUDENT = {"<your name>": "Rahul Mehta", "<your roll number>": "CS21-042",
                  "<e.g. VIIth Sem / IVth Year>": "VIIth Sem / IVth Year", "<e.g. 2025-2026 [ODD]>": "2026-2027 [ODD]",
                  "<YYYY-MM-DD>": "2026-12-02"}

SECOND_STUDENT_ANSWERS = {
    "Q1": "Ordinary recurrent nets lose track of early words: training them on long inputs fails since the learning "
          "signal dies out on its way back. The LSTM (1997) adds a cell that can carry a value unchanged. About 43 % of "
          "the reviews I trained on are over 200 tokens long.",
    "Q2": "Backpropagation through time multiplies one factor per step; below one the product shrinks towards zero "
          "(vanishing), above one it blows up (exploding). With 0.9 per step, 200 steps leave about 7e-10.",
    "Q3": "The LSTM keeps two vectors per step, h and c, while the simple RNN keeps only h. The c vector changes by "
          "addition under gate control. My evidence: 131,584 weights for the LSTM, four times the RNN's 32,896.",
    "Q4": "A gate is a vector of numbers from 0 to 1 made by a sigmoid; it is multiplied element by element with "
          "another vector, like a dimmer. The LSTM has three of them, forget, input and output, all learned.",
    "Q5": "It scales down the previous cell value: near one it keeps it, near zero it wipes it. In my review the forget "
          "values averaged 0.725 and none went under 0.1.",
    "Q6": "It weighs the new candidate before it is added into c. On my review it stayed between 0.42 and 0.55, and the "
          "words where it opened most were not only sentiment words (a name too).",
    "Q7": "It picks how much of tanh(c) becomes h, the state the next step and the classifier see. My output gate at the "
          "final step averaged 0.484.",
    "Q8": "Along c the gradient is multiplied only by forget values, with no squashing function in between, so if those "
          "are near one it lasts. In my model no unit kept 1 % of it over 50 words.",
    "Q9": "A GRU merges the cell and hidden state and uses an update gate and a reset gate: three blocks of weights "
          "instead of four, 99,072 against 131,584 in my check, with similar accuracy on sentiment.",
    "Q10": "Stop when the validation loss turns up, add dropout, shrink the network, or train on more reviews. My "
           "validation loss was lowest after the first of five epochs.",
    "Q11": "Two LSTMs, one reading left to right and one right to left, with their final states joined; the first words "
           "of a long review are then only a few steps from an output. It costs twice the recurrent weights.",
    "Q12": "On the held-out test reviews only: accuracy, the confusion matrix, precision and recall, F1 and ROC AUC. "
           "Picking the epoch is done on validation data.",
}

SECOND_STUDENT_CONCLUSION = (
    "My model (embedding of 10,000 words into 128 numbers, one LSTM layer of 128 units with dropout 0.2, a sigmoid "
    "unit on top) has 1,411,713 weights. I trained it for 5 epochs with a 20 % validation split and got a test accuracy "
    "of 0.8478 on the 25,000 test reviews. The validation loss was best after epoch 1 and rose after it, so the model "
    "started to overfit early; the learning curves show the training loss still falling. Stopping after epoch 1 "
    "would have kept the lowest validation loss with a fifth of the training.")


THIRD_STUDENT = {"<your name>": "Meera Iyer", "<your roll number>": "CS21-055",
                 "<e.g. VIIth Sem / IVth Year>": "VIIth Sem / IVth Year", "<e.g. 2025-2026 [ODD]>": "2026-2027 [ODD]",
                 "<YYYY-MM-DD>": "2026-12-02"}

THIRD_STUDENT_ANSWERS = {
    "Q1": "Because a vanilla recurrent network cannot learn dependencies that span many words. LSTMs fixed that with "
          "a memory path; reviews are long (the median one I padded had 178 tokens).",
    "Q2": "Gradients vanish when repeated multiplication by numbers smaller than one drives them to nothing, and "
          "explode when the numbers are larger than one. Clipping handles explosions only.",
    "Q3": "An extra memory vector that is written through gates; so an LSTM layer has 4 sets of weights where the "
          "SimpleRNN has 1.",
    "Q4": "Sigmoid valves between zero and one, learned from the input and previous output, which decide what to "
          "forget, what to write and what to reveal.",
    "Q5": "Decides what part of the stored memory survives into the next step. Mine were mostly in the middle, "
          "neither fully open nor closed.",
    "Q6": "Controls the amount of the new candidate written into memory. On my test review it never went near 0 or 1.",
    "Q7": "Masks the memory (after tanh) to give the hidden output; the Dense layer sees only the last such output.",
    "Q8": "The path through the memory is additive, so gradients are scaled only by forget values and can survive "
          "if those stay near 1. None of my units did that over 50 words.",
    "Q9": "GRU: two gates, no separate memory vector, 25 % fewer parameters than the LSTM, similar results in practice.",
    "Q10": "Early stopping on validation loss, more dropout, fewer units, weight decay, more training data.",
    "Q11": "It runs the sequence in both directions and concatenates the two results, which helps with long reviews "
           "whose start matters; twice the recurrent parameters.",
    "Q12": "With held-out test data only: accuracy plus confusion matrix, precision, recall, F1, ROC AUC.",
}

THIRD_STUDENT_CONCLUSION = (
    "The LSTM of the practical (1,411,713 parameters) scored 0.8478 test accuracy after 5 epochs on 20,000 training "
    "reviews. Its best validation loss came after epoch 1; from epoch 2 on the validation loss went up while the "
    "training loss kept going down, which is overfitting, and the validation accuracy after epoch 5 was only a little "
    "above that of epoch 1. More epochs would not help; early stopping or more dropout might.")
