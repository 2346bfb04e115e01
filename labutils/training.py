"""Training plumbing: an epoch timer, and notebook 4's run for notebooks opened alone."""

from __future__ import annotations

import time

import keras

from .artifacts import load_trained_model, save_trained_model
from .practical import PRACTICAL
from .profiles import apply_run_profile


class EpochTimer(keras.callbacks.Callback):
    """Keras callback that records the wall-clock seconds of every epoch (validation included)."""

    def __init__(self):
        super().__init__()
        self.epoch_seconds: list[float] = []
        self._start = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_seconds.append(time.perf_counter() - self._start)


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
    # jit_compile=True as in notebook 4: XLA, the same math, less CPU time (benchmarks/RESULTS.md)
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
