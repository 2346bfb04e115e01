"""Reading a hand-in safely: one file as a notebook (never run), which of the lab's notebooks it is, the files to grade."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from pathlib import Path

from ..manifest import text_of
from .submission import Settings, Submission

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _outputs(cell: dict) -> list[dict]:
    outputs = cell.get("outputs")
    return [output for output in outputs if isinstance(output, dict)] if isinstance(outputs, list) else []


def outputs_text(cell: dict) -> str:
    """Everything a cell printed (streams and plain-text results)."""
    parts = []
    for output in _outputs(cell):
        if output.get("output_type") == "stream":
            parts.append(text_of(output.get("text", "")))
        elif output.get("output_type") in ("execute_result", "display_data") and isinstance(output.get("data"), dict):
            parts.append(text_of(output["data"].get("text/plain", "")))
    return "".join(parts)


def has_png(cell: dict) -> bool:
    """Whether a cell's outputs hold a real PNG image (its first bytes decoded)."""
    for output in _outputs(cell):
        data = text_of(output["data"].get("image/png")) if isinstance(output.get("data"), dict) else ""
        if data:
            try:
                if base64.b64decode(data.strip()[:16], validate=False).startswith(PNG_SIGNATURE):
                    return True
            except (binascii.Error, ValueError):
                continue
    return False


def read_notebook(path: Path, sub: Submission, settings: Settings) -> dict | None:
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


def _labutils_metadata(notebook: dict) -> dict:
    metadata = notebook.get("metadata") if isinstance(notebook.get("metadata"), dict) else {}
    return metadata.get("labutils") if isinstance(metadata.get("labutils"), dict) else {}


def _share(entry: dict, present: set[str]) -> float:
    """How much of a notebook's lesson the printed fingerprints hold."""
    lesson = [cell["fingerprint"] for cell in entry["lesson_cells"]]
    return sum(fp in present for fp in lesson) / max(len(lesson), 1)


def identify(notebook: dict, code_prints: list[str], manifest: dict, sub: Submission) -> str | None:
    """Which of the lab's notebooks this is (its id), by its metadata or, failing that, by its cells (any version)."""
    known_ids = {notebook_id for entries in manifest["versions"].values() for notebook_id in entries}
    notebook_id = _labutils_metadata(notebook).get("notebook_id")
    if isinstance(notebook_id, str) and notebook_id in known_ids:
        return notebook_id
    if notebook_id is not None:
        sub.fail(f"foreign notebook: its id {str(notebook_id)[:60]!r} is not one of this lab's")
        return None
    present = set(code_prints)
    best_id, best_share = None, 0.0
    for entries in manifest["versions"].values():
        for candidate_id, entry in entries.items():
            share = _share(entry, present)
            if share > best_share:
                best_id, best_share = candidate_id, share
    if best_id is not None and best_share >= 0.5:
        sub.notes.append(f"the lab's notebook id is missing from the metadata; recognised by its cells as {best_id}")
        return best_id
    sub.fail("foreign notebook: not one of this lab's notebooks (no lab id, and its cells are not the lab's)")
    return None


def lesson_version(notebook: dict, code_prints: list[str], manifest: dict, sub: Submission) -> dict | None:
    """The manifest entry of the lesson version this notebook came from; None (with the reason) if unknown.

    A notebook names its version in ``metadata.labutils.lesson_version``. One made before versions were stamped,
    or whose metadata was lost, is matched to the version whose lesson cells it holds most of (the newest on a tie).
    """
    versions = manifest["versions"]
    stated = _labutils_metadata(notebook).get("lesson_version")
    if stated is not None:
        stated = str(stated)[:40]
        if stated in versions and sub.notebook in versions[stated]:
            sub.lesson_version = stated
            return versions[stated][sub.notebook]
        sub.fail(f"made from lesson version {stated!r}, which this grader does not know (it knows "
                 f"{', '.join(versions)}): grade it with the labutils release the notebooks came from, or a newer one")
        return None
    present = set(code_prints)
    candidates = [version for version in versions if sub.notebook in versions[version]]
    sub.lesson_version = max(candidates, key=lambda v: (_share(versions[v][sub.notebook], present), int(v)))
    return versions[sub.lesson_version][sub.notebook]


def find_notebooks(paths: list[Path]) -> tuple[list[Path], list[str], list[str]]:
    """Files to grade, the paths that do not exist, and what was skipped (with why).

    Folders are searched for ``*.ipynb`` without following symbolic links: a link in one student's folder must not
    pull in, or hide, another student's notebook. A path named on the command line is the teacher's own choice and
    is read even if it is a link.
    """
    files, missing, skipped = [], [], []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            _search(path, files, skipped)
        elif path.is_file():
            files.append(path)
        elif path.exists() or path.is_symlink():
            skipped.append(f"{path}: not a regular file or folder, skipped")
        else:
            missing.append(str(path))
    unique, seen = [], set()
    for file in files:
        key = file.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(file)
    return unique, missing, skipped


def _search(folder: Path, files: list[Path], skipped: list[str]) -> None:
    for root, dirs, names in os.walk(folder, followlinks=False):
        base = Path(root)
        for name in sorted(dirs):
            entry = base / name
            if entry.is_symlink():
                skipped.append(f"{entry}: a link to a folder, not followed")
            elif name.endswith(".ipynb"):
                skipped.append(f"{entry}: a folder named like a notebook, skipped")
        dirs[:] = sorted(name for name in dirs if name != ".ipynb_checkpoints" and not (base / name).is_symlink())
        for name in sorted(names):
            entry = base / name
            if name.endswith(".ipynb"):
                if entry.is_symlink():
                    skipped.append(f"{entry}: a link, not followed (hand in the notebook itself)")
                elif not entry.is_file():
                    skipped.append(f"{entry}: not a regular file, skipped")
                else:
                    files.append(entry)
            elif name.lower().endswith(".zip"):
                skipped.append(f"{entry}: a zip archive, not opened (unzip it to grade what it holds)")
