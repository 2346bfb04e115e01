"""Two rooms: labutils/ is what notebook cells import; labutils/course/ holds the tools around the notebooks.

The direction is one way: course tools import from labutils, never the reverse, and no notebook imports a course
tool. The grader must start with the standard library alone (a teacher's `pip install` of labutils, Windows
included), and the package must ship every module and the lesson manifest.
"""

import ast
import glob
import importlib.util
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers import NOTEBOOKS, ROOT, python_source

PACKAGE = ROOT / "labutils"
COMMAND_ENTRIES = {"__main__.py", "grade.py"}  # `python -m labutils ...` and the old `python -m labutils.grade`
NOTEBOOK_ROOM = sorted(path for path in PACKAGE.glob("*.py") if path.name not in COMMAND_ENTRIES)


def imported_modules(source: str, package: str) -> set[str]:
    """Absolute names of everything ``source`` (a module of ``package``) imports."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", NOTEBOOK_ROOM, ids=lambda p: p.name)
def test_the_notebooks_room_never_imports_the_course_tools(path):
    imports = imported_modules(path.read_text(encoding="utf-8"), "labutils")
    assert not [name for name in imports if name.startswith("labutils.course")], f"{path.name} imports a course tool"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_import_only_the_notebooks_room(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = "\n".join(python_source("".join(c["source"])) for c in cells if c["cell_type"] == "code")
    imports = imported_modules(code, "")
    assert not [name for name in imports if name.startswith("labutils.course")]


def test_the_grader_loads_neither_numpy_nor_matplotlib():
    probe = ("import sys, labutils.course.grade, labutils.course.cli; "
             "print(sorted(m for m in ('numpy', 'matplotlib', 'keras', 'tensorflow', 'nbformat') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "[]"


def test_the_old_grade_command_still_works_and_importing_it_loads_no_course_tool():
    result = subprocess.run([sys.executable, "-P", "-m", "labutils.grade", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "--min-accuracy" in result.stdout
    probe = "import sys, labutils.grade; print(any(m.startswith('labutils.course') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout.strip() == "False"


def test_one_command_line_names_every_course_tool():
    result = subprocess.run([sys.executable, "-m", "labutils", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0
    for command in ("run", "grade", "manifest", "repository"):
        assert f"\n    {command} " in result.stdout
    grade_help = subprocess.run([sys.executable, "-m", "labutils", "grade", "--help"], capture_output=True, text=True,
                                cwd=ROOT)
    assert grade_help.returncode == 0 and "--min-accuracy" in grade_help.stdout


def test_the_package_ships_every_module_and_the_lesson_manifest(tmp_path):
    isolation = [] if importlib.util.find_spec("setuptools") is None else ["--no-build-isolation"]  # 3.12+ venvs lack it
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-q", "-w", str(tmp_path),
                            str(ROOT)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    names = set(zipfile.ZipFile(glob.glob(str(tmp_path / "*.whl"))[0]).namelist())
    expected = {path.relative_to(ROOT).as_posix() for path in PACKAGE.rglob("*") if path.suffix in (".py", ".json")
                and "__pycache__" not in path.parts}
    assert expected <= names, f"missing from the wheel: {sorted(expected - names)}"
    assert "labutils/course/lesson_manifest.json" in expected
    entry_points = next(name for name in names if name.endswith("entry_points.txt"))
    assert "labutils = labutils.course.cli:main" in zipfile.ZipFile(glob.glob(str(tmp_path / "*.whl"))[0]).read(
        entry_points).decode()


def test_every_reason_code_is_documented_given_and_listed_in_the_readme():
    """One rule, one code, one line of documentation (labutils/course/grade/rules.py), one home in the grader's code,
    and README.md's table made from it. (That the tests produce every code is checked by tests/conftest.py at the end
    of a whole test session.)"""
    from labutils.course.grade.rules import RULES, markdown_table
    given = {}
    for path in sorted((PACKAGE / "course" / "grade").glob("*.py")):
        if path.name != "rules.py":
            for code in re.findall(r'\.(?:fail|flag)\(\s*"([A-Z]\d{3})"|"([A-Z]\d{3})",\s*\n?\s*lambda', path.read_text(encoding="utf-8")):
                code = code[0] or code[1]
                given.setdefault(code, set()).add(path.name)
    assert set(given) == set(RULES), (sorted(set(RULES) - set(given)), sorted(set(given) - set(RULES)))
    assert all(len(files) == 1 for files in given.values()), {code: files for code, files in given.items() if len(files) > 1}
    assert all(len(text) <= 120 and "\n" not in text for text in RULES.values())
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme, "paste labutils.course.grade.rules.markdown_table() into README.md"
