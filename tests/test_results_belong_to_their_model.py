"""Figures belong to the model that produced them: train twice, and nothing of the first model reaches the second's notebooks.

The session's smoke run (notebooks 1-4, ``tests/conftest.py``) trains model A. Its test figures are recorded here as
notebook 5 records them, with values no real run prints. Notebook 4 then trains model B. A notebook-5 kernel that
still holds A cannot save over B's record, and when A's record is put back beside B (a folder copied from an
older run), notebook 6 on B sets it aside and evaluates B itself.
"""

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from helpers import NOTEBOOKS

from labutils import ResultsError, artifacts, load_trained_model, save_results
from labutils.artifacts import ARTIFACTS_VARIABLE, artifacts_dir
from labutils.course import runner
from labutils.environment import RUN_RECORD_PREFIX

FIRST_MODELS_FIGURES = {"test_accuracy": 0.1111, "test_loss": 9.8765, "precision": 0.2222, "recall": 0.3333,
                        "f1": 0.4444, "roc_auc": 0.0555, "conclusion": "A conclusion about the first model"}


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


def first_models_figures_in(text: str) -> list[str]:
    """The first model's figures that ``text`` shows, matched as whole numbers (0.1111, not 0.11115)."""
    return [f"{key}={value}" for key, value in FIRST_MODELS_FIGURES.items()
            if re.search(rf"(?<![\d.]){re.escape(str(value))}(?![\d])", text)]


def run_record_id(path: Path) -> str:
    line = next(line for line in printed_text(path).splitlines() if line.startswith(RUN_RECORD_PREFIX))
    return json.loads(line[len(RUN_RECORD_PREFIX):])["run_id"]


@pytest.fixture(scope="module")
def second_run(smoke_run, tmp_path_factory):
    """Everything above, in order; ``(model A's run_id, executed folder, run summary, the refusal)``."""
    out = tmp_path_factory.mktemp("second-model")
    own_artifacts = shutil.copytree(smoke_run.artifacts, tmp_path_factory.mktemp("second-model-artifacts") / "copy")
    with pytest.MonkeyPatch.context() as patch:  # model B goes into a copy: the shared smoke run keeps model A
        patch.setenv(ARTIFACTS_VARIABLE, str(own_artifacts))
        patch.setenv("LABUTILS_PROFILE", "smoke")
        patch.setattr(artifacts, "_model", None)
        patch.setattr(artifacts, "_model_folder", None)
        folder = artifacts_dir()
        model_a = json.loads((folder / "history.json").read_text())
        assert model_a["model_run_id"] == run_record_id(smoke_run.executed / notebook(4).name)
        assert load_trained_model() is not None  # notebook 5's kernel holds model A, and saves its figures
        save_results(**FIRST_MODELS_FIGURES)

        runner.run([notebook(4)], out, "smoke", log=lambda *_: None)  # model B
        with pytest.raises(ResultsError) as refusal:  # notebook 5's kernel, late
            save_results(test_accuracy=FIRST_MODELS_FIGURES["test_accuracy"])
        a_record = {key: model_a[key] for key in ("model_id", "model_run_id", "profile")}
        (folder / "results.json").write_text(json.dumps({**a_record, **FIRST_MODELS_FIGURES}))
        summary = runner.run([notebook(6)], out, "smoke", log=lambda *_: None)
    return model_a["model_run_id"], out, summary, str(refusal.value)


def test_notebook_4_names_its_new_model_and_clears_the_old_figures(second_run):
    first_model_run, out, _, _ = second_run
    second_model_run = run_record_id(out / notebook(4).name)
    assert second_model_run != first_model_run
    printed = printed_text(out / notebook(4).name)
    assert f"Saved the trained model (training run {second_model_run})" in printed
    assert "The results saved there for an earlier model were cleared" in printed
    assert not first_models_figures_in(printed)


def test_a_kernel_holding_the_first_model_cannot_save_over_the_second(second_run):
    _, out, _, refusal = second_run
    assert f"was trained again (training run {run_record_id(out / notebook(4).name)})" in refusal


def test_notebook_6_sets_the_first_models_figures_aside_and_evaluates_its_own(second_run):
    first_model_run, out, _, _ = second_run
    second_model_run = run_record_id(out / notebook(4).name)
    printed = printed_text(out / notebook(6).name)
    assert f"Loaded the model trained in notebook 4 (training run {second_model_run})" in printed
    assert f"the saved results belong to another model (training run {first_model_run}); they are not used" in printed
    assert "Notebook 5's test results for this model were not found, so the model is evaluated" in printed
    assert "precision      not computed for this model: run notebook 5" in printed
    assert not first_models_figures_in(printed), "notebook 6 shows figures of the first model"


def test_the_run_summary_describes_the_second_model_only(second_run):
    first_model_run, out, summary, _ = second_run
    assert summary["model_run_id"] == run_record_id(out / notebook(4).name) != first_model_run
    assert not [key for key, value in FIRST_MODELS_FIGURES.items() if summary.get(key) == value]
    assert "precision" not in summary
