"""labutils.data: the offline IMDb copy behind Keras' own loader, and the clear error."""

import shutil

import keras
import keras.src.datasets.imdb as keras_imdb
import pytest
from helpers import EXPECTED_FIRST_REVIEW, shared_data_dir

from labutils import data
from labutils.data import DataUnavailableError


@pytest.fixture
def hook():
    data.install_data_hook()
    yield
    data.remove_data_hook()


@pytest.fixture
def offline_get_file(monkeypatch):
    """Keras' real get_file, but as if there were no network."""

    def no_network(*args, **kwargs):
        raise Exception("URL fetch failure on https://example.invalid/imdb.npz: None -- no network")

    data.remove_data_hook()
    monkeypatch.setattr(keras_imdb, "get_file", no_network)
    data.install_data_hook()
    yield
    data.remove_data_hook()


def test_load_data_reads_the_shared_copy_processed_as_keras_does(monkeypatch, hook):
    monkeypatch.setenv("LABUTILS_DATA_DIR", str(shared_data_dir()))
    (x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data(num_words=10000)
    assert len(x_train) == len(x_test) == 25_000
    assert x_train[0][:12] == EXPECTED_FIRST_REVIEW
    assert len(x_train[0]) == 218
    assert set(y_train) == {0, 1}
    assert max(max(review) for review in x_train) == 9999


def test_get_word_index_reads_the_shared_copy(monkeypatch, hook):
    monkeypatch.setenv("LABUTILS_DATA_DIR", str(shared_data_dir()))
    word_index = keras.datasets.imdb.get_word_index()
    assert len(word_index) == 88_584 and word_index["the"] == 1


def test_tf_keras_alias_goes_through_the_hook_too(monkeypatch, hook):
    import tensorflow as tf

    monkeypatch.setenv("LABUTILS_DATA_DIR", str(shared_data_dir()))
    assert len(tf.keras.datasets.imdb.get_word_index()) == 88_584


def test_sha256_of_matches_the_readme(tmp_path):
    folder = shared_data_dir()
    assert data.sha256_of(folder / "imdb_word_index.json") in data.ACCEPTED_SHA256["imdb_word_index.json"]
    (tmp_path / "f").write_bytes(b"abc")
    assert data.sha256_of(tmp_path / "f") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_corrupt_file_is_refused_before_unpickling_and_left_in_place(monkeypatch, tmp_path, hook):
    corrupt = tmp_path / "imdb.npz"
    corrupt.write_bytes(b"not the dataset")
    monkeypatch.setenv("LABUTILS_DATA_DIR", str(tmp_path))
    with pytest.raises(DataUnavailableError, match="not a file this lab can trust"):
        keras.datasets.imdb.load_data(num_words=10000)
    assert corrupt.read_bytes() == b"not the dataset"


def test_truncated_copy_of_the_real_file_is_refused(monkeypatch, tmp_path):
    source = shared_data_dir() / "imdb.npz"
    with open(source, "rb") as full, open(tmp_path / "imdb.npz", "wb") as cut:
        cut.write(full.read(1_000_000))
    monkeypatch.setenv("LABUTILS_DATA_DIR", str(tmp_path))
    with pytest.raises(DataUnavailableError, match="truncated or corrupted"):
        data.verified_local_file("imdb.npz")


def test_no_data_anywhere_gives_one_clear_message(monkeypatch, tmp_path, offline_get_file):
    monkeypatch.setenv("LABUTILS_DATA_DIR", str(tmp_path))  # set, but empty
    with pytest.raises(DataUnavailableError) as caught:
        keras.datasets.imdb.load_data(num_words=10000)
    message = str(caught.value)
    assert "imdb.npz is not there" in message and "downloading it failed" in message
    assert "Colab" in message and "LABUTILS_DATA_DIR" in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert caught.value._render_traceback_() == [f"DataUnavailableError: {message}"]


def test_without_data_dir_the_message_says_it_is_unset(monkeypatch, offline_get_file):
    monkeypatch.delenv("LABUTILS_DATA_DIR", raising=False)
    with pytest.raises(DataUnavailableError, match="LABUTILS_DATA_DIR is not set"):
        keras.datasets.imdb.get_word_index()


def test_verified_local_file_none_when_unset_or_missing(monkeypatch, tmp_path):
    monkeypatch.delenv("LABUTILS_DATA_DIR", raising=False)
    assert data.data_dir() is None and data.verified_local_file("imdb.npz") is None
    monkeypatch.setenv("LABUTILS_DATA_DIR", str(tmp_path))
    assert data.data_dir() == tmp_path.resolve()
    assert data.verified_local_file("imdb.npz") is None


def test_relative_data_dir_is_found_from_the_checkout_root(monkeypatch, tmp_path):
    folder = shared_data_dir()
    root = tmp_path / "lab"
    (root / "labutils").mkdir(parents=True)
    (root / "pyproject.toml").write_text("")
    (root / "data").mkdir()
    shutil.copy(folder / "imdb_word_index.json", root / "data")
    (root / "notebooks").mkdir()
    monkeypatch.chdir(root / "notebooks")  # where a kernel runs
    monkeypatch.setenv("LABUTILS_DATA_DIR", "data")  # set from the root
    assert data.verified_local_file("imdb_word_index.json") == (root / "data" / "imdb_word_index.json").resolve()


def test_install_data_hook_is_idempotent_and_describes_the_source(monkeypatch):
    monkeypatch.delenv("LABUTILS_DATA_DIR", raising=False)
    assert "Keras download" in data.install_data_hook()
    wrapped = keras_imdb.get_file
    monkeypatch.setenv("LABUTILS_DATA_DIR", "/somewhere")
    assert "local copy in /somewhere" in data.install_data_hook()
    assert keras_imdb.get_file is wrapped
    data.remove_data_hook()
    assert not hasattr(keras_imdb.get_file, "labutils_wrapped")
