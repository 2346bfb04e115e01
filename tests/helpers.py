"""Shared pieces of the test suite."""

import os
from pathlib import Path

import nbformat

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

EXPECTED_FIRST_REVIEW = [1, 14, 22, 16, 43, 530, 973, 1622, 1385, 65, 458, 4468]


def shared_data_dir() -> Path:
    """The offline IMDb folder; in CI its absence is a failure, elsewhere a skip."""
    value = os.environ.get("LABUTILS_DATA_DIR", "")
    folder = Path(value) if value else ROOT.parent / "shared" / "data"
    if not (folder / "imdb.npz").is_file():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the offline IMDb data, not found in {folder}")
        pytest.skip(f"offline IMDb data not found in {folder}")
    return folder


def python_source(text: str) -> str:
    """Notebook cell source with IPython magics (%pip, !cmd) replaced by `pass`, ready for ast."""
    lines = []
    for line in text.splitlines():
        stripped = line.lstrip()
        lines.append(line[: len(line) - len(stripped)] + "pass" if stripped.startswith(("%", "!")) else line)
    return "\n".join(lines)


EXAMPLE_STUDENT = {"<your name>": "Asha Verma", "<your roll number>": "CS21-017",
                   "<e.g. VIIth Sem / IVth Year>": "VIIth Sem / IVth Year", "<e.g. 2025-2026 [ODD]>": "2026-2027 [ODD]",
                   "<YYYY-MM-DD>": "2026-11-24"}


def fill_identity(source_dir: Path, target_dir: Path, values: dict = EXAMPLE_STUDENT) -> Path:
    """Copies of the lab's notebooks with the identity cell filled in, as a student does before running them."""
    target_dir.mkdir(parents=True, exist_ok=True)
    for path in sorted(source_dir.glob("[0-9][0-9]_*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        cell = next(c for c in notebook.cells if c.cell_type == "code")
        for placeholder, value in values.items():
            cell.source = cell.source.replace(placeholder, value)
        nbformat.write(notebook, target_dir / path.name)
    return target_dir
