"""Shared pieces of the test suite."""

import ast
import json
import os
from pathlib import Path

import pytest

from labutils.course import catalogue

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = [ROOT / "notebooks" / notebook.file for notebook in catalogue.NOTEBOOKS]  # the lab's, in order

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



def notebook_constants(path: Path) -> dict[str, object]:
    """The plain constants (``NAME = literal``) a notebook assigns at the top level of its code cells."""
    constants = {}
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for node in ast.parse(python_source(source)).body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                constants.update({target.id: node.value.value for target in node.targets if isinstance(target, ast.Name)})
    return constants
