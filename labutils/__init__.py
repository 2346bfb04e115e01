"""labutils: the plumbing of the LSTM-on-IMDb lab, so the notebooks can show the lesson.

Notebooks import what they use explicitly, e.g. ``from labutils import setup``.
"""

from .environment import quiet_tensorflow_logs

quiet_tensorflow_logs()  # before anything imports TensorFlow

from .artifacts import load_results, load_trained_model, save_results, save_trained_model
from .errors import DataUnavailableError, ResultsError, ReviewTextError
from .environment import is_colab, setup
from .plots import plot_gates_by_word, plot_learning_curves, plot_length_histogram
from .profiles import apply_run_profile, current_profile
from .scratch import lstm_forward, lstm_step, sigmoid

__version__ = "0.1.0"

# Names whose modules import Keras (and so TensorFlow): loaded only when used.
_NEEDS_KERAS = {"EpochTimer": "training", "trained_model_or_train": "training", "build_practical_model": "training",
                "LengthBatches": "batching"}


def __getattr__(name):
    if name in _NEEDS_KERAS:
        import importlib

        return getattr(importlib.import_module(f".{_NEEDS_KERAS[name]}", __name__), name)
    raise AttributeError(f"module 'labutils' has no attribute {name!r}")


__all__ = [
    "DataUnavailableError",
    "EpochTimer",
    "LengthBatches",
    "ResultsError",
    "ReviewTextError",
    "apply_run_profile",
    "build_practical_model",
    "current_profile",
    "is_colab",
    "load_results",
    "load_trained_model",
    "lstm_forward",
    "lstm_step",
    "plot_gates_by_word",
    "plot_learning_curves",
    "plot_length_histogram",
    "save_results",
    "save_trained_model",
    "setup",
    "sigmoid",
    "trained_model_or_train",
]
