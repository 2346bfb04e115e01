"""What one notebook hands to the next: the trained model, its history, results.

Files live in ``<artifacts>/<profile>/`` so a quick smoke run never stands in
for a full one. ``<artifacts>`` is ``$LABUTILS_ARTIFACTS_DIR`` when set, else
``artifacts/`` at the root of the lab's checkout, else ``lab-artifacts/`` in
the current folder (Colab).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .paths import checkout_root, resolve_user_path
from .profiles import current_profile

ARTIFACTS_VARIABLE = "LABUTILS_ARTIFACTS_DIR"
MODEL_FILE = "lstm_imdb.keras"
HISTORY_FILE = "history.json"
RESULTS_FILE = "results.json"


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


def save_trained_model(model, history, epoch_seconds: list[float] | None = None) -> Path:
    """Save the trained model and its training history for the next notebooks."""
    folder = artifacts_dir()
    model.save(folder / MODEL_FILE)
    record = {"history": _history_dict(history), "epoch_seconds": [float(s) for s in epoch_seconds or []]}
    (folder / HISTORY_FILE).write_text(json.dumps(record, indent=2))
    print(f"Saved the trained model and its history in {folder}")
    return folder


def load_trained_model():
    """``(model, history, epoch_seconds)`` saved by notebook 4, or None if there is none.

    ``history`` is the dict of per-epoch metrics (``History.history``).
    """
    import keras

    folder = artifacts_dir()
    model_path, history_path = folder / MODEL_FILE, folder / HISTORY_FILE
    if not (model_path.is_file() and history_path.is_file()):
        return None
    record = json.loads(history_path.read_text())
    model = keras.models.load_model(model_path)
    print(f"Loaded the model trained in notebook 4 from {folder}")
    return model, record["history"], record.get("epoch_seconds", [])


def save_results(**values) -> dict:
    """Merge named results (numbers, short lists, strings) into this profile's results file."""
    path = artifacts_dir() / RESULTS_FILE
    results = load_results()
    for key, value in values.items():
        results[key] = value.item() if hasattr(value, "item") else value
    results["profile"] = current_profile().name
    path.write_text(json.dumps(results, indent=2, sort_keys=True))
    return results


def load_results(profile: str | None = None) -> dict:
    """Results so far of ``profile`` (default: the current one); empty dict when there are none."""
    path = artifacts_dir(profile) / RESULTS_FILE
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError:
        return {}
