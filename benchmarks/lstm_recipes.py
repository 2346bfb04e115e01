"""Speed and accuracy of LSTM recipes on IMDb, side by side: ``python benchmarks/lstm_recipes.py``.

Trains each recipe on the same data in one run and reports, per recipe: the median seconds per training epoch
(wall and CPU), the training seconds until validation accuracy first reached 0.85, the best validation accuracy and
its epoch, the test accuracy of that epoch's weights (scored once), the peak memory, and the machine it ran on.

Recipes (RECIPES below; notebook 9 writes ``fast`` and ``best`` out as plain Keras code):

* ``practical``      the practical as written: Embedding(10000, 128) -> LSTM(128, dropout=0.2,
                     recurrent_dropout=0.2) -> Dense(1), Adam 1e-3, batch 64, reviews cut to 200 words;
* ``practical-xla``  the same, compiled with ``jit_compile=True`` (XLA): the same math, one argument;
* ``practical-precomputed-xla``  the same math again, the LSTM's input product done for all steps before the
                     loop (precomputed_lstm.py), and XLA;
* ``practical-rd0``  the same with ``recurrent_dropout=0``, the setting that lets Keras use cuDNN on a GPU;
* ``fast``           the practical's model family, made small and fed big batches: the one to reach 0.85 quickly;
* ``best``           the lab's "go further" recipe: whole reviews (up to 800 words) batched by length, a
                     convolution over 5-word windows whose outputs are pooled in pairs, a bidirectional LSTM
                     whose outputs are max-pooled over the review, dropout 0.5 on its inputs, the learning
                     rate halved after every epoch;
* ``best-pairs``     ``best`` with a second embedding per step for the word pair the step ends (the 100,000 most
                     frequent pairs of the training reviews), 5 epochs;
* ``keras-io-bilstm``, ``tf-rnn-tutorial``  two peers, rebuilt from their published settings (comments below);
* ``tfidf-baseline`` not an LSTM: TF-IDF of words and word pairs with logistic regression, C and vocabulary
                     chosen on the validation reviews: a mark a best recipe has to beat;
* ``nbsvm-baseline`` not an LSTM either: NBSVM (Wang & Manning 2012), word and word-pair presence scaled by
                     naive-Bayes log-count ratios, logistic regression; C and vocabulary chosen on validation;
* ``nb-best-pairs``  issue 37: ``best-pairs``' LSTM beside NBSVM's features in one model (nb_lstm.py), a loss for
                     each branch, the answer a weighted sum of the two scores, the weight chosen on validation;
                     ``nb-bag`` is its bag branch alone (the ablation); ``nb-lstm`` and ``nb-lstm-own-losses``
                     are the candidates with *best*'s LSTM that validation did not keep (RESULTS.md);
* ``nb-best-pairs-bag-0.003``  the same, its bag branch learning at Adam 0.003 and its LSTM at 0.001 (one Adam,
                     nb_lstm.py's ``bag_rate_factor``); ``nb-bag-adam-0.003`` is that bag alone;
* ``practical-own-gradient-xla``  the practical's math with the input product before the loop and a hand-written
                     backward pass (precomputed_lstm.py, OwnGradientLSTM), and XLA;
* ``practical-gate-major-xla``  the same math arranged gate by gate around the same products, a hand-written
                     backward pass (precomputed_lstm.py, GateMajorLSTM), and XLA; see kernel_profile.py;
* ``practical-precomputed-xla-1-thread``, ``practical-1-thread``  ``practical-precomputed-xla`` and ``practical`` with
                     one intra-op thread; ``...-1-core``: one intra-op and one inter-op thread.

``--select`` re-selects the recipes on validation alone (issue 27): for a family (``fast``, ``best``, ``best-pairs``)
each candidate in SELECTIONS trains with the first seed; the one with the highest validation accuracy is chosen,
and trained again with every other seed; the test reviews count only for the chosen recipe's runs.

Data: ``keras.datasets.imdb.load_data(num_words=...)`` (10,000 unless a recipe says otherwise). Every recipe trains
on the practical's 20,000 training reviews (``validation_split=0.2`` holds out the last 5,000) and is validated on
those 5,000 after each epoch; the test reviews (all 25,000) are scored once, after training, with the weights of the
epoch of best validation accuracy (the baselines: with the vocabulary and C validation chose). Nothing is chosen
on the test set. Only ``fit`` is timed;
validation and testing are not. Each recipe runs in a fresh Python process (so peak memory is its own), one after
another. Seconds are wall clock (``time.perf_counter``); the CPU seconds of all threads (``time.process_time``)
are recorded beside them, because a shared or virtual machine's wall clock can be noisy.

    python benchmarks/lstm_recipes.py                       # the default recipes, full data (benchmarks/RESULTS.md)
    python benchmarks/lstm_recipes.py --recipes practical,practical-xla --seeds 42,1
    python benchmarks/lstm_recipes.py --recipes best-pairs,tfidf-baseline,nbsvm-baseline --seeds 42,1,2,3
    python benchmarks/lstm_recipes.py --select fast,best,best-pairs --recipes tfidf-baseline,nbsvm-baseline \\
        --seeds 42,1,2,3                                     # settings chosen on validation, then four seeds
    python benchmarks/lstm_recipes.py --levers              # each speed lever of the practical, on a slice
    python benchmarks/lstm_recipes.py --recipes nb-best-pairs,nb-bag,tfidf-baseline,nbsvm-baseline --seeds 42,1,2,3
    python benchmarks/lstm_recipes.py --recipes nb-best-pairs-bag-0.003,nb-bag-adam-0.003,tfidf-baseline,\
        nbsvm-baseline --seeds 42,1,2,3                      # issue 37's last run (RESULTS.md)
    ONEDNN_MAX_CPU_ISA=AVX2 XLA_FLAGS=--xla_cpu_max_isa=AVX2 python benchmarks/lstm_recipes.py \\
        --recipes practical,practical-xla,practical-precomputed-xla --seeds 42,1 --epochs 2
                                                             # as a CPU without AVX-512 would run it (issue 37)
    python benchmarks/lstm_recipes.py --profile             # where the practical's epoch goes, and its floor
                                                             # (an estimate; kernel_profile.py measures an
                                                             # XLA-compiled step kernel by kernel)
    python benchmarks/lstm_recipes.py --smoke               # tiny slices, in this process: checks every code path

``--json FILE`` saves everything; the results by hand go to benchmarks/RESULTS.md. Not a test: speed lives here,
not in pytest. The offline copy of IMDb is used when ``$LABUTILS_DATA_DIR`` points to it. The JAX lever runs only
where ``jax`` is installed (it is not one of the lab's requirements).
"""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import os
import platform
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before labutils.training imports TensorFlow

from labutils.training import PRACTICAL as LAB_PRACTICAL  # noqa: E402  (the practical's settings, as notebook 3's)

TARGET_ACCURACY = 0.85
NUM_WORDS = LAB_PRACTICAL["num_words"]
VALIDATION_SPLIT = LAB_PRACTICAL["validation_split"]
SEED = LAB_PRACTICAL["seed"]

# The practical's model, optimizer (Adam's default learning rate) and batch size; 3 epochs, where it overfits.
PRACTICAL = dict({key: LAB_PRACTICAL[key] for key in ("maxlen", "embedding_dim", "lstm_units", "dropout",
                                                      "recurrent_dropout", "batch_size")},
                 bidirectional=False, pooling=None, learning_rate=1e-3, by_length=False, epochs=3)
RECIPES = {
    "practical": dict(PRACTICAL),
    "practical-rd0": dict(PRACTICAL, recurrent_dropout=0.0),
    "fast": dict(PRACTICAL, embedding_dim=32, lstm_units=32, recurrent_dropout=0.0, batch_size=128,
                 learning_rate=2e-3, halve_learning_rate=True),
    "best": dict(PRACTICAL, maxlen=800, embedding_dim=128, conv_filters=128, conv_width=5, lstm_units=64, dropout=0.5,
                 recurrent_dropout=0.0, bidirectional=True, pooling="max", by_length=True, halve_learning_rate=True,
                 epochs=3),
}
# The practical's model with the same math, arranged to run faster on a CPU (issue 19): XLA compiles the whole train
# step (one visible argument of compile; Keras' default leaves it off without a GPU, and on a GPU its LSTM declines
# it), and the input half of every step's product runs once for all 200 words before the loop
# (benchmarks/precomputed_lstm.py).
RECIPES["practical-xla"] = dict(PRACTICAL, jit_compile=True)
RECIPES["practical-precomputed-xla"] = dict(PRACTICAL, layer="precomputed", jit_compile=True)
# Issue 37: the same again, and the recurrent weights' gradient taken after the loop, in one product over all steps
# (a hand-written backward pass: benchmarks/precomputed_lstm.py, OwnGradientLSTM).
RECIPES["practical-own-gradient-xla"] = dict(PRACTICAL, layer="own-gradient", jit_compile=True)
# Issue 37: the same math gate by gate around the same products (precomputed_lstm.py, GateMajorLSTM); kernel_profile.py
RECIPES["practical-gate-major-xla"] = dict(PRACTICAL, layer="gate-major", jit_compile=True)
# ... and the input product before the loop with XLA, on one intra-op thread (one core; measured: fewer CPU seconds
# than on two, RESULTS.md). practical-1-thread: the practical on one intra-op thread, the like-for-like baseline.
RECIPES["practical-precomputed-xla-1-thread"] = dict(RECIPES["practical-precomputed-xla"], intra_op_threads=1)
RECIPES["practical-1-thread"] = dict(PRACTICAL, intra_op_threads=1)
# Both on one core: one intra-op and one inter-op thread (Keras' loop can otherwise run two operations at once).
RECIPES["practical-1-core"] = dict(PRACTICAL, threads=1)
RECIPES["practical-precomputed-xla-1-core"] = dict(RECIPES["practical-precomputed-xla"], threads=1)
# Notebook 8 compiles every model with XLA, its `recurrent_dropout=0` LSTM among them: that row, with and without.
RECIPES["practical-rd0-xla"] = dict(PRACTICAL, recurrent_dropout=0.0, jit_compile=True)
# Peers, rebuilt from their published settings (the code is this lab's): keras-io's "Bidirectional LSTM on IMDB"
# (20,000 words, the last 200 of each review, two stacked bidirectional LSTMs of 64, batch 32, 2 epochs), and the
# model of TensorFlow's "Text classification with an RNN" tutorial (a 1,000-token vocabulary, whole reviews with
# masked padding, embedding 64, a bidirectional LSTM of 64, Dense(64, relu), Adam 1e-4, batch 64, 10 epochs). The
# tutorial pads each shuffled batch to its longest review; here batches hold reviews of similar length (the mask
# makes each review's computation the same; an epoch of the 20,000 reviews has 5.6 million padded steps instead of
# 18.0 million with shuffled batches of 64, measured with seed 42: this favours the peer's time).
RECIPES["keras-io-bilstm"] = dict(PRACTICAL, num_words=20000, embedding_dim=128, lstm_units=64, dropout=0.0,
                                  recurrent_dropout=0.0, bidirectional=True, stacked=2, batch_size=32, epochs=2)
RECIPES["tf-rnn-tutorial"] = dict(PRACTICAL, num_words=1000, maxlen=3000, embedding_dim=64, lstm_units=64, dropout=0.0,
                                  recurrent_dropout=0.0, bidirectional=True, mask_zero=True, dense_hidden=64,
                                  learning_rate=1e-4, by_length=True, epochs=10)
# The linear baseline of notebook 8 (TF-IDF of words and word pairs, logistic regression), its C and vocabulary
# chosen on the validation reviews; not an LSTM: the mark the best recipe has to beat.
RECIPES["tfidf-baseline"] = dict(kind="linear", features="tfidf", ngram_range=(1, 2), min_df=2,
                                 vocabularies=(10000, 30000, None), c_values=(0.5, 1.0, 2.0, 4.0, 8.0, 16.0), epochs=1,
                                 maxlen=None)
# NBSVM (Wang & Manning 2012, "Baselines and bigrams"): word and word-pair presence (0/1) scaled by the naive-Bayes
# log-count ratio of each feature, then a linear classifier; here logistic regression (the paper's NB-LR variant
# family; the paper reports 0.912 on IMDb with an SVM and every word). Vocabulary and C chosen on validation.
RECIPES["nbsvm-baseline"] = dict(kind="linear", features="nb", ngram_range=(1, 2), min_df=1, alpha=1.0,
                                 vocabularies=(10000, 30000, None), c_values=(0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 4.0, 8.0),
                                 epochs=1, maxlen=None)
# Candidates for a best recipe past the linear baseline (issue 19), tried by hand: see RESULTS.md.
RECIPES["best-pairs"] = dict(RECIPES["best"], word_pairs=100000, epochs=5)
RECIPES["best-pairs-dropout"] = dict(RECIPES["best-pairs"], embedding_dropout=0.4, epochs=3)
# Issue 37: the LSTM of *best* read beside NBSVM's features (naive-Bayes-weighted word and pair presence, every
# word), one model trained as a whole (benchmarks/nb_lstm.py); nb-bag is its bag branch alone, trained the same way:
# what the LSTM adds is the difference between the two.
RECIPES["nb-lstm"] = dict(RECIPES["best"], kind="nb-lstm", lstm=True, alpha=1.0, bag_init=0.0, bag_l2=1e-6,
                          bag_dropout=0.0, own_losses=False, epochs=4)
# Each branch trained on its own score (a loss each), the answer the sign of the two scores added.
RECIPES["nb-lstm-own-losses"] = dict(RECIPES["nb-lstm"], own_losses=True)
# The same with best-pairs' LSTM (200,000 word pairs, 5 epochs), and the weight of its score in the answer chosen
# on validation after every epoch, as NBSVM's C is (0.5: the two scores added).
RECIPES["nb-best-pairs"] = dict(RECIPES["nb-lstm-own-losses"], word_pairs=200000, epochs=5,
                                mix_weights=(0.2, 0.3, 0.4, 0.5))
# nb-best-pairs' bag branch alone, trained the same way (5 epochs, the same schedule): the ablation.
RECIPES["nb-bag"] = dict(RECIPES["nb-best-pairs"], lstm=False, word_pairs=None, mix_weights=None)
# ... and at the learning rate that suited the bag alone best in the exploration (Adam 0.003), for a second row.
RECIPES["nb-bag-adam-0.003"] = dict(RECIPES["nb-bag"], learning_rate=0.003)
# nb-best-pairs with its bag branch at that rate and its LSTM still at 0.001 (one Adam; nb_lstm.build's
# bag_rate_factor): what the LSTM adds to the best-trained bag is its difference with nb-bag-adam-0.003.
RECIPES["nb-best-pairs-bag-0.003"] = dict(RECIPES["nb-best-pairs"], bag_rate_factor=3.0,
                                          mix_weights=(0.1, 0.2, 0.3, 0.4, 0.5))
# Validation-only selection (issue 27, --select FAMILY): each family's candidates train with the first seed, and
# the candidate with the best validation accuracy (at its best epoch; ties: the fewer CPU seconds to that epoch) is
# chosen; its run counts as the first final run, and the other seeds train it again. Every run scores the test
# reviews once, at the epoch validation picked; the test accuracy of a candidate that was not chosen is dropped
# unread (it is never printed or saved). The candidates: each recipe as the earlier rounds left it (chosen with test
# scores in view, see RESULTS.md) and its neighbours along one or two of the settings that were tuned that way.
# What validation chose, and why notebook 9 keeps fast's halving: RESULTS.md, "Chosen on validation, tested once".
SELECTIONS = {
    "fast": {"fast": {}, "fast, constant learning rate": dict(halve_learning_rate=False),
             "fast, embedding 64 and 64 units": dict(embedding_dim=64, lstm_units=64)},
    "best": {"best": {}, "best without the convolution": dict(conv_filters=0)},
    "best-pairs": {"best-pairs": {}, "best-pairs, 30,000 pairs": dict(word_pairs=30000),
                   "best-pairs, 200,000 pairs": dict(word_pairs=200000)},
}
# What `python benchmarks/lstm_recipes.py` runs when no --recipes is given.
DEFAULT_RECIPES = ("practical", "practical-xla", "practical-precomputed-xla", "practical-rd0", "fast", "best",
                   "best-pairs", "keras-io-bilstm", "tf-rnn-tutorial", "tfidf-baseline", "nbsvm-baseline")
# Speed levers, each one change to the practical's recipe, timed on a slice (--levers). "env" is set before
# the worker process imports TensorFlow or Keras.
LEVERS = {
    "practical (batch 64)": {},
    "jit_compile=True (XLA)": dict(jit_compile=True),
    "unroll=True": dict(unroll=True),
    "input product before the loop": dict(layer="precomputed"),
    "input product before the loop, XLA": dict(layer="precomputed", jit_compile=True),
    "own backward pass, XLA": dict(layer="own-gradient", jit_compile=True),
    "own backward pass, no XLA": dict(layer="own-gradient"),
    # Issue 37: the batch's two halves in two loops side by side (precomputed_lstm.py, TwoHalvesLSTM), meant for one
    # core each; and the best arrangement with each product on one thread.
    "two half-batch loops, XLA": dict(layer="halves", jit_compile=True),
    "two half-batch loops, XLA, 1 intra-op thread": dict(layer="halves", jit_compile=True, intra_op_threads=1),
    "input product before the loop, XLA, 1 intra-op thread": dict(layer="precomputed", jit_compile=True,
                                                                  intra_op_threads=1),
    "TF_ENABLE_ONEDNN_OPTS=0": dict(env={"TF_ENABLE_ONEDNN_OPTS": "0"}),
    "1 inter-op thread": dict(inter_op_threads=1),
    "1 thread": dict(threads=1),
    "KERAS_BACKEND=jax": dict(env={"KERAS_BACKEND": "jax"}, needs="jax"),
    "KERAS_BACKEND=jax, input product before the loop": dict(env={"KERAS_BACKEND": "jax"}, needs="jax",
                                                             layer="precomputed"),
    "recurrent_dropout=0 (other math, for scale)": dict(recurrent_dropout=0.0),
    "batch 256 (other training, for scale)": dict(batch_size=256),
}
SMOKE = dict(train_reviews=320, test_reviews=200, maxlen_cap=40, epochs=3)


# ---------------------------------------------------------------- the machine


def hardware() -> dict:
    """What ran the benchmark: CPU, cores, memory, GPU, library versions, date."""
    cpu, flags = platform.processor() or platform.machine(), []
    try:
        with open("/proc/cpuinfo") as info:
            lines = info.read().splitlines()
        names = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
        cpu = names[0] if names else cpu
        flags = next((line.split(":", 1)[1].split() for line in lines if line.startswith("flags")), [])
    except OSError:
        pass
    memory_gib = None
    try:
        memory_gib = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        pass
    import keras
    import tensorflow as tf

    gpus = []
    for device in tf.config.list_physical_devices("GPU"):
        details = tf.config.experimental.get_device_details(device)
        gpus.append(details.get("device_name", device.name))
    return {
        "date": datetime.date.today().isoformat(),
        "cpu": cpu,
        # the vector instructions the CPU offers (issue 37: XLA's gain differs with and without AVX-512), and the
        # settings that cap what oneDNN and XLA may use (set them to time a CPU without AVX-512 on one with it)
        "cpu_vector_flags": [flag for flag in flags if flag.startswith(("avx", "fma", "amx", "sse4"))],
        "cpu_flags": " ".join(flags),
        "isa_caps": {name: os.environ[name] for name in ("ONEDNN_MAX_CPU_ISA", "XLA_FLAGS", "TF_ENABLE_ONEDNN_OPTS")
                     if name in os.environ},
        "cpu_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_gib": memory_gib,
        "gpus": gpus,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
    }


# ---------------------------------------------------------------- data and models


@functools.cache  # smoke mode runs every recipe in this process: read and split the data once (4 s each time)
def load_imdb(smoke: bool, num_words: int = NUM_WORDS):
    """The practical's data, split as validation_split=0.2 splits it (the last 20 % for validation)."""
    from labutils.data import install_data_hook

    install_data_hook()
    import keras

    (x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data(num_words=num_words)
    if smoke:
        x_train, y_train = x_train[: SMOKE["train_reviews"]], y_train[: SMOKE["train_reviews"]]
        x_test, y_test = x_test[: SMOKE["test_reviews"]], y_test[: SMOKE["test_reviews"]]
    split = int(len(x_train) * (1 - VALIDATION_SPLIT))
    return (x_train[:split], y_train[:split]), (x_train[split:], y_train[split:]), (x_test, y_test)


def make_batches(reviews, labels, recipe: dict, shuffle: bool):
    """``(x, y)`` arrays padded to ``maxlen`` (the practical), or ``(LengthBatches, None)`` for ``by_length``."""
    import keras
    import numpy as np

    if recipe["by_length"]:
        from labutils.batching import LengthBatches

        batch_size = recipe["batch_size"] if shuffle else 256  # validation and test batches: as in notebook 9
        seed = recipe.get("seed", SEED)
        return LengthBatches(reviews, labels, batch_size, recipe["maxlen"], shuffle=shuffle, seed=seed), None
    padding = recipe.get("padding", "pre")
    return keras.utils.pad_sequences(reviews, maxlen=recipe["maxlen"], padding=padding), np.asarray(labels)


def with_word_pairs(train, validation, test, recipe: dict):
    """Each word id packed with the id of the word pair it ends: ``word + num_words * pair``.

    The pairs are the ``word_pairs`` most frequent neighbouring pairs of the *training* reviews (ids from 2; 1 is
    any other pair, 0 the padding): the word pairs a TF-IDF of unigrams and bigrams sees, given to the LSTM as a
    second embedding per step. One integer per step keeps ``pad_sequences`` and ``LengthBatches`` as they are.
    """
    import numpy as np

    words, pairs = recipe.get("num_words", NUM_WORDS), recipe["word_pairs"]
    if words * (pairs + 2) >= 2**31:
        raise ValueError("num_words x word_pairs must stay below 2**31 (the ids are int32)")

    def keys(review):
        review = np.asarray(review, dtype=np.int64)
        return review[:-1] * words + review[1:]

    counted, counts = np.unique(np.concatenate([keys(review) for review in train[0]]), return_counts=True)
    kept = np.sort(counted[np.argsort(-counts, kind="stable")[:pairs]])

    def pack(review):
        review = np.asarray(review, dtype=np.int64)
        pair_ids = np.ones(len(review), dtype=np.int64)
        if len(review) > 1 and len(kept):
            found = np.minimum(np.searchsorted(kept, keys(review)), len(kept) - 1)
            pair_ids[1:] = np.where(kept[found] == keys(review), found + 2, 1)
        return review + words * pair_ids

    return [([pack(review) for review in reviews], labels) for reviews, labels in (train, validation, test)]


def word_and_pair_embedding(words: int, pairs: int, dim: int):
    """A layer that unpacks ``word + words * pair`` and adds the word's and the pair's embeddings."""
    import keras
    from keras import ops

    class WordAndPairEmbedding(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.word_embedding = keras.layers.Embedding(words, dim)
            self.pair_embedding = keras.layers.Embedding(pairs + 2, dim)

        def call(self, packed):
            return self.word_embedding(ops.mod(packed, words)) + self.pair_embedding(ops.floor_divide(packed, words))

    return WordAndPairEmbedding()


def sibling(name: str):
    """benchmarks/NAME.py, imported by its path (this script runs from anywhere; tests load it too)."""
    import importlib.util
    from pathlib import Path

    if name not in sys.modules:
        path = Path(__file__).with_name(f"{name}.py")
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[name] = module
    return sys.modules[name]


def precomputed_lstm():
    """benchmarks/precomputed_lstm.py."""
    return sibling("precomputed_lstm")


def build_model(recipe: dict):
    """Embedding -> (Conv1D -> MaxPooling1D) -> (Bidirectional) LSTM (x stacked) -> (max over words) -> (Dense relu)
    -> Dense(1, sigmoid), Adam."""
    import keras

    keras.utils.set_random_seed(recipe.get("seed", SEED))
    if recipe.get("layer") == "precomputed":
        LSTM = precomputed_lstm().PrecomputedInputLSTM
    elif recipe.get("layer") == "own-gradient":
        LSTM = precomputed_lstm().OwnGradientLSTM
    elif recipe.get("layer") == "halves":
        LSTM = precomputed_lstm().TwoHalvesLSTM
    elif recipe.get("layer") == "gate-major":
        LSTM = precomputed_lstm().GateMajorLSTM
    else:
        LSTM = keras.layers.LSTM
    if recipe.get("word_pairs"):
        embedding = word_and_pair_embedding(recipe.get("num_words", NUM_WORDS), recipe["word_pairs"],
                                            recipe["embedding_dim"])
    else:
        embedding = keras.layers.Embedding(recipe.get("num_words", NUM_WORDS), recipe["embedding_dim"],
                                           mask_zero=recipe.get("mask_zero", False))
    layers = [keras.Input(shape=(None,) if recipe["by_length"] else (recipe["maxlen"],), dtype="int32"), embedding]
    if recipe.get("embedding_dropout"):
        layers.append(keras.layers.Dropout(recipe["embedding_dropout"]))
    if recipe.get("conv_filters"):  # word-group detectors, then every other step kept: the LSTM reads half the steps
        layers += [keras.layers.Conv1D(recipe["conv_filters"], recipe["conv_width"], padding="same", activation="relu"),
                   keras.layers.MaxPooling1D(2, padding="same")]
    stacked = recipe.get("stacked", 1)
    if stacked == 0:  # the profile's "everything but the LSTM": embedding, an average over the words, Dense
        layers.append(keras.layers.GlobalAveragePooling1D())
    for index in range(stacked):
        lstm = LSTM(recipe["lstm_units"], dropout=recipe["dropout"], recurrent_dropout=recipe["recurrent_dropout"],
                    return_sequences=index < stacked - 1 or recipe["pooling"] == "max",
                    unroll=recipe.get("unroll", False))
        layers.append(keras.layers.Bidirectional(lstm) if recipe["bidirectional"] else lstm)
    if recipe["pooling"] == "max":
        layers.append(keras.layers.GlobalMaxPooling1D())
    if recipe.get("dense_hidden"):
        layers.append(keras.layers.Dense(recipe["dense_hidden"], activation="relu"))
    layers.append(keras.layers.Dense(1, activation="sigmoid"))
    model = keras.Sequential(layers)
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(recipe["learning_rate"]),
                  metrics=["accuracy"], jit_compile=recipe.get("jit_compile", False))
    return model


def accuracy(model, data) -> float:
    x, y = data
    if y is None:  # a PyDataset
        return float(model.evaluate(x, verbose=0)[1])
    return float(model.evaluate(x, y, batch_size=500, verbose=0)[1])


# ---------------------------------------------------------------- one recipe, in its own process


def run_recipe(name: str, recipe: dict, epochs: int, smoke: bool, evaluate: bool = True,
               train_reviews: int | None = None) -> dict:
    """Train ``recipe`` epoch by epoch; time ``fit`` only; validate after every epoch; test once, at the end, with
    the weights of the epoch of best validation accuracy.

    ``train_reviews`` trains on the first so many training reviews only (the levers' slice).
    """
    import tensorflow as tf

    if recipe.get("kind") == "linear":
        return linear_baseline(name, recipe, smoke)
    if recipe.get("threads"):
        tf.config.threading.set_intra_op_parallelism_threads(recipe["threads"])
        tf.config.threading.set_inter_op_parallelism_threads(recipe["threads"])
    if recipe.get("inter_op_threads"):
        tf.config.threading.set_inter_op_parallelism_threads(recipe["inter_op_threads"])
    if recipe.get("intra_op_threads"):
        tf.config.threading.set_intra_op_parallelism_threads(recipe["intra_op_threads"])
    if smoke:
        recipe = dict(recipe, maxlen=min(recipe["maxlen"], SMOKE["maxlen_cap"]))
    import keras

    backend = keras.backend.backend()
    train, validation, test = load_imdb(smoke, recipe.get("num_words", NUM_WORDS))
    if train_reviews:
        train = (train[0][:train_reviews], train[1][:train_reviews])
    if recipe.get("word_pairs"):
        train, validation, test = with_word_pairs(train, validation, test, recipe)
    if recipe.get("kind") == "nb-lstm":  # two inputs: the word ids and the review's word and pair features
        (train_data, validation_data, test_data), model = nb_lstm_data_and_model(train, validation, test, recipe,
                                                                                 smoke, train_reviews)
    else:
        train_data = make_batches(*train, recipe, shuffle=True)
        validation_data = make_batches(*validation, recipe, shuffle=False)
        test_data = make_batches(*test, recipe, shuffle=False)
        model = build_model(recipe)
    rows, trained_seconds, best_weights = [], 0.0, None
    for epoch in range(1, epochs + 1):
        if recipe.get("halve_learning_rate"):  # what keras.callbacks.LearningRateScheduler does in notebook 9
            model.optimizer.learning_rate.assign(recipe["learning_rate"] * 0.5 ** (epoch - 1))
        started, cpu_started = time.perf_counter(), time.process_time()
        x, y = train_data
        if y is None:
            model.fit(x, epochs=1, verbose=0)
        else:
            model.fit(x, y, batch_size=recipe["batch_size"], epochs=1, shuffle=True, verbose=0)
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started  # cross-check: CPU time of all threads, not wall time
        trained_seconds += seconds
        row = {"epoch": epoch, "seconds": round(seconds, 1), "cpu_seconds": round(cpu_seconds, 1),
               "trained_seconds": round(trained_seconds, 1)}
        if evaluate:  # validation only: the test reviews are scored once, after training, at the epoch it picks
            if recipe.get("mix_weights"):  # nb-best-pairs: the mix of its two scores, chosen on validation (kept
                # in the weights below, so the test is scored with the mix of the epoch it picks)
                row["mix"], row["val_accuracy"] = sibling("nb_lstm").choose_mix(model, validation_data[0],
                                                                                recipe["mix_weights"])
            else:
                row["val_accuracy"] = round(accuracy(model, validation_data), 4)
            if best_weights is None or row["val_accuracy"] > max(r["val_accuracy"] for r in rows):
                best_weights = [weight.copy() for weight in model.get_weights()]
        rows.append(row)
        print(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in row.items()), file=sys.stderr, flush=True)
    from labutils.course.runner import peak_memory_mib

    result = {
        "recipe": name,
        "settings": recipe,
        "backend": backend,
        "parameters": int(model.count_params()),
        "training_reviews": len(train[0]),
        "epochs": rows,
        "median_epoch_seconds": round(statistics.median(r["seconds"] for r in rows), 1),
        "peak_memory_mib": round(peak_memory_mib(children=False), 1),
    }
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        result["peak_gpu_memory_mib"] = round(tf.config.experimental.get_memory_info("GPU:0")["peak"] / 2**20, 1)
    if evaluate:
        best = max(rows, key=lambda r: r["val_accuracy"])  # the first of equals
        reached = next((r for r in rows if r["val_accuracy"] >= TARGET_ACCURACY), None)
        model.set_weights(best_weights)
        result.update(
            best_val_epoch=best["epoch"],
            best_val_accuracy=best["val_accuracy"],
            test_accuracy_at_best_val=round(accuracy(model, test_data), 4),  # the only time the test set is scored
            **({"mix_at_best_val": best["mix"]} if "mix" in best else {}),
            seconds_to_target=reached["trained_seconds"] if reached else None,
            epochs_to_target=reached["epoch"] if reached else None,
        )
    return result


def nb_lstm_data_and_model(train, validation, test, recipe: dict, smoke: bool, train_reviews: int | None = None):
    """nb_lstm.py's recipes: ``((train, validation, test), model)``, each split as ``(dataset, None)``.

    ``train``, ``validation``, ``test``: the word ids as the LSTM branch reads them (packed with their pairs when
    the recipe has ``word_pairs``); ``test`` None: no test split is built (its place in the result is None). The
    bag branch's features come from a second load with every word, in the same review order; its vocabulary and
    ratios from the training reviews only.
    """
    nb_lstm = sibling("nb_lstm")
    every_word = load_imdb(smoke, None)
    if list(every_word[0][1][:len(train[1])]) != list(train[1]):  # both loads keep Keras' one review order
        raise RuntimeError("the two loads of IMDb list the reviews in different orders")
    if train_reviews:
        every_word = ((every_word[0][0][:train_reviews], every_word[0][1][:train_reviews]),) + every_word[1:]
    splits = (train, validation) if test is None else (train, validation, test)
    bags, ratios = nb_lstm.bag_features(*every_word[0], [every_word[index][0] for index in range(1, len(splits))],
                                        recipe["alpha"])
    seed = recipe.get("seed", SEED)
    data = tuple((nb_lstm.two_input_dataset(split[0], bag, split[1], recipe["batch_size"] if shuffle else 256,
                                            recipe["maxlen"], shuffle, seed), None)
                 for split, bag, shuffle in zip(splits, bags, (True, False, False)))
    if test is None:
        data += (None,)
    embedding = None
    if recipe.get("word_pairs"):
        embedding = word_and_pair_embedding(recipe.get("num_words", NUM_WORDS), recipe["word_pairs"],
                                            recipe["embedding_dim"])
    model = nb_lstm.build(dict(recipe, seed=seed), ratios, recipe.get("num_words", NUM_WORDS), embedding)
    return data, model


def linear_baseline(name: str, recipe: dict, smoke: bool) -> dict:
    """Notebook 8's TF-IDF + logistic regression, on the recipes' split: C and vocabulary picked on validation.

    Each vocabulary (word ids below it; ``None``: every word) is vectorized once on the 20,000 training reviews;
    each C is fitted there and scored on the 5,000 validation reviews; the pair with the best validation accuracy
    is scored once on the test reviews. Timed (CPU and wall seconds): everything, loading and vectorizing the
    reviews for each vocabulary, every fit of the grid, and the test score.
    """
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vocabularies = recipe["vocabularies"][:1] if smoke else recipe["vocabularies"]
    c_values = recipe["c_values"][:2] if smoke else recipe["c_values"]
    started, cpu_started = time.perf_counter(), time.process_time()
    grid, best = [], None  # best: (grid row, classifier, test features, test labels)
    for vocabulary in vocabularies:
        train, validation, test = load_imdb(smoke, vocabulary)
        as_text = lambda reviews: [" ".join(map(str, review)) for review in reviews]  # noqa: E731
        if recipe.get("features", "tfidf") == "tfidf":
            vectorizer = TfidfVectorizer(ngram_range=tuple(recipe["ngram_range"]), min_df=recipe["min_df"],
                                         sublinear_tf=True, token_pattern=r"\S+")
        else:  # presence, for the naive-Bayes ratios below
            vectorizer = CountVectorizer(ngram_range=tuple(recipe["ngram_range"]), min_df=recipe["min_df"],
                                         binary=True, token_pattern=r"\S+")
        x_train = vectorizer.fit_transform(as_text(train[0]))
        x_validation, x_test = vectorizer.transform(as_text(validation[0])), vectorizer.transform(as_text(test[0]))
        if recipe.get("features") == "nb":
            ratios = naive_bayes_ratios(x_train, train[1], recipe["alpha"])  # from the training reviews only
            x_train, x_validation, x_test = (x.multiply(ratios).tocsr() for x in (x_train, x_validation, x_test))
        for c in c_values:
            classifier = LogisticRegression(C=c, max_iter=1000).fit(x_train, train[1])
            row = {"vocabulary": vocabulary, "C": c, "features": x_train.shape[1],
                   "val_accuracy": round(float(classifier.score(x_validation, validation[1])), 4)}
            grid.append(row)
            print(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in row.items()), file=sys.stderr, flush=True)
            if best is None or row["val_accuracy"] > best[0]["val_accuracy"]:
                best = (row, classifier, x_test, test[1])
    chosen, classifier, x_test, y_test = best
    test_accuracy = float(classifier.score(x_test, y_test))  # the test reviews, once, for the pair validation chose
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    from labutils.course.runner import peak_memory_mib

    reached = chosen["val_accuracy"] >= TARGET_ACCURACY
    return {"recipe": name, "settings": recipe, "backend": "scikit-learn", "parameters": chosen["features"] + 1,
            "training_reviews": len(train[0]), "grid": grid, "chosen": chosen,
            "epochs": [{"epoch": 1, "seconds": round(seconds, 1), "cpu_seconds": round(cpu_seconds, 1),
                        "trained_seconds": round(seconds, 1), "val_accuracy": chosen["val_accuracy"]}],
            "median_epoch_seconds": round(seconds, 1), "peak_memory_mib": round(peak_memory_mib(children=False), 1),
            "best_val_epoch": 1, "best_val_accuracy": chosen["val_accuracy"],
            "test_accuracy_at_best_val": round(test_accuracy, 4),
            "seconds_to_target": round(seconds, 1) if reached else None, "epochs_to_target": 1 if reached else None}


def naive_bayes_ratios(x, labels, alpha: float):
    """Wang & Manning's log-count ratio per feature (benchmarks/nb_lstm.py holds the one copy)."""
    return sibling("nb_lstm").naive_bayes_ratios(x, labels, alpha)


def run_somewhere(name: str, recipe: dict, epochs: int, smoke: bool, evaluate: bool,
                  train_reviews: int | None = None) -> dict:
    """Smoke mode runs a recipe in this process (fast), unless it needs its own; full mode always gives it one."""
    if smoke and not needs_own_process(recipe):
        return run_recipe(name, recipe, epochs, smoke, evaluate, train_reviews)
    return in_subprocess(name, recipe, epochs, smoke, evaluate, train_reviews)


def in_subprocess(name: str, recipe: dict, epochs: int, smoke: bool, evaluate: bool,
                  train_reviews: int | None = None) -> dict:
    """Run one recipe in a fresh interpreter (its own peak memory, no state left by the previous one).

    The recipe's ``env`` (a lever's environment variables) is set for that interpreter only, before it imports
    TensorFlow or Keras.
    """
    job = json.dumps({"name": name, "recipe": recipe, "epochs": epochs, "smoke": smoke, "evaluate": evaluate,
                      "train_reviews": train_reviews})
    env = dict(os.environ, **recipe.get("env", {}))
    done = subprocess.run([sys.executable, __file__, "--worker", job], stdout=subprocess.PIPE, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"recipe {name!r} failed (exit {done.returncode}); its error is above")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- reports


def table(results: list[dict]) -> str:
    lines = ["| recipe | parameters | s/epoch (median) | CPU s/epoch | epochs | seconds to 0.85 validation | "
             "best validation acc (epoch) | test acc there (scored once) | peak MiB |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        reached = r.get("seconds_to_target")
        to_target = f"{reached} ({r['epochs_to_target']} ep)" if reached else "not reached"
        cpu = statistics.median(e["cpu_seconds"] for e in r["epochs"])
        lines.append(f"| {r['recipe']} | {r['parameters']:,} | {r['median_epoch_seconds']} | {cpu:.1f} | "
                     f"{len(r['epochs'])} | {to_target} | {r.get('best_val_accuracy')} ({r.get('best_val_epoch')}) | "
                     f"{r.get('test_accuracy_at_best_val')} | {r['peak_memory_mib']:,.0f} |")
    return "\n".join(lines)


def lever_table(results: list[dict], baseline: dict) -> str:
    """Each lever's wall and CPU seconds per slice epoch (median of epochs 2-4), and its speed-up on both."""
    lines = ["| lever (one change to the practical) | wall s per slice epoch | CPU s | projected wall s per "
             "20,000 reviews | speed-up, wall | speed-up, CPU |", "|---|---|---|---|---|---|"]
    for r in results:
        per_thousand = 1000 * r["median_epoch_seconds"] / r["training_reviews"]
        lines.append(f"| {r['recipe']} | {r['median_epoch_seconds']} | {r['median_cpu_seconds']} | "
                     f"{20 * per_thousand:.0f} | {baseline['median_epoch_seconds'] / r['median_epoch_seconds']:.2f}x | "
                     f"{baseline['median_cpu_seconds'] / r['median_cpu_seconds']:.2f}x |")
    return "\n".join(lines)


def matrix_floor(reviews: int, recipe: dict) -> dict:
    """Seconds the practical's LSTM matrix products alone need for ``reviews`` reviews, timed with NumPy here.

    Per word and review an LSTM step multiplies the word's vector (``embedding_dim``) and the previous output
    (``lstm_units``) by the four gates' weights: 2 x (E + U) x 4U operations forward and twice that backward
    (the gradients for the weights and for the inputs), 3 x in all. Timed at two shapes: one step's product for
    a batch (what a loop does: batch x E times E x 4U) and the input product for a whole batch of reviews at once
    (batch x maxlen rows), which only works for the input half; the recurrent half has to go step by step.
    """
    import numpy as np

    batch, e, u, steps = recipe["batch_size"], recipe["embedding_dim"], recipe["lstm_units"], recipe["maxlen"]
    rng = np.random.default_rng(0)
    weights = rng.standard_normal((e, 4 * u), dtype=np.float32)

    def rate(rows: int, repeats: int) -> tuple[float, float]:
        a = rng.standard_normal((rows, e), dtype=np.float32)
        a @ weights  # warm-up
        runs = []
        for _ in range(5):
            started, cpu_started = time.perf_counter(), time.process_time()
            for _ in range(repeats):
                a @ weights
            runs.append((time.perf_counter() - started, time.process_time() - cpu_started))
        wall, cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        operations = 2 * rows * e * 4 * u * repeats
        return operations / wall / 1e9, operations / cpu / 1e9

    step_rate, step_cpu_rate = rate(batch, 2000)
    block_rate, block_cpu_rate = rate(batch * steps, 10)
    input_half = 3 * 2 * e * 4 * u * steps * reviews
    recurrent_half = 3 * 2 * u * 4 * u * steps * reviews
    return {
        "operations": input_half + recurrent_half,
        "step_shape_gflops": round(step_rate, 1), "step_shape_gflops_per_cpu_second": round(step_cpu_rate, 1),
        "block_shape_gflops": round(block_rate, 1), "block_shape_gflops_per_cpu_second": round(block_cpu_rate, 1),
        "floor_step_by_step_seconds": round((input_half + recurrent_half) / step_rate / 1e9, 2),
        "floor_step_by_step_cpu_seconds": round((input_half + recurrent_half) / step_cpu_rate / 1e9, 2),
        "floor_input_first_seconds": round(input_half / block_rate / 1e9 + recurrent_half / step_rate / 1e9, 2),
        "floor_input_first_cpu_seconds": round(input_half / block_cpu_rate / 1e9 + recurrent_half / step_cpu_rate / 1e9,
                                               2),
    }


# Where an epoch of the practical goes (--profile): the same slice, the same batches, three models.
PROFILE_PARTS = {
    "the practical's train step": {},
    "the same loop with 4 units and embedding 4 (loop overhead)": dict(embedding_dim=4, lstm_units=4),
    "no LSTM: embedding, average, Dense (input, embedding, optimizer)": dict(stacked=0),
}


def profile_table(parts: list[dict], floor: dict, reviews: int) -> str:
    lines = [f"| part ({reviews:,} reviews, median of epochs 2-4) | wall s | CPU s | share of the practical's CPU s |",
             "|---|---|---|---|"]
    whole = parts[0]["median_cpu_seconds"]
    for part in parts:
        lines.append(f"| {part['recipe']} | {part['median_epoch_seconds']} | {part['median_cpu_seconds']} | "
                     f"{part['median_cpu_seconds'] / whole:.0%} |")
    lines.append(f"| matrix products alone, step by step (NumPy, {floor['step_shape_gflops']} GFLOP/s) | "
                 f"{floor['floor_step_by_step_seconds']} | {floor['floor_step_by_step_cpu_seconds']} | "
                 f"{floor['floor_step_by_step_cpu_seconds'] / whole:.0%} |")
    lines.append(f"| matrix products alone, input half for all steps at once ({floor['block_shape_gflops']} GFLOP/s) | "
                 f"{floor['floor_input_first_seconds']} | {floor['floor_input_first_cpu_seconds']} | "
                 f"{floor['floor_input_first_cpu_seconds'] / whole:.0%} |")
    return "\n".join(lines)


def with_median_cpu(result: dict) -> dict:
    """Medians of epochs 2 on (the first one also traces and compiles the model)."""
    later = result["epochs"][1:] or result["epochs"]
    result["median_epoch_seconds"] = round(statistics.median(e["seconds"] for e in later), 2)
    result["median_cpu_seconds"] = round(statistics.median(e["cpu_seconds"] for e in later), 2)
    return result


def select(family: str, seeds: list[int], smoke: bool, epochs: int | None = None) -> dict:
    """SELECTIONS[family]: every candidate with ``seeds[0]``, the choice made on validation, then the final runs."""
    candidates = []
    for label, change in SELECTIONS[family].items():
        recipe = dict(RECIPES[family], **change, seed=seeds[0])
        result = run_somewhere(f"{label} (seed {seeds[0]})", recipe,
                               SMOKE["epochs"] if smoke else (epochs or recipe["epochs"]), smoke, True)
        candidates.append(dict(result, candidate=label))

    def merit(candidate: dict):  # validation only: its best accuracy, then the fewer CPU seconds to reach it (the
        # CPU seconds, not the wall clock, which jumps on a shared VM)
        cpu_to_best = sum(epoch["cpu_seconds"] for epoch in candidate["epochs"][:candidate["best_val_epoch"]])
        return candidate["best_val_accuracy"], -cpu_to_best

    chosen = max(candidates, key=merit)
    for candidate in candidates:
        if candidate is not chosen:
            del candidate["test_accuracy_at_best_val"]  # not chosen: its test score is dropped unread
    finals = [chosen]
    for seed in seeds[1:]:
        recipe = dict(chosen["settings"], seed=seed)
        finals.append(dict(run_somewhere(f"{chosen['candidate']} (seed {seed})", recipe,
                                         len(chosen["epochs"]), smoke, True), candidate=chosen["candidate"]))
    tests = [run["test_accuracy_at_best_val"] for run in finals]
    return {"family": family, "selection_seed": seeds[0], "chosen": chosen["candidate"],
            "candidates": candidates, "final_runs": finals,
            "mean_test_accuracy": round(statistics.mean(tests), 4), "test_accuracies": tests}


def selection_table(selections: list[dict]) -> str:
    """Each candidate on validation (the choice in bold), then the chosen one's final runs, one row per seed."""
    lines = ["| family | candidate (seed) | best validation acc (epoch) | training s to it | CPU s per epoch | "
             "test acc there (scored once; not kept for a candidate not chosen) |", "|---|---|---|---|---|---|"]
    for selection in selections:
        for run in selection["candidates"] + selection["final_runs"][1:]:
            cpu = statistics.median(e["cpu_seconds"] for e in run["epochs"])
            name = f"{run['candidate']} (seed {run['settings']['seed']})"
            if run is selection["final_runs"][0]:
                name = f"**{name}: chosen**"
            lines.append(f"| {selection['family']} | {name} | {run['best_val_accuracy']} ({run['best_val_epoch']}) | "
                         f"{run['epochs'][run['best_val_epoch'] - 1]['trained_seconds']} | {cpu:.1f} | "
                         f"{run.get('test_accuracy_at_best_val', 'dropped unread (not chosen)')} |")
        lines.append(f"| {selection['family']} | mean of {len(selection['final_runs'])} seed(s) | | | | "
                     f"**{selection['mean_test_accuracy']}** |")
    return "\n".join(lines)


def needs_own_process(recipe: dict) -> bool:
    """Environment variables and thread counts only act before TensorFlow starts: such a recipe gets a fresh process."""
    return bool(recipe.get("env") or recipe.get("threads") or recipe.get("inter_op_threads")
                or recipe.get("intra_op_threads"))


def lever_available(change: dict) -> bool:
    import importlib.util

    return not change.get("needs") or importlib.util.find_spec(change["needs"]) is not None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipes", default=None,
                        help=f"comma-separated, from: {', '.join(RECIPES)} (default: {', '.join(DEFAULT_RECIPES)})")
    parser.add_argument("--epochs", type=int, help="epochs for every recipe (default: each recipe's own)")
    parser.add_argument("--select", help=f"comma-separated families, from: {', '.join(SELECTIONS)}: choose each "
                                          "one's settings on validation (first seed), then train the choice with the "
                                          "other seeds; with --recipes, those recipes run too, in the same run")
    parser.add_argument("--levers", action="store_true", help="time each speed lever on a slice instead")
    parser.add_argument("--profile", action="store_true", help="where the practical's epoch goes, on a slice")
    parser.add_argument("--lever-names", help="separated by ';' (names hold commas): only these levers, after the practical (default: every one)")
    parser.add_argument("--lever-reviews", type=int, default=1600, help="training reviews per lever/profile epoch")
    parser.add_argument("--smoke", action="store_true", help="tiny slices, in this process: checks every code path")
    parser.add_argument("--seeds", default=str(SEED), help=f"comma-separated seeds, each recipe once per seed "
                                                             f"(default {SEED})")
    parser.add_argument("--seed", dest="seeds", help=argparse.SUPPRESS)  # the old spelling, one seed
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:  # one recipe, in a child process: its result is the last line of stdout
        job = json.loads(args.worker)
        print(json.dumps(run_recipe(job["name"], job["recipe"], job["epochs"], job["smoke"], job["evaluate"],
                                    job["train_reviews"])))
        return 0

    recipes = args.recipes if args.recipes is not None else "" if args.select else ",".join(DEFAULT_RECIPES)
    names = [name.strip() for name in recipes.split(",") if name.strip()]
    unknown = [name for name in names if name not in RECIPES]
    if unknown:
        parser.error(f"unknown recipe(s) {', '.join(unknown)}; choose from {', '.join(RECIPES)}")
    families = [name.strip() for name in (args.select or "").split(",") if name.strip()]
    unknown = [name for name in families if name not in SELECTIONS]
    if unknown:
        parser.error(f"unknown famil(ies) {', '.join(unknown)} for --select; choose from {', '.join(SELECTIONS)}")
    if args.epochs is not None and args.epochs < 1:
        parser.error("--epochs must be at least 1")
    try:
        seeds = [int(seed) for seed in str(args.seeds).split(",") if seed.strip()]
    except ValueError:
        parser.error(f"--seeds takes whole numbers separated by commas, not {args.seeds!r}")
    if not seeds:
        parser.error("--seeds needs at least one seed")
    if families and (args.levers or args.profile):
        parser.error("--select trains whole recipes; it does not combine with --levers or --profile")
    report = {"machine": hardware(), "mode": "smoke" if args.smoke else "full", "target_accuracy": TARGET_ACCURACY}
    if args.smoke:
        report["smoke"] = SMOKE

    def slice_run(label: str, recipe: dict, evaluate: bool = False) -> dict:
        """One lever or profile part: 4 epochs on a slice (smoke: the smoke slice), no evaluation, own process
        whenever it needs one (see run_somewhere)."""
        epochs, reviews = (SMOKE["epochs"], None) if args.smoke else (4, args.lever_reviews)
        return with_median_cpu(run_somewhere(label, recipe, epochs, args.smoke, evaluate, reviews))

    if args.profile:
        parts = [slice_run(label, dict(RECIPES["practical"], seed=seeds[0], **change))
                 for label, change in PROFILE_PARTS.items()]
        reviews = parts[0]["training_reviews"]
        floor = matrix_floor(reviews, RECIPES["practical"])
        report["profile"] = {"parts": parts, "matrix_floor": floor}
        print(profile_table(parts, floor, reviews))
    elif args.levers:
        results, skipped = [], []
        wanted = [name.strip() for name in (args.lever_names or "").split(";") if name.strip()]
        unknown = [name for name in wanted if name not in LEVERS]
        if unknown:
            parser.error(f"unknown lever(s) {', '.join(unknown)}; choose from {', '.join(LEVERS)}")
        for label, change in LEVERS.items():
            if wanted and label not in wanted and label != "practical (batch 64)":  # the baseline always runs first
                continue
            if not lever_available(change):
                skipped.append(f"{label} ({change['needs']} is not installed)")
                continue
            results.append(slice_run(label, dict(RECIPES["practical"], seed=seeds[0], **change)))
        report["levers"], report["levers_skipped"] = results, skipped
        print(lever_table(results, results[0]))
        for line in skipped:
            print(f"skipped: {line}")
    else:
        if families:
            report["selections"] = [select(family, seeds, args.smoke, args.epochs) for family in families]
            print(selection_table(report["selections"]) + "\n")
        results = []
        for name in names:
            for seed in seeds[:1] if RECIPES[name].get("kind") == "linear" else seeds:  # no seed in a linear fit
                recipe = dict(RECIPES[name], seed=seed)
                epochs = SMOKE["epochs"] if args.smoke else (args.epochs or recipe["epochs"])
                label = name if len(seeds) == 1 or RECIPES[name].get("kind") == "linear" else f"{name} (seed {seed})"
                results.append(run_somewhere(label, recipe, epochs, args.smoke, True))
        report["recipes"] = results
        if results:
            print(table(results))
    machine = report["machine"]
    print(f"\n{report['mode']} mode, {machine['date']}: {machine['cpu']}, {machine['cpu_cores']} cores, "
          f"vector flags: {' '.join(machine['cpu_vector_flags']) or 'unknown'}"
          f"{''.join(f'; {k}={v}' for k, v in machine['isa_caps'].items())}; "
          f"GPU: {', '.join(machine['gpus']) or 'none'}; TensorFlow {machine['tensorflow']}, Keras {machine['keras']}, "
          f"Python {machine['python']}")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(report, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
