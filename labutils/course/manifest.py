"""Fingerprints of the lab's lesson cells, for the grader: ``labutils/course/lesson_manifest.json``.

A student's executed notebook is compared with the committed one cell by cell.
Each lesson code cell loses its comments, trailing spaces and blank lines (so a
note in the margin is fine, but ``EPOCHS = 1`` is not) and is hashed. The manifest also records which cells hold the evidence the grader
reads (the run record, the learning curves, the test accuracy, the confusion
matrix), taken from each cell's ``metadata.labutils.evidence``.

The manifest ships inside the package, so a teacher can grade with a plain
``pip install`` of labutils. Maintainers rebuild it after editing a notebook
with ``python -m labutils manifest``; a test fails while it is out of date.

Students hand in notebooks of the version they downloaded, so every released
version of the lesson is kept in ``lesson_history.json``: the command appends a
new version when the lesson cells change and stamps its number into each
notebook's metadata; old versions are never rewritten. Version 1 is the lesson
as it stood before versions were numbered (commit e519111, 2026-11-24).
"""

from __future__ import annotations

import ast
import hashlib
import io
import json
import tokenize
from pathlib import Path

from . import catalogue

MANIFEST_PATH = Path(__file__).with_name("lesson_manifest.json")  # the current lesson
HISTORY_PATH = Path(__file__).with_name("lesson_history.json")  # every released version, appended, never rewritten
MANIFEST_FORMAT = 2
VERSION_KEY = "lesson_version"  # in each notebook's metadata.labutils: the version of the lesson it came from
IDENTITY_FIELDS = ("STUDENT_NAME", "ROLL_NO", "SEMESTER_YEAR", "ACADEMIC_SESSION", "DATE_OF_PERFORMANCE",
                   "DATE_OF_SUBMISSION")


def text_of(value) -> str:
    """A notebook text field (a string, or a list of strings) as one string; anything else as nothing."""
    if isinstance(value, list):
        return "".join(part for part in value if isinstance(part, str))
    return value if isinstance(value, str) else ""


def cell_source(cell: dict) -> str:
    """A cell's source as one string (notebooks store it as a string or a list of lines)."""
    return text_of(cell.get("source", ""))


# Switches a student may set in a lesson cell without changing the lesson: the line ``NAME = value`` with one of
# the listed values hashes the same whatever the value.
STUDENT_SWITCHES = {"KEEP_ON_DRIVE": ("True", "False")}


def _switch_neutral(line: str) -> str:
    name, equals, value = line.partition("=")
    if equals and name.strip() in STUDENT_SWITCHES and not line[:1].isspace() \
            and value.strip() in STUDENT_SWITCHES[name.strip()]:
        return f"{name.strip()} = <switch>"
    return line


def canonical_code(source: str) -> str:
    """The cell's code without comments, trailing spaces and blank lines, student switches set to one value.

    Only comment tokens are taken out, at their positions in the text, so the
    result is the same whichever Python version tokenizes it (3.12 splits
    f-strings into more tokens than 3.11 does).
    """
    lines = source.splitlines()
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                row, column = token.start
                lines[row - 1] = lines[row - 1][:column]
    except (tokenize.TokenError, SyntaxError):
        # not Python a tokenizer can finish (an unclosed string, say): drop whole-line comments only
        lines = [line for line in lines if not line.lstrip().startswith("#")]
    return "\n".join(_switch_neutral(line.rstrip()) for line in lines if line.strip())


def fingerprint(source: str) -> str:
    """Short hash of :func:`canonical_code`."""
    # surrogatepass: a lone surrogate (a JSON escape in a student's file) hashes instead of stopping the grader
    return hashlib.sha256(canonical_code(source).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def utf8_safe(text: str) -> str:
    """``text`` with any lone surrogate (a JSON escape in a student's file) as '?', so it can be parsed and written."""
    return text.encode("utf-8", "replace").decode("utf-8")


def identity_values(source: str) -> dict[str, str] | None:
    """The identity fields a cell assigns as plain strings, or None when it is not the identity cell.

    Read with :mod:`ast` without running anything, so a hostile cell cannot act.
    """
    if "STUDENT_NAME" not in source:
        return None
    try:
        tree = ast.parse(utf8_safe(source))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    values = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in IDENTITY_FIELDS:
                value = node.value
                values[name] = value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else ""
    return values if "STUDENT_NAME" in values else None


def _labutils_tag(cell: dict, key: str) -> str:
    """A cell's ``metadata.labutils[key]`` when it is a string, else "" (a student's file may hold anything there)."""
    labutils_metadata = cell.get("metadata", {}).get("labutils", {}) if isinstance(cell.get("metadata"), dict) else {}
    value = labutils_metadata.get(key, "") if isinstance(labutils_metadata, dict) else ""
    return value if isinstance(value, str) else ""


def exercise_id(cell: dict) -> str:
    """The exercise a code cell holds (``metadata.labutils.exercise``, e.g. "03-1"), or "" for a lesson cell."""
    return _labutils_tag(cell, "exercise")


def answer_id(cell: dict) -> str:
    """The written answer a cell holds (``metadata.labutils.answer``, e.g. "Q5" or "conclusion"), or ""."""
    return _labutils_tag(cell, "answer")


def first_line(source: str) -> str:
    """The first non-blank line of a cell, to name it in a report."""
    return next((line.strip() for line in source.splitlines() if line.strip()), "")[:60]


def describe_notebook(notebook: dict, file_name: str) -> dict:
    """The manifest entry of one committed lab notebook."""
    cells = notebook["cells"]
    title = cell_source(cells[0]).splitlines()[0].lstrip("# ").strip() if cells else file_name
    lesson_cells = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = cell_source(cell)
        if identity_values(source) is not None or exercise_id(cell) or answer_id(cell):
            continue  # the student fills these in
        evidence = cell.get("metadata", {}).get("labutils", {}).get("evidence")
        lesson_cells.append({"fingerprint": fingerprint(source), "first_line": first_line(source), "evidence": evidence})
    part = notebook.get("metadata", {}).get("labutils", {}).get("part", "practical")
    exercises = [exercise_id(cell) for cell in cells if cell.get("cell_type") == "code" and exercise_id(cell)]
    answers = [answer_id(cell) for cell in cells if answer_id(cell)]
    entry = {"file": file_name, "title": title, "part": part, "lesson_cells": lesson_cells, "exercises": exercises}
    return entry | ({"answers": answers} if answers else {})


def build_manifest(notebooks_dir: Path) -> dict:
    """The lesson cells of every numbered notebook in ``notebooks_dir`` (no version yet)."""
    entries = {}
    for path in catalogue.numbered_files(notebooks_dir):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        notebook_id = notebook["metadata"]["labutils"]["notebook_id"]
        entries[notebook_id] = describe_notebook(notebook, path.name)
    return {"format": MANIFEST_FORMAT, "notebooks": entries}


def _lesson(entries: dict) -> dict:
    """What makes a version of the lesson: each notebook's lesson-cell fingerprints and evidence marks."""
    return {notebook_id: ([(cell["fingerprint"], cell["evidence"]) for cell in entry["lesson_cells"]],
                          entry.get("answers", []))
            for notebook_id, entry in entries.items()}


def load_history(path: Path = HISTORY_PATH) -> dict[str, dict]:
    """Every released version of the lesson: ``{version: notebooks}``, oldest first."""
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))["versions"]


def write_manifest(notebooks_dir: Path, path: Path = MANIFEST_PATH, history_path: Path = HISTORY_PATH) -> dict:
    """Write the current lesson's manifest; a lesson that differs from the last released version is appended to the
    history as the next version (earlier versions are never rewritten, so old hand-ins keep their fingerprints)."""
    manifest = build_manifest(notebooks_dir)
    history = load_history(history_path)
    latest = max(history, key=int) if history else None
    if latest is None or _lesson(history[latest]) != _lesson(manifest["notebooks"]):
        latest = str(int(latest) + 1 if latest else 1)
        history[latest] = manifest["notebooks"]
        history_path.write_text(json.dumps({"format": MANIFEST_FORMAT, "versions": history}, indent=1,
                                           ensure_ascii=False) + "\n", encoding="utf-8")
    manifest = {"format": MANIFEST_FORMAT, "version": latest, "notebooks": manifest["notebooks"]}
    path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def stamp_notebooks(notebooks_dir: Path, version: str) -> list[str]:
    """Write ``version`` into each notebook's ``metadata.labutils.lesson_version``; the files changed."""
    changed = []
    for path in catalogue.numbered_files(notebooks_dir):
        text = path.read_text(encoding="utf-8")
        notebook = json.loads(text)
        labutils_metadata = notebook["metadata"].setdefault("labutils", {})
        if labutils_metadata.get(VERSION_KEY) != version:
            labutils_metadata[VERSION_KEY] = version
            path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            changed.append(path.name)
    return changed


def load_manifest(path: Path = MANIFEST_PATH, history_path: Path = HISTORY_PATH) -> dict:
    """The current lesson (``notebooks``, ``version``) and every released version (``versions``) for the grader."""
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["versions"] = load_history(history_path) or {manifest.get("version", "1"): manifest["notebooks"]}
    return manifest
