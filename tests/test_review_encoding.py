"""Notebook 5's review encoder, taken from the notebook itself, against the dataset it claims to reproduce.

``shared/data/raw_test_sample.jsonl.gz`` holds 500 IMDb test reviews as their authors wrote them, each with its
row in ``imdb.npz`` before Keras' shuffle. Encoding the text with the notebook's ``encode_review`` must give
exactly what ``keras.datasets.imdb.load_data(num_words=10000)`` makes of that row.
"""

import gzip
import json
import os

import keras
import keras.src.datasets.imdb as keras_imdb
import numpy as np
import pytest
from helpers import NOTEBOOKS, shared_data_dir

from labutils import ReviewTextError, data
from labutils.course.manifest import cell_source

NOTEBOOK_5 = next(path for path in NOTEBOOKS if path.name.startswith("05_"))
KERAS_SEED = 113  # load_data's default shuffle seed
RAW_SAMPLE = "raw_test_sample.jsonl.gz"


def notebook_cell(definition):
    """The source of notebook 5's code cell that contains ``definition``."""
    cells = json.loads(NOTEBOOK_5.read_text(encoding="utf-8"))["cells"]
    return next(cell_source(c) for c in cells if c["cell_type"] == "code" and definition in cell_source(c))


@pytest.fixture(scope="module")
def dataset():
    """Word index, the loaded test split, and where load_data put each raw row."""
    folder = shared_data_dir()
    if not (folder / RAW_SAMPLE).is_file():
        message = f"the raw review sample {RAW_SAMPLE} is not in {folder}"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    hook_was_there = hasattr(keras_imdb.get_file, "labutils_wrapped")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LABUTILS_DATA_DIR", str(folder))
        data.install_data_hook()
        try:
            word_index = keras.datasets.imdb.get_word_index()
            _, (x_test, y_test) = keras.datasets.imdb.load_data(num_words=10_000)
        finally:
            if not hook_was_there:
                data.remove_data_hook()
    # load_data shuffles the training rows, then the test rows, with one RandomState(113)
    rng = np.random.RandomState(KERAS_SEED)
    rng.shuffle(np.arange(25_000))
    test_order = np.arange(len(x_test))
    rng.shuffle(test_order)
    position_of_row = np.argsort(test_order)
    with gzip.open(folder / RAW_SAMPLE, "rt", encoding="utf-8") as handle:
        raw_reviews = [json.loads(line) for line in handle]
    return word_index, x_test, y_test, position_of_row, raw_reviews


@pytest.fixture(scope="module")
def encoder(dataset):
    """Notebook 5's encoding cells, executed as the notebook runs them (print calls silenced)."""
    word_index = dataset[0]
    namespace = {"word_index": word_index, "NUM_WORDS": 10_000, "ReviewTextError": ReviewTextError,
                 "decode_review": lambda token_ids: "", "print": lambda *args, **kwargs: None}  # section 7's, and quiet
    exec(notebook_cell("def encode_review"), namespace)
    exec(notebook_cell("def plain_punctuation"), namespace)
    return namespace


def test_the_encoder_reproduces_the_dataset_for_all_500_raw_test_reviews(dataset, encoder):
    word_index, x_test, y_test, position_of_row, raw_reviews = dataset
    assert len(raw_reviews) == 500
    different = []
    for review in raw_reviews:
        position = position_of_row[review["i"]]
        assert y_test[position] == review["label"], "the shuffle was not replayed as load_data does it"
        if encoder["encode_review"](review["text"]) != list(x_test[position]):
            different.append(review["file"])
    assert different == [], f"{len(different)} of 500 reviews encode differently from the dataset: {different[:5]}"


def test_the_sample_exercises_the_rules_that_matter(dataset, encoder):
    """Unknown words and \\x85 are in the sample, so the test above checks both rules."""
    word_index, *_, raw_reviews = dataset
    words = [encoder["review_words"](review["text"]) for review in raw_reviews]
    assert sum(any(word not in word_index for word in review) for review in words) > 100
    assert sum("\x85" in review["text"] for review in raw_reviews) > 0


def test_unknown_words_are_left_out_and_rare_ones_become_oov(encoder, dataset):
    word_index = dataset[0]
    encode = encoder["encode_review"]
    assert "ponyo" not in word_index and word_index["it\u2019s"] + 3 >= 10_000
    assert encode("ponyo is wonderful") == encode("is wonderful")
    assert encode("it\u2019s wonderful") == [1, 2, word_index["wonderful"] + 3]
    plain = encoder["plain_punctuation"]
    assert encode(plain("it\u2019s wonderful")) == encode("it's wonderful")
    assert encode(plain("great\u2014really great\u2026 honestly")) == encode("great - really great... honestly")
    assert encoder["review_words"]("Fine\x85film\tshot") == ["fine\x85film", "shot"]  # \x85 separates nothing


@pytest.mark.parametrize("bad, message", [
    ("", "no words to score"),
    ("   !!! ", "no words to score"),
    ("Zxqvw blorptastic", r"No word of the review is among the 9,996 .* \(2 not in the word index"),
    (None, "not NoneType"),
    (b"A fine film", 'decode it first'),
])
def test_bad_input_gets_one_clear_sentence(encoder, bad, message):
    with pytest.raises(ReviewTextError, match=message) as caught:
        encoder["encode_review"](bad)
    assert len(caught.value._render_traceback_()) == 1  # a notebook shows the message, not a traceback


def test_notebook_7s_exercise_encodes_by_the_same_rules(dataset):
    """Notebook 7 cannot import notebook 5's cells (on Colab each runs alone), so its exercise 1 writes the rules out
    again; they must give the dataset's ids too."""
    word_index, x_test, _, position_of_row, raw_reviews = dataset
    notebook_7 = next(path for path in NOTEBOOKS if path.name.startswith("07_"))
    cells = json.loads(notebook_7.read_text(encoding="utf-8"))["cells"]
    source = next(cell_source(c) for c in cells if "def encode_like_notebook_5" in cell_source(c))
    namespace = {"word_index": word_index, "NUM_WORDS": 10_000, "INDEX_FROM": 3}
    definition = source[source.index("KERAS_DEFAULT_FILTERS"):source.index("MY_REVIEW =")]
    exec(definition, namespace)
    encode = namespace["encode_like_notebook_5"]
    different = [review["file"] for review in raw_reviews
                 if encode(review["text"]) != list(x_test[position_of_row[review["i"]]])]
    assert different == [], f"{len(different)} of 500 reviews encode differently from the dataset"
