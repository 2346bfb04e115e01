"""Figures belong to the model that produced them: train twice, and nothing of the first model reaches the second's notebooks.

The session's smoke hand-in (notebooks 1-4, in ``tests/conftest.py``) trains the first model. Its test figures are
recorded here as notebook 5 records them, with values no real run prints. Then notebook 4 trains a second model
and notebook 6, the notebook that reads saved figures, runs on it.
"""

import json
import os
from pathlib import Path

import nbformat
import pytest
from helpers import NOTEBOOKS

from labutils import load_trained_model, runner, save_results
from labutils.artifacts import artifacts_dir, read_results_file
from labutils.environment import RUN_RECORD_PREFIX

FIRST_MODELS_FIGURES = {"test_accuracy": 0.1234, "test_loss": 9.8765, "precision": 0.2345, "recall": 0.3456,
                        "f1": 0.4567, "roc_auc": 0.5678, "conclusion": "A conclusion about the first model"}


def notebook(number):
    return next(path for path in NOTEBOOKS if path.name.startswith(f"{number:02d}_"))


def printed_text(path: Path) -> str:
    """Everything the executed notebook printed or displayed, as text."""
    parts = []
    for cell in nbformat.read(path, as_version=4).cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.extend(str(value) for key, value in output.get("data", {}).items() if key.startswith("text/"))
            parts.append(str(output.get("evalue", "")))
    return "\n".join(parts)


def run_record_id(path: Path) -> str:
    line = next(line for line in printed_text(path).splitlines() if line.startswith(RUN_RECORD_PREFIX))
    return json.loads(line[len(RUN_RECORD_PREFIX):])["run_id"]


@pytest.fixture(scope="module")
def second_run(smoke_hand_in, tmp_path_factory):
    """The first model's figures recorded, then notebooks 4 and 6 run again: ``(first run_id, executed folder, summary)``."""
    assert os.environ["LABUTILS_PROFILE"] == "smoke"
    first_model_run = json.loads((artifacts_dir() / "history.json").read_text())["model_run_id"]
    assert first_model_run == run_record_id(smoke_hand_in / notebook(4).name)
    assert load_trained_model() is not None  # as notebook 5 does, then it saves its figures
    save_results(**FIRST_MODELS_FIGURES)
    assert read_results_file()["model_run_id"] == first_model_run
    out = tmp_path_factory.mktemp("second-model")
    summary = runner.run([notebook(4), notebook(6)], out, "smoke", log=lambda *_: None)
    return first_model_run, out, summary


def test_notebook_4_names_its_new_model_and_clears_the_old_figures(second_run):
    first_model_run, out, _ = second_run
    second_model_run = run_record_id(out / notebook(4).name)
    assert second_model_run != first_model_run
    printed = printed_text(out / notebook(4).name)
    assert f"Saved the trained model (training run {second_model_run})" in printed
    assert "The results saved there for an earlier model were cleared" in printed


def test_notebook_6_reads_no_figure_of_the_first_model(second_run):
    first_model_run, out, _ = second_run
    second_model_run = run_record_id(out / notebook(4).name)
    printed = printed_text(out / notebook(6).name)
    assert f"Loaded the model trained in notebook 4 (training run {second_model_run})" in printed
    assert "Notebook 5's test results for this model were not found, so the model is evaluated" in printed
    assert "precision      not computed for this model: run notebook 5" in printed
    for executed in (out / notebook(4).name, out / notebook(6).name):
        text = printed_text(executed)
        leaked = [f"{key}={value}" for key, value in FIRST_MODELS_FIGURES.items() if str(value) in text]
        assert not leaked, f"{executed.name} shows figures of the first model: {leaked}"


def test_the_run_summary_describes_the_second_model_only(second_run):
    first_model_run, out, summary = second_run
    assert summary["model_run_id"] == run_record_id(out / notebook(4).name) != first_model_run
    assert not [key for key, value in FIRST_MODELS_FIGURES.items() if summary.get(key) == value]
    assert "precision" not in summary and summary["test_accuracy"] != FIRST_MODELS_FIGURES["test_accuracy"]
