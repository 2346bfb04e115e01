"""``--answers FILE.html`` and ``--answers-csv FILE.csv``: the marking sheet for notebook 6's written work.

The HTML page has one section per question (and one for the conclusion): every student's answer side by side with
what their own evidence cell printed, the flags the grader raised, and the lab's model answer folded away. It is one
self-contained file, no scripts; every text from a student's file is escaped and shown as text, never as markup.
The CSV has one row per student and, per question, the answer and an empty marks column, for a spreadsheet or an
LMS import.
"""

from __future__ import annotations

import csv
import html
from pathlib import Path

from ...viva import ANSWER_IDS, MODEL_ANSWERS, QUESTIONS
from ..manifest import utf8_safe
from .report import _spreadsheet_safe
from .submission import Settings, Submission


def _e(text) -> str:
    return html.escape(utf8_safe(str(text)), quote=True)


def answer_sheets(subs: list[Submission]) -> list[Submission]:
    """The hand-ins that carry written answers (notebook 6 of lesson version 7 on), by roll number."""
    return sorted((sub for sub in subs if sub.answers or sub.unanswered),
                  key=lambda sub: (sub.roll_no.casefold(), sub.student_name.casefold(), sub.path))


def _title(answer: str) -> str:
    if answer == "conclusion":
        return "Conclusion"
    number = int(answer[1:])
    return f"Question {number}. {QUESTIONS.get(number, '')}"


def write_answers_html(subs: list[Submission], path: Path, settings: Settings) -> None:
    sheets = answer_sheets(subs)
    sections = []
    for answer in ANSWER_IDS:
        unwritten = sum(answer in sub.unanswered for sub in sheets)
        flagged = sum(bool(sub.answer_flags.get(answer)) for sub in sheets)
        rows = []
        for sub in sheets:
            text = sub.answers.get(answer, "")
            written = answer not in sub.unanswered
            flags = "".join(f"<li>{_e(flag)}</li>" for flag in sub.answer_flags.get(answer, []))
            evidence = sub.answer_evidence.get(answer, "")
            rows.append(
                f'<tr class="{"flagged" if flags else "unwritten" if not written else ""}">'
                f'<th scope="row">{_e(sub.student_name or "?")}<br><small>{_e(sub.roll_no)}</small></th>'
                f'<td class="answer">{_e(text) if written else "<i>unwritten</i>"}</td>'
                + f'<td class="evidence"><pre>{_e(evidence)}</pre></td>'
                + f'<td class="flags">{f"<ul>{flags}</ul>" if flags else ""}</td></tr>')
        if answer == "conclusion":
            model = ("<p><i>The conclusion has no model answer: each student's quotes their own run. The flags say "
                     "where a quoted figure is not the run's.</i></p>")
        else:
            model = (f"<details><summary>The lab's model answer</summary><div class=\"model\">"
                     f"{_e(MODEL_ANSWERS[int(answer[1:])].strip())}</div></details>")
        evidence_header = ("<th>their evidence (what the cell above printed)</th>" if answer != "conclusion" else
                           "<th>their run, as notebook 6 printed it</th>")
        sections.append(
            f'<section id="{answer}"><h2>{_e(_title(answer))}</h2>'
            f'<p class="counts">{len(sheets) - unwritten} written, {unwritten} unwritten, {flagged} flagged</p>{model}'
            '<table><colgroup><col class="who"><col class="answer"><col class="evidence"><col class="flags"></colgroup>'
            f'<thead><tr><th>student</th><th>answer</th>{evidence_header}<th>flags</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></section>')
    contents = " · ".join(f'<a href="#{answer}">{"Q" + answer[1:] if answer != "conclusion" else "conclusion"}</a>'
                          for answer in ANSWER_IDS)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>LSTM-on-IMDb lab: viva answers to mark</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5em; color: #222; max-width: 100%; }}
nav {{ position: sticky; top: 0; background: #fff; padding: 6px 0; border-bottom: 1px solid #ccc; z-index: 2; }}
table {{ border-collapse: collapse; width: 100%; table-layout: fixed; margin: 0.5em 0 2em; }}
th, td {{ border: 1px solid #bbb; padding: 6px 8px; vertical-align: top; font-size: 14px; text-align: left;
          overflow-wrap: anywhere; }}
thead th {{ background: #eee; }}
tbody th {{ background: #f7f7f7; }}
col.who {{ width: 10em; }} col.answer {{ width: 46%; }} col.evidence {{ width: 27%; }}
td.answer {{ white-space: pre-wrap; }}
td.evidence pre {{ white-space: pre-wrap; margin: 0; font-size: 12px; }}
td.flags {{ font-size: 13px; }}
td.flags ul {{ margin: 0; padding-left: 1.1em; }}
tr.flagged td.flags {{ background: #ffd8a8; }}
tr.unwritten td.answer {{ color: #888; background: #fff2b3; }}
details {{ margin: 0.3em 0 0.6em; }}
div.model {{ white-space: pre-wrap; background: #eef4fb; padding: 8px; font-size: 14px; }}
.counts {{ color: #555; margin: 0; }}
</style></head><body>
<h1>LSTM-on-IMDb lab: viva answers and conclusions to mark</h1>
<p>{len(sheets)} hand-in(s) of notebook 6 with written answers; graded {_e(settings.now.isoformat(timespec="seconds"))}.
Each question shows every student's answer beside what their own evidence cell printed (their run's figures). Flags
are the grader's: an answer that is mostly the lab's model answer or its published example answer, the same answer
as a classmate's (up to three others are named, the rest counted; the grader does not say who wrote it first), a conclusion that quotes a figure of another run. They are for you to
judge, as is everything else here. Marks go in the CSV (<code>--answers-csv</code>).</p>
<nav>{contents}</nav>
{"".join(sections)}
</body></html>
"""
    path.write_text(page, encoding="utf-8")


def write_answers_csv(subs: list[Submission], path: Path) -> None:
    """One row per student's notebook 6: identity, status, then each answer beside an empty column for its mark."""
    columns = ["roll_no", "student_name", "file", "status", "unwritten", "flags"]
    for answer in ANSWER_IDS:
        columns += [answer, f"{answer}_mark"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for sub in answer_sheets(subs):
            row = [sub.roll_no, sub.student_name, sub.path, sub.status, " ".join(sub.unanswered),
                   "; ".join(sub.flag_lines())]
            for answer in ANSWER_IDS:
                row += ["" if answer in sub.unanswered else sub.answers.get(answer, ""), ""]
            writer.writerow([_spreadsheet_safe(value) for value in row])
