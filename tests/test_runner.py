"""labutils.runner: `python -m labutils run`, the command behind `make lab`."""

import json
import re
import shutil

import nbformat
import pytest

from labutils.course import catalogue, cli, runner
from labutils.profiles import PROFILES


def write_notebook(path, *sources):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)
    return path


@pytest.fixture
def folder(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    write_notebook(notebooks / "01_first.ipynb", "print('one')")
    write_notebook(
        notebooks / "02_second.ipynb",
        "import keras\nfrom labutils import save_results, save_trained_model\n"
        "save_trained_model(keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)]), {'loss': [1.0]})\n"
        "save_results(test_accuracy=0.9)",
        "x = 2",
    )
    write_notebook(notebooks / "03_broken.ipynb", "ok = 1", "1 / 0", "never = 1")
    (notebooks / "scratch.ipynb").write_text("{}")  # not a numbered notebook
    return notebooks


def test_lab_notebooks_are_the_numbered_ones_in_order(folder):
    assert [p.name for p in runner.lab_notebooks(folder)] == ["01_first.ipynb", "02_second.ipynb", "03_broken.ipynb"]


def test_select_notebooks_by_number_name_or_path(folder):
    assert [p.name for p in runner.select_notebooks(folder, ["2", "01_first.ipynb"])] == ["02_second.ipynb", "01_first.ipynb"]
    assert runner.select_notebooks(folder, [str(folder / "03_broken.ipynb")])[0].name == "03_broken.ipynb"
    with pytest.raises(SystemExit, match="No notebook matches '9'"):
        runner.select_notebooks(folder, ["9"])


def test_run_executes_writes_copies_and_results(folder, tmp_path, monkeypatch):
    monkeypatch.setenv("LABUTILS_ARTIFACTS_DIR", str(tmp_path / "artifacts"))
    lines = []
    summary = runner.run(runner.select_notebooks(folder, ["1", "2"]), tmp_path / "out", "smoke", log=lines.append)
    executed = nbformat.read(tmp_path / "out" / "01_first.ipynb", as_version=4)
    assert executed.cells[0].outputs[0]["text"] == "one\n"
    assert executed.cells[0].execution_count == 1
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert results == summary
    assert results["profile"] == "smoke" and results["test_accuracy"] == 0.9
    assert set(results["notebooks"]) == {"01_first.ipynb", "02_second.ipynb"}
    assert results["peak_memory_mib"] > 0 and results["wall_seconds"] > 0 and "tensorflow" in results["versions"]
    assert any("02_second: cell 2/2 done" in line for line in lines)


def test_run_stops_at_the_first_failing_cell_and_names_it(folder, tmp_path):
    with pytest.raises(runner.NotebookFailed) as caught:
        runner.run(runner.select_notebooks(folder, ["3"]), tmp_path / "out", "smoke", log=lambda line: None)
    assert caught.value.cell_number == 2 and "ZeroDivisionError" in caught.value.error
    partial = nbformat.read(tmp_path / "out" / "03_broken.ipynb", as_version=4)
    assert partial.cells[2].get("execution_count") is None  # nothing ran after the failure


def test_main_reports_failure_and_success(folder, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LABUTILS_ARTIFACTS_DIR", str(tmp_path / "artifacts"))
    assert cli.main(["run", "3", "--notebooks-dir", str(folder), "--out", str(tmp_path / "o")]) == 1
    assert "FAILED in 03_broken.ipynb, code cell 2" in capsys.readouterr().err
    assert cli.main(["run", "1", "--profile", "smoke", "--html", "--notebooks-dir", str(folder), "--out", str(tmp_path / "o")]) == 0
    assert "All 1 notebook(s) ran" in capsys.readouterr().out
    html = (tmp_path / "o" / "01_first.html").read_text()
    assert html.lstrip().lower().startswith("<!doctype html") and "one" in html  # the HTML copy for hand-in
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli.main(["run", "--notebooks-dir", str(empty)]) == 2


def test_installed_versions_reads_metadata_only():
    versions = runner.installed_versions()
    assert versions["tensorflow"] != "not installed" and versions["keras"].startswith("3.")


def test_manifest_command_and_the_committed_manifest_is_current(tmp_path, monkeypatch, capsys):
    from labutils.course import manifest

    target, history = tmp_path / "manifest.json", tmp_path / "history.json"
    shutil.copy(manifest.HISTORY_PATH, history)
    monkeypatch.setattr(manifest, "MANIFEST_PATH", target)
    monkeypatch.setattr(manifest, "HISTORY_PATH", history)
    monkeypatch.setattr(manifest.write_manifest, "__defaults__", (target, history))
    assert cli.main(["manifest"]) == 0
    notebooks = len(runner.lab_notebooks(catalogue.notebooks_dir()))
    out = capsys.readouterr().out
    assert f"{notebooks} notebooks" in out and "stamped" not in out, "the notebooks do not carry the current version"
    stale = "is out of date: run `python -m labutils manifest` after editing a notebook"
    assert target.read_text() == (catalogue.notebooks_dir().parent / "labutils/course/lesson_manifest.json").read_text(), (
        "labutils/course/lesson_manifest.json " + stale)
    assert json.loads(history.read_text()) == json.loads(
        (catalogue.notebooks_dir().parent / "labutils/course/lesson_history.json").read_text()), (
        "labutils/course/lesson_history.json " + stale)


def test_executed_copies_keep_their_figures_even_with_a_headless_backend_exported(tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")  # as a CI script or a server shell might set it
    monkeypatch.setenv("LABUTILS_ARTIFACTS_DIR", str(tmp_path / "artifacts"))
    folder = tmp_path / "nb"
    folder.mkdir()
    write_notebook(folder / "01_plot.ipynb", "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()")
    runner.run(runner.lab_notebooks(folder), tmp_path / "out", "smoke", log=lambda line: None)
    outputs = nbformat.read(tmp_path / "out" / "01_plot.ipynb", as_version=4).cells[0].outputs
    assert any("image/png" in output.get("data", {}) for output in outputs)


def test_a_long_cell_shows_each_epoch_and_a_heartbeat_while_it_is_quiet(tmp_path):
    """What a person watching `make lab` sees while notebook 4's fit runs: Keras' epoch lines, and a sign of life."""
    notebook = write_notebook(
        tmp_path / "04_training.ipynb",
        "import sys, time\n"
        "for epoch in (1, 2):\n"
        "    print(f'Epoch {epoch}/2', flush=True)\n"
        "    for step in (1, 5, 10):\n"
        "        print(f'{step}/10 - 1s - 9ms/step - accuracy: 0.{epoch}000 - loss: 0.7', end='\\r', flush=True)\n"
        "    print(flush=True)\n"
        "    time.sleep(1.5)\n"
        "print('a line the notebook keeps to itself')",
    )
    lines = []
    runner.execute_notebook(notebook, tmp_path / "out.ipynb", log=lines.append, heartbeat=0.5)
    shown = [line.strip() for line in lines]
    assert "04_training cell 1/1: Epoch 1/2: 10/10 - 1s - 9ms/step - accuracy: 0.1000 - loss: 0.7" in shown
    assert "04_training cell 1/1: Epoch 2/2: 10/10 - 1s - 9ms/step - accuracy: 0.2000 - loss: 0.7" in shown
    assert not any("5/10" in line or "keeps to itself" in line for line in shown), "only each epoch's last line"
    assert any(line.startswith("04_training cell 1/1: still running (") for line in shown)
    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert "keeps to itself" in "".join(output.get("text", "") for output in executed.cells[0].outputs)


def test_progress_passes_partial_lines_on_once_they_are_complete():
    lines = []
    progress = runner.CellProgress(lines.append, every=0)
    progress.start_cell("nb cell 3/9")
    for piece in ["Epo", "ch 3/5\n313/313 - 69s - 219ms/step - accura", "cy: 0.8656 - loss: 0.3266\n"]:
        progress.feed(piece)
    assert lines == ["    nb cell 3/9: Epoch 3/5: 313/313 - 69s - 219ms/step - accuracy: 0.8656 - loss: 0.3266"]


def test_only_the_alarming_but_harmless_lines_are_dropped():
    from labutils.environment import without_noise

    noise = ("WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
             "I0000 00:00:1795636543.275279   16519 port.cc:153] oneDNN custom operations are on. You may see ...\n"
             "E0000 00:00:17.1 cuda_executor.cc:1228] INTERNAL: CUDA error: Failed call to cuInit: UNKNOWN ERROR (303)\n"
             "W0000 cuda_dnn.cc:8579] Unable to register cuDNN factory: Attempting to register factory for plugin\n"
             "[IPKernelApp] WARNING | Kernel is running over TCP without encryption. All communication ...\n")
    real = "E0000 00:00:17.2 some_op.cc:12] OOM when allocating tensor with shape[64,200,512]\nTraceback (most recent call last):\n"
    assert without_noise(noise + real) == real


def test_executed_notebooks_carry_no_tensorflow_start_up_noise(smoke_run):
    """A teacher opening a hand-in sees no red start-up lines: setup() imports TensorFlow with them filtered."""
    from labutils.environment import ALARMING_NOISE

    for path in sorted(smoke_run.executed.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                if output.get("name") == "stderr":
                    assert not ALARMING_NOISE.search(output["text"]), f"{path.name}: {output['text'][:200]}"


def test_notebook_4_saves_one_finished_progress_line_and_one_log_line_per_epoch(smoke_run):
    """The epoch timer's progress line is updated in place while notebook 4 trains (issue 36); nbclient, like
    JupyterLab (tests/test_browser.py), saves only its last state, and Keras' log keeps one line per epoch."""
    notebook = nbformat.read(smoke_run.executed / "04_training_with_validation_split.ipynb", as_version=4)
    fit_cell = next(cell for cell in notebook.cells if "history = model.fit(" in cell.source)
    shown = [output for output in fit_cell.outputs if output.output_type == "display_data"]
    epochs = PROFILES["smoke"].max_epochs
    assert len(shown) == 1 and shown[0].data["text/plain"].startswith(f"training done: {epochs} of {epochs} epochs in "), shown
    log = "".join(output.text for output in fit_cell.outputs if output.get("name") == "stdout")
    assert len(re.findall(r"^\d+/\d+ - \d+s - ", log, re.M)) == epochs and "\r" not in log and "\b" not in log, log
