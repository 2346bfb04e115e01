"""``--answers FILE.html`` and ``--answers-csv FILE.csv``: the marking sheet for notebook 6's written work.

The HTML page has a short list of the students whose hand-in needs a look whatever their answers say (a verdict other
than PASS, a copied run, another notebook failed or missing), then one section per question (and one for the
conclusion). In each, a row per student: the student's verdict and this answer's flags, the answer (LaTeX shown as
text, markdown tables as tables), and what their own evidence cell printed, reduced to what differs between students:
what every student's cell printed alike is shown once above the table, and where a long printout differs, the figure
the answer should quote comes first in one line, the rest folded away. The lab's model answer is folded away too.
It is one self-contained file, no scripts, no network; every text from a student's file is escaped and shown as text,
never as markup. The CSV has one row per student and, per question, the answer and an empty marks column, for a
spreadsheet or an LMS import.
"""

from __future__ import annotations

import csv
import html
import re
from collections import defaultdict
from pathlib import Path

from ...evidence import VIVA_EPOCH, VIVA_METRIC, VIVA_RUN
from ...viva import ANSWER_IDS, MODEL_ANSWERS, QUESTIONS
from ..manifest import utf8_safe
from .classroom import student_key
from .html_report import COLOURS, _cut, _rank, _status_class
from .report import _spreadsheet_safe, copy_groups
from .rules import COPIED_RUN
from .submission import NOT_GRADED, Settings, Submission

ANSWER_SHOWN = 1_500  # an answer longer than this shows its first ~1,200 characters; the rest folds away
EVIDENCE_LINES_SHOWN = 2  # a student's own evidence lines shown before the rest folds away
REASON_CHARS = 240  # a reason in the list of hand-ins to look at is cut here (its tooltip has it whole)


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


# --- LaTeX and markdown, shown legibly without scripts ------------------------------------------------------------
# Students write figures and formulas in LaTeX ($84.78\%$, $f_t = \sigma(...)$) and results in markdown tables. The page
# has no MathJax (no scripts, no network), so a small converter writes the common LaTeX as text: Greek letters and
# operators as their characters, \frac{a}{b} as a/b, subscripts and superscripts as <sub>/<sup>, \text{...} as its
# text. A command it does not know stays as the student typed it, and the whole formula as typed is the tooltip of
# what is shown, so nothing is hidden. Every character from the student's text is escaped; the converter writes only
# <sub>, <sup> and <span class="math">.

_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ", "eta": "η",
    "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π",
    "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ",
    "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ",
    "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    "times": "×", "cdot": "·", "cdotp": "·", "odot": "⊙", "otimes": "⊗", "oplus": "⊕", "circ": "∘", "ast": "∗",
    "star": "⋆", "approx": "≈", "sim": "~", "simeq": "≃", "cong": "≅", "equiv": "≡", "propto": "∝", "le": "≤",
    "leq": "≤", "ge": "≥", "geq": "≥", "ll": "≪", "gg": "≫", "ne": "≠", "neq": "≠", "pm": "±", "mp": "∓",
    "to": "→", "rightarrow": "→", "longrightarrow": "⟶", "leftarrow": "←", "gets": "←", "Rightarrow": "⇒",
    "implies": "⇒", "leftrightarrow": "↔", "mapsto": "↦", "uparrow": "↑", "downarrow": "↓", "infty": "∞",
    "partial": "∂", "nabla": "∇", "sum": "Σ", "prod": "∏", "int": "∫", "in": "∈", "notin": "∉", "subset": "⊂",
    "subseteq": "⊆", "cup": "∪", "cap": "∩", "forall": "∀", "exists": "∃", "ldots": "…", "dots": "…", "cdots": "⋯",
    "vdots": "⋮", "prime": "′", "degree": "°", "vert": "|", "lvert": "|", "rvert": "|", "mid": "|", "Vert": "‖",
    "lVert": "‖", "rVert": "‖", "langle": "⟨", "rangle": "⟩", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈",
    "rceil": "⌉", "neg": "¬", "land": "∧", "lor": "∨", "emptyset": "∅", "top": "⊤", "intercal": "⊤",
    "quad": " ", "qquad": "  ", "enspace": " ", "thinspace": " ", "percent": "%",
}
_FUNCTIONS = {"log", "ln", "exp", "sin", "cos", "tan", "tanh", "sinh", "cosh", "max", "min", "arg", "argmax", "argmin",
              "lim", "sup", "inf", "det", "dim", "Pr"}
_TEXT = {"text", "textrm", "textit", "textbf", "textsf", "texttt", "mathrm", "mathit", "mathbf", "mathsf", "mathtt",
         "mathcal", "mathbb", "boldsymbol", "bm", "operatorname", "mbox", "emph"}
_IGNORED = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr",
            "displaystyle", "textstyle", "scriptstyle", "limits", "nolimits", "middle"}
_ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "bar": "\u0304", "overline": "\u0305", "tilde": "\u0303",
            "widetilde": "\u0303", "vec": "\u20d7", "dot": "\u0307", "ddot": "\u0308"}
_ESCAPED = {"%": "%", "_": "_", "{": "{", "}": "}", "$": "$", "&": "&", "#": "#", ",": " ", ";": " ", ":": " ",
            " ": " ", "!": "", "\\": " ", "|": "‖"}
_MATH_DEPTH = 12  # braces nested deeper than this are shown as typed
_TAGS = re.compile(r"<[^>]*>")


class _Math:
    """One formula's LaTeX, read left to right into HTML (escaped text, <sub> and <sup>)."""

    def __init__(self, source: str):
        self.s, self.i = source, 0

    def read(self, depth: int = 0, group: bool = False) -> str:
        out = []
        while self.i < len(self.s):
            if self.s[self.i] == "}" and group:
                self.i += 1
                return "".join(out)
            out.append(self.atom(depth))
        return "".join(out)

    def atom(self, depth: int) -> str:
        if self.i >= len(self.s):
            return ""
        char = self.s[self.i]
        self.i += 1
        if depth > _MATH_DEPTH:  # as typed from here on
            rest, self.i = self.s[self.i - 1:], len(self.s)
            return _e(rest)
        if char == "{":
            return self.read(depth + 1, group=True)
        if char in "_^":
            inner = self.atom(depth + 1)
            tag = "sub" if char == "_" else "sup"
            return f"<{tag}>{inner}</{tag}>"
        if char == "\\":
            return self.command(depth)
        if char in "&~":
            return " "
        if char == "-":
            return "−"
        return _e(char)

    def command(self, depth: int) -> str:
        match = re.compile(r"[A-Za-z]+|.", re.S).match(self.s, self.i)
        if not match:
            return "\\"
        name, self.i = match.group(0), match.end()
        if not name.isalpha():
            return _e(_ESCAPED.get(name, "\\" + name))
        if name in _SYMBOLS:
            return _e(_SYMBOLS[name])
        if name in _FUNCTIONS:
            return _e(name)
        if name in _TEXT:
            return self.atom(depth + 1)
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            top, bottom = self.atom(depth + 1), self.atom(depth + 1)
            return f"{_bracketed(top)}/{_bracketed(bottom)}"
        if name == "sqrt":
            index = ""
            if self.s.startswith("[", self.i):
                end = self.s.find("]", self.i)
                if end != -1:
                    index, self.i = f"<sup>{_e(self.s[self.i + 1:end])}</sup>", end + 1
            return f"{index}√{_bracketed(self.atom(depth + 1))}"
        if name in _ACCENTS:
            inner = self.atom(depth + 1)
            return inner + _ACCENTS[name] if len(_TAGS.sub("", html.unescape(inner))) == 1 else f"{name}({inner})"
        if name in _IGNORED:
            if name in ("left", "right", "middle") and self.s.startswith(".", self.i):
                self.i += 1  # \left. is no delimiter
            return ""
        return _e("\\" + name)  # not known: as typed


def _bracketed(part: str) -> str:
    """A numerator, denominator or root: bare when it is one word or number, else in brackets."""
    return part if re.fullmatch(r"[\w.%′]*", _TAGS.sub("", html.unescape(part))) else f"({part})"


def latex_html(source: str) -> str:
    """A formula's LaTeX (without its $ signs) as legible HTML: "84.78\\%" is "84.78%", "\\frac{a}{b}" is "a/b"."""
    return _Math(source).read()


# In MY_CONCLUSION, a Python string, "\text" arrives as a tab and "ext", "\frac" as a form feed and "rac" (which the
# reader turns into a line break, as it does "\n" of "\neq"): put back where the letters make a known command.
_PYTHON_ESCAPES = {"\t": "t", "\x0c": "f", "\x08": "b", "\x07": "a", "\x0b": "v", "\r": "r"}
_KNOWN_COMMANDS = set(_SYMBOLS) | _FUNCTIONS | _TEXT | _IGNORED | set(_ACCENTS) | {"frac", "dfrac", "tfrac", "sqrt"}
# after a line break: the letters of \frac, \vec, \rightarrow (\f, \v, \r break lines) and \neq, \nabla, \notin (\n)
_AFTER_LINE_BREAK = re.compile(r"\n(?:(?P<f>rac)(?=\{)|(?P<v>ec)(?=\{)|(?P<r>ightarrow)\b|(?P<n>eq|abla|otin)\b)")


def _python_escapes_undone(text: str) -> str:
    text = re.sub(r"([\t\x0c\x08\x07\x0b\r])([A-Za-z]+)",
                  lambda m: ("\\" + _PYTHON_ESCAPES[m.group(1)] + m.group(2)
                             if _PYTHON_ESCAPES[m.group(1)] + m.group(2) in _KNOWN_COMMANDS else m.group(0)), text)
    return _AFTER_LINE_BREAK.sub(lambda m: "\\" + m.lastgroup + m.group(m.lastgroup), text)


_INLINE = re.compile(
    r"(?P<display>\$\$(?P<display_body>[^$]{1,2000}?)\$\$)"
    r"|(?P<math>(?<![\\$\w])\$(?P<math_body>[^\s$](?:[^$\n]{0,1000}?[^\s$\\])?)\$(?!\d))"
    r"|(?P<paren>\\\((?P<paren_body>.{1,1000}?)\\\))"
    r"|(?P<bracket>\\\[(?P<bracket_body>.{1,2000}?)\\\])"
    r"|(?P<code>`(?P<code_body>[^`\n]{1,500})`)"
    r"|(?P<bold>\*\*(?P<bold_body>[^*\n]{1,500}?)\*\*)"
    r"|(?P<italic>(?<![*\w\\])\*(?P<italic_body>[^\s*](?:[^*\n]{0,500}?[^\s*\\])?)\*(?![*\w]))", re.S)


def inline_html(text: str, nested: bool = False) -> str:
    """A paragraph of a student's markdown, escaped, with its formulas legible, `code`, **bold** and *italics* shown
    as such."""
    out, position = [], 0
    for match in _INLINE.finditer(text):
        out.append(_e(text[position:match.start()]))
        position = match.end()
        kind = match.lastgroup.removesuffix("_body")
        if kind in ("display", "math", "paren", "bracket"):
            block = " block" if kind in ("display", "bracket") else ""
            out.append(f'<span class="math{block}" title="{_e(match.group(0))}">'
                       f"{latex_html(match.group(kind + '_body'))}</span>")
        elif kind == "code":
            out.append(f"<code>{_e(match.group('code_body'))}</code>")
        else:
            tag, body = kind[0], match.group(kind + "_body")
            out.append(f"<{tag}>{_e(body) if nested else inline_html(body, nested=True)}</{tag}>")
    out.append(_e(text[position:]))
    return "".join(out)


_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_TABLE_COLUMNS = 20


def _table_cells(line: str) -> list[str]:
    line = line.strip()
    line = line[1:] if line.startswith("|") else line
    line = line[:-1] if line.endswith("|") and not line.endswith("\\|") else line
    cells = [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line)]
    return cells[:_TABLE_COLUMNS - 1] + [" | ".join(cells[_TABLE_COLUMNS - 1:])] if len(cells) > _TABLE_COLUMNS else cells


def markdown_html(text: str) -> str:
    """A student's answer as HTML: paragraphs as written (the cell keeps line breaks), markdown tables as tables."""
    lines = text.split("\n")
    out, paragraph, index = [], [], 0
    while index < len(lines):
        line = lines[index]
        if "|" in line and index + 1 < len(lines) and _TABLE_RULE.match(lines[index + 1]):
            if paragraph:
                out.append(inline_html("\n".join(paragraph).rstrip("\n")))
                paragraph = []
            header = _table_cells(line)
            index += 2
            rows = []
            while index < len(lines) and "|" in lines[index] and lines[index].strip():
                rows.append(_table_cells(lines[index]))
                index += 1
            head = "".join(f"<th>{inline_html(cell)}</th>" for cell in header)
            body = "".join("<tr>" + "".join(f"<td>{inline_html(cell)}</td>" for cell in row) + "</tr>" for row in rows)
            out.append(f'<table class="md"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')
            while index < len(lines) and not lines[index].strip():  # the blank line after a table: the table's margin
                index += 1
            continue
        paragraph.append(line)
        index += 1
    if paragraph:
        out.append(inline_html("\n".join(paragraph)))
    return "".join(out)


def answer_html(text: str, conclusion: bool = False) -> str:
    """An answer as shown: rendered, and past ANSWER_SHOWN characters cut at a line or word, the rest folded away."""
    if conclusion:
        text = _python_escapes_undone(text)
    if len(text) <= ANSWER_SHOWN:
        return markdown_html(text)
    cut = max(text.rfind("\n", 1_000, 1_200), text.rfind(" ", 1_000, 1_200))
    cut = cut if cut > 0 else 1_200
    rest = text[cut:]
    return (f"{markdown_html(text[:cut])}<details class=\"more\"><summary>… {len(rest):,} more characters</summary>"
            f"{markdown_html(rest.lstrip())}</details>")


# --- each student's verdict --------------------------------------------------------------------------------------

def _notebook_label(sub: Submission) -> str:
    name = (sub.notebook or sub.named_as or sub.path or "?").rsplit("/", 1)[-1]
    return name[:2] if name[:2].isdigit() else name[:40]


class _Verdict:
    """What the sheet says of one notebook 6 beside its answers: its status, its copy groups, the worst status of the
    same student's other notebooks, and the reasons behind them (for the list of hand-ins to look at)."""

    def __init__(self, sub: Submission, others: list[Submission]):
        self.sub = sub
        self.status = sub.status
        self.others = sorted(others, key=lambda other: _notebook_label(other))
        self.worst = max((other.status for other in others), key=_rank) if others else ""
        self.groups = sorted({(one.copy_group, one.copy_group_size) for one in [sub, *others]
                              if one.copy_group is not None})
        self.notebook_flags = [f"{name}: {what}" for name, flags in sub.answer_flags.items() if name not in ANSWER_IDS
                               for what in flags]
        self.anchor = ""  # set when the student is in the list of hand-ins to look at

    def needs_a_look(self) -> bool:
        """A verdict the answers alone do not show: anything but PASS, a copy, another notebook not PASS (an answer's
        own flags and unwritten answers are in the answer's row)."""
        answer_only = self.status in ("FLAGGED", "INCOMPLETE") and not self.sub.reasons and not self.notebook_flags
        return (self.status != "PASS" and not answer_only) or bool(self.groups) or self.worst not in ("", "PASS")

    def others_said(self) -> str:
        """The other notebooks: "others PASS", or the worst status with the notebooks that have it."""
        if not self.others:
            return "no other notebooks"
        at_worst = [_notebook_label(other) for other in self.others if other.status == self.worst]
        return f"others {self.worst}" + ("" if self.worst == "PASS" else f": {', '.join(at_worst)}")

    def lines(self) -> list[str]:
        """Everything behind the verdict, once: notebook 6's reasons and notebook-wide flags, its unwritten and flagged
        answers, and each other notebook's reasons (a copied run's are the copy group's, said once)."""
        copied = bool(self.groups)
        lines = []
        if copied:
            notebooks = [_notebook_label(one) for one in [self.sub, *self.others] if one.copy_group is not None]
            lines.append(f"copied run: notebook(s) {', '.join(sorted(notebooks))} the same run as a classmate's "
                         f"(copy group {', '.join(str(group) for group, _ in self.groups)}, listed below)")
        lines += [reason for reason in self.sub.reasons if not (copied and self.sub.code_of.get(reason) == COPIED_RUN)]
        lines += self.notebook_flags
        if self.sub.unanswered:
            lines.append(f"unwritten: {', '.join(self.sub.unanswered)}")
        flagged = [name for name in ANSWER_IDS if self.sub.answer_flags.get(name)]
        if flagged:
            lines.append(f"flagged answers (in their rows below): {', '.join(flagged)}")
        alike: dict[tuple[str, str], list[str]] = {}  # notebooks that say the same (a lesson flag on each) said once
        for other in self.others:
            if other.status == "PASS":
                continue
            said = [reason for reason in other.reasons if not (copied and other.code_of.get(reason) == COPIED_RUN)]
            said += other.flag_lines()
            if said or other.status != "FAIL" or not copied:
                alike.setdefault((other.status, "; ".join(said) or "see the grades"), []).append(_notebook_label(other))
        for (status, said), labels in alike.items():
            lines.append(f"notebook{'s' if len(labels) > 1 else ''} {', '.join(labels)} {status}: {said}")
        return lines


def _verdicts(subs: list[Submission], sheets: list[Submission]) -> dict[int, _Verdict]:
    """Each notebook 6's verdict, by ``id`` of its Submission (linear in the class)."""
    by_student: dict[str, list[Submission]] = defaultdict(list)
    for sub in subs:
        if sub.status != NOT_GRADED and student_key(sub):
            by_student[student_key(sub)].append(sub)
    verdicts = {}
    for sub in sheets:
        key = student_key(sub)
        others = [other for other in by_student.get(key, []) if other is not sub] if key else []
        verdicts[id(sub)] = _Verdict(sub, others)
    return verdicts


def _badge(status: str) -> str:
    return f'<span class="badge {_status_class(status)}">{_e(status)}</span>'


def _verdict_cell(sub: Submission, verdict: _Verdict, flags: list[str]) -> str:
    """The row's first column: who, notebook 6's verdict, the other notebooks' worst, the copy group, then this
    answer's flags."""
    badge = _badge(verdict.status)
    if verdict.anchor:
        badge = f'<a href="#{verdict.anchor}" title="why: the list of verdicts at the top">{badge}</a>'
    others = f' <span class="others {_status_class(verdict.worst) if verdict.worst else ""}">{_e(verdict.others_said())}</span>'
    groups = "".join(f' <a class="tag copy" href="#copy-group-{group}">copy group {group} ({size})</a>'
                     for group, size in verdict.groups)
    items = "".join(f"<li>{_e(flag)}</li>" for flag in flags)
    return (f'<th scope="row" class="who">{_e(sub.student_name or "?")} <small>{_e(sub.roll_no)}</small>'
            f'<div class="verdict">{badge}{others}{groups}</div>{f"<ul>{items}</ul>" if items else ""}</th>')


def _look_first_section(sheets: list[Submission], verdicts: dict[int, _Verdict], subs: list[Submission]) -> str:
    """The hand-ins whose verdict needs a look before their answers are marked, each once with its reasons, and the
    copied runs, each group once with its members."""
    rows = []
    for index, sub in enumerate(sheets):
        verdict = verdicts[id(sub)]
        if not verdict.needs_a_look():
            continue
        verdict.anchor = f"v{index}"
        lines = verdict.lines()
        shown = "".join(f"<li>{_e(_cut(line, REASON_CHARS))}</li>" for line in lines[:4])
        more = (f"<details><summary>{len(lines) - 4} more</summary><ul>"
                + "".join(f"<li>{_e(_cut(line, REASON_CHARS))}</li>" for line in lines[4:]) + "</ul></details>") if len(lines) > 4 else ""
        groups = "".join(f' <a class="tag copy" href="#copy-group-{group}">copy group {group} ({size})</a>'
                         for group, size in verdict.groups)
        rows.append(f'<tr id="{verdict.anchor}"><th scope="row">{_e(sub.student_name or "?")} '
                    f'<small>{_e(sub.roll_no)}</small></th><td>{_badge(verdict.status)}</td>'
                    f'<td><span class="others {_status_class(verdict.worst)}">{_e(verdict.others_said())}</span>'
                    f'{groups}</td><td title="{_e(chr(10).join(lines))}"><ul>{shown}</ul>{more}</td></tr>')
    named = {group for verdict in verdicts.values() for group, _ in verdict.groups}
    groups = [group for group in copy_groups(subs) if group["group"] in named]
    group_rows = "".join(f'<li id="copy-group-{group["group"]}"><b>copy group {group["group"]}</b> '
                         f'({group["students"]} students): {_e(", ".join(group["members"]))}</li>' for group in groups)
    if not sheets:
        return '<section id="verdicts"><h2>Verdicts</h2><p>No hand-in of notebook 6 with written answers.</p></section>'
    if not rows and not group_rows:
        return ('<section id="verdicts"><h2>Verdicts</h2><p>Every hand-in of notebook 6 here passed, and so did '
                "each student's other notebooks: no copied runs.</p></section>")
    table = ("" if not rows else
             '<table class="verdicts"><colgroup><col style="width:11em"><col style="width:7.5em"><col style="width:14em"><col>'
             "</colgroup><thead><tr><th>student</th><th>notebook 6</th><th>other notebooks</th><th>why</th></tr></thead>"
             f"<tbody>{''.join(rows)}</tbody></table>")
    copies = ("" if not group_rows else
              "<p>Copied runs: each group is one run handed in by several students (the grader does not say who "
              f"copied).</p><ul class=\"copies\">{group_rows}</ul>")
    return (f'<section id="verdicts"><h2>Verdicts to read before marking</h2><p>{len(rows)} of {len(sheets)} '
            "hand-in(s) have a verdict their answers alone do not show (a failed check, a copied run, another "
            "notebook not passed). Every row below carries its student's verdict too.</p>"
            f"{table}{copies}</section>")


# --- the evidence: what is the same for every student once, what differs per row, what to quote first -------------

def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def _shared_lines(evidence: list[list[str]]) -> list[str]:
    """The lines every student who printed anything printed (in the first one's order)."""
    printed = [set(lines) for lines in evidence if lines]
    if not printed:
        return []
    shared = set.intersection(*printed)
    first = next(lines for lines in evidence if lines)
    return list(dict.fromkeys(line for line in first if line in shared))


def _epochs_said(text: str) -> list[str]:
    """The best epoch (of the highest validation accuracy, the lab's one definition) and the epoch of the lowest
    validation loss, from the epoch lines notebook 6 printed."""
    epochs = VIVA_EPOCH.findall(text)
    if not epochs:
        return []
    highest = max(float(epoch[4]) for epoch in epochs)
    lowest = min(float(epoch[2]) for epoch in epochs)
    best = [epoch for epoch in epochs if float(epoch[4]) == highest]
    return [f"best epoch {', '.join(epoch[0] for epoch in best)} of {len(epochs)} (validation accuracy {best[0][4]})",
            "lowest validation loss after epoch " + ", ".join(epoch[0] for epoch in epochs if float(epoch[2]) == lowest)]


def quote_first(answer: str, text: str) -> tuple[str, bool]:
    """The figures an answer should quote, in one line, from what the student's evidence printed, and whether that
    line says all of it: the conclusion's run (test accuracy, best epoch, lowest validation loss), question 10's
    epochs, question 12's metrics. ("", False) for the other questions, whose evidence is a line or two."""
    if answer == "conclusion":
        run = VIVA_RUN.search(text)
        return " · ".join(([f"test accuracy {run.group(1)}, test loss {run.group(2)}"] if run else [])
                          + _epochs_said(text)), False
    if answer == "Q10":
        return " · ".join(_epochs_said(text)), False
    if answer == "Q12":
        metrics = VIVA_METRIC.findall(text)
        return " · ".join(f"{name} {value}" for name, value in metrics), len(metrics) == len(_lines(text))
    return "", False


def evidence_html(answer: str, own: list[str], lines: list[str]) -> str:
    """What the student's evidence printed that not every student's did, for the top of their answer's cell: the
    figures to quote first in one line (the whole printout folded under it), or their own line or two, in one line
    (a line of it to a "│"). ``own`` are the lines of ``lines`` (all it printed) that not every student printed; the
    figures to quote are read from all of them."""
    if not lines:
        return '<div class="ev none">their evidence cell printed nothing (not run, or its output cleared)</div>'
    if not own:
        return ""
    label = f'<span class="evl">{"their run" if answer == "conclusion" else "they printed"}:</span> '
    key, says_all = quote_first(answer, "\n".join(lines))
    if key and says_all:
        return f'<div class="ev">{label}<span class="key">{_e(key)}</span></div>'
    if key:
        return (f'<details class="ev"><summary>{label}<span class="key">{_e(key)}</span></summary>'
                f"<pre>{_e(chr(10).join(lines))}</pre></details>")
    joined = ' <span class="sep">│</span> '.join(map(_e, own[:EVIDENCE_LINES_SHOWN]))
    shown = f'<div class="ev">{label}{joined}</div>'
    if len(own) > EVIDENCE_LINES_SHOWN:
        shown += (f'<details class="ev"><summary>{len(own) - EVIDENCE_LINES_SHOWN} more line(s)</summary>'
                  f"<pre>{_e(chr(10).join(own[EVIDENCE_LINES_SHOWN:]))}</pre></details>")
    return shown


def _section(answer: str, sheets: list[Submission], verdicts: dict[int, _Verdict]) -> str:
    """One question: the model answer folded, the evidence every student printed alike once, then a row per
    student: who, verdict and flags; their own evidence where it differs, then their answer."""
    unwritten = sum(answer in sub.unanswered for sub in sheets)
    flagged = sum(bool(sub.answer_flags.get(answer)) for sub in sheets)
    evidence = [_lines(sub.answer_evidence.get(answer, "")) for sub in sheets]
    shared = _shared_lines(evidence)
    shared_set = set(shared)
    rows = []
    for sub, lines in zip(sheets, evidence):
        written = answer not in sub.unanswered
        flags = sub.answer_flags.get(answer, [])
        row_class = "flagged" if flags else "unwritten" if not written else ""
        if written:
            own = [line for line in lines if line not in shared_set]
            shown = (evidence_html(answer, own, lines)
                     + f'<div class="text">{answer_html(sub.answers.get(answer, ""), answer == "conclusion")}</div>')
        else:
            shown = "<i>unwritten</i>"
        rows.append(f'<tr class="{row_class}">{_verdict_cell(sub, verdicts[id(sub)], flags)}'
                    f'<td class="answer">{shown}</td></tr>')
    if answer == "conclusion":
        model = ("<p class=\"note\">The conclusion has no model answer: each student quotes their own run, whose "
                 "figures to quote come first, above the conclusion (the whole run folds out). The flags say where "
                 "a quoted figure is not the run's.</p>")
    else:
        model = (f"<details><summary>The lab's model answer</summary><div class=\"model\">"
                 f"{markdown_html(MODEL_ANSWERS[int(answer[1:])].strip())}</div></details>")
    common = ""
    if shared:
        silent = sum(not lines for lines in evidence)
        said = ("The evidence cell printed this" if len(sheets) == 1 else
                "Every student's evidence cell printed this" + (f" ({silent} printed nothing)" if silent else "")
                + "; what a student's printed besides comes first in their row")
        block = f"<pre>{_e(chr(10).join(shared))}</pre>"
        key, says_all = quote_first(answer, "\n".join(shared))
        if key:
            block = (f'<div class="key">{_e(key)}</div>' if says_all else
                     f'<details><summary><span class="key">{_e(key)}</span></summary>{block}</details>')
        elif len(shared) > 8:
            block = f"<details><summary>{len(shared)} lines</summary>{block}</details>"
        common = f'<div class="shared"><b>{said}:</b>{block}</div>'
    return (f'<section id="{answer}"><h2>{_e(_title(answer))}</h2>'
            f'<p class="counts">{len(sheets) - unwritten} written, {unwritten} unwritten, {flagged} flagged</p>'
            f'{model}{common}<table><colgroup><col class="who"><col class="answer"></colgroup>'
            "<thead><tr><th>student · verdict · flags</th><th>what their evidence printed that differs, then their "
            f'answer</th></tr></thead><tbody>{"".join(rows)}</tbody></table></section>')


def write_answers_html(subs: list[Submission], path: Path, settings: Settings) -> None:
    sheets = answer_sheets(subs)
    verdicts = _verdicts(subs, sheets)
    look_first = _look_first_section(sheets, verdicts, subs)  # before the sections: it sets the rows' links
    sections = [_section(answer, sheets, verdicts) for answer in ANSWER_IDS]
    contents = " · ".join(['<a href="#verdicts">verdicts</a>'] + [
        f'<a href="#{answer}">{"Q" + answer[1:] if answer != "conclusion" else "conclusion"}</a>' for answer in ANSWER_IDS])
    colours = "\n".join(f".{_status_class(status)} {{ background: {colour}; }}" for status, colour in COLOURS.items())
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>LSTM-on-IMDb lab: viva answers to mark</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1em 1.5em; color: #222; max-width: 100%; line-height: 1.35; }}
nav {{ position: sticky; top: 0; background: #fff; padding: 6px 0; border-bottom: 1px solid #ccc; z-index: 2; }}
h2 {{ margin: 1.2em 0 0.2em; font-size: 1.3em; }}
table {{ border-collapse: collapse; width: 100%; table-layout: fixed; margin: 0.4em 0 1.2em; }}
th, td {{ border: 1px solid #bbb; padding: 4px 6px; vertical-align: top; font-size: 14px; text-align: left;
          overflow-wrap: anywhere; }}
thead th {{ background: #eee; font-size: 13px; }}
tbody th {{ background: #f7f7f7; font-size: 13px; }}
col.who {{ width: 14em; }}
td.answer div.text {{ white-space: pre-wrap; }}
.ev {{ font-size: 12px; color: #333; background: #f4f4f4; padding: 1px 4px; margin: 0 0 3px; }}
.ev pre, div.shared pre {{ white-space: pre-wrap; margin: 0; font-size: 12px; }}
.ev .sep {{ color: #999; }}
.ev .evl {{ color: #666; }}
.ev .key, div.shared .key {{ font-weight: 600; }}
.ev.none {{ color: #888; }}
details.ev summary {{ color: #333; font-size: 12px; }}
th.who div.verdict {{ font-weight: normal; margin-top: 2px; }}
th.who ul {{ margin: 3px 0 0; padding-left: 1.1em; font-size: 12.5px; font-weight: normal; }}
tr.flagged th.who {{ background: #ffd8a8; }}
tr.unwritten td.answer {{ color: #888; background: #fff2b3; }}
.badge {{ display: inline-block; font-weight: 600; font-size: 12px; padding: 0 5px; border-radius: 3px;
          border: 1px solid #999; color: #222; }}
a .badge {{ text-decoration: underline; }}
.others {{ font-size: 12px; padding: 0 4px; border-radius: 3px; }}
.tag {{ display: inline-block; font-size: 11px; padding: 0 4px; border-radius: 3px; border: 1px solid #a33;
        color: #a33; text-decoration: none; }}
table.md {{ width: auto; table-layout: auto; margin: 2px 0; white-space: normal; }}
table.md th, table.md td {{ font-size: 13px; padding: 1px 6px; background: #fff; }}
table.md thead th {{ background: #f2f2f2; }}
.math {{ font-family: "Latin Modern Math", "STIX Two Math", "Cambria Math", serif; font-size: 1.1em; white-space: nowrap; }}
.math.block {{ display: block; margin: 2px 0 2px 1.5em; white-space: normal; }}
code {{ font-size: 12.5px; background: #f3f3f3; padding: 0 2px; }}
details {{ margin: 0.2em 0 0.4em; }}
summary {{ cursor: pointer; color: #555; font-size: 12px; }}
div.model {{ white-space: pre-wrap; background: #eef4fb; padding: 8px; font-size: 14px; }}
div.shared {{ background: #f4f4f4; border-left: 3px solid #bbb; padding: 4px 8px; margin: 0.3em 0; font-size: 13px; }}
.counts, .note {{ color: #555; margin: 0; }}
table.verdicts td {{ font-size: 12.5px; }}
table.verdicts ul {{ margin: 0; padding-left: 1.1em; }}
ul.copies {{ font-size: 13px; }}
{colours}
</style></head><body>
<h1>LSTM-on-IMDb lab: viva answers and conclusions to mark</h1>
<p>{len(sheets)} hand-in(s) of notebook 6 with written answers; graded {_e(settings.now.isoformat(timespec="seconds"))}.
Each question shows every student's verdict, answer and evidence: what every student's evidence cell printed alike is
shown once above the table, and where it differs, the figures the answer should quote come first. LaTeX is shown as
text (hover over a formula for what the student typed). Flags are the grader's: an answer that is mostly the lab's
model answer or its published example answer, the same answer as a classmate's (up to three others are named, the
rest counted; the grader does not say who wrote it first), a conclusion that quotes a figure of another run. They
are for you to judge, as is everything else here. Marks go in the CSV (<code>--answers-csv</code>).</p>
<nav>{contents}</nav>
{look_first}
{"".join(sections)}
</body></html>
"""
    path.write_text(page, encoding="utf-8")


def write_answers_csv(subs: list[Submission], path: Path) -> None:
    """One row per student's notebook 6: identity, status, then each answer beside an empty column for its mark; last,
    the copy groups of the student's notebooks and the worst verdict of their other notebooks (as the HTML sheet's
    verdict column says them)."""
    columns = ["roll_no", "student_name", "file", "status", "unwritten", "flags"]
    for answer in ANSWER_IDS:
        columns += [answer, f"{answer}_mark"]
    columns += ["copy_groups", "other_notebooks"]
    sheets = answer_sheets(subs)
    verdicts = _verdicts(subs, sheets)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for sub in sheets:
            row = [sub.roll_no, sub.student_name, sub.path, sub.status, " ".join(sub.unanswered),
                   "; ".join(sub.flag_lines())]
            for answer in ANSWER_IDS:
                row += ["" if answer in sub.unanswered else sub.answers.get(answer, ""), ""]
            verdict = verdicts[id(sub)]
            row += [" ".join(str(group) for group, _ in verdict.groups), verdict.others_said()]
            writer.writerow([_spreadsheet_safe(value) for value in row])
