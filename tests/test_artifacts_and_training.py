"""labutils.artifacts and labutils.training: what notebooks hand to each other."""

import json

import keras
import numpy as np
import pytest

from labutils import (EpochTimer, ResultsError, build_practical_model, load_results, load_trained_model, save_results,
                      save_trained_model, trained_model_or_train)
from labutils import artifacts, environment
from labutils.artifacts import artifacts_dir, read_results_file


@pytest.fixture(autouse=True)
def isolated_artifacts(monkeypatch, tmp_path):
    monkeypatch.setenv("LABUTILS_ARTIFACTS_DIR", str(tmp_path))
    monkeypatch.setenv("LABUTILS_PROFILE", "smoke")
    monkeypatch.setattr(artifacts, "_model", None)  # a fresh kernel: no model trained or loaded yet
    monkeypatch.setattr(artifacts, "_model_folder", None)
    monkeypatch.setattr(environment, "_current_run_id", "run-a")
    return tmp_path


def tiny_model():
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer="adam")
    return model


def test_artifacts_are_kept_apart_by_profile(monkeypatch, isolated_artifacts):
    assert artifacts_dir() == isolated_artifacts / "smoke"
    assert artifacts_dir("full") == isolated_artifacts / "full"


def test_results_merge_and_convert_numpy_values(monkeypatch, capsys):
    save_trained_model(tiny_model(), {"loss": [0.5]})
    assert set(load_results()) == {"model_id", "model_run_id", "profile"}  # only what names the model
    save_results(test_accuracy=np.float32(0.5))
    save_results(test_loss=0.7)
    results = load_results()
    assert {key: results[key] for key in ("test_accuracy", "test_loss", "profile", "model_run_id")} == {
        "test_accuracy": 0.5, "test_loss": 0.7, "profile": "smoke", "model_run_id": "run-a"}
    assert read_results_file("smoke") == results and read_results_file("full") == {}
    assert "Saved test_loss for the model of training run run-a" in capsys.readouterr().out


def test_results_stay_beside_their_model_when_the_profile_changes(monkeypatch):
    save_trained_model(tiny_model(), {"loss": [0.5]})  # a smoke model
    monkeypatch.setenv("LABUTILS_PROFILE", "full")
    save_results(test_accuracy=0.5)
    assert read_results_file("full") == {} and read_results_file("smoke")["test_accuracy"] == 0.5
    assert load_results()["test_accuracy"] == 0.5


def test_results_need_a_model_to_belong_to():
    with pytest.raises(ResultsError, match="before a trained model is loaded or saved"):
        save_results(test_accuracy=0.9)
    with pytest.raises(ResultsError):
        load_results()
    save_trained_model(tiny_model(), {"loss": [0.5]})
    with pytest.raises(ValueError, match="names the model"):
        save_results(test_accuracy=0.9, model_id="forged")
    assert "test_accuracy" not in read_results_file()


def test_a_model_trained_without_setup_has_no_run_id(monkeypatch, capsys):
    monkeypatch.setattr(environment, "_current_run_id", None)
    save_trained_model(tiny_model(), {"loss": [0.5]})
    save_results(test_accuracy=0.8)
    assert read_results_file()["model_run_id"] is None and read_results_file()["test_accuracy"] == 0.8
    assert "Saved the trained model (a run without setup())" in capsys.readouterr().out


def test_a_new_model_starts_a_fresh_record(monkeypatch, capsys):
    save_trained_model(tiny_model(), {"loss": [0.5]})
    save_results(test_accuracy=0.8, precision=0.7)
    monkeypatch.setattr(environment, "_current_run_id", "run-b")  # notebook 4 run again
    save_trained_model(tiny_model(), {"loss": [0.4]})
    assert "results saved there for an earlier model were cleared" in capsys.readouterr().out
    assert load_results() == {"model_id": artifacts._model["model_id"], "model_run_id": "run-b", "profile": "smoke"}


def test_another_kernels_older_model_cannot_write_into_the_new_models_record(monkeypatch, capsys):
    """Notebook 5 loaded model A; notebook 4 then trained model B; notebook 5's late figures must not land on B."""
    save_trained_model(tiny_model(), {"loss": [0.5]})
    load_trained_model()  # the kernel of notebook 5 holds model A
    model_a = artifacts._model
    monkeypatch.setattr(environment, "_current_run_id", "run-b")
    save_trained_model(tiny_model(), {"loss": [0.4]})  # notebook 4, in its own kernel
    save_results(best_val_accuracy=0.86)
    monkeypatch.setattr(artifacts, "_model", model_a)  # back in notebook 5's kernel
    capsys.readouterr()
    assert load_results() == {}
    assert "belong to another model (training run run-b)" in capsys.readouterr().out
    with pytest.raises(ResultsError, match=r"trained again \(training run run-b\) after this notebook loaded its own"):
        save_results(test_accuracy=0.81)
    stored = read_results_file()
    assert stored["model_run_id"] == "run-b" and stored["best_val_accuracy"] == 0.86 and "test_accuracy" not in stored


def test_retraining_without_a_new_setup_is_a_new_model(capsys):
    save_trained_model(tiny_model(), {"loss": [0.5]})
    load_trained_model()
    first = artifacts._model
    save_results(test_accuracy=0.8)
    save_trained_model(tiny_model(), {"loss": [0.4]})  # same run_id, trained again
    artifacts._model = first
    capsys.readouterr()
    assert load_results() == {}
    assert "earlier model of the same run" in capsys.readouterr().out
    with pytest.raises(ResultsError, match="was trained again"):
        save_results(test_accuracy=0.8)


def test_a_foreign_results_file_is_set_aside_for_the_saved_model(capsys):
    save_trained_model(tiny_model(), {"loss": [0.5]})
    (artifacts_dir() / "results.json").write_text(json.dumps({"model_id": "x", "model_run_id": "run-z",
                                                              "test_accuracy": 0.99}))
    assert load_results() == {}
    save_results(test_accuracy=0.8)
    assert "belong to another model (training run run-z); they were set aside" in capsys.readouterr().out
    assert read_results_file()["test_accuracy"] == 0.8 and read_results_file()["model_run_id"] == "run-a"


def test_figures_of_a_removed_model_are_not_saved():
    save_trained_model(tiny_model(), {"loss": [0.5]})
    (artifacts_dir() / "history.json").unlink()
    with pytest.raises(ResultsError, match="No model is saved in .* any more"):
        save_results(test_accuracy=0.8)


def test_unreadable_results_file_counts_as_none(isolated_artifacts):
    save_trained_model(tiny_model(), {"loss": [0.5]})
    (artifacts_dir() / "results.json").write_text("{not json")
    assert load_results() == {} and read_results_file() == {}


def test_a_damaged_history_is_a_clear_error_not_a_silent_retraining(isolated_artifacts):
    save_trained_model(tiny_model(), {"loss": [0.5]})
    (artifacts_dir() / "history.json").write_text("{trunc")
    with pytest.raises(ResultsError, match="history.json is damaged"):
        load_trained_model()
    assert (artifacts_dir() / "lstm_imdb.keras").is_file()


def test_trained_model_round_trip(capsys):
    assert load_trained_model() is None
    model = tiny_model()
    save_trained_model(model, {"loss": [np.float32(0.6), 0.5]}, [1.25, 1.5])
    loaded, history, seconds = load_trained_model()
    assert history == {"loss": [pytest.approx(0.6), 0.5]} and seconds == [1.25, 1.5]
    x = np.ones((2, 4), dtype="float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert json.loads((artifacts_dir() / "history.json").read_text())["epoch_seconds"] == [1.25, 1.5]
    assert "Loaded the model trained in notebook 4 (training run run-a)" in capsys.readouterr().out
    assert json.loads((artifacts_dir() / "history.json").read_text())["model_run_id"] == "run-a"


def test_a_model_saved_before_run_ids_loads_but_owns_no_earlier_figures(capsys):
    save_trained_model(tiny_model(), {"loss": [0.5]})
    history_path = artifacts_dir() / "history.json"
    record = json.loads(history_path.read_text())
    history_path.write_text(json.dumps({"history": record["history"], "epoch_seconds": []}))
    (artifacts_dir() / "results.json").write_text(json.dumps({"test_accuracy": 0.99, "profile": "smoke"}))
    assert load_trained_model() is not None
    assert load_results() == {}
    assert "cannot be tied to this model" in capsys.readouterr().out
    save_results(test_accuracy=0.8)  # the old model gets a record of its own from now on
    assert load_results()["test_accuracy"] == 0.8


def test_epoch_timer_records_every_epoch():
    timer = EpochTimer()
    model = tiny_model()
    model.fit(np.zeros((8, 4)), np.zeros(8), epochs=3, verbose=0, callbacks=[timer])
    assert len(timer.epoch_seconds) == 3 and all(s > 0 for s in timer.epoch_seconds)


def test_validation_predictions_score_the_reviews_validation_split_holds_out():
    from labutils import ValidationPredictions

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(203, 4)), rng.integers(0, 2, size=203)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    timer, predictions = EpochTimer(), ValidationPredictions(x, y, validation_split=0.2)
    history = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.2, callbacks=[timer, predictions], verbose=0)
    assert len(predictions.y_validation) == 203 - 162 and (predictions.y_validation == y[162:]).all()  # floor(203 * 0.8)
    assert len(predictions.epoch_predictions) == len(timer.epoch_seconds) == 3
    for predicted, val_accuracy in zip(predictions.epoch_predictions, history.history["val_accuracy"]):
        assert predicted.shape == (41,) and set(np.unique(predicted)) <= {0, 1}
        assert abs(np.mean(predicted == predictions.y_validation) - val_accuracy) < 1e-6  # Keras' own figure
    assert (predictions.epoch_predictions[-1] == (model.predict(x[162:], verbose=0).ravel() > 0.5)).all()
    with pytest.raises(ValueError):
        ValidationPredictions(x, y[:-1], validation_split=0.2)


def test_build_practical_model_is_the_practicals():
    model = build_practical_model()
    assert model.count_params() == 1_411_713
    embedding, lstm, dense = model.layers
    assert (embedding.input_dim, embedding.output_dim) == (10_000, 128)
    assert (lstm.units, lstm.dropout, lstm.recurrent_dropout) == (128, 0.2, 0.2)
    assert dense.units == 1 and dense.activation.__name__ == "sigmoid"
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    import tensorflow as tf

    if not tf.config.list_physical_devices("GPU"):  # on a GPU Keras' LSTM declines XLA (and says so)
        assert model.jit_compile is True  # as notebook 4 compiles it: XLA, the same math


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
    assert model.count_params() == 1_411_713 and len(history["loss"]) == 2 == len(seconds)
    assert load_trained_model() is not None
