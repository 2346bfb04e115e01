"""pyproject.toml, the requirements files, environment.yml and the notebooks' imports agree."""

import ast
import json
import re
import sys
import tomllib

from helpers import NOTEBOOKS, ROOT, python_source

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# import name -> the distribution that provides it
PROVIDED_BY = {"keras": "tensorflow", "tensorflow": "tensorflow", "sklearn": "scikit-learn",
               "IPython": "ipykernel", "labutils": "labutils"}


def requirement_name(requirement):
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0].lower()


def environment_yml():
    """(conda packages, pip packages) of environment.yml, as {name: specifier line}."""
    conda, pip, in_pip = {}, {}, False
    text = (ROOT / "environment.yml").read_text()
    for raw in text.split("\ndependencies:", 1)[1].splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if line.strip() == "- pip:":
            in_pip = True
            continue
        match = re.match(r"^(\s*)- (\S.*)$", line)
        if not match:
            continue
        target = pip if in_pip and len(match.group(1)) > 2 else conda
        item = match.group(2).strip()
        target[requirement_name(item)] = item
    return conda, pip


def declared():
    """Every distribution the lab declares: dependencies, extras, and TensorFlow."""
    names = {requirement_name(r): r for r in PYPROJECT["dependencies"]}
    for extra in ("lab", "test", "tensorflow"):
        names.update({requirement_name(r): r for r in PYPROJECT["optional-dependencies"][extra]})
    return names


def test_labutils_never_pulls_tensorflow_keras_or_numpy_upgrades():
    names = {requirement_name(r) for r in PYPROJECT["dependencies"]}
    assert not names & {"tensorflow", "tensorflow-cpu", "keras"}, "Colab's TensorFlow must be left alone"
    for requirement in PYPROJECT["dependencies"]:
        assert "<" not in requirement and "==" not in requirement, f"only lower bounds: {requirement}"


def test_environment_yml_matches_pyproject():
    conda, pip = environment_yml()
    conda.pop("python"), conda.pop("pip")
    from_env = {**conda, **{name: spec for name, spec in pip.items() if name != "-e"}}
    expected = declared()
    assert set(from_env) == set(expected)
    for name, specifier in expected.items():
        assert from_env[name].replace(" ", "") == specifier.replace(" ", ""), f"{name}: versions differ"
    assert "-e" in pip, "environment.yml installs labutils itself"


def test_requirements_files_name_the_right_tensorflow():
    def lines(name):
        return [l.strip() for l in (ROOT / name).read_text().splitlines() if l.strip() and not l.startswith("#")]

    assert "tensorflow>=2.20" in lines("requirements.txt") and "-e .[lab]" in lines("requirements.txt")
    assert "tensorflow>=2.20" in lines("requirements-dev.txt") and "-e .[lab,test]" in lines("requirements-dev.txt")
    # CI runs the suite on tensorflow-cpu, then the start-up check with requirements-dev.txt (the package students get)
    assert "tensorflow-cpu>=2.20" in lines("requirements-ci.txt") and "-e .[lab,test]" in lines("requirements-ci.txt")
    makefile = (ROOT / "Makefile").read_text()
    assert "make ci" in (ROOT / ".ci" / "run").read_text()
    assert "TEST_REQUIREMENTS=requirements-ci.txt" in makefile and "-k start_up_noise" in makefile


def test_every_import_is_declared():
    imported = set()
    sources = [json.loads(p.read_text()) for p in NOTEBOOKS]
    code = ["".join(c["source"]) for nb in sources for c in nb["cells"] if c["cell_type"] == "code"]
    code += [p.read_text() for p in (ROOT / "labutils").glob("*.py")]
    for text in code:
        for node in ast.walk(ast.parse(python_source(text))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.split(".")[0])
    # google.colab is Colab's own module: setup(keep_on_drive=True) imports it only when running there
    third_party = {name for name in imported if name not in sys.stdlib_module_names} - {"google"}
    names = set(declared()) | {"labutils"}
    missing = {m for m in third_party if PROVIDED_BY.get(m, m).lower() not in names}
    assert not missing, f"imported but not declared in pyproject.toml: {sorted(missing)}"


def test_readme_lists_every_notebook_with_a_badge_and_the_quick_start():
    readme = (ROOT / "README.md").read_text()
    for path in NOTEBOOKS:
        assert f"notebooks/{path.name}" in readme
        assert f"colab.research.google.com/github/{PYPROJECT['urls']['Repository'].removeprefix('https://github.com/')}/blob/main/notebooks/{path.name}" in readme
    assert "make lab" in readme and "make test" in readme
