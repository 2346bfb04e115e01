"""How hard a notebook's prose is to read: words, words per sentence, share of long sentences.

The measure of issue 34, counted as a reader counts: markdown cells only; fenced code, inline code, `$...$` and
`$$...$$` maths, HTML tags, link targets and headings removed (a link's text stays); a sentence ends at `.`, `!`
or `?` followed by a space, at a blank line, at a list item and at a table cell; words are runs of letters;
sentences under 3 words (labels, table cells of figures) are ignored.

`python tests/readability.py` prints the table for every notebook; tests/test_readability.py holds the limits.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
from pathlib import Path
from typing import NamedTuple

LONG_SENTENCE = 35  # words
MAX_MEAN_WORDS = 18  # per sentence, per notebook
MAX_LONG_SHARE = 0.05  # of a notebook's sentences


class Readability(NamedTuple):
    words: int
    sentences: int
    mean_words: float  # per sentence
    long_share: float  # sentences over LONG_SENTENCE words
    longest: tuple[str, ...]  # the long sentences themselves, to rewrite


def markdown_text(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")


def prose(markdown: str) -> str:
    """What a reader reads as sentences: no code, maths, tags, link targets or headings."""
    text = re.sub(r"```.*?```", "\n\n", markdown, flags=re.S)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"(?<!\\)\$[^$\n]+?(?<!\\)\$", " ", text)
    text = re.sub(r"`[^`\n]*`", " ", text)
    text = re.sub(r"<[^>\n]+>", " ", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s*#.*$", "\n", text, flags=re.M)
    return text


def sentences(markdown: str) -> list[str]:
    text = prose(markdown)
    text = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "\n\n", text, flags=re.M)  # a list item starts a sentence
    text = text.replace("|", "\n\n")  # so does a table cell
    pieces = re.split(r"\n\s*\n|(?<=[.!?])\s+", text)
    return [" ".join(piece.split()) for piece in pieces if len(words_of(piece)) >= 3]


def words_of(sentence: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", sentence)


def measure(markdown: str) -> Readability:
    found = sentences(markdown)
    counts = [len(words_of(sentence)) for sentence in found]
    long = tuple(sentence for sentence, count in zip(found, counts) if count > LONG_SENTENCE)
    return Readability(sum(counts), len(counts), statistics.fmean(counts) if counts else 0.0,
                       len(long) / len(counts) if counts else 0.0, long)


def main(paths: list[str]) -> None:
    root = Path(__file__).resolve().parent.parent
    notebooks = [Path(p) for p in paths] or sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    print(f"{'notebook':<45} {'words':>6} {'sentences':>9} {'words/sentence':>14} {'over 35':>8}")
    for notebook in notebooks:
        result = measure(markdown_text(notebook))
        print(f"{notebook.name:<45} {result.words:>6} {result.sentences:>9} {result.mean_words:>14.1f} "
              f"{result.long_share:>8.1%}")


if __name__ == "__main__":
    main(sys.argv[1:])
