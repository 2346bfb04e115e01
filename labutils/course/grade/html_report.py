"""``--html FILE``: the class at a glance, one self-contained page (no network, no scripts).

A row per student with each notebook's verdict in colour and its reasons below it, a histogram of the class's test
accuracies with the passing threshold marked, and the checks that failed most often. Every text from a student's
file (names, roll numbers, paths, the reasons that quote them) is escaped.
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from pathlib import Path

from ..manifest import utf8_safe
from .classroom import student_key
from .submission import STATUSES, Settings, Submission

COLOURS = {"PASS": "#d9f2d9", "INCOMPLETE": "#fff2b3", "FLAGGED": "#ffd8a8", "FAIL": "#f8d0d0", "MISSING": "#e6e6e6"}
BINS = 20  # histogram bars over accuracies 0.50 to 1.00, 0.025 wide


def _e(text) -> str:
    return html.escape(utf8_safe(str(text)), quote=True)


def check_name(reason: str) -> str:
    """A reason without its particulars (numbers, quoted text, paths), so equal checks count together."""
    general = re.sub(r"\([^)]*\)?", "", reason).split(": ")[0]  # particulars in brackets, then after a colon
    general = re.sub(r"`[^`]*`|'[^']*'|[0-9][0-9.,e+-]*", "…", general)
    return re.sub(r"(…\s*)+", "… ", general).strip()


def _histogram(accuracies: list[float], threshold: float) -> str:
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
    parts.append(f'<text x="{x - 4:.1f}" y="16" font-size="11" fill="#c0392b" text-anchor="end">threshold '
                 f'{threshold:.2f}</text>')
    parts.append(f'<text x="{left - 6}" y="{height - bottom}" font-size="11" text-anchor="end">0</text>')
    parts.append(f'<text x="{left - 6}" y="16" font-size="11" text-anchor="end">{top}</text></svg>')
    return "".join(parts)


def write_html(subs: list[Submission], path: Path, settings: Settings, seconds: float) -> None:
    notebooks = sorted({sub.notebook for sub in subs if sub.notebook})
    titles = {sub.notebook: sub.title for sub in subs if sub.notebook and sub.title}
    students: dict[str, dict] = defaultdict(lambda: {"name": "", "roll": "", "cells": defaultdict(list)})
    unidentified = []
    for sub in subs:
        key = student_key(sub)
        if not key or not sub.notebook:
            unidentified.append(sub)
            continue
        students[key]["name"], students[key]["roll"] = sub.student_name, sub.roll_no
        students[key]["cells"][sub.notebook].append(sub)
    statuses = Counter(sub.status for sub in subs)
    failed_checks = Counter(check_name(reason) for sub in subs if sub.status == "FAIL" for reason in sub.reasons)
    accuracies = [sub.test_accuracy for sub in subs if sub.test_accuracy is not None]

    rows = []
    for key in sorted(students, key=lambda k: students[k]["roll"].casefold()):
        student = students[key]
        cells = []
        for notebook in notebooks:
            graded = student["cells"].get(notebook, [])
            if not graded:
                cells.append('<td class="none">-</td>')
                continue
            status = max((s.status for s in graded), key=lambda st: STATUSES.index(st) if st in STATUSES else 0)
            reasons = [reason for s in graded for reason in s.reasons]
            reasons += [f"unwritten: {', '.join(s.unanswered)}" for s in graded if s.unanswered]
            reasons += [line for s in graded for line in s.flag_lines()]
            accuracy = next((f"{s.test_accuracy:.4f}" for s in graded if s.test_accuracy is not None), "")
            version = graded[0].lesson_version
            exercises = (f" <small>exercises {graded[0].exercises_correct}/{graded[0].exercises_total}</small>"
                         if graded[0].exercises_total else "")
            detail = "".join(f"<li>{_e(reason)}</li>" for reason in reasons)
            cells.append(f'<td style="background:{COLOURS.get(status, "#fff")}" title="{_e("; ".join(reasons) or status)}">'
                         f'<b>{_e(status)}</b>{f" {_e(accuracy)}" if accuracy else ""}'
                         f'{f" <small>v{_e(version)}</small>" if version else ""}{exercises}'
                         f'{f"<ul>{detail}</ul>" if detail else ""}</td>')
        rows.append(f"<tr><th>{_e(student['name'])}<br><small>{_e(student['roll'])}</small></th>{''.join(cells)}</tr>")
    odd = "".join(f"<li><b>{_e(sub.status)}</b> {_e(sub.path or sub.notebook)}<ul>"
                  + "".join(f"<li>{_e(reason)}</li>" for reason in sub.reasons) + "</ul></li>" for sub in unidentified)
    checks = "".join(f"<tr><td>{_e(name)}</td><td>{count}</td></tr>" for name, count in failed_checks.most_common(10))
    header = "".join(f'<th title="{_e(notebook)}">{_e(titles.get(notebook, notebook))}</th>' for notebook in notebooks)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>LSTM-on-IMDb lab: grades</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; }}
th, td {{ border: 1px solid #bbb; padding: 4px 6px; vertical-align: top; font-size: 13px; text-align: left; }}
td ul {{ margin: 2px 0 0 1em; padding: 0; font-size: 11px; max-width: 22em; }}
td.none {{ color: #999; text-align: center; }}
.summary span {{ display: inline-block; padding: 2px 8px; margin-right: 6px; border-radius: 3px; }}
</style></head><body>
<h1>LSTM-on-IMDb lab: the class at a glance</h1>
<p class="summary"><span style="background:{COLOURS['PASS']}">{statuses['PASS']} pass</span>
<span style="background:{COLOURS['INCOMPLETE']}">{statuses['INCOMPLETE']} incomplete</span>
<span style="background:{COLOURS['FLAGGED']}">{statuses['FLAGGED']} flagged</span>
<span style="background:{COLOURS['FAIL']}">{statuses['FAIL']} fail</span>
<span style="background:{COLOURS['MISSING']}">{statuses['MISSING']} missing</span>
{len(students)} student(s); profile {_e(settings.profile)}, test accuracy at least {settings.min_accuracy:.2f};
graded {_e(settings.now.isoformat(timespec="seconds"))} in {seconds:.2f} s. Hover over a cell for its reasons.</p>
<table><tr><th>student</th>{header}</tr>{''.join(rows)}</table>
<h2>Test accuracies</h2>
<p>{len(accuracies)} notebook(s) printed a test accuracy; the dashed line is the passing threshold.</p>
{_histogram(accuracies, settings.min_accuracy)}
<h2>The checks that failed most often</h2>
{f'<table><tr><th>check</th><th>notebooks</th></tr>{checks}</table>' if checks else '<p>None failed.</p>'}
{f'<h2>Files not tied to a student or not a lab notebook</h2><ul>{odd}</ul>' if odd else ''}
</body></html>
"""
    path.write_text(page, encoding="utf-8")
