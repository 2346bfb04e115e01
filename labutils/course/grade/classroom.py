"""Checks across a class: identical files, copied runs, one student's notebooks agreeing, required notebooks handed in."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

from .. import catalogue
from ..manifest import load_manifest
from .answers import flag_shared_answers
from .checks import grade_file
from .read import Found, find_notebooks
from .runs import check_student_runs, find_copied_runs
from .submission import NOT_GRADED, PLACEHOLDER, Settings, Submission


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


COPY_MARK = re.compile(r"( \(\d{1,3}\)| - Copy| copy)(?=\.ipynb$)", re.I)  # "05_x (1).ipynb", "05_x - Copy.ipynb"


def _one_of_each_file(subs: list[Submission]) -> list[Submission]:
    """Byte-identical files are one hand-in (a re-download, one student's two LMS folders): the one with the plainest
    name is graded, with a note naming the others (identical bytes name the same student, so no one loses by it)."""
    by_hash: dict[str, list[Submission]] = defaultdict(list)
    kept = []
    for sub in subs:
        if sub.sha256:
            by_hash[sub.sha256].append(sub)
        else:
            kept.append(sub)
    for copies in by_hash.values():
        copies.sort(key=lambda sub: (bool(COPY_MARK.search(sub.path)), len(sub.path), sub.path))
        first = copies[0]
        if len(copies) > 1:
            shown = ", ".join(sub.path for sub in copies[1:4]) + (f" and {len(copies) - 4} more" if len(copies) > 4 else "")
            first.notes.append(f"identical copies of this file were handed in too, graded once: {shown}")
        kept.append(first)
    order = {id(sub): index for index, sub in enumerate(subs)}
    return sorted(kept, key=lambda sub: order[id(sub)])


def _attribute_to_folder(subs: list[Submission]) -> None:
    """A file that names no student (unreadable, or the Student cell unfilled) in a folder of one student's
    notebooks is shown as that student's, with the file's real reason, instead of a MISSING."""
    owners: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for sub in subs:
        if student_key(sub):
            owners[sub.folder].add((sub.student_name, sub.roll_no))
    for sub in subs:
        if student_key(sub) or len(owners.get(sub.folder, ())) != 1:
            continue
        name, roll = next(iter(owners[sub.folder]))
        sub.student_name, sub.roll_no = name, roll
        sub.notes.append(f"shown as {name}'s ({roll}): the file does not name a student, the other notebooks in "
                         "its folder do")
        if not sub.notebook:
            number = catalogue.number_of(sub.path.replace("\\", "/").rsplit("/", 1)[-1])
            named = next((notebook for notebook in catalogue.NOTEBOOKS if notebook.number == number), None)
            if named:
                sub.named_as = named.id


def _same_name_other_roll(by_student: dict[str, list[Submission]]) -> None:
    """One name under two roll numbers: a mistyped roll number splits a student in two (each half then misses
    notebooks); namesakes who each hand in their own notebooks get a note only."""
    by_name: dict[str, list[str]] = defaultdict(list)
    for key, group in by_student.items():
        names = Counter(_norm(sub.student_name) for sub in group if _filled(sub.student_name))
        if names:
            by_name[names.most_common(1)[0][0]].append(key)
    for keys in by_name.values():
        if len(keys) < 2:
            continue
        for key in keys:
            mine = {sub.notebook for sub in by_student[key]}
            for other in keys:
                if other == key:
                    continue
                theirs = {sub.notebook for sub in by_student[other]}
                roll = by_student[other][0].roll_no
                for sub in by_student[key]:
                    if mine & theirs:
                        sub.notes.append(f"another hand-in has the same name with roll no {roll} (namesakes?)")
                    else:
                        sub.flag("identity", f"the same name as the notebooks of roll no {roll}, which hold the "
                                             "notebooks missing here: one student with a mistyped roll number? "
                                             "They are graded as two")


def _one_person_per_split_hand_in(subs: list[Submission]) -> dict[str, str]:
    """Roll numbers that are one student's, for the copy check: one name whose notebooks, split between two roll
    numbers, never overlap (a mistyped roll number) shares its run with itself, not with a classmate. Keys that
    hand in the same notebook twice (namesakes, or a copy with only the roll number changed) stay apart."""
    notebooks: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for sub in subs:
        key = student_key(sub)
        if key and sub.notebook:
            notebooks[key].add(sub.notebook)
            if _filled(sub.student_name):
                names.setdefault(key, _norm(sub.student_name))
    by_name: dict[str, list[str]] = defaultdict(list)
    for key, name in names.items():
        by_name[name].append(key)
    person = {}
    for keys in by_name.values():
        if len(keys) < 2:
            continue
        formed: list[tuple[str, set[str]]] = []  # (the person's first key, their notebooks so far)
        for key in sorted(keys, key=lambda k: -len(notebooks[k])):
            fits = next((index for index, (_, held) in enumerate(formed) if not held & notebooks[key]), None)
            if fits is None:
                formed.append((key, set(notebooks[key])))
            else:
                person[key] = formed[fits][0]
                formed[fits][1].update(notebooks[key])
    return person


def class_checks(subs: list[Submission], manifest: dict, settings: Settings) -> list[Submission]:
    """Duplicates, copies, identity across a student's notebooks, figures across them, required notebooks."""
    subs = _one_of_each_file(subs)
    _attribute_to_folder(subs)

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

    person = _one_person_per_split_hand_in(subs)
    find_copied_runs(subs, lambda sub: person.get(student_key(sub), student_key(sub)) or sub.path)
    by_student: dict[str, list[Submission]] = defaultdict(list)
    for sub in subs:
        key = student_key(sub)
        if key and (sub.notebook or sub.named_as):
            by_student[key].append(sub)
    extra = []
    for key, group in by_student.items():
        _flag_odd_ones_out(
            [sub for sub in group if _filled(sub.student_name)],
            lambda sub: _norm(sub.student_name),
            lambda sub: f"roll no {sub.roll_no} is used with other names too; this notebook says {sub.student_name}")
        counts = Counter(sub.notebook for sub in group if sub.notebook)
        for sub in group:
            if sub.notebook and counts[sub.notebook] > 1:
                sub.fail(f"handed in more than once by roll no {sub.roll_no}; keep one copy")
        check_student_runs([sub for sub in group if sub.notebook and counts[sub.notebook] == 1])
        handed_in = set(counts) | {sub.named_as for sub in group if sub.named_as}
        for required in settings.required:
            if required not in handed_in:
                entry = manifest["notebooks"][required]
                extra.append(Submission(path="", notebook=required, title=entry["title"], student_name=group[0].student_name,
                                        roll_no=group[0].roll_no, status="MISSING", reasons=["not handed in"]))
    _same_name_other_roll(by_student)
    flag_shared_answers(subs, lambda sub: student_key(sub) or sub.path)
    for sub in subs:
        sub.decide()
    return subs + extra


def grade_paths(paths: list[Path], settings: Settings | None = None, manifest: dict | None = None) -> list[Submission]:
    """Grade every notebook under ``paths``; the list holds one entry per file graded, per missing notebook, and per
    file found that is not graded (last, as NOT GRADED, with why)."""
    settings = settings or Settings()
    manifest = manifest or load_manifest()
    found = find_notebooks(paths)
    graded = class_checks([grade_file(file, manifest, settings) for file in found.files], manifest, settings)
    return graded + not_graded_rows(found)


def not_graded_rows(found: Found) -> list[Submission]:
    return [Submission(path=path, folder=folder, status=NOT_GRADED, reasons=[why]) for path, folder, why in found.not_graded]
