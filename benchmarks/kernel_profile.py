"""Where the practical's train step goes, kernel by kernel, when XLA compiles it (issue 37): a benchmark, not a test.

``lstm_recipes.py --profile`` estimated the share of the matrix products from NumPy's speed (2026-11-25). This script
measures it: it trains a recipe of ``lstm_recipes.py`` that XLA compiles on one core (one intra-op and one inter-op
thread, so CPU seconds are wall seconds and every kernel runs one after another), records one epoch of a slice with
TensorFlow's profiler (``XLA_FLAGS=--xla_cpu_enable_xprof_traceme=true`` makes XLA report each kernel it runs), and
sums the kernels' time per batch into:

* **matrix products** (XLA's ``dot`` kernels: their names start with ``MatMul``, ``BatchMatMul`` or ``dot``), inside
  the loops over the words and outside them, with their speed: the LSTM's multiply-adds, ``6 x (E + U) x 4U`` per
  word (forward, and the two gradients), per second of product time;
* **other kernels in the loops** (the gates' arithmetic, copies, saving each step for the backward pass);
* **the loops' own bookkeeping**: a loop's time less the kernels it ran;
* **other kernels outside the loops** (embedding, Adam, the input masks, layout changes);
* **outside XLA**: the epoch's CPU seconds less every kernel (Keras, Python, the input pipeline, the profiler).

For scale it also times one large product (2,048 x 2,048 x 2,048) on the same thread: the core's speed at a shape
that uses it well. The profiler itself costs some time; the epoch is therefore also timed once without it.

    python benchmarks/kernel_profile.py                     # the best arrangement and the gate-major lever
    python benchmarks/kernel_profile.py --recipes practical-precomputed-xla --batches 50 --json out.json
    python benchmarks/kernel_profile.py --smoke              # a tiny slice: checks the code path (tests)

Only recipes compiled by XLA can be profiled this way (the practical as written runs TensorFlow's own kernels).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import sys
import tempfile
import time

# Before TensorFlow starts: XLA reports each kernel to the profiler.
os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " --xla_cpu_enable_xprof_traceme=true").strip()
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

DEFAULT_RECIPES = ("practical-precomputed-xla", "practical-gate-major-xla")
PRODUCT = re.compile(r"(MatMul|BatchMatMul|dot)([._]|$)")
LOOP = re.compile(r"while(\.|$)")
EXECUTE = "ThunkExecutor::Execute"  # the profiler's event for one run of compiled code: a step, or a loop's body


def recipes_module():
    """benchmarks/lstm_recipes.py, imported by its path."""
    import importlib.util
    from pathlib import Path

    if "lstm_recipes" not in sys.modules:
        spec = importlib.util.spec_from_file_location("lstm_recipes", Path(__file__).with_name("lstm_recipes.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules["lstm_recipes"] = module
        spec.loader.exec_module(module)
    return sys.modules["lstm_recipes"]


def kernel_times(logdir: str) -> dict[str, tuple[float, int, bool]]:
    """{XLA kernel: (milliseconds, runs, inside a loop)} from the profiler's trace of the host.

    XLA's kernels are the events inside an ``ThunkExecutor::Execute`` event of the same thread: one for the whole
    train step, and one more for each run of a loop's body, so a kernel inside two of them ran inside a loop."""
    from pathlib import Path

    from tensorflow.tsl.profiler.protobuf import xplane_pb2

    found = sorted(Path(logdir).rglob("*.xplane.pb"))
    if not found:
        raise SystemExit(f"the profiler wrote no trace under {logdir}")
    space = xplane_pb2.XSpace()
    space.ParseFromString(found[-1].read_bytes())
    totals: dict[str, list] = collections.defaultdict(lambda: [0.0, 0, False])
    for plane in space.planes:
        if not plane.name.startswith("/host:CPU"):
            continue
        names = {key: value.name for key, value in plane.event_metadata.items()}
        for line in plane.lines:
            events = sorted(((event.offset_ps, -event.duration_ps, names.get(event.metadata_id, ""))
                             for event in line.events), key=lambda event: (event[0], event[1]))
            open_executes: list[int] = []  # end times of the executions that contain the current event
            for start, minus_duration, name in events:
                while open_executes and open_executes[-1] <= start:
                    open_executes.pop()
                if name == EXECUTE:
                    open_executes.append(start - minus_duration)
                elif open_executes:
                    total = totals[name]
                    total[0] += -minus_duration / 1e9
                    total[1] += 1
                    total[2] = total[2] or len(open_executes) > 1
    return {name: tuple(total) for name, total in totals.items()}


def split_time(kernels: dict[str, tuple[float, int, bool]], batches: int) -> dict:
    """Milliseconds per batch: products (in and outside loops), other kernels in loops, loop bookkeeping, other
    kernels outside loops."""
    parts = collections.Counter()
    for name, (ms, _, in_loop) in kernels.items():
        per_batch = ms / batches
        if in_loop:
            parts["products in loops" if PRODUCT.match(name) else "other kernels in loops"] += per_batch
        elif LOOP.match(name):
            parts["loops"] += per_batch
        else:
            parts["products outside loops" if PRODUCT.match(name) else "other kernels outside loops"] += per_batch
    parts["loop bookkeeping"] = max(0.0, parts["loops"] - parts["products in loops"] - parts["other kernels in loops"])
    parts["every kernel"] = (parts["loops"] + parts["products outside loops"] + parts["other kernels outside loops"])
    return {name: round(ms, 2) for name, ms in parts.items()}


def large_product_rate() -> float:
    """GFLOP per second of one 2,048 x 2,048 x 2,048 product, TensorFlow on this (single) thread, median of 5."""
    import statistics

    import tensorflow as tf

    a = tf.random.normal((2048, 2048))
    tf.matmul(a, a).numpy()
    rates = []
    for _ in range(5):
        started = time.process_time()
        tf.matmul(a, a).numpy()
        rates.append(2 * 2048**3 / (time.process_time() - started) / 1e9)
    return round(statistics.median(rates), 1)


def profile(name: str, batches: int, smoke: bool) -> dict:
    """One recipe: a warm-up epoch (XLA compiles), one timed epoch, one profiled epoch, on the same slice."""
    import keras
    import tensorflow as tf

    module = recipes_module()
    recipe = dict(module.RECIPES[name])
    if not recipe.get("jit_compile"):
        raise SystemExit(f"{name}: not compiled by XLA, so its kernels cannot be profiled here")
    if smoke:
        recipe["maxlen"] = min(recipe["maxlen"], module.SMOKE["maxlen_cap"])
    train, _, _ = module.load_imdb(smoke, recipe.get("num_words", module.NUM_WORDS))
    reviews = min(batches * recipe["batch_size"], len(train[0]))
    batches = reviews // recipe["batch_size"]
    x, y = module.make_batches(train[0][:reviews], train[1][:reviews], recipe, shuffle=False)
    model = module.build_model(recipe)

    def epoch() -> float:
        started = time.process_time()
        model.fit(x, y, batch_size=recipe["batch_size"], epochs=1, shuffle=False, verbose=0)
        return time.process_time() - started

    epoch()  # XLA compiles the train step
    cpu_ms = epoch() * 1000 / batches
    with tempfile.TemporaryDirectory() as logdir:
        tf.profiler.experimental.start(logdir)
        profiled_ms = epoch() * 1000 / batches
        tf.profiler.experimental.stop()
        kernels = kernel_times(logdir)
    parts = split_time(kernels, batches)
    words = batches * recipe["batch_size"] * recipe["maxlen"]
    e, u = recipe["embedding_dim"], recipe["lstm_units"]
    lstm_flop = 6 * (e + u) * 4 * u * words  # forward, and the gradients for the weights and for the inputs
    products_ms = parts["products in loops"] + parts["products outside loops"]
    top = sorted(((ms / batches, runs // batches, kernel) for kernel, (ms, runs, _) in kernels.items()
                  if not LOOP.match(kernel)), reverse=True)[:12]
    keras.backend.clear_session()
    return {
        "recipe": name, "layer": recipe.get("layer", "keras"), "batches": batches, "maxlen": recipe["maxlen"],
        "cpu_ms_per_batch": round(cpu_ms, 1), "profiled_cpu_ms_per_batch": round(profiled_ms, 1),
        "ms_per_batch": dict(parts, **{"outside XLA": round(max(0.0, profiled_ms - parts["every kernel"]), 2)}),
        "lstm_products_gflop_per_s": round(lstm_flop / batches / products_ms / 1e6, 1) if products_ms else None,
        "top_kernels": [{"kernel": kernel, "ms_per_batch": round(ms, 2), "runs_per_batch": runs}
                        for ms, runs, kernel in top],
    }


def report_table(results: list[dict], rate: float) -> str:
    parts = ["products in loops", "products outside loops", "other kernels in loops", "loop bookkeeping",
             "other kernels outside loops", "outside XLA"]
    lines = ["| recipe | CPU ms per batch (profiled) | " + " | ".join(parts) + " | LSTM products' GFLOP/s |",
             "|---|---|" + "---|" * len(parts) + "---|"]
    for r in results:
        shares = " | ".join(f"{r['ms_per_batch'][part]:.1f} ({r['ms_per_batch'][part] / r['profiled_cpu_ms_per_batch']:.0%})"
                            for part in parts)
        lines.append(f"| {r['recipe']} | {r['cpu_ms_per_batch']} ({r['profiled_cpu_ms_per_batch']}) | {shares} | "
                     f"{r['lstm_products_gflop_per_s']} |")
    lines.append(f"\nOne 2,048 x 2,048 x 2,048 product on the same thread: {rate} GFLOP/s.")
    for r in results:
        lines.append(f"\n{r['recipe']}, the largest kernels (ms per batch, runs per batch): " + "; ".join(
            f"{k['kernel']} {k['ms_per_batch']} ({k['runs_per_batch']})" for k in r["top_kernels"][:8]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipes", default=",".join(DEFAULT_RECIPES), help="lstm_recipes.py recipes, XLA-compiled")
    parser.add_argument("--batches", type=int, default=25, help="batches in the slice (default 25: 1,600 reviews)")
    parser.add_argument("--smoke", action="store_true", help="a tiny slice: checks the code path")
    parser.add_argument("--json", help="save the results here")
    args = parser.parse_args(argv)
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(1)  # one core: kernels one after another, CPU = wall
    tf.config.threading.set_inter_op_parallelism_threads(1)
    module = recipes_module()
    names = [name.strip() for name in args.recipes.split(",") if name.strip()]
    unknown = [name for name in names if name not in module.RECIPES]
    if unknown:
        parser.error(f"unknown recipe(s): {', '.join(unknown)}")
    batches = 3 if args.smoke else args.batches
    results = [profile(name, batches, args.smoke) for name in names]
    rate = large_product_rate()
    report = {"hardware": module.hardware(), "threads": 1, "large_product_gflop_per_s": rate, "results": results}
    print(report_table(results, rate))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(report, out, indent=1)
    return report


if __name__ == "__main__":
    main()
