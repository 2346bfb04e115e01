"""Speed and accuracy of LSTM recipes on IMDb, side by side: ``python benchmarks/lstm_recipes.py``.

Trains each recipe on the same data in one run and reports, per recipe: the median seconds per training epoch
(at least 3 epochs), the training seconds until test accuracy first reached 0.85, the test accuracy at the
epoch with the best validation accuracy (the honest figure) and the best test accuracy of any epoch, the peak
memory, and the machine it ran on.

Recipes (RECIPES below; notebook 9 writes the last two out as plain Keras code):

* ``practical``      the practical as written: Embedding(10000, 128) -> LSTM(128, dropout=0.2,
                     recurrent_dropout=0.2) -> Dense(1), Adam 1e-3, batch 64, reviews cut to 200 words;
* ``practical-rd0``  the same with ``recurrent_dropout=0``, the setting that lets Keras use cuDNN on a GPU;
* ``fast``           the practical's model family, made small and fed big batches: the one to reach 0.85 quickly;
* ``best``           the lab's "go further" recipe: whole reviews (up to 800 words) batched by length, a
                     convolution over 5-word windows whose outputs are pooled in pairs, a bidirectional LSTM
                     whose outputs are max-pooled over the review, dropout 0.5 on its inputs, the learning
                     rate halved after every epoch.

Data: ``keras.datasets.imdb.load_data(num_words=10000)``. Every recipe trains on the practical's 20,000 training
reviews (``validation_split=0.2`` holds out the last 5,000), is validated on those 5,000 after each epoch and
tested on all 25,000 test reviews after each epoch. Only ``fit`` is timed; validation and testing are not.
Each recipe runs in a fresh Python process (so peak memory is its own), one after another. Seconds are wall
clock (``time.perf_counter``); the CPU seconds of all threads (``time.process_time``) are recorded beside them,
because a shared or virtual machine's wall clock can be noisy.

    python benchmarks/lstm_recipes.py                       # every recipe, full data (recorded time: benchmarks/RESULTS.md)
    python benchmarks/lstm_recipes.py --recipes practical,fast --epochs 3
    python benchmarks/lstm_recipes.py --recipes fast --seed 7   # another seed: how much is luck
    python benchmarks/lstm_recipes.py --levers              # seconds per epoch of each speed lever, on a slice
    python benchmarks/lstm_recipes.py --smoke               # tiny slices, in this process: checks every code path

``--json FILE`` saves everything; the results by hand go to benchmarks/RESULTS.md. Not a test: speed lives here,
not in pytest. The offline copy of IMDb is used when ``$LABUTILS_DATA_DIR`` points to it.
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
# Speed levers, each one change to the practical's recipe, timed on a slice (--levers).
LEVERS = {
    "practical (batch 64)": {},
    "recurrent_dropout=0": dict(recurrent_dropout=0.0),
    "batch 256": dict(batch_size=256),
    "recurrent_dropout=0, batch 256": dict(recurrent_dropout=0.0, batch_size=256),
    "jit_compile=True": dict(jit_compile=True),
    "batched by length (pre-padding)": dict(by_length=True),
    "post-padding + masking": dict(padding="post", mask_zero=True),
    "1 thread": dict(threads=1),
    "64 units, embedding 64": dict(embedding_dim=64, lstm_units=64),
    "32 units, embedding 32": dict(embedding_dim=32, lstm_units=32),
}
SMOKE = dict(train_reviews=320, test_reviews=200, maxlen_cap=40, epochs=3)


# ---------------------------------------------------------------- the machine


def hardware() -> dict:
    """What ran the benchmark: CPU, cores, memory, GPU, library versions, date."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            names = [line.split(":", 1)[1].strip() for line in info if line.startswith("model name")]
        cpu = names[0] if names else cpu
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
def load_imdb(smoke: bool):
    """The practical's data, split as validation_split=0.2 splits it (the last 20 % for validation)."""
    from labutils.data import install_data_hook

    install_data_hook()
    import keras

    (x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data(num_words=NUM_WORDS)
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


def build_model(recipe: dict):
    """Embedding -> (Conv1D -> MaxPooling1D) -> (Bidirectional) LSTM -> (max over words) -> Dense(1, sigmoid), Adam."""
    import keras

    keras.utils.set_random_seed(recipe.get("seed", SEED))
    lstm = keras.layers.LSTM(recipe["lstm_units"], dropout=recipe["dropout"],
                             recurrent_dropout=recipe["recurrent_dropout"],
                             return_sequences=recipe["pooling"] == "max")
    layers = [
        keras.Input(shape=(None,) if recipe["by_length"] else (recipe["maxlen"],), dtype="int32"),
        keras.layers.Embedding(NUM_WORDS, recipe["embedding_dim"], mask_zero=recipe.get("mask_zero", False)),
    ]
    if recipe.get("conv_filters"):  # word-group detectors, then every other step kept: the LSTM reads half the steps
        layers += [keras.layers.Conv1D(recipe["conv_filters"], recipe["conv_width"], padding="same", activation="relu"),
                   keras.layers.MaxPooling1D(2, padding="same")]
    layers.append(keras.layers.Bidirectional(lstm) if recipe["bidirectional"] else lstm)
    if recipe["pooling"] == "max":
        layers.append(keras.layers.GlobalMaxPooling1D())
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
    """Train ``recipe`` epoch by epoch; time ``fit`` only; validate and test after every epoch.

    ``train_reviews`` trains on the first so many training reviews only (the levers' slice).
    """
    import tensorflow as tf

    if recipe.get("threads"):
        tf.config.threading.set_intra_op_parallelism_threads(recipe["threads"])
        tf.config.threading.set_inter_op_parallelism_threads(recipe["threads"])
    if smoke:
        recipe = dict(recipe, maxlen=min(recipe["maxlen"], SMOKE["maxlen_cap"]))
    train, validation, test = load_imdb(smoke)
    if train_reviews:
        train = (train[0][:train_reviews], train[1][:train_reviews])
    train_data = make_batches(*train, recipe, shuffle=True)
    validation_data = make_batches(*validation, recipe, shuffle=False)
    test_data = make_batches(*test, recipe, shuffle=False)
    model = build_model(recipe)
    rows, trained_seconds = [], 0.0
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
        if evaluate:
            row["val_accuracy"] = round(accuracy(model, validation_data), 4)
            row["test_accuracy"] = round(accuracy(model, test_data), 4)
        rows.append(row)
        print(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in row.items()), file=sys.stderr, flush=True)
    from labutils.course.runner import peak_memory_mib

    result = {
        "recipe": name,
        "settings": recipe,
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
        best = max(rows, key=lambda r: r["val_accuracy"])
        reached = next((r for r in rows if r["test_accuracy"] >= TARGET_ACCURACY), None)
        result.update(
            best_val_epoch=best["epoch"],
            test_accuracy_at_best_val=best["test_accuracy"],
            best_test_accuracy=max(r["test_accuracy"] for r in rows),
            seconds_to_target=reached["trained_seconds"] if reached else None,
            epochs_to_target=reached["epoch"] if reached else None,
        )
    return result


def in_subprocess(name: str, recipe: dict, epochs: int, smoke: bool, evaluate: bool,
                  train_reviews: int | None = None) -> dict:
    """Run one recipe in a fresh interpreter (its own peak memory, no state left by the previous one)."""
    job = json.dumps({"name": name, "recipe": recipe, "epochs": epochs, "smoke": smoke, "evaluate": evaluate,
                      "train_reviews": train_reviews})
    done = subprocess.run([sys.executable, __file__, "--worker", job], stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise SystemExit(f"recipe {name!r} failed (exit {done.returncode}); its error is above")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- reports


def table(results: list[dict]) -> str:
    lines = ["| recipe | parameters | s/epoch (median) | CPU s/epoch | epochs | seconds to 0.85 test | "
             "test acc at best val | best test acc | peak MiB |", "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        reached = r.get("seconds_to_target")
        to_target = f"{reached} ({r['epochs_to_target']} ep)" if reached else "not reached"
        cpu = statistics.median(e["cpu_seconds"] for e in r["epochs"])
        lines.append(f"| {r['recipe']} | {r['parameters']:,} | {r['median_epoch_seconds']} | {cpu:.1f} | "
                     f"{len(r['epochs'])} | {to_target} | {r.get('test_accuracy_at_best_val')} | "
                     f"{r.get('best_test_accuracy')} | {r['peak_memory_mib']:,.0f} |")
    return "\n".join(lines)


def lever_table(results: list[dict], baseline: float) -> str:
    lines = ["| lever (one change to the practical) | s per epoch of the slice | s per 1,000 reviews | "
             "projected s per 20,000-review epoch | speed-up |", "|---|---|---|---|---|"]
    for r in results:
        per_thousand = 1000 * r["median_epoch_seconds"] / r["training_reviews"]
        lines.append(f"| {r['recipe']} | {r['median_epoch_seconds']} | {per_thousand:.2f} | {20 * per_thousand:.0f} | "
                     f"{baseline / r['median_epoch_seconds']:.2f}x |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipes", default=",".join(RECIPES), help=f"comma-separated, from: {', '.join(RECIPES)}")
    parser.add_argument("--epochs", type=int, help="epochs for every recipe (default: each recipe's own, at least 3)")
    parser.add_argument("--levers", action="store_true", help="time each speed lever on a slice instead")
    parser.add_argument("--lever-reviews", type=int, default=1600, help="training reviews per lever epoch")
    parser.add_argument("--smoke", action="store_true", help="tiny slices, in this process: checks every code path")
    parser.add_argument("--seed", type=int, default=SEED, help=f"seed for weights and shuffling (default {SEED})")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:  # one recipe, in a child process: its result is the last line of stdout
        job = json.loads(args.worker)
        print(json.dumps(run_recipe(job["name"], job["recipe"], job["epochs"], job["smoke"], job["evaluate"],
                                    job["train_reviews"])))
        return 0

    names = [name.strip() for name in args.recipes.split(",") if name.strip()]
    unknown = [name for name in names if name not in RECIPES]
    if unknown:
        parser.error(f"unknown recipe(s) {', '.join(unknown)}; choose from {', '.join(RECIPES)}")
    if args.epochs is not None and args.epochs < 1:
        parser.error("--epochs must be at least 1")
    run = (lambda *job: run_recipe(*job)) if args.smoke else in_subprocess
    report = {"machine": hardware(), "mode": "smoke" if args.smoke else "full", "target_accuracy": TARGET_ACCURACY}
    if args.smoke:
        report["smoke"] = SMOKE
    if args.levers:
        results = []
        for label, change in LEVERS.items():
            recipe = dict(RECIPES["practical"], seed=args.seed, **change)
            if args.smoke:
                results.append(run_recipe(label, recipe, SMOKE["epochs"], True, False))
            else:  # 4 epochs: the first one also traces the model, the median leaves it out
                results.append(in_subprocess(label, recipe, 4, False, False, args.lever_reviews))
        report["levers"] = results
        print(lever_table(results, results[0]["median_epoch_seconds"]))
    else:
        results = []
        for name in names:
            recipe = dict(RECIPES[name], seed=args.seed)
            epochs = SMOKE["epochs"] if args.smoke else (args.epochs or max(3, recipe["epochs"]))
            results.append(run(name, recipe, epochs, args.smoke, True))
        report["recipes"] = results
        print(table(results))
    machine = report["machine"]
    print(f"\n{report['mode']} mode, {machine['date']}: {machine['cpu']}, {machine['cpu_cores']} cores, "
          f"GPU: {', '.join(machine['gpus']) or 'none'}; TensorFlow {machine['tensorflow']}, Keras {machine['keras']}, "
          f"Python {machine['python']}")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(report, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
