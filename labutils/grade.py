"""Grade executed lab notebooks: ``python -m labutils.grade PATH...``.

PATH is a notebook or a folder (searched recursively for ``*.ipynb``). The
grader reads each file as JSON and never runs anything from it, so a hostile
notebook cannot act on the teacher's machine. Each submission passes or fails
with every reason found:

* it is a valid notebook and one of this lab's (its ``notebook_id``, or failing
  that its cells, name which one);
* it ran top to bottom in one go: execution counts 1, 2, 3, ... over the code
  cells, nothing left unrun, no error output;
* the identity cell is filled in, printed as it stands, and names the same
  student as that student's other notebooks;
* the lesson's code cells are those of the lab (see :mod:`labutils.manifest`);
  student code may follow the last lesson cell, not sit between lesson cells;
* the evidence is there: the run record from ``setup()`` (full profile), the
  learning curves and confusion matrix as images, the test accuracy printed and
  at least ``--min-accuracy``, and the printed figures agree with each other.

The grader checks that a notebook is complete and consistent. It cannot prove
that nobody edited the outputs by hand; re-running a sample of submissions
(``python -m labutils run``) is the check for that.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import csv
import datetime as _dt
import difflib
import hashlib
import json
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .environment import RUN_RECORD_PREFIX
from .manifest import IDENTITY_FIELDS, cell_source, fingerprint, first_line, identity_values, load_manifest

DEFAULT_MIN_ACCURACY = 0.80
DEFAULT_MAX_MB = 50.0
TEST_SET_SIZE = 25_000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
RECORD_KEYS = {"run_id", "time", "platform", "profile", "seed", "versions"}
PLACEHOLDER = re.compile(r"^\s*<.*>\s*$")
TEST_ACCURACY = re.compile(r"^Test accuracy:\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*$", re.M)
PREDICT_ACCURACY = re.compile(r"accuracy from predict:\s*([0-9.]+)\s+from evaluate:\s*([0-9.]+)")
CONFUSION_COUNTS = re.compile(r"TN ([0-9,]+)\s+FP ([0-9,]+)\s+FN ([0-9,]+)\s+TP ([0-9,]+)")
PROFILE_LINE = re.compile(r"Run profile '(\w+)': training on ([0-9,]+) of ([0-9,]+) reviews for (\d+) of (\d+) epochs")


@dataclass
class Submission:
    """One file's grade. ``status`` is PASS, FAIL or MISSING (a required notebook not handed in)."""

    path: str
    notebook: str = ""  # the lab's notebook id, "" when not recognised
    title: str = ""
    student_name: str = ""
    roll_no: str = ""
    status: str = "FAIL"
    test_accuracy: float | None = None
    profile: str = ""
    run_time: str = ""
    run_id: str = ""
    sha256: str = ""
    duplicate_of: str = ""  # the path of a byte-identical file found earlier
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    folder: str = ""

    def fail(self, reason: str) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)


@dataclass
class Settings:
    min_accuracy: float = DEFAULT_MIN_ACCURACY
    profile: str = "full"
    max_bytes: int = int(DEFAULT_MAX_MB * 1024 * 1024)
    required: tuple[str, ...] = ()  # notebook ids every student must hand in
    now: _dt.datetime = field(default_factory=lambda: _dt.datetime.now(_dt.timezone.utc))


# ---------------------------------------------------------------- reading


def _outputs_text(cell: dict) -> str:
    """Everything a cell printed (streams and plain-text results)."""
    parts = []
    for output in cell.get("outputs") or []:
        if not isinstance(output, dict):
            continue
        if output.get("output_type") == "stream":
            text = output.get("text", "")
            parts.append("".join(text) if isinstance(text, list) else str(text))
        elif output.get("output_type") in ("execute_result", "display_data"):
            text = (output.get("data") or {}).get("text/plain", "")
            parts.append("".join(text) if isinstance(text, list) else str(text))
    return "".join(parts)


def _has_png(cell: dict) -> bool:
    """Whether a cell's outputs hold a real PNG image (its first bytes decoded)."""
    for output in cell.get("outputs") or []:
        if not isinstance(output, dict):
            continue
        data = (output.get("data") or {}).get("image/png")
        if isinstance(data, list):
            data = "".join(data)
        if isinstance(data, str) and data:
            try:
                if base64.b64decode(data.strip()[:16], validate=False).startswith(PNG_SIGNATURE):
                    return True
            except (binascii.Error, ValueError):
                continue
    return False


def _read_notebook(path: Path, sub: Submission, settings: Settings) -> dict | None:
    """The parsed notebook, or None with the reason recorded."""
    try:
        size = path.stat().st_size
    except OSError as error:
        sub.fail(f"cannot be read: {error.strerror or error}")
        return None
    if size > settings.max_bytes:
        sub.fail(f"file is {size / 2**20:,.0f} MB, over the {settings.max_bytes / 2**20:,.0f} MB limit "
                 "(an executed lab notebook is under 1 MB; was something else handed in?)")
        return None
    try:
        raw = path.read_bytes()
    except OSError as error:
        sub.fail(f"cannot be read: {error.strerror or error}")
        return None
    sub.sha256 = hashlib.sha256(raw).hexdigest()
    if not raw.strip():
        sub.fail("empty file")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        sub.fail("not a notebook: not a text file (a notebook is UTF-8 JSON)")
        return None
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as error:
        if text.lstrip().startswith("{") and not text.rstrip().endswith("}"):
            sub.fail("truncated: the file ends in the middle of the notebook (an unfinished download or copy?)")
        else:
            sub.fail(f"not a notebook: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})")
        return None
    except RecursionError:
        sub.fail("not a notebook: JSON nested too deeply")
        return None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        sub.fail("not a notebook: JSON without a list of cells")
        return None
    if notebook.get("nbformat") != 4:
        sub.fail(f"not a notebook this lab can read: nbformat {notebook.get('nbformat')!r}, expected 4 "
                 "(open it in Jupyter and save it again)")
        return None
    for number, cell in enumerate(notebook["cells"], 1):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            sub.fail(f"malformed notebook: cell {number} is not a code, markdown or raw cell")
            return None
        if not isinstance(cell.get("source", ""), (str, list)):
            sub.fail(f"malformed notebook: cell {number} has no readable source")
            return None
        if cell["cell_type"] == "code" and not isinstance(cell.get("outputs", []), list):
            sub.fail(f"malformed notebook: code cell {number} has unreadable outputs")
            return None
    if not isinstance(notebook.get("metadata", {}), dict):
        sub.fail("malformed notebook: metadata is not a JSON object")
        return None
    return notebook


def _identify(notebook: dict, code_prints: list[str], manifest: dict, sub: Submission) -> str | None:
    """Which of the lab's notebooks this is (its id), by its metadata or, failing that, by its cells."""
    entries = manifest["notebooks"]
    metadata = notebook.get("metadata") or {}
    labutils_metadata = metadata.get("labutils") if isinstance(metadata.get("labutils"), dict) else {}
    notebook_id = labutils_metadata.get("notebook_id")
    if isinstance(notebook_id, str) and notebook_id in entries:
        return notebook_id
    if notebook_id is not None:
        sub.fail(f"foreign notebook: its id {str(notebook_id)[:60]!r} is not one of this lab's")
        return None
    present = set(code_prints)
    best_id, best_share = None, 0.0
    for candidate_id, entry in entries.items():
        lesson = [cell["fingerprint"] for cell in entry["lesson_cells"]]
        share = sum(fp in present for fp in lesson) / max(len(lesson), 1)
        if share > best_share:
            best_id, best_share = candidate_id, share
    if best_id is not None and best_share >= 0.5:
        sub.notes.append(f"the lab's notebook id is missing from the metadata; recognised by its cells as {best_id}")
        return best_id
    sub.fail("foreign notebook: not one of this lab's notebooks (no lab id, and its cells are not the lab's)")
    return None


# ---------------------------------------------------------------- checks


def _where(number: int, cell: dict) -> str:
    """A cell named for a person looking for it: its place among all cells and its first line."""
    return f"cell {number} (`{first_line(cell_source(cell))}`)"


def _check_execution(code_cells: list[tuple[int, dict]], sub: Submission) -> None:
    """Run top to bottom in one go: counts 1..n, nothing unrun, no errors."""
    ran = [(number, cell) for number, cell in code_cells if cell_source(cell).strip()]
    unrun = [(number, cell) for number, cell in ran if not isinstance(cell.get("execution_count"), int)]
    if unrun:
        sub.fail(f"{len(unrun)} code cell(s) never ran (first: {_where(*unrun[0])}); run the whole notebook "
                 "with Restart & Run All (Colab: Runtime > Restart session and run all)")
    if ran and not unrun:
        if ran[0][1]["execution_count"] != 1:
            sub.fail(f"not run from a fresh kernel: the first code cell has execution count "
                     f"{ran[0][1]['execution_count']}, not 1")
        previous = ran[0][1]["execution_count"]
        for number, cell in ran[1:]:
            count = cell["execution_count"]
            if count <= previous:
                sub.fail(f"cells ran out of order: {_where(number, cell)} has execution count {count} after {previous}")
                break
            if count != previous + 1:
                sub.fail(f"cells were re-run or deleted: execution counts jump from {previous} to {count} at "
                         f"{_where(number, cell)}")
                break
            previous = count
    for number, cell in code_cells:
        for output in cell.get("outputs") or []:
            if isinstance(output, dict) and output.get("output_type") == "error":
                message = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}".strip().rstrip(":")
                sub.fail(f"{_where(number, cell)} ended in an error: {message[:120]}")
                break


def _check_identity(code_cells: list[tuple[int, dict]], sub: Submission) -> int | None:
    """Fill in the student's name and roll number; returns the identity cell's number."""
    for number, cell in code_cells:
        values = identity_values(cell_source(cell))
        if values is None:
            continue
        sub.student_name = " ".join(values.get("STUDENT_NAME", "").split())
        sub.roll_no = " ".join(values.get("ROLL_NO", "").split())
        unfilled = [name for name in IDENTITY_FIELDS if not values.get(name, "").strip()
                    or PLACEHOLDER.match(values.get(name, ""))]
        if unfilled:
            sub.fail(f"identity cell not filled in: {', '.join(unfilled)}")
        printed = _outputs_text(cell)
        if not unfilled and not all(" ".join(values[name].split()) in " ".join(printed.split()) for name in IDENTITY_FIELDS):
            sub.fail("identity cell was edited after it ran: its output shows other details; run the notebook again")
        return number
    sub.fail("identity cell missing (the cell with STUDENT_NAME and ROLL_NO)")
    return None


def _check_lesson_cells(entry: dict, lesson_candidates: list[tuple[int, str, dict]], sub: Submission) -> dict[str, dict]:
    """Compare the lesson cells with the manifest; returns the student's cell for each evidence name."""
    expected = [cell["fingerprint"] for cell in entry["lesson_cells"]]
    actual = [fp for _, fp, _ in lesson_candidates]
    matcher = difflib.SequenceMatcher(None, expected, actual, autojunk=False)
    evidence_cells: dict[str, dict] = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                evidence = entry["lesson_cells"][i1 + offset]["evidence"]
                if evidence:
                    evidence_cells[evidence] = lesson_candidates[j1 + offset][2]
            continue
        for i in range(i1, i2):
            lesson = entry["lesson_cells"][i]
            what = "changed" if tag == "replace" else "deleted"
            sub.fail(f"lesson cell {what}: the cell starting `{lesson['first_line']}` is not the lab's")
        if i2 == len(expected):
            continue  # the student's own cells after the lesson's last cell are allowed
        if j2 - j1 > i2 - i1:
            number, _, cell = lesson_candidates[j1 + (i2 - i1)]
            sub.fail(f"code inserted between the lesson's cells ({_where(number, cell)}); put your own experiments "
                     "under Exercises, after the lesson")
    return evidence_cells


def _check_run_record(cell: dict | None, sub: Submission, settings: Settings) -> dict | None:
    if cell is None:
        return None  # the setup cell itself is missing or changed: already a reason
    records = [line[len(RUN_RECORD_PREFIX):] for line in _outputs_text(cell).splitlines()
               if line.startswith(RUN_RECORD_PREFIX)]
    if not records:
        sub.fail("no run record in the setup cell's output (setup() did not run, or its output was cleared)")
        return None
    if len(records) > 1:
        sub.fail("more than one run record in the setup cell's output")
    try:
        record = json.loads(records[0])
    except json.JSONDecodeError:
        sub.fail("the run record is damaged (not valid JSON)")
        return None
    if not isinstance(record, dict) or not RECORD_KEYS <= set(record):
        sub.fail(f"the run record lacks {', '.join(sorted(RECORD_KEYS - set(record or {})))}")
        return None
    sub.profile, sub.run_id = str(record["profile"]), str(record["run_id"])
    sub.run_time = str(record["time"])
    if sub.profile != settings.profile:
        sub.fail(f"ran with the '{sub.profile}' profile, not '{settings.profile}': run it again without "
                 "LABUTILS_PROFILE set (smoke runs are checks, not results)")
    if f"Run profile: {sub.profile} " not in _outputs_text(cell):
        sub.fail("the run record and the printed run profile disagree (output edited?)")
    try:
        when = _dt.datetime.fromisoformat(sub.run_time)
        if when.tzinfo is None:
            when = when.replace(tzinfo=_dt.timezone.utc)
        if when > settings.now + _dt.timedelta(days=1):
            sub.fail(f"the run record's time {sub.run_time} is in the future")
    except ValueError:
        sub.fail(f"the run record's time {sub.run_time[:40]!r} is not a date")
    return record


def _check_evidence(entry: dict, cells: dict[str, dict], record: dict | None, sub: Submission, settings: Settings) -> None:
    wanted = {cell["evidence"] for cell in entry["lesson_cells"] if cell["evidence"]}
    if "run-profile" in wanted and "run-profile" in cells:
        match = PROFILE_LINE.search(_outputs_text(cells["run-profile"]))
        if not match:
            sub.fail("the training cell does not print which run profile it used")
        elif record is not None and match.group(1) != record.get("profile"):
            sub.fail(f"the training cell ran the '{match.group(1)}' profile but the run record says "
                     f"'{record.get('profile')}'")
        elif settings.profile == "full" and (match.group(2) != match.group(3) or match.group(4) != match.group(5)):
            sub.fail(f"trained on {match.group(2)} of {match.group(3)} reviews for {match.group(4)} of "
                     f"{match.group(5)} epochs, not the whole practical")
    for name, label in (("learning-curves", "learning-curve"), ("confusion-matrix", "confusion-matrix")):
        if name in wanted and name in cells and not _has_png(cells[name]):
            sub.fail(f"the {label} figure is missing from the outputs")
    if "test-accuracy" in wanted and "test-accuracy" in cells:
        found = TEST_ACCURACY.findall(_outputs_text(cells["test-accuracy"]))
        if not found:
            sub.fail("the test accuracy is not printed (`Test accuracy: ...`)")
        else:
            sub.test_accuracy = float(found[-1])
            if not 0.0 <= sub.test_accuracy <= 1.0:
                sub.fail(f"the printed test accuracy {found[-1]} is not between 0 and 1")
            elif sub.test_accuracy < settings.min_accuracy:
                sub.fail(f"test accuracy {sub.test_accuracy:.4f} is below {settings.min_accuracy:.2f}")
    if sub.test_accuracy is not None:
        if "predict-accuracy" in cells:
            match = PREDICT_ACCURACY.search(_outputs_text(cells["predict-accuracy"]))
            if match and abs(float(match.group(2)) - sub.test_accuracy) > 1e-4:
                sub.fail("the printed test accuracies disagree with each other (output edited?)")
        if "confusion-matrix" in cells:
            match = CONFUSION_COUNTS.search(_outputs_text(cells["confusion-matrix"]))
            if match:
                tn, fp, fn, tp = (int(group.replace(",", "")) for group in match.groups())
                if tn + fp + fn + tp != TEST_SET_SIZE:
                    sub.fail(f"the confusion matrix counts {tn + fp + fn + tp:,} reviews, not the {TEST_SET_SIZE:,} of the test set")
                elif abs((tn + tp) / TEST_SET_SIZE - sub.test_accuracy) > 1e-3:
                    sub.fail("the confusion matrix and the printed test accuracy disagree (output edited?)")


def grade_file(path: Path, manifest: dict, settings: Settings) -> Submission:
    """Grade one file on its own (class-wide checks come after, in :func:`grade_paths`)."""
    sub = Submission(path=str(path), folder=str(path.parent))
    try:
        notebook = _read_notebook(path, sub, settings)
        if notebook is None:
            return sub
        code_cells = [(number, cell) for number, cell in enumerate(notebook["cells"], 1) if cell["cell_type"] == "code"]
        identity_number = _check_identity(code_cells, sub)
        lesson_candidates = [(number, fingerprint(cell_source(cell)), cell) for number, cell in code_cells
                             if number != identity_number and cell_source(cell).strip()]
        sub.notebook = _identify(notebook, [fp for _, fp, _ in lesson_candidates], manifest, sub) or ""
        if not sub.notebook:
            return sub
        entry = manifest["notebooks"][sub.notebook]
        sub.title = entry["title"]
        _check_execution(code_cells, sub)
        evidence_cells = _check_lesson_cells(entry, lesson_candidates, sub)
        record = _check_run_record(evidence_cells.get("run-record"), sub, settings)
        _check_evidence(entry, evidence_cells, record, sub, settings)
    except Exception as error:  # noqa: BLE001 - one odd file must not stop a class's grading
        sub.fail(f"could not be graded ({type(error).__name__}: {str(error)[:100]}); please report this to the lab's maintainers")
    finally:
        sub.status = "FAIL" if sub.reasons else "PASS"
    return sub


# ---------------------------------------------------------------- a class


def find_notebooks(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """Files to grade (folders searched for ``*.ipynb``) and the paths that do not exist."""
    files, missing = [], []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.ipynb")
                                if ".ipynb_checkpoints" not in p.parts and p.is_file()))
        elif path.exists():
            files.append(path)
        else:
            missing.append(str(path))
    unique, seen = [], set()
    for file in files:
        key = file.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(file)
    return unique, missing


def _filled(value: str) -> bool:
    return bool(value.strip()) and not PLACEHOLDER.match(value)


def _norm(value: str) -> str:
    return " ".join(value.split()).casefold()


def _student_key(sub: Submission) -> str:
    return _norm(sub.roll_no) if _filled(sub.roll_no) else ""


def _flag_odd_ones_out(group: list[Submission], key, reason) -> None:
    """Fail the submissions whose ``key`` differs from the group's most common one (all of them on a tie)."""
    counts = Counter(key(sub) for sub in group).most_common()
    if len(counts) < 2:
        return
    majority = counts[0][0] if counts[0][1] > counts[1][1] else None
    for sub in group:
        if key(sub) != majority:
            sub.fail(reason(sub))


def _class_checks(subs: list[Submission], manifest: dict, settings: Settings) -> list[Submission]:
    """Duplicates, copies, identity across a student's notebooks, required notebooks."""
    first_by_hash: dict[str, Submission] = {}
    for sub in subs:
        if not sub.sha256:
            continue
        original = first_by_hash.setdefault(sub.sha256, sub)
        if original is not sub:
            sub.duplicate_of = original.path
            sub.fail(f"duplicate: the same file as {original.path}")
    by_run: dict[str, list[Submission]] = defaultdict(list)
    for sub in subs:
        if sub.run_id and not sub.duplicate_of:
            by_run[sub.run_id].append(sub)
    for group in by_run.values():
        if len(group) > 1:
            for sub in group:
                others = ", ".join(other.path for other in group if other is not sub)
                sub.fail(f"copied run: the same run record (run_id) as {others}")

    # one student's folder (every notebook id at most once): its notebooks must name one student
    by_folder: dict[str, list[Submission]] = defaultdict(list)
    for sub in subs:
        if sub.notebook:
            by_folder[sub.folder].append(sub)
    for group in by_folder.values():
        if max(Counter(sub.notebook for sub in group).values()) == 1:  # else a class folder, told apart by roll no
            _flag_odd_ones_out(
                [sub for sub in group if _filled(sub.roll_no) and _filled(sub.student_name)],
                lambda sub: (_norm(sub.student_name), _norm(sub.roll_no)),
                lambda sub: f"identity differs from the other notebooks in this folder ({sub.student_name} / {sub.roll_no} here)")

    by_student: dict[str, list[Submission]] = defaultdict(list)
    for sub in subs:
        key = _student_key(sub)
        if key and sub.notebook:
            by_student[key].append(sub)
    extra = []
    for key, group in by_student.items():
        _flag_odd_ones_out(
            [sub for sub in group if _filled(sub.student_name)],
            lambda sub: _norm(sub.student_name),
            lambda sub: f"roll no {sub.roll_no} is used with other names too; this notebook says {sub.student_name}")
        counts = Counter(sub.notebook for sub in group if not sub.duplicate_of)
        for sub in group:
            if counts[sub.notebook] > 1 and not sub.duplicate_of:
                sub.fail(f"handed in more than once by roll no {sub.roll_no}; keep one copy")
        for required in settings.required:
            if required not in counts:
                entry = manifest["notebooks"][required]
                extra.append(Submission(path="", notebook=required, title=entry["title"], student_name=group[0].student_name,
                                        roll_no=group[0].roll_no, status="MISSING", reasons=["not handed in"]))
    for sub in subs:
        sub.status = "FAIL" if sub.reasons else "PASS"
    return subs + extra


def grade_paths(paths: list[Path], settings: Settings | None = None, manifest: dict | None = None) -> list[Submission]:
    """Grade every notebook under ``paths``; the list holds one entry per file and per missing notebook."""
    settings = settings or Settings()
    manifest = manifest or load_manifest()
    files, _ = find_notebooks(paths)
    return _class_checks([grade_file(path, manifest, settings) for path in files], manifest, settings)


# ---------------------------------------------------------------- reports


def _printable(text: str) -> str:
    """Text from a student's file made safe for a terminal (no control characters)."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def _spreadsheet_safe(value):
    """Keep a spreadsheet from reading a student's text as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def format_table(subs: list[Submission]) -> str:
    groups: dict[tuple[str, str], list[Submission]] = defaultdict(list)
    for sub in subs:
        key = (sub.roll_no, sub.student_name) if _student_key(sub) else ("", "")
        groups[key].append(sub)
    lines = []
    for (roll, name), group in sorted(groups.items(), key=lambda item: (item[0] == ("", ""), item[0][0].casefold())):
        header = f"{name} ({roll})" if roll else "Not identified (an unreadable file, or the Student cell not filled in)"
        passed = sum(sub.status == "PASS" for sub in group)
        lines.append(_printable(f"{header}: {passed} of {len(group)} pass"))
        for sub in sorted(group, key=lambda s: (s.notebook or "~", s.path)):
            accuracy = f"  test accuracy {sub.test_accuracy:.4f}" if sub.test_accuracy is not None else ""
            label = sub.title or "(not a lab notebook)"
            lines.append(_printable(f"  {sub.status:<7} {label}{accuracy}  {sub.path}".rstrip()))
            lines.extend(_printable(f"          - {reason}") for reason in sub.reasons)
            lines.extend(_printable(f"          note: {note}") for note in sub.notes)
        lines.append("")
    return "\n".join(lines)


CSV_COLUMNS = ["roll_no", "student_name", "notebook", "status", "test_accuracy", "profile", "run_time", "file",
               "reasons", "notes"]


def write_csv(subs: list[Submission], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for sub in subs:
            row = [sub.roll_no, sub.student_name, sub.notebook, sub.status,
                   "" if sub.test_accuracy is None else f"{sub.test_accuracy:.4f}", sub.profile, sub.run_time,
                   sub.path, "; ".join(sub.reasons), "; ".join(sub.notes)]
            writer.writerow([_spreadsheet_safe(value) for value in row])


def write_json(subs: list[Submission], path: Path, settings: Settings, seconds: float) -> None:
    report = {
        "graded_at": settings.now.isoformat(timespec="seconds"),
        "settings": {"min_accuracy": settings.min_accuracy, "profile": settings.profile,
                     "max_mb": settings.max_bytes / 2**20, "required": list(settings.required)},
        "summary": _summary(subs) | {"seconds": round(seconds, 3)},
        "submissions": [{key: value for key, value in asdict(sub).items() if key != "folder"} for sub in subs],
    }
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")


def _summary(subs: list[Submission]) -> dict:
    statuses = Counter(sub.status for sub in subs)
    return {"files": sum(1 for sub in subs if sub.status != "MISSING"), "pass": statuses["PASS"],
            "fail": statuses["FAIL"], "missing": statuses["MISSING"],
            "students": len({_student_key(sub) for sub in subs if _student_key(sub)})}


def required_notebooks(value: str, manifest: dict) -> tuple[str, ...]:
    """Notebook ids named by --require: practical, all, none, or numbers and names."""
    ids = list(manifest["notebooks"])
    if value.strip().lower() == "all":
        return tuple(ids)
    if value.strip().lower() == "practical":
        return tuple(i for i in ids if manifest["notebooks"][i].get("part", "practical") == "practical")
    if value.strip().lower() in ("", "none"):
        return ()
    chosen = []
    for item in value.split(","):
        item = item.strip()
        matches = [i for i in ids if i == item or i.split("/")[-1] == item or
                   (item.isdigit() and i.split("/")[-1][:2] == f"{int(item):02d}")]
        if not matches:
            raise argparse.ArgumentTypeError(f"--require: no lab notebook {item!r} (use numbers like 04,05, or all, or none)")
        chosen.extend(matches)
    return tuple(dict.fromkeys(chosen))


def main(argv: list[str] | None = None) -> int:
    manifest = load_manifest()
    parser = argparse.ArgumentParser(
        prog="python -m labutils.grade",
        description="Grade students' executed notebooks of the LSTM-on-IMDb lab. Nothing in them is run.",
    )
    parser.add_argument("paths", nargs="+", type=Path, help="notebooks, or folders holding them (searched recursively)")
    parser.add_argument("--min-accuracy", type=float, default=DEFAULT_MIN_ACCURACY,
                        help=f"lowest passing test accuracy (default {DEFAULT_MIN_ACCURACY})")
    parser.add_argument("--require", default="practical",
                        help="notebooks each student must hand in: practical (01-06, the default), all (with the "
                             "notebooks beyond the practical), none, or numbers such as 04,05")
    parser.add_argument("--profile", choices=["full", "smoke"], default="full",
                        help="the run profile submissions must have used (default full)")
    parser.add_argument("--max-mb", type=float, default=DEFAULT_MAX_MB, help="files larger than this fail unread")
    parser.add_argument("--csv", type=Path, help="also write one row per submission to this CSV file")
    parser.add_argument("--json", type=Path, help="also write the full report to this JSON file")
    parser.add_argument("--quiet", action="store_true", help="print only the summary line")
    args = parser.parse_args(argv)
    try:
        required = required_notebooks(args.require, manifest)
    except argparse.ArgumentTypeError as error:
        parser.error(str(error))
    if not 0.0 <= args.min_accuracy <= 1.0:
        parser.error("--min-accuracy is a fraction between 0 and 1, e.g. 0.80")
    settings = Settings(min_accuracy=args.min_accuracy, profile=args.profile,
                        max_bytes=int(args.max_mb * 2**20), required=required)

    started = time.perf_counter()
    files, missing_paths = find_notebooks(args.paths)
    for path in missing_paths:
        print(f"No such file or folder: {path}", file=sys.stderr)
    if not files:
        print("No notebooks (*.ipynb) to grade.", file=sys.stderr)
        return 2
    subs = _class_checks([grade_file(path, manifest, settings) for path in files], manifest, settings)
    seconds = time.perf_counter() - started
    if not args.quiet:
        print(format_table(subs))
    summary = _summary(subs)
    print(f"{summary['files']} file(s), {summary['students']} student(s): {summary['pass']} pass, "
          f"{summary['fail']} fail, {summary['missing']} missing; graded in {seconds:.2f} s "
          f"(profile {settings.profile}, test accuracy >= {settings.min_accuracy:.2f})")
    for target, writer in ((args.csv, lambda p: write_csv(subs, p)),
                           (args.json, lambda p: write_json(subs, p, settings, seconds))):
        if target is not None:
            try:
                writer(target)
                print(f"Wrote {target}")
            except OSError as error:
                print(f"Could not write {target}: {error.strerror or error}", file=sys.stderr)
                return 2
    ok = not missing_paths and all(sub.status == "PASS" for sub in subs)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
