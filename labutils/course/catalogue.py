"""The lab's notebooks, named once: file, number, id and part (the practical, or beyond it).

The runner, the manifest, the repository command, the grader and the tests all
ask this module which files are the lab's notebooks and which one "3" is. Each
notebook's ``metadata.labutils`` carries the same id and part, for a hand-in
that is read without this package; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

NOTEBOOK_PATTERN = "[0-9][0-9]_*.ipynb"  # how a numbered notebook's file name looks
ID_PREFIX = "lstm-imdb/"
PARTS = ("practical", "beyond")


@dataclass(frozen=True)
class LabNotebook:
    number: int
    stem: str  # the file name without .ipynb
    part: str  # "practical" (the university practical's six) or "beyond"

    @property
    def file(self) -> str:
        return f"{self.stem}.ipynb"

    @property
    def id(self) -> str:
        return ID_PREFIX + self.stem


NOTEBOOKS = (
    LabNotebook(1, "01_lstm_theory_and_gates", "practical"),
    LabNotebook(2, "02_data_loading_and_padding", "practical"),
    LabNotebook(3, "03_model_build_and_summary", "practical"),
    LabNotebook(4, "04_training_with_validation_split", "practical"),
    LabNotebook(5, "05_test_evaluation_and_confusion_matrix", "practical"),
    LabNotebook(6, "06_viva_voce", "practical"),
    LabNotebook(7, "07_gates_inside_the_trained_lstm", "beyond"),
    LabNotebook(8, "08_architectures_compared", "beyond"),
    LabNotebook(9, "09_faster_and_better", "beyond"),
)
BY_ID = {notebook.id: notebook for notebook in NOTEBOOKS}


def notebooks_dir() -> Path:
    """``notebooks/`` of the checkout holding this package (or of the current folder)."""
    here = Path(__file__).resolve().parents[2] / "notebooks"
    return here if here.is_dir() else Path.cwd() / "notebooks"


def numbered_files(folder: Path) -> list[Path]:
    """The numbered notebooks in ``folder``, in order (a student's copies, or the lab's own)."""
    return sorted(folder.glob(NOTEBOOK_PATTERN))


def number_of(name: str) -> int | None:
    """The number a notebook's file name, stem or id starts with (``04_...`` -> 4), or None."""
    stem = name.rsplit("/", 1)[-1]
    return int(stem[:2]) if stem[:2].isdigit() and stem[2:3] == "_" else None


def matches(item: str, name: str) -> bool:
    """Whether ``item`` (a number like ``3`` or ``03``, a file name, a stem or an id) names the notebook ``name``."""
    item = item.strip()
    if item.isdigit():
        return number_of(name) == int(item)
    stem = name.rsplit("/", 1)[-1].removesuffix(".ipynb")
    return item in (name, stem, stem + ".ipynb", ID_PREFIX + stem)


def ids(part: str | None = None) -> tuple[str, ...]:
    """The ids of the lab's notebooks, in order; only those of ``part`` when given."""
    return tuple(notebook.id for notebook in NOTEBOOKS if part is None or notebook.part == part)
