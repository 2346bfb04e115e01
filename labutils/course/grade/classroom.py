"""Checks across a class: duplicates, copied runs, one student's notebooks agreeing, required notebooks handed in."""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

from ..manifest import load_manifest
from .answers import flag_shared_answers
from .checks import grade_file
from .read import find_notebooks
from .submission import PLACEHOLDER, Settings, Submission


def _filled(value: str) -> bool:
    return bool(value.strip()) and not PLACEHOLDER.match(value)


def _norm(value: str) -> str:
    """A name as a person reads it: one Unicode form (NFC; keyboards and systems differ), case and spacing aside."""
    return unicodedata.normalize("NFC", " ".join(value.split())).casefold()


def student_key(sub: Submission) -> str:
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


def class_checks(subs: list[Submission], manifest: dict, settings: Settings) -> list[Submission]:
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
        key = student_key(sub)
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
    flag_shared_answers(subs, lambda sub: student_key(sub) or sub.path)
    for sub in subs:
        sub.decide()
    return subs + extra


def grade_paths(paths: list[Path], settings: Settings | None = None, manifest: dict | None = None) -> list[Submission]:
    """Grade every notebook under ``paths``; the list holds one entry per file and per missing notebook."""
    settings = settings or Settings()
    manifest = manifest or load_manifest()
    files, _, _ = find_notebooks(paths)
    return class_checks([grade_file(path, manifest, settings) for path in files], manifest, settings)
