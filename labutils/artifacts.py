"""What one notebook hands to the next: the trained model, its history, results.

Files live in ``<artifacts>/<profile>/`` so a quick smoke run never stands in
for a full one. ``<artifacts>`` is ``$LABUTILS_ARTIFACTS_DIR`` when set, else
``artifacts/`` at the root of the lab's checkout, else ``lab-artifacts/`` in
the current folder (Colab).

Every figure belongs to one model. Each saved model gets its own ``model_id``
and records the ``run_id`` that ``setup()`` printed in the notebook that
trained it. Saving a newly trained model starts a fresh results file for it;
results are saved and read only for the model this kernel trained or loaded,
and figures of any other model are set aside with a message, never shown as
this run's.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

from .environment import ARTIFACTS_VARIABLE, current_run_id
from .errors import ResultsError
from .paths import checkout_root, resolve_user_path
from .profiles import current_profile

MODEL_FILE = "lstm_imdb.keras"
HISTORY_FILE = "history.json"
RESULTS_FILE = "results.json"
# In history.json and results.json: which model. model_id is new for every saved model (a notebook trained again
# without a new setup() keeps its run_id but is a new model); model_run_id is the run_id setup() printed in the
# notebook that trained it (None if setup() never ran there), for people and the grader to read.
MODEL_ID_KEY = "model_id"
MODEL_RUN_KEY = "model_run_id"
UNRECORDED = "unrecorded"  # the model_id of a model saved before models carried one
_IDENTITY_KEYS = {MODEL_ID_KEY, MODEL_RUN_KEY, "profile"}

# The model this kernel trained or loaded: its identity, and the folder it was saved in (the results of a model
# stay beside it even if the profile or the working folder changes later).
_model: dict | None = None
_model_folder: Path | None = None


def artifacts_dir(profile: str | None = None) -> Path:
    """Folder for this profile's artifacts (created on demand)."""
    base = os.environ.get(ARTIFACTS_VARIABLE, "").strip()
    if base:
        root = resolve_user_path(base)
    else:
        checkout = checkout_root()
        root = checkout / "artifacts" if checkout else Path.cwd() / "lab-artifacts"
    folder = root / (profile or current_profile().name)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _history_dict(history) -> dict[str, list[float]]:
    values = getattr(history, "history", history)
    return {key: [float(v) for v in series] for key, series in values.items()}


def _read_json(path: Path) -> dict:
    """The JSON object in ``path``; empty when the file is missing, unreadable or not an object."""
    try:
        value = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _identity_in(record: dict) -> dict:
    """The model a history.json or results.json record names."""
    return {MODEL_ID_KEY: record.get(MODEL_ID_KEY) or UNRECORDED, MODEL_RUN_KEY: record.get(MODEL_RUN_KEY),
            "profile": record.get("profile")}


def _describe(identity: dict) -> str:
    run = identity.get(MODEL_RUN_KEY)
    return f"training run {run}" if run else "a run without setup()"


def _remember(identity: dict, folder: Path) -> None:
    global _model, _model_folder
    _model, _model_folder = identity, folder


def save_trained_model(model, history, epoch_seconds: list[float] | None = None) -> Path:
    """Save a newly trained model and its history, and start a fresh results record for it."""
    folder = artifacts_dir()
    identity = {MODEL_ID_KEY: uuid.uuid4().hex, MODEL_RUN_KEY: current_run_id(), "profile": current_profile().name}
    earlier = _read_json(folder / RESULTS_FILE)
    model.save(folder / MODEL_FILE)
    record = {**identity, "history": _history_dict(history), "epoch_seconds": [float(s) for s in epoch_seconds or []]}
    (folder / HISTORY_FILE).write_text(json.dumps(record, indent=2))
    _write_results(folder, dict(identity))
    _remember(identity, folder)
    print(f"Saved the trained model ({_describe(identity)}) and its history in {folder}")
    if set(earlier) - _IDENTITY_KEYS:
        print("The results saved there for an earlier model were cleared: they do not describe this one.")
    return folder


def load_trained_model():
    """``(model, history, epoch_seconds)`` saved by notebook 4, or None if there is none.

    ``history`` is the dict of per-epoch metrics (``History.history``). From
    here on, this kernel's results belong to the loaded model.
    """
    import keras

    folder = artifacts_dir()
    model_path, history_path = folder / MODEL_FILE, folder / HISTORY_FILE
    if not (model_path.is_file() and history_path.is_file()):
        return None
    record = _read_json(history_path)
    if not isinstance(record.get("history"), dict):
        raise ResultsError(
            f"{history_path} is damaged, so the model saved beside it cannot be used (both were left as they are). "
            "Run notebook 4 again to train and save the model anew."
        )
    model = keras.models.load_model(model_path)
    _remember({**_identity_in(record), "profile": folder.name}, folder)
    print(f"Loaded the model trained in notebook 4 ({_describe(_model)}) from {folder}")
    return model, record["history"], record.get("epoch_seconds", [])


def _require_model(action: str) -> tuple[dict, Path]:
    if _model is None or _model_folder is None:
        raise ResultsError(
            f"Cannot {action} before a trained model is loaded or saved in this notebook: results belong to one "
            "model. Run the cell that loads or trains the model first."
        )
    return _model, _model_folder


def read_results_file(profile: str | None = None) -> dict:
    """The results file of ``profile`` as stored, whichever model it describes (for the runner's summary)."""
    return _read_json(artifacts_dir(profile) / RESULTS_FILE)


def _write_results(folder: Path, results: dict) -> None:
    (folder / RESULTS_FILE).write_text(json.dumps(results, indent=2, sort_keys=True))


def _results_of(model: dict, folder: Path) -> tuple[dict, str | None]:
    """The stored results if they belong to ``model``, else ``({}, why not)``."""
    stored = _read_json(folder / RESULTS_FILE)
    if not stored:
        return {}, None
    if MODEL_ID_KEY not in stored:
        return {}, "the saved results cannot be tied to this model (they were saved before results named their model)"
    owner = _identity_in(stored)
    if owner[MODEL_ID_KEY] == model[MODEL_ID_KEY]:
        return stored, None
    if owner[MODEL_RUN_KEY] and owner[MODEL_RUN_KEY] == model[MODEL_RUN_KEY]:
        return {}, "the saved results belong to an earlier model of the same run (it was trained again since)"
    return {}, f"the saved results belong to another model ({_describe(owner)})"


def save_results(**values) -> None:
    """Record named results (numbers, short lists, strings) of the model this kernel trained or loaded.

    Refused when the saved model is no longer that model (trained again since,
    or removed): the figures would describe a model nobody can load, and
    writing them would throw away the saved model's own.
    """
    model, folder = _require_model("save results")
    forbidden = sorted(_IDENTITY_KEYS & set(values))
    if forbidden:
        raise ValueError(f"{', '.join(forbidden)} names the model the results belong to; it is not a result")
    saved = _read_json(folder / HISTORY_FILE)
    if not saved:
        raise ResultsError(f"No model is saved in {folder} any more, so these figures were not saved. "
                           "Run notebook 4 again, then this notebook.")
    if _identity_in(saved)[MODEL_ID_KEY] != model[MODEL_ID_KEY]:
        raise ResultsError(
            f"The model saved in {folder} was trained again ({_describe(_identity_in(saved))}) after this notebook "
            "loaded its own, so these figures were not saved: they describe a model that is gone. "
            "Run this notebook again from the top to evaluate the saved model."
        )
    results, why_not = _results_of(model, folder)
    if why_not:
        print(f"Note: {why_not}; they were set aside and a new record started for this model.")
    results = results or dict(model)
    for key, value in values.items():
        results[key] = value.item() if hasattr(value, "item") else value
    _write_results(folder, results)
    print(f"Saved {', '.join(values)} for the model of {_describe(model)}")


def load_results() -> dict:
    """Results saved so far for the model this kernel trained or loaded (empty when there are none).

    Figures of another model are not returned: the message says they were set
    aside, so the notebook recomputes what it needs.
    """
    results, why_not = _results_of(*_require_model("read results"))
    if why_not:
        print(f"Note: {why_not}; they are not used here.")
    return dict(results)
