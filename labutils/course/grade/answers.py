"""What the student wrote in notebook 6 (lesson version 7 on): the twelve viva answers and the conclusion.

Read as text, never run: an answer is a markdown cell (tagged ``metadata.labutils.answer``, or found by the heading
the lab puts in it), the conclusion is the string assigned to ``MY_CONCLUSION``, read with :mod:`ast`. Reported per
hand-in: answers still the placeholder (the notebook is INCOMPLETE), an answer that is mostly the lab's model answer
or one of the lab's published example answers (its test hand-ins' students', shipped in ``published_runs.json``), and a
conclusion that quotes figures of another run (FLAGGED). Answers shared between classmates are found across the class,
in :func:`flag_shared_answers`.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import json
import os
import re
import warnings
from collections import Counter, defaultdict
from functools import cache
from itertools import combinations
from pathlib import Path

from ...evidence import VIVA_EPOCH, VIVA_METRIC, VIVA_RUN
from ...viva import (ANSWER_HEADING_LINE, CONCLUSION_NAME, conclusion_findings, containment, is_written, MODEL_ANSWERS,
                     QUESTIONS, model_answer_shingles, normalised_sentences, normalised_words, shingles, written_answer,
                     written_conclusion)
from ..manifest import answer_id, cell_source, utf8_safe
from .read import outputs_text
from .runs import PUBLISHED_RUNS, PUBLISHED_VARIABLE, published_runs
from .submission import Submission

MAX_ANSWER_CHARS = 20_000  # a long answer is a few hundred words; anything longer is cut for the reports
MAX_EVIDENCE_CHARS = 2_000
COPY_MIN_WORDS = 8  # shorter answers ("the vanishing gradient") can be the same by chance
COPY_MIN_RUNS = 15  # classmates share at least this many four-word runs of their own (about 18 words) to be flagged
COMMON_RUN_TEXTS = 20  # a run in more texts than this (or a tenth of the class's) is common phrasing
MODEL_COPY_SHARE = 0.5  # this share of an answer's four-word runs in the model answer: mostly the model answer
MODEL_COPY_RUNS = 15  # a pasted part of the model answer (about 18 words in a row); honest answers share at most 6
PUBLISHED_EXAMPLE = "mostly the lab's published example answer"  # the same share of one published example's runs
PUBLISHED_MIN_RUNS = 5  # an answer with fewer four-word runs of its own is not compared with the published examples
CLASSMATE_COPY_SHARE = 0.6  # this share of the shorter answer's runs in the other: one answer, twice
# The second test of classmates' answers, sentence by sentence: a copy with its sentences put in another order and a
# word changed here and there keeps few four-word runs, but each of its sentences is still nearly one of the other's.
SENTENCE_MIN_WORDS = 6  # a sentence of fewer distinct words ("Forget gate, input gate, output gate.") is not compared
SENTENCE_MATCH = 0.75  # two sentences this alike (difflib's ratio of their words) are one sentence, lightly edited
SENTENCE_COPY_WORDS = 18  # and the answer's sentences that are the other's hold at least this many words
NAMED_CLASSMATES = 3  # a flag names this many classmates, then counts the rest


# The lesson's question in notebook 6: "### 5. Explain the function of the forget gate in LSTM."
QUESTION_HEADING = re.compile(r"\s*#{2,4}\s*(\d{1,2})\.\s")


LESSON_CELL_ID = re.compile(r"\d\d-")  # the lab's own cells' ids ("06-a01"); a cell a student adds gets another


def _added_by_student(cell: dict) -> bool:
    """A markdown cell the student added (not the lab's: no lab id, no heading)."""
    cell_id = cell.get("id")
    return not (isinstance(cell_id, str) and LESSON_CELL_ID.match(cell_id)) and not cell_source(cell).lstrip().startswith("#")


def _question_of(cell: dict) -> str:
    """The answer a cell holds: its tag, or failing that (metadata lost) the lab's heading in a markdown cell."""
    tagged = answer_id(cell)
    if tagged:
        return tagged
    if cell.get("cell_type") == "markdown":
        match = ANSWER_HEADING_LINE.search(cell_source(cell)[:500])
        if match:
            return f"Q{int(match.group(1))}"
    return ""


def is_conclusion_cell(cell: dict) -> bool:
    """The code cell the student writes the conclusion in: tagged so, or assigning ``MY_CONCLUSION``."""
    if cell.get("cell_type") != "code":
        return False
    return answer_id(cell) == "conclusion" or bool(re.match(rf"\s*(#[^\n]*\n\s*)*{CONCLUSION_NAME}\s*=", cell_source(cell)))


def conclusion_text(source: str) -> str | None:
    """The string the conclusion cell assigns, or None when the cell holds anything else (it is read, not run)."""
    try:
        with warnings.catch_warnings():  # "$84.78\%$" in a plain string: an invalid escape, which Python warns of
            warnings.simplefilter("ignore")
            tree = ast.parse(utf8_safe(source))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Assign):
        return None
    node = tree.body[0]
    if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name) or node.targets[0].id != CONCLUSION_NAME:
        return None
    if not isinstance(node.value, ast.Constant) or not isinstance(node.value.value, str):
        return None
    return node.value.value


def _run_figures(evidence_cells: dict[str, dict]) -> tuple[dict, dict]:
    """The run's history and results as notebook 6's own evidence cells printed them."""
    history: dict[str, list[float]] = {"loss": [], "val_loss": [], "accuracy": [], "val_accuracy": []}
    results: dict[str, float] = {}
    if "viva-run" in evidence_cells:
        match = VIVA_RUN.search(outputs_text(evidence_cells["viva-run"]))
        if match:
            results["test_accuracy"], results["test_loss"] = float(match.group(1)), float(match.group(2))
    if "viva-epochs" in evidence_cells:
        for match in VIVA_EPOCH.finditer(outputs_text(evidence_cells["viva-epochs"])):
            for key, value in zip(("loss", "val_loss", "accuracy", "val_accuracy"), match.groups()[1:]):
                history[key].append(float(value))
    if "viva-metrics" in evidence_cells:
        for key, value in VIVA_METRIC.findall(outputs_text(evidence_cells["viva-metrics"])):
            results.setdefault(key, float(value))
    return history, results


def read_answers(notebook: dict, entry: dict, evidence_cells: dict[str, dict], sub: Submission) -> None:
    """Every answer the lesson asks for: its text, the evidence printed above it, and what is wrong with it."""
    wanted = [name for name in entry.get("answers", []) if isinstance(name, str)]
    if not wanted:
        return
    previous_output = ""
    pieces: dict[str, list[str]] = {}  # each answer's cells, in order: a split cell is two, a pasted copy joins one
    section = ""  # the question whose answer cell came last: the cells after it, up to the next one, are its
    split: set[str] = set()
    own: set[str] = set()  # the questions whose own answer cell has been read
    added: set[str] = set()  # the questions answered (also) in markdown cells the student added below the answer cell
    after_answer = False  # the cell before this one was an answer cell (or a cell added below one)
    for cell in notebook["cells"]:
        name = _question_of(cell)
        heading = QUESTION_HEADING.match(cell_source(cell)) if cell.get("cell_type") == "markdown" else None
        if heading and not name:  # the lesson's question: the cells below it, up to the next one, are its answer
            section = f"Q{int(heading.group(1))}"
        if (after_answer and not name and cell.get("cell_type") == "markdown" and section in pieces
                and _added_by_student(cell)):  # the answer typed in a cell added below the answer cell
            pieces[section].append(written_answer(cell_source(cell))[:MAX_ANSWER_CHARS])
            added.add(section)
            continue
        after_answer = bool(name in wanted and name != "conclusion" and cell.get("cell_type") == "markdown")
        if cell.get("cell_type") == "code":
            if is_conclusion_cell(cell):  # every such cell is left out of the lesson check, so each is read here
                text = conclusion_text(cell_source(cell))
                if text is None:
                    sub.fail("A801", f"the conclusion cell holds more than `{CONCLUSION_NAME} = \"\"\"...\"\"\"`: keep only "
                             "your text there (the grader reads it, never runs it)")
                if "conclusion" in sub.answers:
                    sub.fail("A802", f"more than one `{CONCLUSION_NAME}` cell: keep one conclusion")
                else:
                    sub.answers["conclusion"] = written_conclusion(text or "")[:MAX_ANSWER_CHARS]
                continue
            previous_output = outputs_text(cell)
            continue
        if name in wanted and name != "conclusion":
            text = written_answer(cell_source(cell))[:MAX_ANSWER_CHARS]
            if section and section != name and section in wanted:  # a copy of another answer's cell, pasted here
                pieces.setdefault(section, []).append(text)
                sub.answer_evidence.setdefault(section, utf8_safe(previous_output)[:MAX_EVIDENCE_CHARS])
                sub.notes.append(f"a copy of {name}'s answer cell stands under question {section[1:]} (pasted?): read as "
                                 f"part of {section}'s answer")
            elif name not in own:  # the question's own answer cell
                own.add(name)
                pieces.setdefault(name, []).append(text)
                section = name
                sub.answer_evidence[name] = utf8_safe(previous_output)[:MAX_EVIDENCE_CHARS]
            else:  # JupyterLab's Split Cell keeps the tag on both halves
                pieces[name].append(text)
                split.add(name)
    for name, parts in pieces.items():
        if name in added:
            sub.notes.append(f"{name}'s answer continues in a cell added below its answer cell: read together")
        if name in split:
            sub.notes.append(f"{name}'s answer is in {len(parts)} cells (split?): read together")
        written = [part for part in parts if is_written(part)]
        sub.answers[name] = ("\n\n".join(written) if written else parts[0])[:MAX_ANSWER_CHARS]
    sub.unanswered = [name for name in wanted if not is_written(sub.answers.get(name, ""))]
    for name in wanted:
        if name not in sub.answers:
            sub.notes.append(f"the answer cell for {name} is missing (deleted?)")
    for name, text in sub.answers.items():
        if name.startswith("Q") and name[1:].isdigit() and name not in sub.unanswered:
            words = normalised_words(text)
            if len(words) >= COPY_MIN_WORDS:
                runs = shingles(words)
                shared = len(runs & model_answer_shingles(int(name[1:])))
                share = shared / len(runs) if runs else 0.0
                if share >= MODEL_COPY_SHARE:
                    sub.flag("A803", name, f"mostly the lab's model answer ({share:.0%} of its four-word runs are the model "
                                   "answer's, numbers aside)")
                elif shared >= MODEL_COPY_RUNS:
                    sub.flag("A809", name, f"holds a pasted part of the lab's model answer ({shared} of its four-word "
                                   "runs, numbers aside), padded with other words")
    sub.answer_evidence["conclusion"] = utf8_safe("".join(
        outputs_text(evidence_cells[name]) for name in ("viva-run", "viva-epochs") if name in evidence_cells))[-MAX_EVIDENCE_CHARS:]
    _flag_published_examples(sub)
    if "conclusion" in sub.answers and "conclusion" not in sub.unanswered:
        history, results = _run_figures(evidence_cells)
        if "test_accuracy" not in results:
            sub.notes.append("the run's test accuracy is not printed in notebook 6 (question evidence), so the "
                             "conclusion's figures were not checked")
            return
        found = conclusion_findings(sub.answers["conclusion"], history, results)
        for written in found["wrong_test_accuracy"]:
            sub.flag("A806", "conclusion", f"quotes test accuracy {written}, but this run's is {results['test_accuracy']:.4f}")
        for written in found["unmatched"]:
            sub.flag("A807", "conclusion", f"quotes {written}, which is none of this run's figures (nor said to be another "
                                   "run's)")
        said = {"best": "is the best epoch", "accuracy": "is where the validation accuracy peaked",
                "loss": "is where the validation loss was lowest"}
        for kind, epoch in found["wrong_epoch_claims"]:
            truth = (f"lowest after epoch {found['lowest_loss_epoch']}" if kind == "loss" else
                     f"highest after epoch {found['best_epoch']}")
            sub.flag("A808", "conclusion", f"says epoch {epoch} {said.get(kind, 'is the best epoch')}, but in this run the "
                                   f"validation {'loss' if kind == 'loss' else 'accuracy'} was {truth}")
        if not found["quoted_test_accuracy"] and not found["wrong_test_accuracy"]:
            sub.notes.append("the conclusion does not quote the run's test accuracy")


def own_runs(name: str, text: str, evidence: str = "") -> frozenset:
    """The four-word runs of an answer that are the student's to write: without those of the question, of the lab's
    model answer (copying that has its own flag), and of what the evidence cell printed (numbers aside, every
    student's evidence reads the same, and pasting it is invited)."""
    runs = shingles(normalised_words(text))
    if name.startswith("Q") and name[1:].isdigit() and int(name[1:]) in QUESTIONS:
        number = int(name[1:])
        runs -= model_answer_shingles(number) | shingles(normalised_words(QUESTIONS[number]))
    runs -= shingles(normalised_words(evidence))
    return frozenset(runs)


def _own_runs(sub: Submission, name: str, text: str) -> frozenset:
    return own_runs(name, text, sub.answer_evidence.get(name, ""))


@cache
def _given_sentences(name: str) -> tuple[tuple[str, ...], ...]:
    """The sentences of a question and of its model answer, which every student has in front of them."""
    if not (name.startswith("Q") and name[1:].isdigit() and int(name[1:]) in QUESTIONS):
        return ()
    number = int(name[1:])
    return tuple(map(tuple, normalised_sentences(QUESTIONS[number]) + normalised_sentences(MODEL_ANSWERS[number])))


def _alike(sentence: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """Two sentences nearly the same words in nearly the same order (the cheap upper bounds first)."""
    matcher = difflib.SequenceMatcher(None, sentence, other, autojunk=False)
    return (matcher.real_quick_ratio() >= SENTENCE_MATCH and matcher.quick_ratio() >= SENTENCE_MATCH
            and matcher.ratio() >= SENTENCE_MATCH)


_CODE_BLOCK = re.compile(r"^[ \t]*(```|~~~).*?(?:^[ \t]*\1|\Z)", re.M | re.S)


def own_sentences(name: str, text: str, evidence: str = "") -> tuple[tuple[tuple[str, ...], ...], int]:
    """The sentences of an answer that can be compared with a classmate's (of ``SENTENCE_MIN_WORDS`` distinct words or
    more, numbers aside), and how many words the answer has of its own. What a notebook printed is not the student's
    own, and is left out of both: a code block, a line that is a third or more numbers (a training log, a
    classification report pasted in: every student's reads the same, numbers aside), and, as in :func:`own_runs`, a
    sentence that is nearly one of the question's, the model answer's or a line the evidence cell printed."""
    given = _given_sentences(name) + tuple(map(tuple, normalised_sentences(evidence)))
    sentences, words = [], 0
    for sentence in map(tuple, normalised_sentences(_CODE_BLOCK.sub("\n", text))):
        if 3 * sentence.count("#") >= len(sentence) or any(_alike(sentence, other) for other in given):
            continue
        words += len(sentence)
        if len(set(sentence)) >= SENTENCE_MIN_WORDS:
            sentences.append(sentence)
    return tuple(sentences), words


def sentence_copy_share(one: tuple, other: tuple) -> tuple[float, int]:
    """The share of answer ``one``'s own words (an :func:`own_sentences` result) that stand in sentences nearly one
    of answer ``other``'s, and how many words that is."""
    sentences, words = one
    matched = sum(len(sentence) for sentence in sentences if any(_alike(sentence, theirs) for theirs in other[0]))
    return (matched / words if words else 0.0), matched


def same_sentences(one: tuple, other: tuple) -> bool:
    """Whether one of two answers is mostly the other's sentences, in any order and lightly edited: the test beside
    the four-word runs' that a copy which reorders the sentences and changes every few words cannot pass (the runs
    keep about half, the sentences all; the lab's independent answers share one stock sentence at most, about half
    of an answer, so the threshold is the runs', ``CLASSMATE_COPY_SHARE``, with ``SENTENCE_COPY_WORDS`` words at
    least)."""
    return any(share >= CLASSMATE_COPY_SHARE and matched >= SENTENCE_COPY_WORDS
               for share, matched in (sentence_copy_share(one, other), sentence_copy_share(other, one)))


# --- the lab's published example answers ------------------------------------------------------------------------
# The example students' answers and conclusions in the lab's test hand-ins (tests/fixtures) can be downloaded with the
# lab; tests/published_runs.py writes them into published_runs.json ("examples"), beside the published runs.


def published_example_runs(examples: list) -> dict[str, tuple[tuple[str, frozenset], ...]]:
    """Each published example answer's four-word runs (numbers aside), by answer id, with its example student."""
    found: dict[str, list] = defaultdict(list)
    for example in examples:
        if not isinstance(example, dict) or not isinstance(example.get("answers"), dict):
            continue
        student = str(example.get("student") or "?")[:80]
        for name, text in example["answers"].items():
            if isinstance(text, str) and is_written(text):
                found[str(name)].append((student, frozenset(shingles(normalised_words(text)))))
    return {name: tuple(runs) for name, runs in found.items()}


@cache
def _published_examples(path: str) -> dict[str, tuple[tuple[str, frozenset], ...]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        return {}
    examples = data.get("examples") if isinstance(data, dict) else None
    return published_example_runs(examples if isinstance(examples, list) else [])


def published_examples() -> dict[str, tuple[tuple[str, frozenset], ...]]:
    """The published example answers, from the list the published runs are in (``LABUTILS_PUBLISHED_RUNS``; none
    when it is empty, as in the lab's own tests, which grade its fixtures as students' runs)."""
    return _published_examples(os.environ.get(PUBLISHED_VARIABLE, str(PUBLISHED_RUNS)))


def published_example_share(name: str, text: str, evidence: str, examples: dict) -> tuple[float, str]:
    """The largest share of the answer's own four-word runs that one published example answer to the same question
    holds, and that example's student (0 for an answer too short to compare)."""
    runs = own_runs(name, text, evidence)
    if len(normalised_words(text)) < COPY_MIN_WORDS or len(runs) < PUBLISHED_MIN_RUNS:
        return 0.0, ""
    best = (0.0, "")
    for student, example in examples.get(name, ()):
        share = containment(runs, example)
        if share > best[0]:
            best = (share, student)
    return best


def _flag_published_examples(sub: Submission) -> None:
    """Flag each answer that is mostly one of the lab's published example answers. A hand-in that is itself one of
    the lab's published runs (its run id is) fails for that, and is not compared again."""
    run_ids, _ = published_runs()
    examples = published_examples() if sub.run_id.lower() not in run_ids else {}
    if not examples:
        return
    for name, text in sub.answers.items():
        if name in sub.unanswered or any(flag.startswith("mostly the lab's model answer")
                                         for flag in sub.answer_flags.get(name, [])):
            continue
        share, student = published_example_share(name, text, sub.answer_evidence.get(name, ""), examples)
        if share >= MODEL_COPY_SHARE:
            sub.flag("A804", name, f"{PUBLISHED_EXAMPLE} ({share:.0%} of its four-word runs are example student {student}'s, "
                           "from the lab's test hand-ins that anyone can download; numbers aside)")


SKETCH_RUNS, SKETCH_BAND = 8, 2  # each text's 8 least-hashed runs, in 4 bands of 2: near-copies share a band
MAX_BUCKET = 300  # texts per band compared pairwise at most (a class's worth); larger buckets are common phrasing


def _near_copies(texts: list[frozenset]) -> set[tuple[int, int]]:
    """Pairs of texts that may be near-copies of each other, however many texts share their runs: texts whose least
    hashed runs agree in a whole band (MinHash-style banding). Candidates only; the caller counts their shared runs."""
    buckets: dict[tuple, list[int]] = defaultdict(list)
    for index, runs in enumerate(texts):
        least = sorted(hashlib.blake2b(" ".join(run).encode("utf-8", "replace"), digest_size=8).digest() for run in runs)
        least = least[:SKETCH_RUNS]
        for start in range(0, len(least) - SKETCH_BAND + 1, SKETCH_BAND):
            buckets[(start, *least[start:start + SKETCH_BAND])].append(index)
    pairs = set()
    for indices in buckets.values():
        if 1 < len(indices) <= MAX_BUCKET:
            pairs.update(combinations(indices, 2))
    return pairs


def flag_shared_answers(subs: list[Submission], same_student) -> None:
    """Flag every answer that two or more students share (nearly) word for word, naming the others; never guess who
    wrote it first. Identical texts are grouped first, so a class that passed one answer round costs one comparison;
    a four-word run that many texts share is common phrasing, not a sign of copying, and is not paired. Two texts
    that share a run of their own are one answer when most of the shorter's runs are the other's, or when one is
    mostly the other's sentences (:func:`same_sentences`: reordered, a word changed every few words)."""
    by_question: dict[str, dict[frozenset, list[Submission]]] = defaultdict(lambda: defaultdict(list))
    for sub in subs:
        for name, text in sub.answers.items():
            if name in sub.unanswered:
                continue
            runs = _own_runs(sub, name, text)
            if len(runs) >= COPY_MIN_RUNS:
                by_question[name][runs].append(sub)
    for name, groups in by_question.items():
        texts, group_list = list(groups), list(groups.values())
        matches: dict[int, set[int]] = defaultdict(set)
        for index, group in enumerate(group_list):
            if len({same_student(sub) for sub in group}) > 1:
                matches[index].add(index)
        postings: dict[tuple, list[int]] = defaultdict(list)
        for index, runs in enumerate(texts):
            for run in runs:
                postings[run].append(index)
        common = max(COMMON_RUN_TEXTS, len(texts) // 10)
        shared: Counter = Counter()
        for indices in postings.values():
            if 1 < len(indices) <= common:
                shared.update(combinations(indices, 2))
        for a, b in _near_copies(texts):  # a ring of many students, whose runs all count as common phrasing above
            shared.setdefault((a, b), len(texts[a] & texts[b]))
        sentences: dict[int, tuple] = {}  # each text's own sentences, read for the pairs that need them
        for (a, b), count in shared.items():  # the pairs that share a run of their own at least
            if count >= COPY_MIN_RUNS and count / min(len(texts[a]), len(texts[b])) >= CLASSMATE_COPY_SHARE:
                same = True
            else:
                for index in (a, b):
                    if index not in sentences:
                        first = group_list[index][0]
                        sentences[index] = own_sentences(name, first.answers[name], first.answer_evidence.get(name, ""))
                same = same_sentences(sentences[a], sentences[b])
            if same:
                matches[a].add(b)
                matches[b].add(a)
        for index, others in matches.items():
            # every student whose text is this one or one near it, once each (a student's two files count once)
            members: dict[str, Submission] = {}
            for other_index in sorted(others | {index}):
                for other in group_list[other_index]:
                    members.setdefault(same_student(other), other)
            for sub in group_list[index]:
                own = same_student(sub)
                others_count = len(members) - (own in members)
                if not others_count:
                    continue
                named_subs = []
                for key, other in members.items():  # the first few others, in a stable order: linear per group
                    if key != own:
                        named_subs.append(other)
                        if len(named_subs) == NAMED_CLASSMATES:
                            break
                named = ", ".join(f"{other.student_name or '?'} ({other.roll_no or other.path})" for other in named_subs)
                more = f" and {others_count - len(named_subs)} more" if others_count > len(named_subs) else ""
                sub.flag("A805", name, f"the same answer as {named}{more} (word for word or nearly, or "
                               "sentence for sentence; the grader does not say who wrote it first)")
