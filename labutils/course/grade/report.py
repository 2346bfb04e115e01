"""What the teacher reads: the table on screen, the CSV for a gradebook, the JSON report."""

from __future__ import annotations

import csv
import json
import math
import unicodedata
from collections import Counter, defaultdict
from dataclasses import asdict
from pathlib import Path

from ..manifest import utf8_safe
from .classroom import student_key
from .submission import INTERNAL_FIELDS, NOT_GRADED, Settings, Submission


def printable(text: str) -> str:
    """Text from a student's file made safe for a terminal (no control characters, writable as UTF-8)."""
    return "".join(ch if ch.isprintable() else "?" for ch in utf8_safe(str(text)))


def _spreadsheet_safe(value):
    """Keep a spreadsheet from reading a student's text as a formula."""
    if isinstance(value, str):
        value = utf8_safe(value)
        if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            return "'" + value
    return value


def _json_safe(value):
    """Strings made UTF-8-safe and numbers that strict JSON cannot hold (inf, nan) turned into None, all the way down."""
    if isinstance(value, str):
        return utf8_safe(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {utf8_safe(str(key)): _json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(item) for item in value]
    return value


def coded_line(sub: Submission, line: str) -> str:
    """A reason or flag line with its rule's code in brackets before it (when it has one)."""
    code = sub.code_of.get(line)
    return f"[{code}] {line}" if code else line


def format_table(subs: list[Submission]) -> str:
    groups: dict[str, list[Submission]] = defaultdict(list)
    for sub in subs:
        groups[student_key(sub)].append(sub)  # one student however the roll number's dashes or the name's Unicode form
    lines = []
    for key, group in sorted(groups.items(), key=lambda item: (item[0] == "", item[0])):
        name = Counter(unicodedata.normalize("NFC", " ".join(sub.student_name.split())) for sub in group).most_common(1)[0][0]
        roll = Counter(sub.roll_no for sub in group).most_common(1)[0][0]
        header = (f"{name} ({roll})" if key else
                  "Not identified (files not graded, unreadable files, or the Student cell not filled in)")
        passed, graded = sum(sub.status == "PASS" for sub in group), sum(s.status != NOT_GRADED for s in group)
        lines.append(printable(f"{header}: {passed} of {graded} pass" if graded else "Files not graded:"))
        for sub in sorted(group, key=lambda s: (s.status == NOT_GRADED, s.notebook or "~", s.path)):
            if sub.status == NOT_GRADED:
                lines.append(printable(f"  {sub.status}  {sub.path}: {'; '.join(coded_line(sub, reason) for reason in sub.reasons)}"))
                continue
            accuracy = f"  test accuracy {sub.test_accuracy:.4f}" if sub.test_accuracy is not None else ""
            if sub.exercises_total:
                accuracy += f"  exercises {sub.exercises_correct}/{sub.exercises_total} correct"
            label = (sub.title or (f"(unreadable; taken for notebook {sub.named_as.rsplit('/', 1)[-1][:2]} by its "
                                   "file name)" if sub.named_as else "(not a lab notebook)"))
            label += f" [lesson v{sub.lesson_version}]" if sub.lesson_version else ""
            lines.append(printable(f"  {sub.status:<10} {label}{accuracy}  {sub.path}".rstrip()))
            lines.extend(printable(f"          - {coded_line(sub, reason)}") for reason in sub.reasons)
            if sub.unanswered:
                lines.append(printable(f"          unwritten: {', '.join(sub.unanswered)}"))
            lines.extend(printable(f"          flag {coded_line(sub, line)}") for line in sub.flag_lines())
            lines.extend(printable(f"          note: {note}") for note in sub.notes)
        lines.append("")
    return "\n".join(lines)


CSV_COLUMNS = ["roll_no", "student_name", "notebook", "lesson_version", "status", "test_accuracy", "exercises_correct",
               "exercises_total", "profile", "run_time", "file", "reasons", "notes", "unwritten", "flags", "copy_group",
               "copy_group_size", "codes"]


def write_csv(subs: list[Submission], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for sub in subs:
            row = [sub.roll_no, sub.student_name, sub.notebook, sub.lesson_version, sub.status,
                   "" if sub.test_accuracy is None else f"{sub.test_accuracy:.4f}",
                   "" if sub.exercises_total is None else sub.exercises_correct,
                   "" if sub.exercises_total is None else sub.exercises_total, sub.profile, sub.run_time,
                   sub.path, "; ".join(sub.reasons), "; ".join(sub.notes), " ".join(sub.unanswered),
                   "; ".join(sub.flag_lines()), "" if sub.copy_group is None else sub.copy_group,
                   "" if sub.copy_group_size is None else sub.copy_group_size, " ".join(sub.codes)]
            writer.writerow([_spreadsheet_safe(value) for value in row])


def copy_groups(subs: list[Submission]) -> list[dict]:
    """Each group of copied runs once: its number, and each student in it once (linear in the class)."""
    groups: dict[int, dict[str, str]] = defaultdict(dict)
    for sub in subs:
        if sub.copy_group is not None:
            groups[sub.copy_group].setdefault(student_key(sub) or sub.path,
                                              f"{sub.student_name or '?'} ({sub.roll_no or sub.path})")
    return [{"group": number, "students": len(members), "members": list(members.values())}
            for number, members in sorted(groups.items())]


def write_json(subs: list[Submission], path: Path, settings: Settings, seconds: float) -> None:
    report = {
        "graded_at": settings.now.isoformat(timespec="seconds"),
        "settings": {"min_accuracy": settings.min_accuracy, "profile": settings.profile,
                     "max_mb": settings.max_bytes / 2**20, "required": list(settings.required)},
        "summary": summarize(subs) | {"seconds": round(seconds, 3)},
        "submissions": [{key: value for key, value in asdict(sub).items() if key not in INTERNAL_FIELDS}
                        for sub in subs if sub.status != NOT_GRADED],
        "copy_groups": copy_groups(subs),
        "not_graded": [{"file": sub.path, "why": "; ".join(sub.reasons)} for sub in subs if sub.status == NOT_GRADED],
    }
    path.write_text(json.dumps(_json_safe(report), indent=2, ensure_ascii=False, allow_nan=False), encoding="utf-8")


def summarize(subs: list[Submission]) -> dict:
    statuses = Counter(sub.status for sub in subs)
    return {"files": sum(1 for sub in subs if sub.status not in ("MISSING", NOT_GRADED)), "pass": statuses["PASS"],
            "incomplete": statuses["INCOMPLETE"], "flagged": statuses["FLAGGED"],
            "fail": statuses["FAIL"], "missing": statuses["MISSING"], "not_graded": statuses[NOT_GRADED],
            "students": len({student_key(sub) for sub in subs if student_key(sub)}),
            "folders_naming_no_student": len({sub.folder for sub in subs if sub.folder}
                                             - {sub.folder for sub in subs if student_key(sub)}),
            "copy_groups": len({sub.copy_group for sub in subs if sub.copy_group is not None})}
