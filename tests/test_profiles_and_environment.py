"""labutils.profiles and labutils.environment."""

import json
import logging
import sys
import types

import numpy as np
import pytest

from labutils import apply_run_profile, current_profile, is_colab, setup
from labutils.environment import RUN_RECORD_PREFIX, gpu_names, library_versions, quiet_tensorflow_logs


def test_default_profile_is_full(monkeypatch):
    monkeypatch.delenv("LABUTILS_PROFILE", raising=False)
    assert current_profile().name == "full"


def test_unknown_profile_is_refused_with_the_choices(monkeypatch):
    monkeypatch.setenv("LABUTILS_PROFILE", "fast")
    with pytest.raises(ValueError, match="full, smoke"):
        current_profile()


def test_full_profile_changes_nothing(monkeypatch, capsys):
    monkeypatch.setenv("LABUTILS_PROFILE", "full")
    x, y = np.zeros((5000, 3)), np.zeros(5000)
    x_run, y_run, epochs = apply_run_profile(x, y, 5)
    assert x_run is x and y_run is y and epochs == 5
    assert "Run profile 'full'" in capsys.readouterr().out


def test_smoke_profile_shrinks_only_the_training(monkeypatch, capsys):
    monkeypatch.setenv("LABUTILS_PROFILE", "smoke")
    x, y = np.arange(25_000 * 2).reshape(25_000, 2), np.arange(25_000) % 2
    x_run, y_run, epochs = apply_run_profile(x, y, 5)
    assert x_run.shape == (1000, 2) and np.array_equal(x_run, x[:1000]) and np.array_equal(y_run, y[:1000])
    assert epochs == 2
    assert "1,000 of 25,000 reviews for 2 of 5 epochs" in capsys.readouterr().out


@pytest.mark.parametrize("epochs", [0, -1])
def test_apply_run_profile_refuses_bad_input(epochs):
    with pytest.raises(ValueError):
        apply_run_profile(np.zeros((3, 2)), np.zeros(3), epochs)
    with pytest.raises(ValueError, match="rows"):
        apply_run_profile(np.zeros((3, 2)), np.zeros(4), 1)


def test_is_colab_follows_the_google_colab_module(monkeypatch):
    assert not is_colab()
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    assert is_colab()


def test_setup_prints_profile_versions_and_a_run_record(monkeypatch, capsys):
    monkeypatch.setenv("LABUTILS_PROFILE", "smoke")
    record = setup()
    out = capsys.readouterr().out
    assert "Run profile: smoke" in out and "TensorFlow" in out and "Random seed: 42" in out
    line = next(line for line in out.splitlines() if line.startswith(RUN_RECORD_PREFIX))
    assert json.loads(line[len(RUN_RECORD_PREFIX):]) == record
    assert record["profile"] == "smoke" and record["platform"] == "local"
    assert record["versions"]["tensorflow"] not in ("", "not installed")


def test_setup_on_colab_without_gpu_says_how_to_get_one(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    record = setup()
    out = capsys.readouterr().out
    assert record["platform"] == "colab" and "Google Colab" in out
    if not record["gpu"]:
        assert "Change runtime type" in out


def test_setup_seeds_numpy(monkeypatch):
    setup(seed=7)
    first = np.random.rand()
    setup(seed=7)
    assert np.random.rand() == first


def test_tensorflows_retracing_notice_is_dropped_and_its_other_warnings_kept(caplog):
    quiet_tensorflow_logs()
    quiet_tensorflow_logs()  # twice: one filter
    logger = logging.getLogger("tensorflow")
    assert sum(type(f).__name__ == "_DropRetracingNotice" for f in logger.filters) == 1
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        logger.warning("5 out of the last 9 calls to <function one_step_on_data at 0x7f> triggered tf.function "
                       "retracing. Tracing is expensive ...")
        logger.warning("something else went wrong")
    assert [record.getMessage() for record in caplog.records] == ["something else went wrong"]


def test_quiet_tensorflow_logs_keeps_a_users_choice(monkeypatch):
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "0")
    quiet_tensorflow_logs()
    import os

    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "0"


def test_library_versions_and_gpu_names():
    versions = library_versions()
    assert {"python", "tensorflow", "keras", "numpy"} <= set(versions)
    assert isinstance(gpu_names(), list)
