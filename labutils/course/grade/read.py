"""Reading a hand-in safely: one file as a notebook (never run), which of the lab's notebooks it is, the files to grade."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..manifest import text_of
from .submission import Settings, Submission

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _outputs(cell: dict) -> list[dict]:
    outputs = cell.get("outputs")
    return [output for output in outputs if isinstance(output, dict)] if isinstance(outputs, list) else []


def as_shown(text: str) -> str:
    """Printed text as a notebook shows it: Windows line ends (a file saved on Windows) are plain ones, and a line
    rewritten in place with carriage returns (a progress bar) shows only its last version."""
    text = text.replace("\r\n", "\n")
    if "\r" not in text:
        return text
    return "\n".join(line.rstrip("\r").rsplit("\r", 1)[-1] for line in text.split("\n"))


def outputs_text(cell: dict) -> str:
    """Everything a cell printed (streams and plain-text results), as shown (:func:`as_shown`)."""
    parts = []
    for output in _outputs(cell):
        if output.get("output_type") == "stream":
            parts.append(text_of(output.get("text", "")))
        elif output.get("output_type") in ("execute_result", "display_data") and isinstance(output.get("data"), dict):
            parts.append(text_of(output["data"].get("text/plain", "")) + "\n")  # a display is a block of its own
    return as_shown("".join(parts))


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


MAX_JSON_VALUES = 200_000  # braces, brackets and commas: a lab notebook has about 2,000; each becomes a Python object
UTF8_BOM = b"\xef\xbb\xbf"
JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')  # one JSON string, escapes included


def read_notebook(source: HandInFile, sub: Submission, settings: Settings) -> dict | None:
    """The parsed notebook, or None with the reason recorded. Memory stays near the file's size: the file is read
    once with a bound, and one whose JSON would make far more Python objects than a notebook is refused unparsed."""
    if source.size > settings.max_bytes:
        sub.fail("F101", f"file is {source.size / 2**20:,.1f} MB, over the {settings.max_bytes / 2**20:,.0f} MB limit "
                 "(an executed lab notebook is under 1 MB; was something else handed in?)")
        return None
    try:
        raw = source.read(settings.max_bytes)
    except (OSError, ValueError, zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, zlib.error) as error:
        sub.fail("F102", f"cannot be read: {getattr(error, 'strerror', None) or error}")
        return None
    if len(raw) > settings.max_bytes:
        sub.fail("F101", f"file is over the {settings.max_bytes / 2**20:,.0f} MB limit (an executed lab notebook is under 1 MB)")
        return None
    sub.sha256 = hashlib.sha256(raw).hexdigest()
    if not raw.strip():
        sub.fail("F104", "empty file")
        return None
    values = raw.count(b"{") + raw.count(b"[") + raw.count(b",")
    if values > MAX_JSON_VALUES:  # printed text (a student's cell that printed a long list) is one string, not values
        values -= sum(sum(map(match.group().count, (b"{", b"[", b","))) for match in JSON_STRING.finditer(raw))
    if values > MAX_JSON_VALUES:
        sub.fail("F105", f"not a lab notebook: its JSON holds about {values:,} values (a lab notebook about 2,000); "
                 "not read, to keep the grader's memory bounded")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        sub.fail("F106", "not a notebook: not a text file (a notebook is UTF-8 JSON)")
        return None
    del raw
    text = text.removeprefix("\ufeff")
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as error:
        sub.fail("F107", _json_problem(text, error))
        return None
    except RecursionError:
        sub.fail("F108", "not a notebook: JSON nested too deeply")
        return None
    del text
    if isinstance(notebook, dict) and ("worksheets" in notebook or notebook.get("nbformat") in (1, 2, 3)):
        sub.fail("F109", f"saved in an old notebook format (nbformat {str(notebook.get('nbformat'))[:10]}), which this lab's "
                 "notebooks never had: it was converted by another tool. Hand in the .ipynb file Jupyter or Colab "
                 "saved (File > Download > .ipynb)")
        return None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        sub.fail("F110", "not a notebook: JSON without a list of cells")
        return None
    if notebook.get("nbformat") != 4:
        sub.fail("F111", f"not a notebook this lab can read: nbformat {str(notebook.get('nbformat'))[:20]!r}, expected 4 "
                 "(open it in Jupyter and save it again)")
        return None
    for number, cell in enumerate(notebook["cells"], 1):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            sub.fail("F112", f"malformed notebook: cell {number} is not a code, markdown or raw cell")
            return None
        if not isinstance(cell.get("source", ""), (str, list)):
            sub.fail("F112", f"malformed notebook: cell {number} has no readable source")
            return None
        if cell["cell_type"] == "code" and not isinstance(cell.get("outputs", []), list):
            sub.fail("F112", f"malformed notebook: code cell {number} has unreadable outputs")
            return None
    if not isinstance(notebook.get("metadata", {}), dict):
        sub.fail("F112", "malformed notebook: metadata is not a JSON object")
        return None
    return notebook


def _json_problem(text: str, error: json.JSONDecodeError) -> str:
    """What is wrong with a file that is not valid JSON, said so that the teacher knows what to ask for."""
    if error.msg == "Extra data":
        extra = len(text) - error.pos
        return (f"not a notebook as it stands: the notebook's JSON ends at line {error.lineno}, column {error.colno}, "
                f"and {extra:,} more character(s) follow it (something was appended, or two files joined); "
                "ask for the file again")
    if text.lstrip().startswith("{") and (error.pos >= len(text.rstrip()) - 1 or error.msg.startswith("Unterminated")):
        return "truncated: the file ends in the middle of the notebook (an unfinished download or copy?)"
    return f"not a notebook: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"


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
        sub.fail("F113", f"foreign notebook: its id {str(notebook_id)[:60]!r} is not one of this lab's")
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
    sub.fail("F114", "foreign notebook: not one of this lab's notebooks (no lab id, and its cells are not the lab's)")
    return None


def lesson_version(notebook: dict, code_prints: list[str], manifest: dict, sub: Submission,
                   preferred: tuple[str, ...] = ()) -> dict | None:
    """The manifest entry of the lesson version this notebook came from; None (with the reason) if unknown.

    A notebook names its version in ``metadata.labutils.lesson_version``. One made before versions were stamped,
    or whose metadata was lost, is matched to the version whose lesson cells it holds most of; on a tie (a notebook
    unchanged between versions), one of the ``preferred`` versions (the class's), else the newest.
    """
    versions = manifest["versions"]
    stated = _labutils_metadata(notebook).get("lesson_version")
    if stated is not None:
        stated = str(stated)[:40]
        if stated in versions and sub.notebook in versions[stated]:
            sub.lesson_version = stated
            return versions[stated][sub.notebook]
        sub.fail("F115", f"made from lesson version {stated!r}, which this grader does not know (it knows "
                 f"{', '.join(versions)}): grade it with the labutils release the notebooks came from, or a newer one")
        return None
    present = set(code_prints)
    candidates = [version for version in versions if sub.notebook in versions[version]]
    sub.lesson_version = max(candidates, key=lambda v: (_share(versions[v][sub.notebook], present), v in preferred, int(v)))
    return versions[sub.lesson_version][sub.notebook]


ZIP_MAX_ENTRIES = 2_000  # a student's zip holds a few notebooks; an LMS download of a class a few hundred
ZIP_MAX_RATIO = 100  # a notebook compresses 2 to 10 times; far more is a zip bomb, not a notebook
NOTEBOOK_SUFFIX = ".ipynb"
MAX_LISTED_PER_FOLDER = 25  # files not graded are listed one by one up to this many per folder, then counted
NOT_SEARCHED = {"__pycache__": "Python's cache", "node_modules": "a JavaScript package folder",
                "site-packages": "installed Python packages", "lab-artifacts": "the lab's saved model and results",
                "artifacts": "the lab's saved model and results"}
EXPORTS = {".html": "an HTML export", ".htm": "an HTML export", ".pdf": "a PDF export", ".py": "a Python script",
           ".md": "a Markdown export", ".tex": "a LaTeX export", ".txt": "a text file", ".docx": "a Word document"}


@dataclass(frozen=True)
class HandInFile:
    """A notebook to grade: a file, or a member of a zip archive (read in memory, never extracted)."""

    path: str  # as the teacher finds it: a file path, or "archive.zip!/member"
    folder: str  # the student's folder: the file's, or the archive's folder of the member
    size: int  # as the file system or the archive says (the read itself is bounded as well)
    archive: str = ""
    member: str = ""

    def read(self, limit: int) -> bytes:
        """At most ``limit + 1`` bytes (one more than allowed tells the caller the file is too long)."""
        if not self.archive:
            with open(self.path, "rb") as handle:
                return handle.read(limit + 1)
        with zipfile.ZipFile(self.archive) as archive:
            info = archive.getinfo(self.member)
            if info.flag_bits & 0x1:
                raise ValueError("the archive is password-protected; ask for it without a password")
            if info.compress_size and info.file_size / info.compress_size > ZIP_MAX_RATIO:
                raise ValueError(f"packed {info.file_size / info.compress_size:,.0f} times smaller than it is, far "
                                 "more than a notebook packs: not unpacked")
            with archive.open(info) as member:
                return member.read(limit + 1)


@dataclass
class Found:
    """What a search found: the notebooks to grade, paths that do not exist, and every file not graded (with why)."""

    files: list[HandInFile] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    not_graded: list[tuple[str, str, str]] = field(default_factory=list)  # (path, folder, why)

    def skip(self, path, folder, why: str) -> None:
        self.not_graded.append((str(path), str(folder), why))


def _is_notebook_name(name: str) -> bool:
    return name.lower().endswith(NOTEBOOK_SUFFIX)


def _why_not_graded(name: str) -> str:
    """Why a file is not graded, said by what it looks like."""
    if name.startswith("._"):
        return "a Mac resource file (AppleDouble, made by copying to a non-Mac disk), not a notebook"
    if name in (".DS_Store", "Thumbs.db", "desktop.ini"):
        return "a system file"
    suffix = Path(name).suffix.lower()
    if suffix in EXPORTS:
        return f"{EXPORTS[suffix]}, not a notebook: ask for the .ipynb file (Jupyter: File > Download; Colab: File > Download > .ipynb)"
    if suffix == ".zip":
        return "a zip inside a zip, not opened: unzip the outer one and grade the folder"
    return "not a notebook (only .ipynb files and .zip archives of them are graded)"


def find_notebooks(paths: list[Path]) -> Found:
    """Every notebook to grade under ``paths`` (folders searched, zips read in memory), and every file not graded.

    Folders are searched without following symbolic links: a link in one student's folder must not pull in, or hide,
    another student's notebook. A path named on the command line is the teacher's own choice and is read even if it
    is a link. Identical files are kept here: the class checks grade one of each (:mod:`.classroom`).
    """
    found = Found()
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            _search(path, found)
        elif path.is_file() and path.suffix.lower() == ".zip":
            _open_archive(path, found)
        elif path.is_file():
            found.files.append(HandInFile(str(path), str(path.parent), path.stat().st_size))
        elif path.exists() or path.is_symlink():
            found.skip(path, path.parent, "not a regular file or folder")
        else:
            found.missing.append(str(path))
    unique, seen = [], set()
    for file in found.files:
        key = (str(Path(file.archive).resolve()), file.member) if file.archive else (str(Path(file.path).resolve()), "")
        if key not in seen:
            seen.add(key)
            unique.append(file)
    found.files = unique
    return found


def _search(folder: Path, found: Found) -> None:
    for root, dirs, names in os.walk(folder, followlinks=False):
        base = Path(root)
        kept = []
        for name in sorted(dirs):
            entry = base / name
            if entry.is_symlink():
                found.skip(entry, base, "a link to a folder, not followed")
            elif _is_notebook_name(name):
                found.skip(entry, base, "a folder named like a notebook")
            elif name == ".ipynb_checkpoints":
                found.skip(entry, base, "Jupyter's autosaved copies, not graded (the notebooks beside it are)")
            elif name == "__MACOSX":
                found.skip(entry, base, "Mac resource files (AppleDouble) left by unzipping, not notebooks")
            elif name.startswith("."):
                found.skip(entry, base, "a hidden folder, not searched")
            elif name in NOT_SEARCHED:
                found.skip(entry, base, f"{NOT_SEARCHED[name]}, not searched")
            else:
                kept.append(name)
        dirs[:] = kept
        others = 0
        for name in sorted(names):
            entry = base / name
            if not (_is_notebook_name(name) or name.lower().endswith(".zip")) or name.startswith("._"):
                others += 1
                if others > MAX_LISTED_PER_FOLDER:
                    continue
            if entry.is_symlink():
                found.skip(entry, base, "a link, not followed (hand in the file itself)")
            elif not entry.is_file():
                found.skip(entry, base, "not a regular file")
            elif _is_notebook_name(name) and not name.startswith("._"):
                found.files.append(HandInFile(str(entry), str(base), entry.stat().st_size))
            elif name.lower().endswith(".zip") and not name.startswith("._"):
                _open_archive(entry, found)
            else:
                found.skip(entry, base, _why_not_graded(name))
        if others > MAX_LISTED_PER_FOLDER:
            found.skip(base, base, f"{others - MAX_LISTED_PER_FOLDER:,} more file(s) in this folder that are not "
                                   "notebooks, not listed one by one")


def _zip_directory(path: Path) -> tuple[int, int] | None:
    """The number of entries and the size of the central directory an archive declares, read from its last bytes
    (before :mod:`zipfile` builds an object per entry); None when there is no end record."""
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(max(0, size - 65_557))
        tail = handle.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    return int.from_bytes(tail[at + 10:at + 12], "little"), int.from_bytes(tail[at + 12:at + 16], "little")


def _open_archive(path: Path, found: Found) -> None:
    """The notebooks inside a zip, each read later in memory; never extracted, its names never used as paths."""
    folder = path.parent
    try:
        directory = _zip_directory(path)
        if directory is None:
            found.skip(path, folder, "named .zip but not a readable zip archive (damaged, or not a zip); ask for it again")
            return
        entries, size = directory
        if entries >= 0xFFFF or entries > ZIP_MAX_ENTRIES or size > ZIP_MAX_ENTRIES * 1_024:
            found.skip(path, folder, f"a zip archive of more than {ZIP_MAX_ENTRIES:,} entries, not opened: unzip it "
                                     "and grade the folder")
            return
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (OSError, zipfile.BadZipFile, ValueError, EOFError) as error:
        found.skip(path, folder, f"not a readable zip archive ({str(error)[:80]}); ask for it again")
        return
    mac_files = others = 0
    for info in infos:
        name = info.filename
        leaf = name.rstrip("/").rsplit("/", 1)[-1]
        shown = f"{path}!/{name}"
        inner = f"{path}!/{name.rsplit('/', 1)[0]}" if "/" in name.rstrip("/") else f"{path}!"
        if info.is_dir():
            continue
        if name.startswith("__MACOSX/") or "/__MACOSX/" in name or leaf.startswith("._"):
            mac_files += 1
        elif any(part.startswith(".") and part not in (".", "..") for part in name.split("/")[:-1]):
            found.skip(shown, inner, "in a hidden folder (Jupyter's autosaved copies, or system files), not graded")
        elif _is_notebook_name(leaf):
            found.files.append(HandInFile(shown, inner, info.file_size, archive=str(path), member=name))
        else:
            others += 1
            if others <= MAX_LISTED_PER_FOLDER:
                found.skip(shown, inner, _why_not_graded(leaf))
    if others > MAX_LISTED_PER_FOLDER:
        found.skip(path, folder, f"{others - MAX_LISTED_PER_FOLDER:,} more file(s) in this archive that are not "
                                 "notebooks, not listed one by one")
    if mac_files:
        found.skip(f"{path}!/__MACOSX", f"{path}!", f"{mac_files} Mac resource file(s) (AppleDouble), not notebooks")
    if not any(file.archive == str(path) for file in found.files):
        found.skip(path, folder, "a zip archive with no notebook (.ipynb) in it")
