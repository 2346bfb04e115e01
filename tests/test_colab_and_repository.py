"""Colab, simulated: what the setup cell would install there; and the repository address in one place."""

import importlib.util
import json
import os
import shlex
import shutil
import sys
import tomllib
import types
from importlib import metadata
from pathlib import Path

import pytest
from helpers import NOTEBOOKS, ROOT
from IPython.core.inputtransformer2 import TransformerManager

from labutils import artifacts, setup
from labutils.artifacts import ARTIFACTS_VARIABLE
from labutils.course import repository
from labutils.course.manifest import cell_source



def _compat_stacks():
    """The named stacks of benchmarks/compat.py; its "colab" stack is Colab's runtime as Colab publishes it
    (googlecolab/backend-info, updated 2026-08-19). Update it there when Colab moves."""
    spec = importlib.util.spec_from_file_location("compat", ROOT / "benchmarks" / "compat.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.STACKS


# The packages labutils names must already be on Colab at these versions or older, so pip installs nothing there
# but labutils (Colab runs the GPU build, "tensorflow", at the version the stack gives "tensorflow-cpu").
COLAB_PYTHON = _compat_stacks()["colab"]["python"]
COLAB_RUNTIME = {name.replace("tensorflow-cpu", "tensorflow"): version
                 for name, version in _compat_stacks()["colab"]["pins"].items()}
# Colab pins these itself; pip upgrading them breaks or restarts the runtime.
LEAVE_ALONE = {"tensorflow", "tensorflow-cpu", "keras", "numpy", "ipykernel", "ipython", "jupyter-client", "tornado",
               "pyzmq", "google-colab"}


class FakeShell:
    """Stands in for Colab's IPython: records the magics a cell would run instead of running them."""

    def __init__(self):
        self.magics = []

    def run_line_magic(self, name, line):
        self.magics.append((name, line))

    def system(self, command):
        self.magics.append(("!", command))


def setup_cell(path):
    notebook = json.loads(path.read_text())
    return next(cell_source(c) for c in notebook["cells"] if c["cell_type"] == "code" and "run_record = setup(" in cell_source(c))


def run_setup_cell(source, monkeypatch, on_colab):
    if on_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    shell = FakeShell()
    code = TransformerManager().transform_cell(source)
    namespace = {"get_ipython": lambda: shell}
    exec(compile(code, "setup-cell", "exec"), namespace)  # the lab's own cell, with a fake shell
    return shell.magics, namespace["run_record"]


def version_tuple(text):
    return tuple(int(part) for part in text.split(".")[:3] if part.isdigit())


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_on_colab_the_setup_cell_installs_only_labutils_from_the_repository(path, monkeypatch, capsys):
    magics, record = run_setup_cell(setup_cell(path), monkeypatch, on_colab=True)
    assert len(magics) == 1 and magics[0][0] == "pip", magics
    arguments = shlex.split(magics[0][1])
    repo = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]
    assert arguments == ["install", "--quiet", f"labutils @ git+{repo}"]  # no -U, no extras, nothing else
    out = capsys.readouterr().out
    assert record["platform"] == "colab" and "Google Colab" in out
    if not record["gpu"]:
        assert "Runtime > Change runtime type" in out, "a Colab user without a GPU is told how to get one"


def test_locally_the_setup_cell_installs_nothing(monkeypatch, capsys):
    magics, record = run_setup_cell(setup_cell(NOTEBOOKS[0]), monkeypatch, on_colab=False)
    assert magics == [] and record["platform"] == "local"
    assert "GPU:" in capsys.readouterr().out


def test_what_pip_would_install_on_colab_leaves_its_libraries_alone():
    """labutils' own requirements (the installed metadata pip reads), without extras."""
    base = [r for r in metadata.requires("labutils") or [] if "extra ==" not in r]
    names = {r.split(";")[0].split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip().lower() for r in base}
    assert not names & (LEAVE_ALONE - {"numpy"}), f"labutils must not pull {names & LEAVE_ALONE} on Colab"
    for requirement in base:
        assert "<" not in requirement and "==" not in requirement and "~=" not in requirement, requirement
        name, _, minimum = requirement.split(";")[0].partition(">=")
        name = name.strip().lower()
        assert name in COLAB_RUNTIME, f"{name} is not known to be on Colab; it would be installed there"
        assert version_tuple(minimum) <= version_tuple(COLAB_RUNTIME[name]), f"{requirement} would upgrade Colab's {name}"


def test_badges_and_install_lines_agree_with_the_one_address():
    assert repository.problems(ROOT) == []


@pytest.fixture
def lab_copy(tmp_path):
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    (tmp_path / "labutils" / "course").mkdir(parents=True)
    for name in ("lesson_manifest.json", "lesson_history.json"):
        shutil.copy(ROOT / "labutils" / "course" / name, tmp_path / "labutils" / "course")
    return tmp_path


def test_moving_the_repository_rewrites_every_badge(lab_copy):
    changed = repository.move(lab_copy, "https://github.com/new-home/lstm-lab.git")
    assert "pyproject.toml" in changed and "README.md" in changed and "labutils/course/lesson_manifest.json" in changed
    assert "labutils/course/lesson_history.json" in changed  # a new setup cell is a new version of the lesson
    assert repository.repository(lab_copy) == "new-home/lstm-lab"
    assert repository.problems(lab_copy) == []
    text = "".join(p.read_text() for p in (lab_copy / "notebooks").glob("*.ipynb")) + (lab_copy / "README.md").read_text()
    assert "lstm-imdb-lab/lstm-imdb-lab" not in text
    assert repository.move(lab_copy, "new-home/lstm-lab") == []  # a second run changes nothing


def test_a_stale_or_broken_badge_is_reported(lab_copy):
    notebook = lab_copy / "notebooks" / NOTEBOOKS[2].name
    notebook.write_text(notebook.read_text().replace(f"/notebooks/{NOTEBOOKS[2].name}", "/notebooks/03_old_name.ipynb"))
    readme = lab_copy / "README.md"
    readme.write_text(readme.read_text().replace("github/lstm-imdb-lab/lstm-imdb-lab/blob/main/notebooks/06",
                                                 "github/someone-else/fork/blob/main/notebooks/06"))
    found = "\n".join(repository.problems(lab_copy))
    assert f"{NOTEBOOKS[2].name}: the title's Colab badge" in found and "README.md: badge" in found


@pytest.mark.parametrize("bad", ["", "lstm-lab", "https://gitlab.com/a/b", "a/b/c", "a b/c"])
def test_a_bad_address_is_refused(bad):
    with pytest.raises(ValueError, match="not a GitHub repository"):
        repository.parse_repository(bad)


def test_colabs_python_and_tensorflow_are_within_what_the_lab_declares():
    """Colab's Python must satisfy requires-python, and its TensorFlow the lowest version the extras name."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lowest_python = project["requires-python"].removeprefix(">=")
    assert version_tuple(lowest_python) <= version_tuple(COLAB_PYTHON)
    lowest_tensorflow = project["optional-dependencies"]["tensorflow"][0].split(">=")[1]
    assert version_tuple(lowest_tensorflow) <= version_tuple(COLAB_RUNTIME["tensorflow"])


class FakeDrive:
    """google.colab.drive as a test sees it: ``mount`` makes the mount point's MyDrive folder, or is refused."""

    def __init__(self, refuse=False):
        self.refuse, self.mounted = refuse, []

    def mount(self, mountpoint, **_):
        if self.refuse:
            raise ValueError("mount failed: permission was not granted")
        self.mounted.append(mountpoint)
        (Path(mountpoint) / "MyDrive").mkdir(parents=True, exist_ok=True)


@pytest.fixture
def colab_runtime(monkeypatch, tmp_path):
    """A simulated Colab runtime: fake google.colab and google.colab.drive, Drive mounted under tmp_path."""
    from labutils import environment

    def start(drive):
        module = types.ModuleType("google.colab.drive")
        module.mount = drive.mount
        colab = types.ModuleType("google.colab")
        colab.drive = module
        monkeypatch.setitem(sys.modules, "google.colab", colab)
        monkeypatch.setitem(sys.modules, "google.colab.drive", module)
        monkeypatch.setattr(environment, "DRIVE_MOUNT", str(tmp_path / "content" / "drive"))
        monkeypatch.setenv(ARTIFACTS_VARIABLE, "unset-by-the-new-runtime")
        monkeypatch.delenv(ARTIFACTS_VARIABLE)  # a new runtime: nothing set, restored after the test
        monkeypatch.setattr(artifacts, "_model", None)
        monkeypatch.setattr(artifacts, "_model_folder", None)
        return drive

    return start


def tiny_model():
    import keras

    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])


def test_on_colab_with_drive_notebook_5_finds_the_model_notebook_4_kept(colab_runtime, tmp_path, capsys):
    drive = colab_runtime(FakeDrive())
    record = setup(keep_on_drive=True)  # notebook 4's setup cell
    folder = artifacts.save_trained_model(tiny_model(), {"loss": [0.5]}, [1.0])
    out = capsys.readouterr().out
    assert record["artifacts"] == "google-drive" and drive.mounted == [str(tmp_path / "content" / "drive")]
    assert folder.is_relative_to(tmp_path / "content" / "drive" / "MyDrive") and "kept in your Google Drive" in out

    colab_runtime(FakeDrive())  # notebook 5: a new runtime, Drive mounted again
    setup(keep_on_drive=True)
    loaded = artifacts.load_trained_model()
    assert loaded is not None and loaded[1] == {"loss": [0.5]}
    assert "Loaded the model trained in notebook 4" in capsys.readouterr().out


def test_on_colab_without_drive_the_notebook_says_it_will_train_again(colab_runtime, capsys):
    colab_runtime(FakeDrive())
    record = setup(keep_on_drive=False)  # notebooks 4 to 7 with the switch left off
    out = capsys.readouterr().out
    assert record["artifacts"] == "runtime" and ARTIFACTS_VARIABLE not in os.environ
    assert "train it again first" in out and "KEEP_ON_DRIVE = True" in out
    setup()  # a notebook without the switch (1-3, 8, 9) uses no saved model and says nothing about it
    assert "KEEP_ON_DRIVE" not in capsys.readouterr().out


def test_a_refused_drive_is_one_line_and_the_notebook_goes_on(colab_runtime, capsys):
    drive = colab_runtime(FakeDrive(refuse=True))
    record = setup(keep_on_drive=True)
    out = capsys.readouterr().out
    assert record["artifacts"] == "runtime" and drive.mounted == [] and ARTIFACTS_VARIABLE not in os.environ
    assert "Google Drive could not be used (ValueError: mount failed" in out and "Traceback" not in out


def test_locally_keep_on_drive_changes_nothing_and_says_so(monkeypatch, capsys):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    record = setup(keep_on_drive=True)
    assert record["artifacts"] == "runtime" and "only matters on Colab" in capsys.readouterr().out


def test_the_lowest_stack_is_what_the_lab_declares():
    """benchmarks/compat.py's "lowest" stack tries exactly the lower bounds pyproject.toml and the requirements name."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lowest = _compat_stacks()["lowest"]["pins"]
    for requirement in project["dependencies"] + project["optional-dependencies"]["tensorflow-cpu"]:
        name, _, minimum = requirement.partition(">=")
        pinned, bound = version_tuple(lowest[name.strip()]), version_tuple(minimum.strip())
        assert pinned >= bound and pinned[:2] == bound[:2], f"{requirement}: the lowest stack pins {pinned}"
    assert _compat_stacks()["lowest"]["python"] == project["requires-python"].removeprefix(">=")
