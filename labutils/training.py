"""Training plumbing: an epoch timer, the validation reviews' predictions after each epoch, and notebook 4's run for
notebooks opened alone."""

from __future__ import annotations

import math
import time

import keras

from .artifacts import load_trained_model, save_trained_model
from .practical import PRACTICAL
from .profiles import apply_run_profile
from .stats import predicted_labels


class EpochTimer(keras.callbacks.Callback):
    """Keras callback that records the wall-clock seconds of every epoch (validation included), and in a notebook
    shows the running epoch's progress on one line that updates in place.

    ``fit(verbose=2)`` prints one line per epoch, so a student would see nothing for a whole epoch. The progress line
    is one display output, updated in place (Jupyter's ``update_display_data``). JupyterLab and nbclient (``make lab``'s
    runner) save only its last state, one finished line, not every redraw (tests/test_browser.py, tests/test_runner.py);
    Colab supports display updates too, but how Colab saves it has not been measured. Outside a notebook (a script, a
    benchmark) it shows nothing.
    """

    REFRESH_SECONDS = 0.5  # how often the progress line is redrawn

    def __init__(self, show_progress: bool = True):
        super().__init__()
        self.epoch_seconds: list[float] = []
        self._start = 0.0
        self._show_progress = show_progress
        self._display = None  # the progress line's display handle, in a notebook only
        self._shown_at = 0.0
        self._first_batch_done = 0.0
        self._epoch = 0

    def on_train_begin(self, logs=None):
        self._display = _progress_display() if self._show_progress else None

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch + 1
        self._start = time.perf_counter()
        self._show(0, force=True)

    def on_train_batch_end(self, batch, logs=None):
        if batch == 0:
            self._first_batch_done = time.perf_counter()
        self._show(batch + 1)

    def on_test_begin(self, logs=None):  # fit's validation pass, at the end of each epoch
        self._show(self.params.get("steps") or 0, force=True, phase="validating")

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_seconds.append(time.perf_counter() - self._start)
        self._show(self.params.get("steps") or 0, force=True, phase="done")

    def on_train_end(self, logs=None):
        if self._display is not None and self.epoch_seconds:
            self._display.update(_ProgressLine(
                f"training done: {len(self.epoch_seconds)} of {self.params.get('epochs', '?')} epochs in "
                f"{sum(self.epoch_seconds):.0f} s. Keras' log is below: two lines per epoch."))

    def _show(self, steps_done: int, force: bool = False, phase: str = "training") -> None:
        now = time.perf_counter()
        if self._display is None or (not force and now - self._shown_at < self.REFRESH_SECONDS):
            return
        self._shown_at = now
        steps, epochs = self.params.get("steps") or 0, self.params.get("epochs", "?")
        elapsed = now - self._start
        if phase == "training" and steps and steps_done > 1:
            # the first step also builds (and compiles) the training step: the rate is taken after it
            left = (now - self._first_batch_done) / (steps_done - 1) * (steps - steps_done)
            status = f"{elapsed:.0f} s, about {left:.0f} s more training, then validation"
        elif phase == "training" and steps_done:
            status = f"{elapsed:.0f} s"
        elif phase == "validating":
            status = f"{elapsed:.0f} s, now checking the validation reviews"
        elif phase == "done":
            status = f"trained and validated in {elapsed:.0f} s"
        elif self._epoch == 1:
            status = "starting: the first step also compiles the model, so it is slow"
        else:
            status = "starting"
        self._display.update(_ProgressLine(f"progress: epoch {self._epoch} of {epochs}  {_bar(steps_done, steps)}  "
                                           f"{steps_done}/{steps or '?'} steps  {status}"))


def _bar(done: int, total: int, width: int = 30) -> str:
    filled = round(width * done / total) if total else 0
    return "\u2501" * filled + "\u2500" * (width - filled)


class _ProgressLine:
    """One line of text, shown as text (the notebook saves it as ``text/plain``)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _progress_display():
    """A display handle for the progress line when running in a notebook's kernel (Jupyter, Colab), else None."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return None
    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):  # a plain Python or IPython terminal: Keras' log is enough
        return None
    return display(_ProgressLine("starting..."), display_id=True)


class ValidationPredictions(keras.callbacks.Callback):
    """Keras callback that stores the model's 0/1 predictions on the validation reviews after every epoch.

    ``fit(validation_split=...)`` holds out the **last** part of the arrays it is given (Keras keeps the first
    ``floor(n * (1 - split))`` for training); pass the same arrays and split here. After epoch ``k``,
    ``epoch_predictions[k - 1]`` holds one prediction per review of ``y_validation``, so two epochs can be compared
    on the same reviews (:func:`labutils.stats.print_comparison`). Put it after an :class:`EpochTimer` in the
    callbacks list, so the timer does not count this extra pass over the validation reviews.
    """

    def __init__(self, x, y, validation_split: float, batch_size: int = 1024):
        super().__init__()
        if len(x) != len(y):
            raise ValueError(f"x has {len(x)} rows but y has {len(y)}")
        if not 0 < validation_split < 1:
            raise ValueError(f"validation_split must lie between 0 and 1, got {validation_split}")
        start = int(math.floor(len(x) * (1.0 - validation_split)))  # as Keras' train_validation_split
        self.x_validation, self.y_validation = x[start:], y[start:]
        self.batch_size = batch_size
        self.epoch_predictions: list = []

    def on_epoch_end(self, epoch, logs=None):
        probabilities = self.model.predict(self.x_validation, batch_size=self.batch_size, verbose=0)
        self.epoch_predictions.append(predicted_labels(probabilities))


def build_practical_model() -> keras.Model:
    """The model of notebooks 3 and 4: Embedding(10000, 128) -> LSTM(128) -> Dense(1, sigmoid), compiled as in 4."""
    p = PRACTICAL
    keras.utils.set_random_seed(p["seed"])
    model = keras.Sequential(
        [
            keras.Input(shape=(p["maxlen"],)),
            keras.layers.Embedding(input_dim=p["num_words"], output_dim=p["embedding_dim"]),
            keras.layers.LSTM(p["lstm_units"], dropout=p["dropout"], recurrent_dropout=p["recurrent_dropout"]),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    # jit_compile=True as in notebook 4: XLA, the same math; faster on some CPUs, not on all (benchmarks/RESULTS.md)
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"], jit_compile=True)
    return model


def trained_model_or_train(x_train_padded, y_train):
    """Notebook 4's trained model; if it is missing, train it now with the same settings.

    For a notebook opened on its own (e.g. straight from GitHub in Colab).
    Returns ``(model, history, epoch_seconds)``; says which happened.
    """
    saved = load_trained_model()
    if saved is not None:
        return saved
    print(
        "Notebook 4's trained model was not found, so it is trained here with the practical's settings\n"
        "(batch 64, validation split 0.2, the run profile's epochs). This takes as long as notebook 4."
    )
    p = PRACTICAL
    model = build_practical_model()
    x_fit, y_fit, epochs_to_run = apply_run_profile(x_train_padded, y_train, p["epochs"])
    timer = EpochTimer()
    history = model.fit(
        x_fit,
        y_fit,
        batch_size=p["batch_size"],
        epochs=epochs_to_run,
        validation_split=p["validation_split"],
        callbacks=[timer],
        verbose=2,
    )
    save_trained_model(model, history, timer.epoch_seconds)
    return model, history.history, timer.epoch_seconds
