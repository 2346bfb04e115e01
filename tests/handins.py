"""Students' hand-ins for the grader's tests and benchmarks/grade_class.py (no pytest needed to import it).

The full-profile hand-in is kept zipped in tests/fixtures: it is data for the grader, executed notebooks with
their outputs, and committed notebooks are kept clean.
"""

import zipfile
from pathlib import Path

import nbformat

from labutils.course import catalogue, grade
from labutils.course.manifest import exercise_id
from labutils.exercises import registered

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FULL_RUN_ARCHIVE = FIXTURES / "full-run-hand-in.zip"

EXAMPLE_STUDENT = {"<your name>": "Asha Verma", "<your roll number>": "CS21-017",
                   "<e.g. VIIth Sem / IVth Year>": "VIIth Sem / IVth Year", "<e.g. 2025-2026 [ODD]>": "2026-2027 [ODD]",
                   "<YYYY-MM-DD>": "2026-11-24"}


def unpack_full_run(folder: Path) -> Path:
    """The six notebooks of the full-profile hand-in (Asha Verma, CS21-017), unpacked into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(FULL_RUN_ARCHIVE) as archive:
        archive.extractall(folder)
    return folder


def fill_identity(source_dir: Path, target_dir: Path, values: dict = EXAMPLE_STUDENT, solve: bool = False) -> Path:
    """Copies of the lab's notebooks with the identity cell filled in, as a student does before running them;
    with ``solve``, every exercise answered with its published solution too."""
    target_dir.mkdir(parents=True, exist_ok=True)
    for path in sorted(source_dir.glob("[0-9][0-9]_*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        cell = next(c for c in notebook.cells if c.cell_type == "code")
        for placeholder, value in values.items():
            cell.source = cell.source.replace(placeholder, value)
        if solve:
            for cell in notebook.cells:
                if exercise_id(cell):
                    cell.source = solved_source(cell.source, exercise_id(cell))
        nbformat.write(notebook, target_dir / path.name)
    return target_dir


def answer_line(source: str, answer_name: str) -> int:
    """The index of the exercise cell's ``answer_name = None`` line (the one a student replaces)."""
    lines = source.split("\n")
    found = [i for i, line in enumerate(lines) if line.startswith(f"{answer_name} = None")]
    if len(found) != 1:
        raise ValueError(f"expected one line `{answer_name} = None`, found {len(found)}")
    return found[0]


def solved_source(source: str, name: str) -> str:
    """An exercise cell with its ``answer = None`` line replaced by the published solution."""
    exercise = registered()[name]
    lines = source.split("\n")
    lines[answer_line(source, exercise.answer_name)] = exercise.solution
    return "\n".join(lines)


def build_class(hand_in: Path, folder: Path, students: int) -> int:
    """``students`` folders, each a copy of ``hand_in`` with its own name, roll number and run_id; returns the files."""
    sources = {path.name: path.read_text(encoding="utf-8") for path in sorted(hand_in.glob("*.ipynb"))}
    for number in range(students):
        student = folder / f"student{number:03d}"
        student.mkdir(parents=True)
        for name, text in sources.items():
            text = text.replace("CS21-017", f"CS21-{number:03d}").replace("Asha Verma", f"Student {number}")
            text = text.replace('\\"run_id\\": \\"', f'\\"run_id\\": \\"{number:04d}')  # inside the JSON string
            (student / name).write_text(text, encoding="utf-8")
    return students * len(sources)


def runner_ids() -> list[str]:
    """The practical's six notebooks, which every student hands in."""
    return grade.required_notebooks("practical", grade.load_manifest())


def smoke_run_ids() -> list[str]:
    """The practical's notebooks up to training (notebook 4)."""
    return [notebook.id for notebook in catalogue.NOTEBOOKS if notebook.part == "practical" and notebook.number <= 4]
