"""labutils: the plumbing of the LSTM-on-IMDb lab, so the notebooks can show the lesson.

Two rooms. This package is what notebook cells import (setup, offline data,
run profiles, artifacts, plots, the NumPy LSTM, batching, training helpers),
explicitly, e.g. ``from labutils import setup``. The course tools around the
notebooks (runner, grader, lesson manifest, repository) live in
:mod:`labutils.course`, which imports from here; nothing here imports it.

Importing the package loads only the standard library: the names that need
NumPy, matplotlib or Keras are loaded when first used, so the grader (a course
tool) starts without any of them.
"""

from .environment import quiet_tensorflow_logs

quiet_tensorflow_logs()  # before anything imports TensorFlow

from .artifacts import load_results, load_trained_model, save_results, save_trained_model
from .environment import is_colab, setup
from .errors import DataUnavailableError, ResultsError, ReviewTextError
from .profiles import apply_run_profile, current_profile
from .viva import check_conclusion, show_model_answer

__version__ = "0.1.0"

# Names whose modules import NumPy, matplotlib or Keras: loaded only when used.
_LAZY = {"plot_gates_by_word": "plots", "plot_learning_curves": "plots", "plot_length_histogram": "plots",
         "lstm_forward": "scratch", "lstm_step": "scratch", "sigmoid": "scratch",
         "EpochTimer": "training", "ValidationPredictions": "training", "trained_model_or_train": "training", "build_practical_model": "training",
         "LengthBatches": "batching",
         "check_exercise": "exercises", "show_hint": "exercises", "show_solution": "exercises"}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'labutils' has no attribute {name!r}")


__all__ = [
    "DataUnavailableError",
    "EpochTimer",
    "LengthBatches",
    "ResultsError",
    "ReviewTextError",
    "ValidationPredictions",
    "apply_run_profile",
    "build_practical_model",
    "check_conclusion",
    "check_exercise",
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
    "show_model_answer",
    "setup",
    "show_hint",
    "show_solution",
    "sigmoid",
    "trained_model_or_train",
]
