"""labutils.artifacts and labutils.training: what notebooks hand to each other."""

import json

import keras
import numpy as np
import pytest

from labutils import (EpochTimer, build_practical_model, load_results, load_trained_model, save_results,
                      save_trained_model, trained_model_or_train)
from labutils.artifacts import artifacts_dir


@pytest.fixture(autouse=True)
def isolated_artifacts(monkeypatch, tmp_path):
    monkeypatch.setenv("LABUTILS_ARTIFACTS_DIR", str(tmp_path))
    monkeypatch.setenv("LABUTILS_PROFILE", "smoke")
    return tmp_path


def tiny_model():
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer="adam")
    return model


def test_artifacts_are_kept_apart_by_profile(monkeypatch, isolated_artifacts):
    assert artifacts_dir() == isolated_artifacts / "smoke"
    assert artifacts_dir("full") == isolated_artifacts / "full"


def test_results_merge_and_convert_numpy_values(monkeypatch):
    assert load_results() == {}
    save_results(test_accuracy=np.float32(0.5))
    results = save_results(test_loss=0.7)
    assert results == {"test_accuracy": 0.5, "test_loss": 0.7, "profile": "smoke"}
    assert load_results() == results == load_results("smoke")
    assert load_results("full") == {}
    monkeypatch.setenv("LABUTILS_PROFILE", "full")
    assert load_results() == {}


def test_unreadable_results_file_counts_as_none(isolated_artifacts):
    (artifacts_dir() / "results.json").write_text("{not json")
    assert load_results() == {}


def test_trained_model_round_trip(capsys):
    assert load_trained_model() is None
    model = tiny_model()
    save_trained_model(model, {"loss": [np.float32(0.6), 0.5]}, [1.25, 1.5])
    loaded, history, seconds = load_trained_model()
    assert history == {"loss": [pytest.approx(0.6), 0.5]} and seconds == [1.25, 1.5]
    x = np.ones((2, 4), dtype="float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert json.loads((artifacts_dir() / "history.json").read_text())["epoch_seconds"] == [1.25, 1.5]


def test_epoch_timer_records_every_epoch():
    timer = EpochTimer()
    model = tiny_model()
    model.fit(np.zeros((8, 4)), np.zeros(8), epochs=3, verbose=0, callbacks=[timer])
    assert len(timer.epoch_seconds) == 3 and all(s > 0 for s in timer.epoch_seconds)


def test_build_practical_model_is_the_practicals():
    model = build_practical_model()
    assert model.count_params() == 1_411_713
    embedding, lstm, dense = model.layers
    assert (embedding.input_dim, embedding.output_dim) == (10_000, 128)
    assert (lstm.units, lstm.dropout, lstm.recurrent_dropout) == (128, 0.2, 0.2)
    assert dense.units == 1 and dense.activation.__name__ == "sigmoid"
    assert isinstance(model.optimizer, keras.optimizers.Adam)


def test_trained_model_or_train_prefers_the_saved_model(capsys):
    save_trained_model(tiny_model(), {"loss": [0.5]}, [2.0])
    model, history, seconds = trained_model_or_train(np.zeros((10, 200)), np.zeros(10))
    assert model.count_params() == 5 and seconds == [2.0]
    assert "Loaded the model trained in notebook 4" in capsys.readouterr().out


def test_trained_model_or_train_trains_and_saves_when_missing(capsys):
    rng = np.random.default_rng(0)
    x, y = rng.integers(1, 10_000, size=(40, 200)), rng.integers(0, 2, size=40)
    model, history, seconds = trained_model_or_train(x, y)
    out = capsys.readouterr().out
    assert "was not found, so it is trained here" in out and "Run profile 'smoke'" in out
    assert model.count_params() == 1_411_713 and len(history["loss"]) == 1 == len(seconds)
    assert load_trained_model() is not None
