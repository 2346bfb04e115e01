"""``--html FILE``: the class at a glance, one self-contained page (no network, no scripts).

A row per student: the name (it stays in view when the table scrolls sideways), an overall verdict (the most serious
of the student's notebooks, with counts), then each notebook's verdict in colour, its test accuracy, and its reasons
below it, long ones cut (the cell's tooltip has them in full). Under the table: the copied runs, each group once with
its members; the files not graded; a histogram of the class's test accuracies with the pass mark (or the flag line)
marked; the checks that failed most often. The page grows linearly with the class. Every text from a student's file (names, roll
numbers, paths, the reasons that quote them) is escaped.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from pathlib import Path

from ..manifest import utf8_safe
from .classroom import student_key
from .report import coded_line, copy_groups
from .rules import COPIED_RUN, RULES
from .submission import LOW_ACCURACY, NOT_GRADED, STATUSES, Settings, Submission

COLOURS = {"PASS": "#d9f2d9", "INCOMPLETE": "#fff2b3", "FLAGGED": "#ffd8a8", "FAIL": "#f8d0d0", "MISSING": "#e6e6e6",
           NOT_GRADED: "#dde5f0"}
BINS = 20  # histogram bars over accuracies 0.50 to 1.00, 0.025 wide
REASON_CHARS = 200  # a reason longer than this is cut in its cell (the tooltip has it whole)
REASONS_SHOWN = 3  # reasons listed in a cell; the rest fold away under "n more"
NAME_PX, OVERALL_PX, NOTEBOOK_PX = 150, 140, 150  # column widths: 6 notebooks + name + overall fit in 1,400 px


def _e(text) -> str:
    return html.escape(utf8_safe(str(text)), quote=True)


def check_name(sub: Submission, reason: str) -> str:
    """A reason as its rule: its code and the rule's one line (so equal checks count together)."""
    code = sub.code_of.get(reason, "")
    return f"{code} {RULES[code]}" if code in RULES else reason


def _histogram(accuracies: list[float], threshold: float, label: str) -> str:
    width, height, left, right, bottom = 580, 180, 40, 20, 30
    low, high = 0.5, 1.0
    counts = [0] * BINS
    for value in accuracies:
        counts[min(BINS - 1, max(0, int((value - low) / (high - low) * BINS)))] += 1
    top = max(counts + [1])
    bar = (width - left - right) / BINS
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="histogram of test accuracies">']
    for index, count in enumerate(counts):
        bar_height = (height - bottom - 10) * count / top
        x = left + index * bar
        parts.append(f'<rect x="{x:.1f}" y="{height - bottom - bar_height:.1f}" width="{bar - 2:.1f}" '
                     f'height="{bar_height:.1f}" fill="#4a7ab5"><title>{count} notebook(s)</title></rect>')
    for tick in (0.5, 0.6, 0.7, 0.8, 0.9, 1.0):
        x = left + (tick - low) / (high - low) * (width - left - right)
        parts.append(f'<text x="{x:.1f}" y="{height - 10}" font-size="11" text-anchor="middle">{tick:.1f}</text>')
    x = left + (min(max(threshold, low), high) - low) / (high - low) * (width - left - right)
    parts.append(f'<line x1="{x:.1f}" y1="5" x2="{x:.1f}" y2="{height - bottom}" stroke="#c0392b" stroke-width="2" '
                 'stroke-dasharray="4 3"/>')
    parts.append(f'<text x="{x - 4:.1f}" y="16" font-size="11" fill="#c0392b" text-anchor="end">{label} '
                 f'{threshold:.2f}</text>')
    parts.append(f'<text x="{left - 6}" y="{height - bottom}" font-size="11" text-anchor="end">0</text>')
    parts.append(f'<text x="{left - 6}" y="16" font-size="11" text-anchor="end">{top}</text></svg>')
    return "".join(parts)


def _rank(status: str) -> int:
    """How serious a status is: its place in STATUSES (NOT GRADED, and any other, below PASS)."""
    return STATUSES.index(status) if status in STATUSES else -1


def _status_class(status: str) -> str:
    return "s-" + status.lower().replace(" ", "-")


def _cut(text: str, limit: int = REASON_CHARS) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _exercises(sub: Submission) -> tuple[int, int] | None:
    return (sub.exercises_correct or 0, sub.exercises_total) if sub.exercises_total else None


def _usual(values: list) -> tuple[object, bool]:
    """The most common of ``values`` (empty ones aside), and whether every one (empty ones aside) is that."""
    counts = Counter(value for value in values if value)
    if not counts:
        return None, True
    value, count = counts.most_common(1)[0]
    return value, count == sum(counts.values())


def _lines(graded: list[Submission], leave_out: str = "") -> list[str]:
    """Everything said about one student's notebook: its reasons (but those of the code ``leave_out``), its unwritten
    answers, its flags."""
    lines = [coded_line(sub, reason) for sub in graded for reason in sub.reasons if sub.code_of.get(reason) != leave_out]
    lines += [f"unwritten: {', '.join(sub.unanswered)}" for sub in graded if sub.unanswered]
    return lines + [coded_line(sub, line) for sub in graded for line in sub.flag_lines()]


def _reason_list(lines: list[str]) -> str:
    """Reasons as a small list, each cut to REASON_CHARS; past REASONS_SHOWN they fold away."""
    items = [f"<li>{_e(_cut(line))}</li>" for line in lines]
    shown = f"<ul>{''.join(items[:REASONS_SHOWN])}</ul>" if items else ""
    if len(items) > REASONS_SHOWN:
        shown += (f"<details><summary>{len(items) - REASONS_SHOWN} more</summary>"
                  f"<ul>{''.join(items[REASONS_SHOWN:])}</ul></details>")
    return shown


def _cell(graded: list[Submission], usual_version: str | None, usual_exercises: tuple[int, int] | None) -> str:
    """One student's notebook: verdict and test accuracy; what differs from its column; the reasons, a copied run's as
    a badge that points to its group (whose members are listed once, under the table)."""
    status = max((sub.status for sub in graded), key=_rank)
    accuracy = next((f" {sub.test_accuracy:.4f}" for sub in graded if sub.test_accuracy is not None), "")
    groups = sorted({(sub.copy_group, sub.copy_group_size) for sub in graded if sub.copy_group is not None})
    tags = [f'<a class="tag copy" href="#copy-group-{group}">copy group {group} ({size} students)</a>'
            for group, size in groups]
    first = graded[0]
    if first.lesson_version and first.lesson_version != usual_version:
        tags.append(f'<span class="tag">lesson v{_e(first.lesson_version)}</span>')
    if _exercises(first) and _exercises(first) != usual_exercises:
        tags.append(f'<span class="tag">exercises {first.exercises_correct or 0}/{first.exercises_total}</span>')
    lines = _lines(graded)
    shown = _lines(graded, leave_out=COPIED_RUN if groups else "")  # its copy group is the badge
    tooltip = "\n".join(lines)
    title = f' title="{_e(tooltip)}"' if lines else ""
    return (f'<td class="{_status_class(status)}"{title}><b>{_e(status)}</b>{accuracy}'
            f'{"<div>" + " ".join(tags) + "</div>" if tags else ""}{_reason_list(shown)}</td>')


def _overall(statuses: list[str], not_graded: int) -> str:
    """A student's verdict: the most serious of their notebooks', with how many of each."""
    counts = Counter(statuses)
    said = ", ".join(f"{counts[status]} {status.lower()}" for status in STATUSES if counts[status])
    if not_graded:
        said += f"; {not_graded} file(s) not graded (listed below)"
    worst = max(statuses, key=_rank)
    return f'<td class="overall {_status_class(worst)}"><b>{_e(worst)}</b><br><small>{_e(said)}</small></td>'


def _column_usual(column: list[Submission]) -> tuple[str | None, tuple[int, int] | None, bool]:
    """The lesson version and exercise count most of a notebook's hand-ins share, and whether all of them do."""
    version, every_version = _usual([sub.lesson_version for sub in column])
    exercises, every_exercises = _usual([_exercises(sub) for sub in column])
    return version, exercises, every_version and every_exercises


def _column_header(notebook: str, title: str, version: str | None, exercises: tuple[int, int] | None,
                   shared_by_all: bool) -> str:
    """A notebook's header, saying once what its cells share (cells that differ say their own)."""
    shared = ([f"lesson v{_e(version)}"] if version else []) + ([f"exercises {exercises[0]}/{exercises[1]}"]
                                                                if exercises else [])
    most = "" if shared_by_all else " (most; other cells say theirs)"
    note = f"<br><small>{' · '.join(shared)}{most}</small>" if shared else ""
    return f'<th title="{_e(notebook)}">{_e(title)}{note}</th>'


def _copy_groups_section(subs: list[Submission]) -> str:
    """Each group of copied runs once, with its members once (the cells only name the group)."""
    rows = "".join(f'<tr id="copy-group-{group["group"]}"><td>{group["group"]}</td><td>{group["students"]}</td>'
                   f'<td>{_e(", ".join(group["members"]))}</td></tr>' for group in copy_groups(subs))
    if not rows:
        return ""
    return ("<h2>Copied runs</h2><p>Each group is one run handed in by several students; the grader does not say who "
            "copied. Hover over a cell of the table for how the copy was found.</p>"
            '<table class="list"><colgroup><col style="width:5em"><col style="width:6em"><col></colgroup>'
            f"<thead><tr><th>group</th><th>students</th><th>members</th></tr></thead><tbody>{rows}</tbody></table>")


def _not_graded_section(files: list[Submission], owner_of_folder: dict[str, str]) -> str:
    """The files found and not graded, each with why (and whose folder it lay in, when one student's)."""
    rows = []
    for sub in files:
        whose = (f"{sub.student_name}, {sub.roll_no}" if sub.roll_no else owner_of_folder.get(sub.folder, ""))
        owner = f" <small>({_e(whose)})</small>" if whose else ""
        rows.append(f"<tr><td>{_e(sub.path)}{owner}</td><td>{_e('; '.join(sub.reasons))}</td></tr>")
    if not rows:
        return ""
    return ("<h2>Files not graded</h2><p>Found beside the notebooks, not graded: an export, a link, a zip's other "
            'files.</p><table class="list"><colgroup><col style="width:45%"><col></colgroup>'
            f"<thead><tr><th>file</th><th>why</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


def write_html(subs: list[Submission], path: Path, settings: Settings, seconds: float) -> None:
    graded_subs = [sub for sub in subs if sub.status != NOT_GRADED]
    notebooks = sorted({sub.notebook or sub.named_as for sub in graded_subs} - {""})
    titles = {sub.notebook: sub.title for sub in subs if sub.notebook and sub.title}
    students: dict[str, dict] = defaultdict(lambda: {"name": "", "roll": "", "cells": defaultdict(list)})
    folders: dict[str, set[str]] = defaultdict(set)
    unidentified = []
    for sub in graded_subs:
        key = student_key(sub)
        column = sub.notebook or sub.named_as  # an unreadable file: the notebook its file name says it is
        if not key or not column:
            unidentified.append(sub)
            continue
        students[key]["name"], students[key]["roll"] = sub.student_name, sub.roll_no
        students[key]["cells"][column].append(sub)
        if sub.folder:
            folders[sub.folder].add(key)
    owners = {folder: next(iter(keys)) for folder, keys in folders.items() if len(keys) == 1}
    not_graded = [sub for sub in subs if sub.status == NOT_GRADED]
    not_graded_of = Counter(key for key in (student_key(sub) if student_key(sub) in students else owners.get(sub.folder)
                                            for sub in not_graded) if key)  # its student, or its folder's
    statuses = Counter(sub.status for sub in subs)
    failed_checks = Counter(check_name(sub, reason) for sub in subs if sub.status == "FAIL" for reason in sub.reasons)
    accuracies = [sub.test_accuracy for sub in subs if sub.test_accuracy is not None]

    columns = {notebook: [sub for student in students.values() for sub in student["cells"].get(notebook, [])]
               for notebook in notebooks}
    usual = {notebook: _column_usual(column) for notebook, column in columns.items()}
    headers = [_column_header(notebook, titles.get(notebook, notebook), *usual[notebook]) for notebook in notebooks]
    rows = []
    for key in sorted(students, key=lambda k: (students[k]["roll"].casefold(), students[k]["name"].casefold())):
        student = students[key]
        cells, verdicts = [], []
        for notebook in notebooks:
            graded = student["cells"].get(notebook, [])
            if graded:
                version, exercises, _ = usual[notebook]
                cells.append(_cell(graded, version, exercises))
                verdicts.append(max((sub.status for sub in graded), key=_rank))
            else:
                cells.append('<td class="none">-</td>')
        who = f'<th scope="row" class="who">{_e(student["name"] or "?")}<br><small>{_e(student["roll"])}</small></th>'
        rows.append(f"<tr>{who}{_overall(verdicts, not_graded_of[key])}{''.join(cells)}</tr>")
    owner_names = {folder: f"{students[key]['name']}, {students[key]['roll']}" for folder, key in owners.items()}
    odd = "".join(f"<li><b>{_e(sub.status)}</b> {_e(sub.path or sub.notebook)}<ul>"
                  + "".join(f"<li>{_e(reason)}</li>" for reason in sub.reasons) + "</ul></li>" for sub in unidentified)
    checks = "".join(f"<tr><td>{_e(name)}</td><td>{count}</td></tr>" for name, count in failed_checks.most_common(10))
    checks = (f'<table class="list" style="width:auto"><tr><th>check</th><th>notebooks</th></tr>{checks}</table>'
              if checks else "<p>None failed.</p>")
    groups = len({sub.copy_group for sub in subs if sub.copy_group is not None})
    counts = "\n".join(f'<span class="{_status_class(status)}">{statuses[status]} {status.lower()}</span>'
                       for status in (*STATUSES, NOT_GRADED))
    colours = "\n".join(f".{_status_class(status)} {{ background: {colour}; }}" for status, colour in COLOURS.items())
    width = NAME_PX + OVERALL_PX + NOTEBOOK_PX * len(notebooks)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>LSTM-on-IMDb lab: grades</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 12px; color: #222; }}
table {{ border-collapse: separate; border-spacing: 0; margin: 0.5em 0 1.5em; table-layout: fixed; width: 100%;
         border-top: 1px solid #bbb; border-left: 1px solid #bbb; }}
th, td {{ border-right: 1px solid #bbb; border-bottom: 1px solid #bbb; padding: 4px 6px; vertical-align: top;
          font-size: 13px; text-align: left; overflow-wrap: anywhere; word-break: break-word; }}
thead th {{ position: sticky; top: 0; z-index: 2; background: #eee; }}
th.who {{ position: sticky; left: 0; z-index: 1; background: #f7f7f7; }}
td.overall {{ position: sticky; left: {NAME_PX}px; z-index: 1; box-shadow: 2px 0 0 #999; }}
thead th.who, thead th.overall {{ z-index: 3; }}
thead th.overall {{ position: sticky; left: {NAME_PX}px; box-shadow: 2px 0 0 #999; }}
col.who {{ width: {NAME_PX}px; }} col.overall {{ width: {OVERALL_PX}px; }}
td ul {{ margin: 3px 0 0 1.1em; padding: 0; font-size: 11.5px; line-height: 1.3; }}
td li + li {{ margin-top: 2px; }}
td details {{ font-size: 11.5px; margin-top: 2px; }}
td summary {{ cursor: pointer; color: #555; }}
td small {{ color: #444; }}
td.none {{ color: #999; text-align: center; }}
.tag {{ display: inline-block; font-size: 11px; padding: 0 4px; margin: 2px 2px 0 0; border-radius: 3px;
        background: rgba(255, 255, 255, 0.7); border: 1px solid #999; color: #222; text-decoration: none; }}
.tag.copy {{ border-color: #a33; color: #a33; }}
table.list td {{ font-size: 12px; }}
.summary span {{ display: inline-block; padding: 2px 8px; margin-right: 6px; border-radius: 3px; }}
{colours}
</style></head><body>
<h1>LSTM-on-IMDb lab: the class at a glance</h1>
<p class="summary">Notebooks: {counts}
{len(students)} student(s); {groups} group(s) of copied runs; profile {_e(settings.profile)},
{_e(settings.accuracy_rule())}; graded {_e(settings.now.isoformat(timespec="seconds"))} in {seconds:.2f} s.
Long reasons are cut: hover over a cell for all of them in full.</p>
<table class="grades" style="min-width:{width}px"><colgroup><col class="who"><col class="overall"></colgroup>
<thead><tr><th class="who">student</th><th class="overall">overall</th>{''.join(headers)}</tr></thead>
<tbody>{''.join(rows)}</tbody></table>
{_copy_groups_section(subs)}
{_not_graded_section(not_graded, owner_names)}
<h2>Test accuracies</h2>
<p>{len(accuracies)} notebook(s) printed a test accuracy; the dashed line is {'the pass mark' if settings.min_accuracy is not None else 'where a lower one is flagged'}.</p>
{_histogram(accuracies, LOW_ACCURACY, "flagged under") if settings.min_accuracy is None else
   _histogram(accuracies, settings.min_accuracy, "pass mark")}
<h2>The checks that failed most often</h2>
{checks}
{f'<h2>Files not tied to a student or not a lab notebook</h2><ul>{odd}</ul>' if odd else ''}
</body></html>
"""
    path.write_text(page, encoding="utf-8")
