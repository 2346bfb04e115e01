"""The checks on one notebook: ran in one go, the student named, the lesson's cells intact, the evidence consistent."""

from __future__ import annotations

import datetime as _dt
import difflib
import hashlib
import json
import math
import re
from pathlib import Path

from ...evidence import (CONFUSION_COUNTS, EVALUATE_BATCH_SIZE, EXERCISE_CORRECT, EXERCISE_RESULT, KERAS_EPOCH, KERAS_STEPS, PREDICT_ACCURACY,
                         RUN_RECORD_PREFIX, TEST_ACCURACY, TRAINING_PROFILE, run_profile_banner_start)
from ...practical import PRACTICAL
from ...viva import visible
from ..manifest import IDENTITY_FIELDS, cell_source, exercise_id, fingerprint, first_line, identity_values, utf8_safe
from .answers import is_conclusion_cell, read_answers
from .fingerprints import colab_accounts, finished_out_of_order
from .runs import check_epoch_table, check_published, check_test_figures, check_viva_gaps, read_run
from .read import HandInFile, has_png, identify, lesson_version, outputs_text, read_notebook
from .submission import ANY_LESSON, LOW_ACCURACY, PLACEHOLDER, TEST_SET_SIZE, TRAINING_SET_SIZE, Settings, Submission

RECORD_KEYS = {"run_id", "time", "platform", "profile", "seed", "versions"}
RUN_ID_FORM = re.compile(r"[0-9a-f]{32}")  # uuid.uuid4().hex, as setup() makes it
MAX_LESSON_CELL_CHARS = 20_000  # the longest lesson cell is about a tenth of this
# Above this a test accuracy is not believable for this model: the best published IMDb results, with large
# pretrained models, are about 0.96, and this lab's LSTM trains from scratch for 5 epochs.
PLAUSIBLE_MAX_ACCURACY = 0.95


def _check_lesson_version(entry: dict, manifest: dict, sub: Submission, settings: Settings) -> None:
    """The lesson version against the one the teacher says the class used (the current one unless told), and a
    notebook of a version without the answer cells the current one has (notebook 6 before lesson 7): never a pass."""
    stated = settings.class_lessons(manifest)
    if ANY_LESSON not in stated and sub.lesson_version not in stated:
        sub.flag("L403", "lesson", f"made from lesson version {sub.lesson_version}, not {' or '.join(stated)} as this class "
                           f"(--lesson): an old copy of the notebook? If the class used {sub.lesson_version}, grade "
                           f"with --lesson {sub.lesson_version}")
    current = manifest["notebooks"].get(sub.notebook, {})
    if current.get("answers") and not entry.get("answers"):
        sub.unanswered.append(f"written answers (lesson version {sub.lesson_version} has no answer cells: its viva "
                              "was not written in the notebook)")


def _where(number: int, cell: dict) -> str:
    """A cell named for a person looking for it: its place among all cells and its first line."""
    return f"cell {number} (`{first_line(cell_source(cell))}`)"


def _check_execution(code_cells: list[tuple[int, dict]], sub: Submission) -> None:
    """Run top to bottom in one go: counts 1..n, nothing unrun, no errors."""
    ran = [(number, cell) for number, cell in code_cells if cell_source(cell).strip()]
    odd = [(number, cell) for number, cell in ran if cell.get("execution_count") is not None
           and (not isinstance(cell["execution_count"], int) or isinstance(cell["execution_count"], bool))]
    if odd:
        number, cell = odd[0]
        sub.fail("X201", f"{_where(number, cell)} has an execution count that is not a whole number "
                 f"({str(cell['execution_count'])[:20]!r}): the file was edited by hand; run the notebook again")
        return
    unrun = [(number, cell) for number, cell in ran if cell.get("execution_count") is None]
    if unrun:
        sub.fail("X202", f"{len(unrun)} code cell(s) never ran (first: {_where(*unrun[0])}); run the whole notebook "
                 "with Restart & Run All (Colab: Runtime > Restart session and run all)")
    if ran and not unrun:
        if ran[0][1]["execution_count"] != 1:
            sub.fail("X203", f"not run from a fresh kernel: the first code cell has execution count "
                     f"{ran[0][1]['execution_count']}, not 1")
        previous = ran[0][1]["execution_count"]
        for number, cell in ran[1:]:
            count = cell["execution_count"]
            if count <= previous:
                sub.fail("X204", f"cells ran out of order: {_where(number, cell)} has execution count {count} after {previous}")
                break
            if count != previous + 1:
                sub.fail("X205", f"cells were re-run or deleted: execution counts jump from {previous} to {count} at "
                         f"{_where(number, cell)}")
                break
            previous = count
        else:  # counts 1..n: the saved finishing times should agree (counts typed over by hand do not). A flag, not a
            # fail: times another tool saved (Colab's, kept through a later clean run elsewhere) may be stale
            backwards = finished_out_of_order(ran)
            if backwards:
                above, below = (dict(ran)[number] for number in backwards)
                sub.flag("X207", "run order", f"{_where(backwards[1], below)} finished before {_where(backwards[0], above)} "
                                              "above it, by the times saved with them, though the counts run in order: "
                                              "counts typed over after a cell was run again, or times left by another tool?")
    for number, cell in code_cells:
        for output in cell.get("outputs") or []:
            if isinstance(output, dict) and output.get("output_type") == "error":
                message = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}".strip().rstrip(":")
                sub.fail("X206", f"{_where(number, cell)} ended in an error: {message[:120]}")
                break


NO_OUTPUTS = ("no outputs were saved in this notebook (cleared, or Colab's \"Omit code cell output when saving this "
              "notebook\" was on: Edit > Notebook settings); run it again with Restart & Run All and save it with its "
              "outputs")


def _check_identity(code_cells: list[tuple[int, dict]], sub: Submission, printed_kept: bool = True) -> int | None:
    """Fill in the student's name and roll number; returns the identity cell's number. ``printed_kept``: the
    notebook kept its outputs, so the identity cell's printed line can be compared with its source."""
    for number, cell in code_cells:
        if len(cell_source(cell)) > MAX_LESSON_CELL_CHARS:
            continue  # far longer than the identity cell: not worth parsing
        values = identity_values(cell_source(cell))
        if values is None:
            continue
        # shown as a reader sees them: a right-to-left override cannot make a name look like a classmate's
        sub.student_name = " ".join(visible(values.get("STUDENT_NAME", "")).split())
        sub.roll_no = " ".join(visible(values.get("ROLL_NO", "")).split())
        unfilled = [name for name in IDENTITY_FIELDS if not values.get(name, "").strip()
                    or PLACEHOLDER.match(values.get(name, ""))]
        if unfilled:
            sub.fail("I301", f"identity cell not filled in: {', '.join(unfilled)}")
        printed = utf8_safe(outputs_text(cell))
        if printed_kept and not unfilled and not all(" ".join(values[name].split()) in " ".join(printed.split()) for name in IDENTITY_FIELDS):
            sub.fail("I302", "identity cell was edited after it ran: its output shows other details; run the notebook again")
        return number
    sub.fail("I303", "identity cell missing (the cell with STUDENT_NAME and ROLL_NO)")
    return None


def _check_lesson_cells(entry: dict, lesson_candidates: list[tuple[int, str, dict]],
                        sub: Submission) -> tuple[dict[str, dict], list[dict]]:
    """Compare the lesson cells with the manifest; returns the student's cell for each evidence name, and every
    cell that is the lesson's as it stands (what they printed is the run's, unlike the student's own cells)."""
    expected = [cell["fingerprint"] for cell in entry["lesson_cells"]]
    actual = [fp for _, fp, _ in lesson_candidates]
    matcher = difflib.SequenceMatcher(None, expected, actual, autojunk=False)
    evidence_cells: dict[str, dict] = {}
    lesson_cells: list[dict] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lesson_cells.extend(cell for _, _, cell in lesson_candidates[j1:j2])
            for offset in range(i2 - i1):
                evidence = entry["lesson_cells"][i1 + offset]["evidence"]
                if evidence:
                    evidence_cells[evidence] = lesson_candidates[j1 + offset][2]
            continue
        for i in range(i1, i2):
            lesson = entry["lesson_cells"][i]
            what = "changed" if tag == "replace" else "deleted"
            sub.fail("L401", f"lesson cell {what}: the cell starting `{lesson['first_line']}` is not the lab's")
        if i2 == len(expected):
            continue  # the student's own cells after the lesson's last cell are allowed
        if j2 - j1 > i2 - i1:
            number, _, cell = lesson_candidates[j1 + (i2 - i1)]
            sub.fail("L402", f"code inserted between the lesson's cells ({_where(number, cell)}); put your own experiments "
                     "under Exercises, after the lesson")
    return evidence_cells, lesson_cells


def _check_run_record(cell: dict | None, sub: Submission, settings: Settings) -> dict | None:
    if cell is None:
        return None  # the setup cell itself is missing or changed: already a reason
    records = [line[len(RUN_RECORD_PREFIX):] for line in outputs_text(cell).splitlines()
               if line.startswith(RUN_RECORD_PREFIX)]
    if not records:
        sub.fail("E501", "no run record in the setup cell's output (setup() did not run, or its output was cleared)")
        return None
    if len(records) > 1:
        sub.fail("E502", "more than one run record in the setup cell's output")
    try:
        record = json.loads(records[0])
    except json.JSONDecodeError:
        sub.fail("E503", "the run record is damaged (not valid JSON)")
        return None
    if not isinstance(record, dict):
        sub.fail("E504", "the run record was edited: it is not the JSON object setup() prints; run the notebook again")
        return None
    if not RECORD_KEYS <= set(record):
        sub.fail("E505", f"the run record lacks {', '.join(sorted(RECORD_KEYS - set(record)))}")
        return None
    odd = [key for key in ("run_id", "time", "profile") if not isinstance(record[key], str) or not record[key].strip()]
    if odd:
        sub.fail("E506", f"the run record was edited: its {', '.join(odd)} {'is' if len(odd) == 1 else 'are'} not the text "
                 "setup() prints; run the notebook again")
        return None
    sub.profile, sub.run_id = record["profile"][:40], record["run_id"][:80]
    if not RUN_ID_FORM.fullmatch(sub.run_id):
        sub.fail("E507", f"the run record's run_id {sub.run_id[:40]!r} is not the form setup() writes (32 hexadecimal "
                 "digits): the record was edited; run the notebook again")
    sub.run_time = record["time"][:40]
    if sub.profile != settings.profile:
        sub.fail("E508", f"ran with the '{sub.profile}' profile, not '{settings.profile}': run it again without "
                 "LABUTILS_PROFILE set (smoke runs are checks, not results)")
    if run_profile_banner_start(sub.profile) not in outputs_text(cell):
        sub.fail("E509", "the run record and the printed run profile disagree (output edited?)")
    try:
        when = _dt.datetime.fromisoformat(sub.run_time)
        if when.tzinfo is None:
            when = when.replace(tzinfo=_dt.timezone.utc)
        if when > settings.now + _dt.timedelta(days=1):
            sub.fail("E510", f"the run record's time {sub.run_time} is in the future")
    except ValueError:
        sub.fail("E511", f"the run record's time {sub.run_time[:40]!r} is not a date")
    return record


def _check_evidence(entry: dict, cells: dict[str, dict], record: dict | None, sub: Submission, settings: Settings) -> None:
    wanted = {cell["evidence"] for cell in entry["lesson_cells"] if cell["evidence"]}
    if "run-profile" in wanted and "run-profile" in cells:
        match = TRAINING_PROFILE.search(outputs_text(cells["run-profile"]))
        if not match:
            sub.fail("E512", "the training cell does not print which run profile it used")
        elif record is not None and match.group(1) != record.get("profile"):
            sub.fail("E513", f"the training cell ran the '{match.group(1)}' profile but the run record says "
                     f"'{record.get('profile')}'")
        elif settings.profile == "full" and (match.group(2) != match.group(3) or match.group(4) != match.group(5)):
            sub.fail("E514", f"trained on {match.group(2)} of {match.group(3)} reviews for {match.group(4)} of "
                     f"{match.group(5)} epochs, not the whole practical")
    for name, label in (("learning-curves", "learning-curve"), ("confusion-matrix", "confusion-matrix")):
        if name in wanted and name in cells and not has_png(cells[name]):
            sub.fail("E515", f"the {label} figure is missing from the outputs")
    if "test-accuracy" in wanted and "test-accuracy" in cells:
        printed = outputs_text(cells["test-accuracy"])
        found = TEST_ACCURACY.findall(printed)
        if not found:
            sub.fail("E516", "the test accuracy is not printed (`Test accuracy: ...`)")
        else:
            value = float(found[-1])
            if not (math.isfinite(value) and 0.0 <= value <= 1.0):
                sub.fail("E517", f"the printed test accuracy {found[-1][:20]}{'...' if len(found[-1]) > 20 else ''} is not "
                         "between 0 and 1")
            else:
                sub.test_accuracy = value
                if settings.min_accuracy is not None and value < settings.min_accuracy:
                    sub.fail("E518", f"test accuracy {value:.4f} is below the pass mark {settings.min_accuracy:.2f}")
                elif settings.min_accuracy is None and value < LOW_ACCURACY and settings.profile == "full":
                    sub.flag("E519", "test accuracy", f"{value:.4f}, under {LOW_ACCURACY:.2f}: lower than the lab's honest "
                             "full runs; look at the run (training log, machine) before marking; --min-accuracy "
                             "sets a pass mark instead")
                if value > PLAUSIBLE_MAX_ACCURACY:
                    sub.fail("E520", f"test accuracy {value:.4f} is implausible: above what any LSTM on IMDb reaches "
                             f"(the lab accepts up to {PLAUSIBLE_MAX_ACCURACY:.2f}; output edited?)")
                _check_evaluate_log(printed, value, sub)
    if "run-profile" in wanted and "run-profile" in cells and settings.profile == "full":
        _check_training_log(outputs_text(cells["run-profile"]), sub)
    if sub.test_accuracy is not None:
        if "predict-accuracy" in cells:
            match = PREDICT_ACCURACY.search(outputs_text(cells["predict-accuracy"]))
            if not match:
                sub.fail("E521", "predict's accuracy line is missing from its cell's output (output edited?)")
            elif abs(float(match.group(2)) - sub.test_accuracy) > 1e-4 or abs(float(match.group(1)) - sub.test_accuracy) > 3e-4:
                # predict's own count may differ from evaluate's by a review or two scored at exactly 0.5
                sub.fail("E522", "the printed test accuracies disagree with each other (output edited?)")
        if "confusion-matrix" in cells:
            match = CONFUSION_COUNTS.search(outputs_text(cells["confusion-matrix"]))
            if not match:
                sub.fail("E523", "the confusion matrix's counts (TN, FP, FN, TP) are missing from its cell's output "
                         "(output edited?)")
            else:
                tn, fp, fn, tp = (int(group.replace(",", "")) for group in match.groups())
                if tn + fp + fn + tp != TEST_SET_SIZE:
                    sub.fail("E524", f"the confusion matrix counts {tn + fp + fn + tp:,} reviews, not the {TEST_SET_SIZE:,} of the test set")
                elif abs((tn + tp) / TEST_SET_SIZE - sub.test_accuracy) > 1e-3:
                    sub.fail("E525", "the confusion matrix and the printed test accuracy disagree (output edited?)")


def _check_evaluate_log(printed: str, accuracy: float, sub: Submission) -> None:
    """The printed test accuracy against Keras' own evaluate line in the same cell (it rounds to 4 decimals)."""
    logged = [match for match in KERAS_STEPS.finditer(printed)]
    if not logged:
        sub.notes.append("Keras' evaluate line is not in the test cell's output, so the printed accuracy could not be "
                         "checked against it")
        return
    steps, total, keras_accuracy = logged[-1].groups()
    expected_steps = math.ceil(TEST_SET_SIZE / EVALUATE_BATCH_SIZE)
    if int(total) != expected_steps:
        sub.fail("E526", f"Keras evaluated {total} batches, not the {expected_steps} of {TEST_SET_SIZE:,} test reviews at "
                 f"batch {EVALUATE_BATCH_SIZE} (output edited?)")
    if abs(float(keras_accuracy) - accuracy) > 6e-5:
        sub.fail("E527", f"the printed test accuracy {accuracy:.4f} disagrees with Keras' own evaluate line in the same cell "
                 f"(accuracy: {keras_accuracy}) (output edited?)")


def _check_training_log(printed: str, sub: Submission) -> None:
    """A full run's training log: the practical's epochs, each of ceil(20,000 / 64) steps."""
    epochs = KERAS_EPOCH.findall(printed)
    steps = [(int(done), int(total)) for done, total, _ in KERAS_STEPS.findall(printed)]
    expected_epochs = PRACTICAL["epochs"]
    training_reviews = round(TRAINING_SET_SIZE * (1 - PRACTICAL["validation_split"]))
    expected_steps = math.ceil(training_reviews / PRACTICAL["batch_size"])
    if not epochs or not steps:
        sub.fail("E528", "the training cell's Keras log (Epoch n/5 and its steps) is missing from the outputs (output edited?)")
        return
    if {int(total) for _, total in epochs} != {expected_epochs} or len(epochs) != expected_epochs:
        shown = sorted({f"Epoch {done}/{total}" for done, total in epochs})[:3]
        sub.fail("E529", f"the training log shows {', '.join(shown)}, not the practical's {expected_epochs} epochs "
                 "(a shortened run relabelled?)")
    wrong = sorted({total for _, total in steps if total != expected_steps})
    if wrong:
        sub.fail("E530", f"the training log shows {wrong[0]} steps per epoch; {training_reviews:,} reviews at batch "
                 f"{PRACTICAL['batch_size']} make {expected_steps} (a shortened run relabelled?)")


def _error_name(cell: dict) -> str:
    """The name of the error a cell ended in ("NameError"), or "" when it ended without one."""
    errors = [output for output in cell.get("outputs") or [] if isinstance(output, dict)
              and output.get("output_type") == "error"]
    return str(errors[0].get("ename", "Error"))[:60] if errors else ""


def _note_exercise_errors(exercise_cells: list[tuple[int, dict]], sub: Submission) -> set[int]:
    """An exercise that ended in an error, or never ran, is the student's unfinished work: a note, not a failure.
    Returns those cells' numbers (left out of the execution check; exercises that ran cleanly stay in it)."""
    unfinished = set()
    for number, cell in exercise_cells:
        error = _error_name(cell)
        if error:
            sub.notes.append(f"exercise {exercise_id(cell)} ({_where(number, cell)}) ended in an error: {error}")
            unfinished.add(number)
        elif cell.get("execution_count") is None:
            sub.notes.append(f"exercise {exercise_id(cell)} did not run")
            unfinished.add(number)
    return unfinished


def _own_cells_after_the_lesson(entry: dict, lesson_candidates: list[tuple[int, str, dict]],
                                code_cells: list[tuple[int, dict]], skip: set[int]) -> list[tuple[int, dict]]:
    """The student's own code cells after the lesson's last cell (not exercises, the conclusion or the identity)."""
    lesson_prints = {cell["fingerprint"] for cell in entry["lesson_cells"]}
    last_lesson = max((number for number, fp, _ in lesson_candidates if fp in lesson_prints), default=None)
    if last_lesson is None:
        return []
    return [(number, cell) for number, cell in code_cells if number > last_lesson and number not in skip]


def _note_own_cell_errors(own_cells: list[tuple[int, dict]], sub: Submission) -> set[int]:
    """A student's own cell after the lesson that ended in an error, and the cells that Run All then left unrun, are
    notes, not failures: the lesson's cells ran before them, and the grader reads nothing these cells print.
    Returns those cells' numbers (left out of the execution check)."""
    unfinished, stopped = set(), False
    for number, cell in own_cells:
        if not cell_source(cell).strip():
            continue
        error = _error_name(cell)
        if error:
            sub.notes.append(f"your own {_where(number, cell)} ended in an error ({error}); not graded, the lesson "
                             "ran before it")
            unfinished.add(number)
            stopped = True
        elif stopped and cell.get("execution_count") is None:
            sub.notes.append(f"your own {_where(number, cell)} did not run (Run All stops at an error)")
            unfinished.add(number)
    return unfinished


def _count_exercises(entry: dict, code_cells: list[tuple[int, dict]], sub: Submission) -> None:
    """How many of the notebook's exercise checks printed "correct." (for the teacher's information only).

    Only an exercise cell's own output counts, and only the line for that cell's exercise: a student cannot raise
    the count by printing the line elsewhere (though, like any output, it can be edited; hence never graded).
    """
    wanted = [name for name in entry.get("exercises", []) if isinstance(name, str)]
    if not wanted:
        return
    correct = set()
    for _, cell in code_cells:
        name = exercise_id(cell)
        if name in wanted:
            for match in EXERCISE_RESULT.finditer(outputs_text(cell)):
                if match.group(1) == name and match.group(2) == EXERCISE_CORRECT:
                    correct.add(name)
    sub.exercises_correct, sub.exercises_total = len(correct), len(wanted)


def lesson_fingerprint(source: str) -> str:
    """The cell's fingerprint; a cell far longer than any lesson cell gets a plain hash instead (cheap to compute
    for a huge cell, and it cannot match a lesson cell anyway)."""
    if len(source) > MAX_LESSON_CELL_CHARS:
        return "long-" + hashlib.sha256(source.encode("utf-8", "replace")).hexdigest()[:16]
    return fingerprint(source)


def exempt_exercise_cells(entry: dict, code_cells: list[tuple[int, dict]], identity_number: int | None) -> set[int]:
    """The code cells that are the notebook's own exercise cells, which a student may edit, answer or leave unrun.

    A cell counts only if its tag names one of this lesson version's exercises, the tag is not used twice, and no
    lesson cell comes after it: a tag copied onto a cell between the lesson's cells (Jupyter copies metadata with
    the cell) exempts nothing, and that cell is judged like any other.
    """
    wanted = {name for name in entry.get("exercises", []) if isinstance(name, str)}
    lesson_prints = {cell["fingerprint"] for cell in entry["lesson_cells"]}
    seen: set[str] = set()
    candidates = []
    for number, cell in code_cells:
        name = exercise_id(cell)
        if name and name in wanted and name not in seen:
            seen.add(name)
            candidates.append(number)
    last_lesson = max((number for number, cell in code_cells if number != identity_number
                       and lesson_fingerprint(cell_source(cell)) in lesson_prints), default=0)
    return {number for number in candidates if number > last_lesson}


def grade_file(source: HandInFile | Path, manifest: dict, settings: Settings) -> Submission:
    """Grade one file on its own (class-wide checks come after, in :func:`grade_paths`)."""
    if not isinstance(source, HandInFile):
        path = Path(source)
        source = HandInFile(str(path), str(path.parent), path.stat().st_size if path.is_file() else 0)
    sub = Submission(path=source.path, folder=source.folder)
    try:
        notebook = read_notebook(source, sub, settings)
        if notebook is None:
            return sub
        code_cells = [(number, cell) for number, cell in enumerate(notebook["cells"], 1) if cell["cell_type"] == "code"]
        outputs_kept = any(cell.get("outputs") for _, cell in code_cells)
        sub.colab_accounts = colab_accounts([cell for _, cell in code_cells])
        identity_number = _check_identity(code_cells, sub, outputs_kept)
        lesson_candidates = [(number, lesson_fingerprint(cell_source(cell)), cell) for number, cell in code_cells
                             if number != identity_number and cell_source(cell).strip()]
        prints = [fp for _, fp, _ in lesson_candidates]
        sub.notebook = identify(notebook, prints, manifest, sub) or ""
        if not sub.notebook:
            return sub
        entry = lesson_version(notebook, prints, manifest, sub, settings.class_lessons(manifest))
        if entry is None:
            return sub
        sub.title = entry["title"]
        _check_lesson_version(entry, manifest, sub, settings)
        if not outputs_kept:
            sub.fail("F116", NO_OUTPUTS)  # every other check reads the outputs: this one reason says it all
            return sub
        exercises = exempt_exercise_cells(entry, code_cells, identity_number)
        written = {number for number, cell in code_cells if entry.get("answers") and is_conclusion_cell(cell)}
        unfinished = _note_exercise_errors([(number, cell) for number, cell in code_cells if number in exercises], sub)
        unfinished |= _note_own_cell_errors(_own_cells_after_the_lesson(
            entry, lesson_candidates, code_cells, exercises | written | {identity_number}), sub)
        _check_execution([(number, cell) for number, cell in code_cells if number not in unfinished], sub)
        evidence_cells, lesson_cells = _check_lesson_cells(
            entry, [candidate for candidate in lesson_candidates if candidate[0] not in exercises | written], sub)
        record = _check_run_record(evidence_cells.get("run-record"), sub, settings)
        _check_evidence(entry, evidence_cells, record, sub, settings)
        check_test_figures(sub, lesson_cells, evidence_cells)
        read_run(sub, lesson_cells, evidence_cells)
        check_epoch_table(sub, evidence_cells, lesson_cells)
        check_viva_gaps(sub, evidence_cells)
        check_published(sub)
        _count_exercises(entry, [(number, cell) for number, cell in code_cells if number in exercises], sub)
        read_answers(notebook, entry, evidence_cells, sub)
    except Exception as error:  # noqa: BLE001 - one odd file must not stop a class's grading
        sub.fail("F199", f"could not be graded ({type(error).__name__}: {str(error)[:100]}); please report this to the lab's maintainers")
    finally:
        sub.decide()
    return sub
