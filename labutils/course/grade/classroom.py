"""Checks across a class: identical files, copied runs, one student's notebooks agreeing, required notebooks handed in."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path, PurePosixPath

from .. import catalogue
from ..manifest import load_manifest
from ...viva import visible
from .answers import flag_shared_answers
from .checks import grade_file
from .read import EXPORTS, Found, find_notebooks
from .runs import check_student_runs, find_copied_runs
from .submission import NOT_GRADED, PLACEHOLDER, Settings, Submission


def _filled(value: str) -> bool:
    return bool(value.strip()) and not PLACEHOLDER.match(value)


APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'"})


def _norm(value: str) -> str:
    """A name as a person reads it: one Unicode form (NFC; keyboards and systems differ), case and spacing aside,
    characters nobody sees dropped, every apostrophe the same ("O’Brien" is "O'Brien")."""
    return visible(unicodedata.normalize("NFC", " ".join(value.split()))).casefold().translate(APOSTROPHES)


DASHES = re.compile(r"[\u2010-\u2015\u2212_]")


def roll_key(value: str) -> str:
    """A roll number as typed on any keyboard: compatibility forms (full-width) folded, case and spaces ignored, every
    dash a hyphen ("CS21 – 042" is "cs21-042"); other separators are kept ("CS-21-1-17" is not "CS-21-11-7")."""
    folded = visible(unicodedata.normalize("NFKC", value)).casefold()
    return DASHES.sub("-", "".join(folded.split()))


def student_key(sub: Submission) -> str:
    return roll_key(sub.roll_no) if _filled(sub.roll_no) else ""


def _unaccented(value: str) -> str:
    """A name as typed on a keyboard without its letters' accents: "José Núñez-Díaz" is "jose nunez diaz"."""
    letters = unicodedata.normalize("NFKD", _norm(value))
    return " ".join("".join(c for c in letters if not unicodedata.combining(c)).replace("-", " ").split())


def _flag_odd_ones_out(group: list[Submission], key, code: str, reason, spelling=None) -> None:
    """Fail the submissions whose ``key`` differs from the group's most common one (all of them on a tie). With
    ``spelling`` (a key that sets accents and hyphens aside), a name that differs from the majority's only there is
    the same student typing it another way: flagged (I310), not failed."""
    counts = Counter(key(sub) for sub in group).most_common()
    if len(counts) < 2:
        return
    majority = counts[0][0] if counts[0][1] > counts[1][1] else None
    if majority is None and spelling is not None and len({spelling(sub) for sub in group}) == 1:
        majority = counts[0][0]  # one name, typed two ways as often: the same student, flagged either way
    shown = next((sub for sub in group if key(sub) == majority), None)
    for sub in group:
        if key(sub) == majority:
            continue
        if spelling is not None and shown is not None and spelling(sub) == spelling(shown):
            sub.flag("I310", "identity", f"the name is written \"{sub.student_name}\" here and \"{shown.student_name}\" "
                     "in this student's other notebooks (accents or hyphens): the same student?")
        else:
            sub.fail(code, reason(sub))


EXPORT_KINDS = sorted(set(EXPORTS.values()))
COPY_MARK = re.compile(r"( \(\d{1,3}\)| - Copy| copy)(?=\.ipynb$)", re.I)  # "05_x (1).ipynb", "05_x - Copy.ipynb"


def _in_own_folder(sub: Submission) -> bool:
    """Whether a folder the file lies in (or a folder above) is named after the student the file names."""
    return bool(student_key(sub)) and any(_names_the_folder(PurePosixPath(folder).name, sub)
                                          for folder in _folders_up(sub.folder or ""))


def _one_of_each_file(subs: list[Submission]) -> tuple[list[Submission], list[Submission]]:
    """Byte-identical files are one hand-in (a re-download, one student's two LMS folders): the one with the plainest
    name is graded, with a note; each other copy is a NOT GRADED row saying which file it repeats, so a folder that
    holds another student's files unchanged is still seen. Returns (graded, identical copies)."""
    by_hash: dict[str, list[Submission]] = defaultdict(list)
    kept, repeats = [], []
    for sub in subs:
        if sub.sha256:
            by_hash[sub.sha256].append(sub)
        else:
            kept.append(sub)
    for copies in by_hash.values():
        # the copy in a folder named after the student the file names is theirs; a copy elsewhere is the repeat
        copies.sort(key=lambda sub: (not _in_own_folder(sub), bool(COPY_MARK.search(sub.path)), len(sub.path), sub.path))
        first = copies[0]
        if len(copies) > 1:
            shown = ", ".join(sub.path for sub in copies[1:4]) + (f" and {len(copies) - 4} more" if len(copies) > 4 else "")
            first.notes.append(f"identical copies of this file were handed in too, graded once: {shown}")
        for copy in copies[1:]:
            where = ("in the same folder (a re-download?)" if copy.folder == first.folder else
                     "in another folder: one student's two uploads, or another student's folder holding that "
                     "hand-in unchanged")
            repeat = Submission(path=copy.path, folder=copy.folder, status=NOT_GRADED, student_name=first.student_name,
                                roll_no=first.roll_no)  # the same bytes name the same student
            named = f" ({first.student_name}, {first.roll_no})" if first.student_name or first.roll_no else ""
            repeat.fail("F117", f"byte for byte the file {first.path}{named}, {where}; graded once, there")
            repeats.append(repeat)
        kept.append(first)
    order = {id(sub): index for index, sub in enumerate(subs)}
    return sorted(kept, key=lambda sub: order[id(sub)]), repeats


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
                        sub.flag("I307", "identity", f"the same name as the notebooks of roll no {roll}, which hold the "
                                             "notebooks missing here: one student with a mistyped roll number? "
                                             "They are graded as two")


def _one_google_account_two_students(subs: list[Submission], person: dict[str, str]) -> None:
    """Notebooks that Colab says one Google account ran, handed in by two students: flagged for the teacher, with the
    account's display name (never its user id). Two students working on one account, or one's work handed in twice."""
    students: dict[str, dict[str, list[Submission]]] = defaultdict(lambda: defaultdict(list))
    for sub in subs:
        key = student_key(sub)
        if key and sub.notebook:
            for user_id in sub.colab_accounts:
                students[user_id][person.get(key, key)].append(sub)
    for user_id, by_student in students.items():
        if len(by_student) < 2:
            continue
        for key, group in by_student.items():
            others = sorted({f"{other[0].student_name} ({other[0].roll_no})" for k, other in by_student.items() if k != key})
            shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
            name = group[0].colab_accounts[user_id] or "no display name"
            for sub in group:
                sub.flag("I308", "identity", f"run on Colab by the same Google account ({name}) as notebooks of {shown}: "
                                     "two students on one account, or one student's work handed in twice?")


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


def _names_the_folder(label: str, sub: Submission) -> bool:
    """Whether a folder's name names the student of ``sub``: their roll number, or every word of their name (an LMS
    names each student's folder after them: "CS21-017", "Asha Verma_1234_assignsubmission_file_")."""
    roll = student_key(sub)
    if roll and re.search(r"(?<![0-9a-z])" + re.escape(roll) + r"(?![0-9a-z])", roll_key(label)):
        return True
    words = _unaccented(sub.student_name).split()
    return len(words) >= 2 and set(words) <= set(re.findall(r"[^\W_]+", _unaccented(label)))


def _folders_up(folder: str) -> list[str]:
    """A folder and the folders above it, nearest first."""
    path = PurePosixPath(folder.replace("\\", "/"))
    return [str(path)] + [str(parent) for parent in path.parents if str(parent) not in (".", "/")]


def _folder_owners(subs: list[Submission]) -> dict[str, Submission]:
    """The folders that are one student's: the folder's name names them (roll number or whole name) and more than
    half of the lab notebooks under it name them. A class folder that happens to hold a roll number in its name
    ("CS 2026-27") is no one's: no student holds most of its notebooks. Returns folder -> one of the owner's
    notebooks."""
    under: dict[str, Counter] = defaultdict(Counter)
    first: dict[str, dict[str, Submission]] = defaultdict(dict)
    for sub in subs:
        key = student_key(sub)
        if key and sub.notebook and sub.folder:
            for folder in _folders_up(sub.folder):
                under[folder][key] += 1
                first[folder].setdefault(key, sub)
    owners = {}
    for folder, counts in under.items():
        key, most = counts.most_common(1)[0]
        label = PurePosixPath(folder).name
        if 2 * most > sum(counts.values()) and _names_the_folder(label, first[folder][key]) and not any(
                _names_the_folder(label, first[folder][other]) for other in counts if other != key):
            owners[folder] = first[folder][key]
    return owners


def _strays(subs: list[Submission], person: dict[str, str]) -> list[Submission]:
    """Notebooks naming another student than the one whose folder (or a folder above) they lie in (see
    :func:`_folder_owners`). Such a notebook fails as the folder owner's (I304) and counts as nobody's hand-in, so no
    file in one student's folder, zip or subfolder can change a classmate's grade (a copy of a classmate's notebook,
    edited, dropped in as "extra.ipynb", once failed the classmate's own as handed in twice). Returns the strays, with
    the owner's identity now on them."""
    owners = _folder_owners(subs)
    strays = []
    for sub in subs:
        key = student_key(sub)
        if not key or not sub.folder:
            continue
        folder = next((folder for folder in _folders_up(sub.folder) if folder in owners), None)
        if folder is None:
            continue
        owner = owners[folder]
        owner_key = student_key(owner)
        if person.get(key, key) == person.get(owner_key, owner_key) or _unaccented(sub.student_name) == _unaccented(
                owner.student_name):
            continue
        shown = f"{sub.student_name} ({sub.roll_no})"
        sub.student_name, sub.roll_no = owner.student_name, owner.roll_no
        sub.fail("I304", f"names {shown}, but lies in {owner.student_name}'s folder ({PurePosixPath(folder).name}): "
                         f"it fails, and counts as nobody's hand-in (neither {owner.student_name}'s nor "
                         f"{shown.rsplit(' (', 1)[0]}'s)")
        strays.append(sub)
    return strays + _planted_copies([sub for sub in subs if sub not in strays], person)


def _planted_copies(subs: list[Submission], person: dict[str, str]) -> list[Submission]:
    """A student's notebook handed in twice, one copy lying in a folder another student holds more of (a planted
    copy: a classmate's file, maybe edited, dropped in beside one's own). The copy in the student's home folder (the
    folder holding most of their notebooks; a tie goes to the folder named after them) is theirs; the other fails as
    the folder holder's (I304) and counts as nobody's, so the named student is not failed as having handed in twice.
    Folders held by nobody in particular (a class folder) decide nothing."""
    count: dict[str, Counter] = defaultdict(Counter)  # folder -> student -> notebooks
    by_key_notebook: dict[tuple[str, str], list[Submission]] = defaultdict(list)
    examples: dict[tuple[str, str], Submission] = {}
    for sub in subs:
        key = student_key(sub)
        if key and sub.notebook:
            count[sub.folder][person.get(key, key)] += 1
            by_key_notebook[(person.get(key, key), sub.notebook)].append(sub)
            examples.setdefault((sub.folder, person.get(key, key)), sub)

    named = {(folder, who): _names_the_folder(PurePosixPath(folder).name, sub) for (folder, who), sub in examples.items()}

    def weight(folder: str, who: str) -> tuple[int, bool]:  # read before any copy below is given its holder's name
        return count[folder][who], named[(folder, who)]

    def holder(folder: str) -> str | None:
        ranked = sorted(count[folder], key=lambda who: weight(folder, who), reverse=True)
        if len(ranked) > 1 and weight(folder, ranked[0]) == weight(folder, ranked[1]):
            return None
        return ranked[0] if ranked else None

    planted = []
    for (who, _), copies in by_key_notebook.items():
        folders = {sub.folder for sub in copies}
        if len(copies) < 2 or len(folders) < 2:
            continue
        home = max(sorted(folders), key=lambda folder: weight(folder, who))
        for sub in copies:
            owner = holder(sub.folder)
            if sub.folder == home or owner is None or owner == who:
                continue
            holder_sub = examples[(sub.folder, owner)]  # the holder's own notebook: never a planted copy
            shown = f"{sub.student_name} ({sub.roll_no})"
            sub.student_name, sub.roll_no = holder_sub.student_name, holder_sub.roll_no
            sub.fail("I304", f"names {shown}, who handed in this notebook in their own folder too, but lies in "
                             f"{holder_sub.student_name}'s folder ({PurePosixPath(sub.folder).name}): it fails, and "
                             "counts as nobody's hand-in")
            planted.append(sub)
    return planted


def class_checks(subs: list[Submission], manifest: dict, settings: Settings) -> list[Submission]:
    """Duplicates, copies, identity across a student's notebooks, figures across them, required notebooks."""
    subs, repeats = _one_of_each_file(subs)
    _attribute_to_folder(subs)

    person = _one_person_per_split_hand_in(subs)
    strays = _strays(subs, person)
    counted = [sub for sub in subs if sub not in strays]  # a stray already fails, and counts for no one

    # one student's folder (every notebook id at most once): its notebooks must name one student
    by_folder: dict[str, list[Submission]] = defaultdict(list)
    for sub in counted:
        if sub.notebook:
            by_folder[sub.folder].append(sub)
    for group in by_folder.values():
        if max(Counter(sub.notebook for sub in group).values()) == 1:  # else a class folder, told apart by roll no
            _flag_odd_ones_out(
                [sub for sub in group if _filled(sub.roll_no) and _filled(sub.student_name)],
                lambda sub: (_norm(sub.student_name), student_key(sub)), "I304",
                lambda sub: f"identity differs from the other notebooks in this folder ({sub.student_name} / {sub.roll_no} here)",
                lambda sub: (_unaccented(sub.student_name), student_key(sub)))

    # A file naming no student belongs to its folder's hand-in: an unfilled Student cell is no copy of itself.
    find_copied_runs(counted, lambda sub: person.get(student_key(sub), student_key(sub)) or f"folder {sub.folder or sub.path}")
    handed_in_by_person: dict[str, set[str]] = defaultdict(set)  # a split hand-in's halves count together
    for sub in counted:
        if student_key(sub):
            handed_in_by_person[person.get(student_key(sub), student_key(sub))].update({sub.notebook, sub.named_as})
    by_student: dict[str, list[Submission]] = defaultdict(list)
    for sub in counted:
        key = student_key(sub)
        if key and (sub.notebook or sub.named_as):
            by_student[key].append(sub)
    extra = []
    for key, group in by_student.items():
        _flag_odd_ones_out(
            [sub for sub in group if _filled(sub.student_name)],
            lambda sub: _norm(sub.student_name), "I305",
            lambda sub: f"roll no {sub.roll_no} is used with other names too; this notebook says {sub.student_name}",
            lambda sub: _unaccented(sub.student_name))
        counts = Counter(sub.notebook for sub in group if sub.notebook)
        for sub in group:
            if sub.notebook and counts[sub.notebook] > 1:
                sub.fail("I306", f"handed in more than once by roll no {sub.roll_no}; keep one copy")
        check_student_runs([sub for sub in group if sub.notebook and counts[sub.notebook] == 1])
        handed_in = handed_in_by_person[person.get(key, key)]
        for required in settings.required:
            if required not in handed_in:
                entry = manifest["notebooks"][required]
                missing = Submission(path="", notebook=required, title=entry["title"], student_name=group[0].student_name,
                                     roll_no=group[0].roll_no, status="MISSING")
                missing.fail("I309", "not handed in")
                extra.append(missing)
    _same_name_other_roll(by_student)
    _one_google_account_two_students(counted, person)
    flag_shared_answers(counted, lambda sub: student_key(sub) or sub.path)
    for sub in subs:
        sub.decide()
    return subs + extra + repeats


def grade_paths(paths: list[Path], settings: Settings | None = None, manifest: dict | None = None) -> list[Submission]:
    """Grade every notebook under ``paths``; the list holds one entry per file graded, per missing notebook, and per
    file found that is not graded (last, as NOT GRADED, with why)."""
    return grade_found(find_notebooks(paths), settings or Settings(), manifest or load_manifest())


def grade_found(found: Found, settings: Settings, manifest: dict) -> list[Submission]:
    """The class graded: every file found graded on its own, then the class checks, then a NOT GRADED row for each
    file that is not a notebook, shown as the student's whose folder it is in (when one student's)."""
    subs = class_checks([grade_file(file, manifest, settings) for file in found.files], manifest, settings)
    stems = {(sub.folder, Path(sub.path).stem.casefold()) for sub in subs if sub.notebook}
    rows = []
    for path, folder, why in found.not_graded:
        if why.startswith(tuple(EXPORT_KINDS)) and (folder, Path(path).stem.casefold()) in stems:
            why = f"{why.split(',')[0]} of {Path(path).stem}.ipynb, which is graded: nothing to ask for"
        row = Submission(path=path, folder=folder, status=NOT_GRADED)
        row.fail("F118", why)
        rows.append(row)
    owners: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for sub in subs:
        if student_key(sub) and sub.status != NOT_GRADED:
            owners[sub.folder].add((sub.student_name, sub.roll_no))
    for row in rows + [sub for sub in subs if sub.status == NOT_GRADED]:
        if len(owners.get(row.folder, ())) == 1:
            row.student_name, row.roll_no = next(iter(owners[row.folder]))
    return subs + rows
