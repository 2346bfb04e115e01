"""labutils.batching.LengthBatches, and benchmarks/lstm_recipes.py run end to end in its smoke mode."""

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
from helpers import ROOT, notebook_constants, shared_data_dir

from labutils import LengthBatches

REVIEWS = [[1, 2, 3], [4] * 40, [5] * 70, [6], [7] * 33, [8] * 64, [9] * 10, []]
LABELS = [0, 1, 0, 1, 1, 0, 1, 0]


def test_each_batch_is_padded_to_its_longest_review_rounded_up():
    batches = LengthBatches(REVIEWS, LABELS, batch_size=3, maxlen=50, round_to=16)
    widths = [batches[i][0].shape[1] for i in range(len(batches))]
    assert len(batches) == 3
    assert widths == [16, 48, 50]  # lengths 0,1,3 | 10,33,40 | 50 (70 cut to 50), 50 (64 cut)
    x, y = batches[1]
    assert x.shape == (3, 48) and list(y) == [1, 1, 1]
    assert list(x[0, -10:]) == [9] * 10 and x[0, 0] == 0  # padded at the front, like pad_sequences
    x, _ = batches[2]
    assert list(x[1]) == [5] * 50 or list(x[0]) == [5] * 50  # the 70-word review keeps its last 50 words


def test_every_review_appears_once_per_epoch_and_shuffling_changes_the_batches():
    reviews = [[1] * (n % 37 + 1) for n in range(500)]
    labels = list(range(500))
    batches = LengthBatches(reviews, labels, batch_size=16, maxlen=64, shuffle=True, seed=0, round_to=8)
    def seen():
        return sorted(int(v) for i in range(len(batches)) for v in batches[i][1])
    first = [list(batches[i][1]) for i in range(len(batches))]
    assert seen() == labels
    batches.on_epoch_end()
    assert seen() == labels and [list(batches[i][1]) for i in range(len(batches))] != first
    assert 0 <= batches.padded_fraction() < 0.2 < 1 - np.mean(batches.lengths) / 64  # vs padding all to 64


def test_keras_accepts_a_wider_batch_after_two_of_the_same_width():
    """Keras fixes a PyDataset's shapes from its first two batches; the first two must differ in width."""
    reviews, labels = [[3] * 5] * 10 + [[4] * 100] * 3, [0] * 10 + [1] * 3
    for shuffle in (False, True):
        batches = LengthBatches(reviews, labels, batch_size=2, maxlen=128, shuffle=shuffle, seed=1)
        assert batches.width(0) != batches.width(1)
        assert sorted(int(v) for i in range(len(batches)) for v in batches[i][1]) == sorted(labels)
    model = keras.Sequential([keras.Input(shape=(None,), dtype="int32"), keras.layers.Embedding(8, 2),
                              keras.layers.LSTM(2), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    model.fit(LengthBatches(reviews, labels, batch_size=2, maxlen=128, shuffle=True), epochs=2, verbose=0)
    model.evaluate(LengthBatches(reviews, labels, batch_size=2, maxlen=128), verbose=0)
    same = LengthBatches([[1] * 40] * 6, [0] * 6, batch_size=2, maxlen=32)  # every batch as wide: nothing to do
    assert [same.width(i) for i in range(len(same))] == [32, 32, 32]


def test_bad_input_is_refused_clearly():
    with pytest.raises(ValueError, match="3 reviews but 2 labels"):
        LengthBatches([[1], [2], [3]], [0, 1], batch_size=2, maxlen=10)
    with pytest.raises(ValueError, match="no reviews"):
        LengthBatches([], [], batch_size=2, maxlen=10)
    with pytest.raises(ValueError, match="at least 1"):
        LengthBatches([[1]], [0], batch_size=0, maxlen=10)


def test_keras_trains_and_evaluates_on_it():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(None,), dtype="int32"), keras.layers.Embedding(12, 4),
                              keras.layers.LSTM(4), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    batches = LengthBatches(REVIEWS, LABELS, batch_size=4, maxlen=50, shuffle=True)
    history = model.fit(batches, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert 0 <= model.evaluate(LengthBatches(REVIEWS, LABELS, batch_size=4, maxlen=50), verbose=0)[1] <= 1


def test_the_benchmark_runs_end_to_end_in_smoke_mode(tmp_path):
    """The script by hand takes tens of minutes (benchmarks/RESULTS.md); its smoke mode checks every recipe's code path."""
    env = dict(os.environ, LABUTILS_DATA_DIR=str(shared_data_dir()))
    out = tmp_path / "results.json"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "lstm_recipes.py"), "--smoke", "--json", str(out)],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["mode"] == "smoke" and report["machine"]["cpu_cores"] >= 1
    assert [r["recipe"] for r in report["recipes"]] == ["practical", "practical-xla", "practical-precomputed-xla",
                                                         "practical-rd0", "fast", "best", "best-pairs",
                                                         "keras-io-bilstm", "tf-rnn-tutorial", "tfidf-baseline",
                                                         "nbsvm-baseline"]
    assert report["recipes"][-2]["chosen"]["C"] in (0.5, 1.0)  # the baselines' C picked on validation
    assert report["recipes"][-1]["chosen"]["C"] in (0.05, 0.1)
    for result in report["recipes"]:
        assert len(result["epochs"]) >= (1 if result["backend"] == "scikit-learn" else 3)  # a linear fit: one "epoch"
        assert result["median_epoch_seconds"] > 0 and result["peak_memory_mib"] > 0
        assert {"best_val_accuracy", "test_accuracy_at_best_val", "seconds_to_target"} <= set(result)
        assert all("test_accuracy" not in epoch for epoch in result["epochs"])  # the test set is scored once
        assert all(epoch["cpu_seconds"] > 0 for epoch in result["epochs"])
    assert report["recipes"][0]["parameters"] == 1_411_713
    assert "| practical |" in done.stdout and "smoke mode" in done.stdout


def test_the_benchmark_selects_on_validation_and_scores_only_the_choice_on_test(tmp_path):
    """--select: candidates with the first seed, the choice by validation accuracy, then the other seeds."""
    env = dict(os.environ, LABUTILS_DATA_DIR=str(shared_data_dir()))
    out = tmp_path / "selection.json"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "lstm_recipes.py"), "--smoke", "--select", "fast",
                           "--seeds", "42,1", "--json", str(out)], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(out.read_text())
    assert "recipes" in report and report["recipes"] == []  # --select alone runs no other recipe
    (selection,) = report["selections"]
    candidates = selection["candidates"]
    assert [c["candidate"] for c in candidates] == ["fast", "fast, constant learning rate",
                                                    "fast, embedding 64 and 64 units"]
    chosen = next(c for c in candidates if c["candidate"] == selection["chosen"])
    assert chosen["best_val_accuracy"] == max(c["best_val_accuracy"] for c in candidates)  # ties: fewer CPU seconds
    assert [c["candidate"] for c in candidates if "test_accuracy_at_best_val" in c] == [selection["chosen"]]
    finals = selection["final_runs"]
    assert [run["settings"]["seed"] for run in finals] == [42, 1]
    assert {run["candidate"] for run in finals} == {selection["chosen"]}
    assert selection["test_accuracies"] == [run["test_accuracy_at_best_val"] for run in finals]
    assert "mean of 2 seed(s)" in done.stdout and "dropped unread (not chosen)" in done.stdout


def test_the_benchmarks_profile_and_levers_run_in_smoke_mode(tmp_path):
    """--profile splits an epoch into loop, rest and matrix floor; --levers times each lever (jax only if installed)."""
    env = dict(os.environ, LABUTILS_DATA_DIR=str(shared_data_dir()))
    script = str(ROOT / "benchmarks" / "lstm_recipes.py")
    out = tmp_path / "profile.json"
    done = subprocess.run([sys.executable, script, "--smoke", "--profile", "--json", str(out)],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    profile = json.loads(out.read_text())["profile"]
    assert len(profile["parts"]) == 3 and profile["matrix_floor"]["step_shape_gflops"] > 0
    assert "matrix products alone" in done.stdout
    out = tmp_path / "levers.json"
    done = subprocess.run([sys.executable, script, "--smoke", "--levers", "--json", str(out)],
                          capture_output=True, text=True, env=env, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(out.read_text())
    timed = [r["recipe"] for r in report["levers"]] + [s.split(" (")[0] for s in report["levers_skipped"]]
    assert len(timed) == 17 and all(r["median_cpu_seconds"] > 0 for r in report["levers"])
    assert "speed-up, CPU" in done.stdout


def test_the_lstm_beside_nbsvms_features_runs_in_smoke_mode(tmp_path):
    """Issue 37's two-input recipes: the bag branch alone, both branches on one loss, a loss per branch, and the
    final recipe, whose weight in the answer is chosen on validation after every epoch and kept with its epoch."""
    env = dict(os.environ, LABUTILS_DATA_DIR=str(shared_data_dir()))
    script = str(ROOT / "benchmarks" / "lstm_recipes.py")
    out = tmp_path / "nb.json"
    done = subprocess.run([sys.executable, script, "--smoke", "--recipes",
                           "nb-bag,nb-lstm,nb-lstm-own-losses,nb-best-pairs", "--json", str(out)],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    bag, lstm, own, final = json.loads(out.read_text())["recipes"]
    assert bag["parameters"] < lstm["parameters"] < own["parameters"]  # own: one more (its mix, not trained)
    for result in (bag, lstm, own, final):
        assert len(result["epochs"]) == 3 and 0 <= result["test_accuracy_at_best_val"] <= 1
    assert all(epoch["mix"] in final["settings"]["mix_weights"] for epoch in final["epochs"])
    assert final["mix_at_best_val"] == final["epochs"][final["best_val_epoch"] - 1]["mix"]
    assert "mix" not in bag["epochs"][0]
    explore = str(ROOT / "benchmarks" / "nb_lstm_explore.py")  # the exploration RESULTS.md cites: validation only
    done = subprocess.run([sys.executable, explore, '{"word_pairs": 2000}', "2", "--smoke"], capture_output=True,
                          text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert [row["epoch"] for row in rows] == [1, 2] and {"lstm", "bag", "added", "raw w=0.2"} <= set(rows[0])
    out = tmp_path / "levers.json"
    done = subprocess.run([sys.executable, script, "--smoke", "--levers", "--lever-names", "own backward pass, XLA",
                           "--json", str(out)], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(out.read_text())
    assert [r["recipe"] for r in report["levers"]] == ["practical (batch 64)", "own backward pass, XLA"]
    assert "avx" in " ".join(report["machine"]["cpu_vector_flags"]) or not report["machine"]["cpu_flags"]


def test_the_kernel_profile_runs_in_smoke_mode(tmp_path):
    """kernel_profile.py trains the gate-major lever (XLA, one thread) and splits a batch's kernels into products,
    other kernels in and outside the loops, and bookkeeping, all inside the profiled batch; it refuses a recipe
    whose products it would miscount."""
    env = dict(os.environ, LABUTILS_DATA_DIR=str(shared_data_dir()))
    out = tmp_path / "kernels.json"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "kernel_profile.py"), "--smoke", "--recipes",
                           "practical-gate-major-xla", "--json", str(out)], capture_output=True, text=True, env=env,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(out.read_text())
    (result,) = report["results"]
    parts = result["ms_per_batch"]
    assert parts["products in loops"] > 0 and parts["products outside loops"] > 0
    assert parts["other kernels in loops"] > 0 and parts["loop bookkeeping"] >= 0  # no kernel counted twice
    assert parts["every kernel"] <= result["profiled_cpu_ms_per_batch"]
    assert result["gflop_per_s"]["products in loops"] > 0 and report["large_product"]["gflop_per_s"]["xla"] > 0
    assert {kernel["class"] for kernel in result["kernels"]} >= {"loops", "products in loops"}
    assert "LSTM GFLOP/s of products" in done.stdout
    for recipe, refusal in [("practical", "not an XLA-compiled recipe"), ("practical-xla", "miscounted")]:
        done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "kernel_profile.py"), "--recipes", recipe],
                              capture_output=True, text=True, env=env, timeout=600)
        assert done.returncode == 2 and refusal in done.stderr


def test_the_kernel_profile_counts_a_kernel_once_and_knows_which_ran_in_a_loop(tmp_path):
    """A kernel is an event inside a compiled run (ThunkExecutor::Execute) of its thread; inside a while kernel, it
    ran in a loop, and a loop inside a loop adds only its kernels. Keras' events around the compiled code and the
    executor's "end: ..." events are not kernels, whatever order the trace lists them in. Kernels XLA handed to a
    library are reported apart (they may hold products)."""
    import random

    from tensorflow.tsl.profiler.protobuf import xplane_pb2

    profile = load_benchmark("kernel_profile")
    space = xplane_pb2.XSpace()
    space.planes.add(name="/device:GPU:0").lines.add().events.add(metadata_id=1, offset_ps=0, duration_ps=10**12)
    plane = space.planes.add(name="/host:CPU")
    names = ["multi_step_on_iterator", profile.EXECUTE, "MatMul.1", "while.1", "MatMul.2", "add_fusion", "copy.1",
             "while.2", "tanh_fusion", "end: tanh_fusion"]
    for key, name in enumerate(names, 1):
        plane.event_metadata[key].name = name
    step = [(1, 0, 300), (2, 10, 200), (3, 20, 10), (4, 40, 100),  # Keras' call, the step, a product, a loop
            (2, 45, 40), (5, 50, 10), (6, 65, 10),  # the loop's first body: a product, a kernel
            (2, 90, 40), (5, 95, 10), (6, 106, 4),  # its second body: the same two kernels,
            (8, 111, 12), (2, 112, 10), (9, 113, 8), (10, 121, 1),  # and a loop inside it, whose kernel ends
            (7, 150, 20), (7, 250, 20)]  # a kernel of the step; an event after the step, not a kernel
    random.Random(0).shuffle(step)
    for lines in range(2):  # two threads, each with one step
        line = plane.lines.add()
        for key, start, duration in step:
            line.events.add(metadata_id=key, offset_ps=start * 10**9, duration_ps=duration * 10**9)
    (tmp_path / "host.xplane.pb").write_bytes(space.SerializeToString())
    kernels = profile.kernel_times(str(tmp_path))
    assert kernels == {"MatMul.1": (20.0, 2, False), "while.1": (200.0, 2, False), "MatMul.2": (40.0, 4, True),
                       "add_fusion": (28.0, 4, True), "while.2": (24.0, 2, True), "tanh_fusion": (16.0, 2, True),
                       "copy.1": (40.0, 2, False)}
    parts = profile.split_time(kernels, batches=2)
    assert parts["products in loops"] == 20.0 and parts["other kernels in loops"] == 22.0
    assert parts["products outside loops"] == 10.0 and parts["other kernels outside loops"] == 20.0
    assert parts["loop bookkeeping"] == 58.0 and parts["every kernel"] == 130.0
    library = {"ynn_fusion.1": (30.0, 2, True), "wrapped_xnn_fusion": (4.0, 2, False), "slice_fusion": (6.0, 2, True)}
    assert profile.library_ms(dict(kernels, **library), batches=2) == 17.0  # kernels a library ran, reported apart


def test_nbsvm_features_come_from_the_training_reviews_only():
    """Feature ids start at 1 (0 pads, ratio 0); a word or pair never seen in training is dropped."""
    nb_lstm = load_benchmark("nb_lstm")
    train = [[5, 6, 7], [5, 6], [8, 9], [8, 9, 9]]
    (train_ids, other_ids), ratios = nb_lstm.bag_features(train, [1, 1, 0, 0], [[[5, 6, 42]]])
    assert ratios[0] == 0.0 and len(ratios) == 1 + 9  # 5 words and 4 pairs seen in training ("9 9" included)
    assert all(ids.min() >= 1 for ids in train_ids)
    assert len(other_ids[0]) == 3  # "5", "6" and "5 6"; "42" and "6 42" were never seen in training
    assert min(ratios[other_ids[0]]) > 0  # all three occur in positive training reviews only


def load_benchmark(name: str = "lstm_recipes"):
    """benchmarks/NAME.py as a module (the benchmarks are scripts, not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bag_rate_factor_trains_the_bag_as_adam_at_that_multiple_of_the_rate():
    """nb-best-pairs-bag-0.003's bag: stored weights divided by k, the score multiplied by k, one Adam at rate r;
    the same predictions as the bag trained at k x r (up to Adam's epsilon), its L2 penalty on the real weights."""
    nb_lstm = load_benchmark("nb_lstm")
    rng = np.random.default_rng(0)
    features = rng.integers(0, 40, size=(64, 12)).astype("int32")
    labels = (features % 2 == 0).mean(axis=1) > 0.5
    ratios = np.concatenate([[0.0], rng.standard_normal(39)]).astype("float32")
    predictions = []
    for rate, factor in ((0.003, 1.0), (0.001, 3.0)):
        recipe = dict(seed=1, lstm=False, bag_init=0.05, bag_l2=1e-3, learning_rate=rate, bag_rate_factor=factor)
        model = nb_lstm.build(recipe, ratios, num_words=10)
        words = np.zeros((64, 1), dtype="int32")
        model.fit((words, features), labels.astype("float32"), batch_size=16, epochs=3, shuffle=False, verbose=0)
        predictions.append(model.predict((words, features), verbose=0).ravel())
        real_weights = model.get_layer("nb_weight").get_weights()[0] * factor
        assert np.isclose(float(sum(model.losses)), 1e-3 * np.sum(real_weights ** 2), rtol=1e-3)
    assert np.abs(predictions[0] - 0.5).max() > 0.05  # it learned something
    np.testing.assert_allclose(predictions[1], predictions[0], atol=1e-4)


def test_word_pairs_are_counted_on_training_reviews_and_packed_with_each_word():
    """best-pairs: word + num_words * pair, pairs ranked by count in the training reviews only (2 up; 1: other)."""
    recipes = load_benchmark()
    train = ([[1, 5, 6, 7], [1, 5, 6], [1, 9]], [0, 1, 0])
    validation, test = ([[1, 5, 6, 8]], [1]), ([[1], []], [0, 1])
    recipe = dict(recipes.RECIPES["best-pairs"], num_words=10, word_pairs=2)
    (train_packed, _), (validation_packed, _), (test_packed, _) = recipes.with_word_pairs(train, validation, test,
                                                                                          recipe)
    # (1, 5) and (5, 6) occur twice in training: pair ids 2 and 3; every other pair is 1, as is a review's first word
    assert [list(review) for review in train_packed] == [[11, 25, 36, 17], [11, 25, 36], [11, 19]]
    assert list(validation_packed[0]) == [11, 25, 36, 18]  # (6, 8) was never seen in training
    assert [list(review) for review in test_packed] == [[11], []]
    model = recipes.build_model(dict(recipe, by_length=True, maxlen=20))
    assert model.predict(np.array([train_packed[0]]), verbose=0).shape == (1, 1)
    with pytest.raises(ValueError, match="2\\*\\*31"):
        recipes.with_word_pairs(train, validation, test, dict(recipe, num_words=100_000, word_pairs=100_000))


def test_the_benchmark_refuses_an_unknown_recipe():
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "lstm_recipes.py"), "--recipes", "fastest"],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "unknown recipe(s) fastest" in done.stderr
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "lstm_recipes.py"), "--select", "fastest"],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "unknown famil(ies) fastest for --select" in done.stderr
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "lstm_recipes.py"), "--select", "fast", "--levers"],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "does not combine with --levers" in done.stderr


def test_notebook_9_writes_out_the_benchmarks_fast_and_best_recipes():
    """The notebook shows the recipes as plain constants; the benchmark times the same settings."""
    recipes = load_benchmark()
    notebook_path = ROOT / "notebooks" / "09_faster_and_better.ipynb"
    constants = notebook_constants(notebook_path)
    for prefix, name in [("FAST", "fast"), ("BEST", "best")]:
        recipe = recipes.RECIPES[name]
        written = {key: constants[f"{prefix}_{key.upper()}"] for key in
                   ["embedding_dim", "lstm_units", "batch_size", "learning_rate", "epochs"]}
        assert written == {key: recipe[key] for key in written}, name
    assert constants["BEST_MAXLEN"] == recipes.RECIPES["best"]["maxlen"]
    assert constants["FAST_DROPOUT"] == recipes.RECIPES["fast"]["dropout"]
    assert constants["BEST_DROPOUT"] == recipes.RECIPES["best"]["dropout"]
    assert constants["BEST_CONV_FILTERS"] == recipes.RECIPES["best"]["conv_filters"]
    assert constants["BEST_CONV_WIDTH"] == recipes.RECIPES["best"]["conv_width"]
    code = "".join("".join(cell["source"]) for cell in json.loads(notebook_path.read_text())["cells"]
                   if cell["cell_type"] == "code")
    for prefix, name in [("FAST", "fast"), ("BEST", "best")]:
        assert recipes.RECIPES[name]["halve_learning_rate"] and f"{prefix}_LEARNING_RATE * 0.5 ** epoch" in code
    assert constants["MAXLEN"] == recipes.RECIPES["fast"]["maxlen"] == recipes.PRACTICAL["maxlen"]
