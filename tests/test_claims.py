"""Every measured figure has one home, benchmarks/RESULTS.md, and the links into it resolve.

A figure measured on a development machine (a test accuracy, seconds per epoch, minutes for a notebook, peak memory,
a speed-up) that is copied into a notebook or the README by hand drifts away from the run that produced it. So the
README and the notebooks quote no such figure: they print the student's own figures from code, and link to the
section of benchmarks/RESULTS.md that records the development machine's, with hardware, versions and date.

Pure text, no TensorFlow: this file reads README.md, benchmarks/RESULTS.md and the notebooks as JSON.
"""

import json
import re
from pathlib import Path

from helpers import NOTEBOOKS, ROOT

from labutils.viva import MODEL_ANSWERS

README = ROOT / "README.md"
RESULTS = ROOT / "benchmarks" / "RESULTS.md"

# Figures that look measured. Derived facts (parameter counts, 131,072 multiply-adds per step, 313 steps per epoch,
# "16 times fewer multiply-adds", shares of the dataset) match none of these patterns.
MEASURED_LOOKING = {
    "an accuracy with 3 or more decimals": r"(?<![\d.])0\.[89]\d{2,}(?!\d)",
    "a duration": r"(?<![\w.])\d[\d,.]*(?:\s*(?:-|–|to)\s*\d[\d,.]*)?(?:\s+|-)(?:ms|s|sec|seconds?|min|minutes?|hours?)\b",
    "an amount of memory": r"(?<![\w.])\d[\d,.]*\s*(?:KiB|MiB|GiB)\b",
    "a speed-up": r"(?<![\w.])\d+(?:\.\d+)?x\b|\b\d+(?:\.\d+)? times (?:faster|slower|shorter|longer|as long|as fast)\b"
                  r"|\b\d+(?:\.\d+)?\s?% (?:faster|slower|shorter|longer)\b",
    "a measured share": r"(?<![\w.])(?:about|roughly|nearly|almost|some|by)\s+\d+(?:\.\d+)?\s?%",
}

# The university practical's own recorded run (it does not say on what hardware), which the lab may quote as the
# practical's: the sentence that quotes one must say it is the practical's. Source: the practical's listing and output (313/313 steps of
# 197-254 s, 628-658 ms per step; test accuracy 0.8499199748039246; best validation accuracy 0.8612 at epoch 4).
PRACTICALS_OWN = {
    "0.8499": "the practical's test accuracy",
    "0.850": "the practical's test accuracy, rounded",
    "0.8612": "the practical's best validation accuracy",
    "0.861": "the practical's best validation accuracy, rounded (epoch 4)",
    "0.851": "the practical's validation accuracy after epoch 2, rounded",
    "0.822": "the practical's validation accuracy after epoch 3, rounded",
    "200 s": "the practical's seconds per epoch (about)",
    "200 seconds": "the practical's seconds per epoch (about)",
    "630-660 ms": "the practical's milliseconds per step",
}

# Figures that look measured but are arithmetic on the practical's own figures.
DERIVED = {
    "2.7 hours": "49 epochs (the practical's listing) x the practical's 200 s per epoch",
}


def markdown_of(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")


def code_of(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")


def texts_that_must_not_copy_measurements() -> dict[str, str]:
    """README.md and every notebook (markdown, and code, which could print a hard-coded claim)."""
    texts = {"README.md": README.read_text(encoding="utf-8"),
             "labutils/viva.py (the model answers)": "\n\n".join(MODEL_ANSWERS.values())}
    for notebook in NOTEBOOKS:
        texts[f"{notebook.name} (markdown)"] = markdown_of(notebook)
        texts[f"{notebook.name} (code)"] = code_of(notebook)
    return texts


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence (or table cell, or line) that holds text[start:end]."""
    boundaries = re.compile(r"\.\s|\n\s*\n|\n\s*(?:[-*#]|\d+\.)\s|\|")
    before = [m.end() for m in boundaries.finditer(text, 0, start)]
    after = boundaries.search(text, end)
    return text[(before[-1] if before else 0):(after.start() if after else len(text))]


def unhomed_figures(text: str) -> list[str]:
    found = []
    for kind, pattern in MEASURED_LOOKING.items():
        for match in re.finditer(pattern, text):
            figure = match.group(0)
            sentence = sentence_around(text, match.start(), match.end())
            if figure in PRACTICALS_OWN and "practical" in sentence.lower():
                continue
            if figure in DERIVED:
                continue
            at = sentence.find(figure)
            context = " ".join(sentence[max(0, at - 80):at + len(figure) + 60].split())
            found.append(f"{kind} {figure!r} in: ...{context}...")
    return found


def test_no_measured_figure_outside_results_md():
    problems = {name: found for name, text in texts_that_must_not_copy_measurements().items()
                if (found := unhomed_figures(text))}
    assert not problems, (
        "These look like figures measured on a development machine, written into the README or a notebook by "
        "hand. Record each in benchmarks/RESULTS.md (with hardware, versions and date) and link to its section "
        "instead, e.g. [benchmarks/RESULTS.md](../benchmarks/RESULTS.md#headline) from a notebook; a notebook may "
        "print the student's own figures from code. If it is the practical's own figure or arithmetic on one, say "
        "so in the sentence and add it to PRACTICALS_OWN or DERIVED in tests/test_claims.py.\n"
        + "\n".join(f"{name}:\n  " + "\n  ".join(found) for name, found in problems.items()))


def test_the_checker_catches_copies_and_lets_the_practicals_figures_through():
    assert unhomed_figures("On a 2-core CPU the full run takes about 15 minutes (about 3 minutes per epoch).")
    assert unhomed_figures("| practical | 142.0 | 0.843 |")
    assert unhomed_figures("Turning recurrent dropout off made the epochs about 10 % shorter (125 s against 139 s).")
    assert unhomed_figures("peak kernel memory 1,964 MiB; the levers gave 1.10x.")
    assert not unhomed_figures("The practical reported a test accuracy of 0.8499 after about 200 s per epoch.")
    assert not unhomed_figures("Each step costs 131,072 multiply-adds, 313 steps per epoch, 16 times fewer.")
    assert unhomed_figures("This lab reached 0.8499 too.")  # the practical's figure, but not said to be
    assert unhomed_figures("XLA cut the wall-clock time of an epoch by about 30 % on the lab's CPU.")
    assert not unhomed_figures("validation_split=0.2 holds out the last 20 % of the training reviews.")


# --- the record stays in RESULTS.md, and a story about it holds for every recorded run ---

def markdown_paragraphs(notebook: Path) -> list[str]:
    return [paragraph for text in markdown_of(notebook).split("\n\n") if (paragraph := text.strip())]


def test_notebooks_state_what_holds_and_do_not_narrate_benchmark_rounds():
    """The history of the benchmark (its rounds, a day the machine ran faster, the VM's clock) belongs in RESULTS.md;
    a notebook says what holds now and links there."""
    history = re.compile(r"\b(?:first|second|third|fourth|later|earlier) round\b|\bon a day\b|twice as fast"
                         r"|\bthe VM\b|\bthe machine's clock\b", re.IGNORECASE)
    found = [f"{notebook.name}: {' '.join(paragraph.split())[:160]}..." for notebook in NOTEBOOKS
             for paragraph in markdown_paragraphs(notebook) if history.search(paragraph)]
    assert not found, "Benchmark history told in a notebook (move it to RESULTS.md):\n" + "\n".join(found)


def sections_recording_several_runs(markdown: str) -> set[str]:
    """Anchors of the RESULTS.md sections under which more than one run is recorded (sub-headings naming a run)."""
    headings = []  # (level, anchor, text); headings are unique in RESULTS.md, so each line's own anchor is its anchor
    for line in markdown.splitlines():
        if heading := re.match(r"(#{1,6})\s+(.*?)\s*$", line):
            headings.append((len(heading.group(1)), next(iter(github_anchors(line))), heading.group(2)))
    several = set()
    for index, (level, anchor, _) in enumerate(headings):
        runs = 0
        for deeper_level, _, text in headings[index + 1:]:
            if deeper_level <= level:
                break
            runs += bool(re.search(r"\brun\b", text, re.IGNORECASE))
        if runs >= 2:
            several.add(anchor)
    return several


SINGLE_RUN = re.compile(r"\b(?:the|this) (?:development machine's |recorded |lab's )+run\b(?!s)", re.IGNORECASE)


def test_a_story_about_several_recorded_runs_is_not_told_of_one():
    """Where RESULTS.md records several runs of something, a notebook paragraph that links there speaks of the runs
    (what they share, or that they differed), never of "the recorded run" as if there were one."""
    several = sections_recording_several_runs(RESULTS.read_text(encoding="utf-8"))
    assert "notebook-8-architectures-compared" in several
    found = []
    for notebook in NOTEBOOKS:
        for paragraph in markdown_paragraphs(notebook):
            linked = {anchor for target, anchor in LINK.findall(paragraph) if target.endswith("RESULTS.md")}
            if linked & several and (match := SINGLE_RUN.search(paragraph)):
                found.append(f"{notebook.name}: '{match.group(0)}' in: {' '.join(paragraph.split())[:160]}...")
    assert not found, "One run told as the record where several were recorded:\n" + "\n".join(found)


# --- links into RESULTS.md (and the README's own anchors) ---

def github_anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives a file's headings: lower case, punctuation except '-' and '_' dropped, spaces to '-',
    repeats numbered -1, -2, ... Headings inside fenced code blocks are not headings."""
    anchors, seen, fenced = set(), {}, False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if fenced or not (heading := re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)):
            continue
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.group(1))  # a link counts by its text
        slug = re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")
        anchors.add(f"{slug}-{seen[slug]}" if slug in seen else slug)
        seen[slug] = seen.get(slug, 0) + 1
    return anchors


LINK = re.compile(r"\]\(([^)\s#]*)#([^)\s]+)\)")


def anchored_links() -> list[tuple[str, Path, str]]:
    """(where, target file, anchor) for every markdown link with an anchor into a .md file, or into the same file."""
    sources = [(README.name, README, README.read_text(encoding="utf-8")),
               (f"benchmarks/{RESULTS.name}", RESULTS, RESULTS.read_text(encoding="utf-8"))]
    sources += [(notebook.name, notebook, markdown_of(notebook)) for notebook in NOTEBOOKS]
    links = []
    for name, path, text in sources:
        for target, anchor in LINK.findall(text):
            if target == "" and path.suffix == ".md":
                links.append((name, path, anchor))
            elif target.endswith(".md") and "://" not in target:
                links.append((name, (path.parent / target).resolve(), anchor))
    return links


def test_links_to_results_md_sections_resolve():
    links = anchored_links()
    assert any(target == RESULTS for _, target, _ in links), "nothing links to a section of benchmarks/RESULTS.md"
    broken = []
    for name, target, anchor in links:
        if not target.is_file():
            broken.append(f"{name}: {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target} is missing")
        elif anchor not in github_anchors(target.read_text(encoding="utf-8")):
            broken.append(f"{name}: no heading in {target.relative_to(ROOT)} has the anchor #{anchor}")
    assert not broken, "Broken links (GitHub anchors: lower case, spaces to '-', punctuation dropped):\n" + \
        "\n".join(broken)


def test_every_notebook_that_quotes_the_benchmark_links_to_it():
    """A notebook that talks about the development machine's results must link to where they live."""
    for notebook in NOTEBOOKS:
        text = markdown_of(notebook)
        if re.search(r"development machine|the benchmark", text):
            assert "../benchmarks/RESULTS.md#" in text, f"{notebook.name} mentions recorded results without a link"


def test_github_anchor_rules():
    assert github_anchors("## Notebook 9's own full-profile run") == {"notebook-9s-own-full-profile-run"}
    assert github_anchors("### Recipe *best*, second version") == {"recipe-best-second-version"}
    assert github_anchors("## `recurrent_dropout=0` on a CPU") == {"recurrent_dropout0-on-a-cpu"}
    assert github_anchors("## Runs\n## Runs") == {"runs", "runs-1"}
    assert github_anchors("```bash\n# a comment\n```\n## Real") == {"real"}
