"""What one notebook hands to the next: the trained model, its history, results.

Files live in ``<artifacts>/<profile>/`` so a quick smoke run never stands in
for a full one. ``<artifacts>`` is ``$LABUTILS_ARTIFACTS_DIR`` when set, else
``artifacts/`` at the root of the lab's checkout, else ``lab-artifacts/`` in
the current folder (Colab).

Every figure belongs to one model. The model is named by the ``run_id`` of the
run that trained it (the one ``setup()`` printed in that notebook). Saving a
newly trained model starts a fresh results file for it; results are saved and
read only for the model this kernel trained or loaded, and figures of any other
model are set aside with a message, never shown as this run's.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from pathlib import Path

from .environment import current_run_id
from .errors import ResultsError
from .paths import checkout_root, resolve_user_path
from .profiles import current_profile

ARTIFACTS_VARIABLE = "LABUTILS_ARTIFACTS_DIR"
MODEL_FILE = "lstm_imdb.keras"
HISTORY_FILE = "history.json"
RESULTS_FILE = "results.json"
# In history.json and results.json, together naming one model: the run that trained it, and when
# it was saved (a notebook retrained without a new setup() keeps its run_id but is a new model).
MODEL_RUN_KEY = "model_run_id"
MODEL_SAVED_KEY = "model_saved"
UNRECORDED_RUN = "unrecorded"  # a model saved before models carried their run's id
_IDENTITY_KEYS = {MODEL_RUN_KEY, MODEL_SAVED_KEY, "profile"}

_model: dict | None = None  # identity of the model this kernel trained or loaded


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


def short_run_id(run_id: str) -> str:
    """The first 8 characters, enough to tell runs apart on screen."""
    return run_id[:8]


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


def save_trained_model(model, history, epoch_seconds: list[float] | None = None) -> Path:
    """Save a newly trained model and its history, and start a fresh results record for it."""
    global _model
    folder = artifacts_dir()
    identity = {
        MODEL_RUN_KEY: current_run_id(),
        MODEL_SAVED_KEY: _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="microseconds"),
        "profile": current_profile().name,
    }
    earlier = read_results_file()
    model.save(folder / MODEL_FILE)
    record = {**identity, "history": _history_dict(history), "epoch_seconds": [float(s) for s in epoch_seconds or []]}
    (folder / HISTORY_FILE).write_text(json.dumps(record, indent=2))
    _write_results(dict(identity))
    _model = identity
    print(f"Saved the trained model (training run {identity[MODEL_RUN_KEY]}) and its history in {folder}")
    if set(earlier) - _IDENTITY_KEYS:
        print("The results saved there for an earlier model were cleared: they do not describe this one.")
    return folder


def load_trained_model():
    """``(model, history, epoch_seconds)`` saved by notebook 4, or None if there is none.

    ``history`` is the dict of per-epoch metrics (``History.history``). From
    here on, this kernel's results belong to the loaded model.
    """
    import keras

    global _model
    folder = artifacts_dir()
    model_path, history_path = folder / MODEL_FILE, folder / HISTORY_FILE
    if not (model_path.is_file() and history_path.is_file()):
        return None
    record = _read_json(history_path)
    if "history" not in record:
        return None
    model = keras.models.load_model(model_path)
    _model = {**_identity_in(record), "profile": current_profile().name}
    print(f"Loaded the model trained in notebook 4 (training run {_model[MODEL_RUN_KEY]}) from {folder}")
    return model, record["history"], record.get("epoch_seconds", [])


def _require_model(action: str) -> dict:
    if _model is None:
        raise ResultsError(
            f"Cannot {action} before a trained model is loaded or saved in this notebook: results belong to one "
            "model. Run the cell that loads or trains the model first."
        )
    return _model


def read_results_file(profile: str | None = None) -> dict:
    """The results file of ``profile`` as stored, whichever model it describes (for the runner's summary)."""
    return _read_json(artifacts_dir(profile) / RESULTS_FILE)


def _write_results(results: dict) -> None:
    (artifacts_dir() / RESULTS_FILE).write_text(json.dumps(results, indent=2, sort_keys=True))


def _results_of(model: dict) -> tuple[dict, str | None]:
    """Stored results if they belong to ``model`` (run, save, profile), else ``({}, why not)``."""
    stored = read_results_file()
    if not stored:
        return {}, None
    stored_run = stored.get(MODEL_RUN_KEY)
    if stored_run != model[MODEL_RUN_KEY]:
        owner = f"training run {short_run_id(str(stored_run))}" if stored_run else "a model of unknown origin"
        return {}, f"the saved results belong to another model ({owner}, not {short_run_id(model[MODEL_RUN_KEY])})"
    if stored.get(MODEL_SAVED_KEY) != model[MODEL_SAVED_KEY]:
        return {}, "the saved results belong to an earlier model of the same run (it was trained again since)"
    if stored.get("profile") != model["profile"]:
        return {}, f"the saved results belong to the '{stored.get('profile')}' profile"
    return stored, None


def _identity_in(history_record: dict) -> dict:
    """The model named by a history.json record (a model saved before run ids: ``unrecorded``)."""
    return {MODEL_RUN_KEY: str(history_record.get(MODEL_RUN_KEY) or UNRECORDED_RUN),
            MODEL_SAVED_KEY: str(history_record.get(MODEL_SAVED_KEY, ""))}


def _same_model(one: dict, other: dict) -> bool:
    return all(one.get(key) == other.get(key) for key in (MODEL_RUN_KEY, MODEL_SAVED_KEY))


def save_results(**values) -> None:
    """Record named results (numbers, short lists, strings) of the model this kernel trained or loaded.

    Refused when the saved model is no longer that model (it was trained again
    since): the figures would describe a model nobody can load any more, and
    writing them would throw away the saved model's own.
    """
    model = _require_model("save results")
    forbidden = sorted(_IDENTITY_KEYS & set(values))
    if forbidden:
        raise ResultsError(f"{', '.join(forbidden)} names the model the results belong to; it cannot be saved as a result.")
    saved = _read_json(artifacts_dir() / HISTORY_FILE)
    saved_model = _identity_in(saved)
    if saved and not _same_model(model, saved_model):
        raise ResultsError(
            f"The model saved in {artifacts_dir()} was trained again (training run {saved_model[MODEL_RUN_KEY]}) after "
            "this notebook loaded its own, so these figures were not saved: they describe a model that is gone. "
            "Run this notebook again from the top to evaluate the saved model."
        )
    results, why_not = _results_of(model)
    if why_not:
        print(f"Note: {why_not}; they were set aside and a new record started for this model.")
    results = results or dict(model)
    for key, value in values.items():
        results[key] = value.item() if hasattr(value, "item") else value
    _write_results(results)
    print(f"Saved {', '.join(values)} for the model of training run {short_run_id(model[MODEL_RUN_KEY])}")


def load_results() -> dict:
    """Results saved so far for the model this kernel trained or loaded (empty when there are none).

    Figures of another model or profile are not returned: the message says
    they were set aside, so the notebook recomputes what it needs.
    """
    results, why_not = _results_of(_require_model("read results"))
    if why_not:
        print(f"Note: {why_not}; they are not used here.")
    return dict(results)
