"""Where the practical's train step goes, kernel by kernel, when XLA compiles it (issue 37): a benchmark, not a test.

``lstm_recipes.py --profile`` estimated the share of the matrix products of the practical as written from NumPy's
speed (2026-11-25). This script measures an XLA-compiled recipe of ``lstm_recipes.py`` with the practical's shape.
It trains on one intra-op and one inter-op thread, so XLA runs its kernels one after another. It times one epoch of
a slice, then records one more with TensorFlow's profiler (``XLA_FLAGS=--xla_cpu_enable_xprof_traceme=true`` makes
XLA report each kernel it runs). The kernels' time per batch is split into:

* **matrix products** (XLA's ``dot`` kernels, named after TensorFlow's ``MatMul``, ``BatchMatMul`` or ``dot``), inside
  the loops over the words and outside them. Their speed is the LSTM's floating-point operations per second of
  product time: ``6 x (E + U) x 4U`` per word (three products, forward and the two gradients, at 2 operations per
  multiply-add), ``6 x U x 4U`` of them inside the loops;
* **other kernels in the loops**: by the code, the gates' arithmetic and the saving of each step;
* **the loops' own bookkeeping**: a loop's time less the kernels it ran;
* **other kernels outside the loops**: by the code, the embedding, the input masks, layout changes and Adam;
* **the rest**: the profiled epoch's CPU seconds less every kernel (Keras, Python, the input pipeline, the profiler).

A kernel that XLA hands to a library (``ynn_fusion``, ``xnn_fusion``, ``onednn_fusion``: YNNPACK, XNNPACK,
oneDNN) counts as an "other kernel", though it may hold products; the script reports their time apart
(``library_ms_per_batch``), and where it is large the products' speed is overstated. With TensorFlow 2.21.0 one
small such kernel runs outside the loops with no flag set; ``XLA_FLAGS=--xla_cpu_experimental_ynn_fusion_type=dot``
moves ten of the products there (benchmarks/RESULTS.md, "XLA's library flags").

The classes come from the kernels' names (HLO names that XLA takes from TensorFlow's operations), and "in a loop"
from the trace: a kernel inside a ``while`` kernel. The trace's ``end: ...`` events (the executor finishing a
kernel) are not kernels; their time falls to the loops' bookkeeping or to the rest. Checked with TensorFlow 2.21.0;
another version may name its events otherwise (the script stops when it finds no kernel). The JSON keeps every
kernel with its class. The split of the operations (the input product outside the loops, the three recurrent
products inside) holds for the layers that do the input product before the loop and let the loop's gradient run
step by step: ``precomputed``, ``gate-major`` and ``halves``; the script refuses the others.

For scale it also times one large product (2,048 x 2,048 x 2,048) on the same thread, with TensorFlow's own kernel
and compiled by XLA. The profiler costs time (compare the two CPU figures per batch), and its cost differed between
the two recipes measured: compare the parts of two recipes with care. The epoch timed without the profiler still
runs with XLA's trace flag on; what the flag alone costs was not measured.

    python benchmarks/kernel_profile.py                     # the best arrangement and the gate-major lever
    python benchmarks/kernel_profile.py --recipes practical-precomputed-xla --batches 50 --json out.json
    python benchmarks/kernel_profile.py --smoke --recipes practical-gate-major-xla   # a tiny slice (tests)

Run it as a script, in a fresh process: XLA reads its flags when TensorFlow starts.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_RECIPES = ("practical-precomputed-xla", "practical-gate-major-xla")
EXECUTE = "ThunkExecutor::Execute"  # the profiler's event for one run of compiled code: a step, or a loop's body
FINISHED = "end: "  # the profiler's event for the executor finishing a kernel: not a kernel
LAYERS = ("precomputed", "gate-major", "halves")  # the input product before the loop, the loop's gradient step by step
PRODUCT = re.compile(r"(BatchMatMul(V\d)?|MatMul|dot|Einsum|einsum)([._]|$)")
LOOP = re.compile(r"while(\.|$)")
LIBRARY = re.compile(r"(^|_)(ynn|xnn|onednn)_fusion([._]|$)")  # kernels XLA hands to YNNPACK, XNNPACK or oneDNN
PARTS = ("products in loops", "products outside loops", "other kernels in loops", "loop bookkeeping",
         "other kernels outside loops")
TRACEME = "--xla_cpu_enable_xprof_traceme=true"


def kernel_times(logdir: str) -> dict[str, tuple[float, int, bool]]:
    """{XLA kernel: (milliseconds, runs, inside a loop)} from the profiler's trace of the host.

    XLA's kernels are the events inside a ``ThunkExecutor::Execute`` event of the same thread (one for the whole
    train step, one more for each run of a loop's body); a kernel inside a ``while`` kernel ran in a loop."""
    from tensorflow.tsl.profiler.protobuf import xplane_pb2

    found = sorted(Path(logdir).rglob("*.xplane.pb"))
    if not found:
        raise SystemExit(f"the profiler wrote no trace under {logdir}")
    space = xplane_pb2.XSpace()
    space.ParseFromString(found[-1].read_bytes())
    totals: dict[str, list] = collections.defaultdict(lambda: [0.0, 0, False])
    executes = 0
    for plane in space.planes:
        if not plane.name.startswith("/host:CPU"):
            continue
        names = {key: value.name for key, value in plane.event_metadata.items()}
        for line in plane.lines:
            # by start; at one start the longer first, and an execution before a kernel of the same span
            events = sorted(((event.offset_ps, event.duration_ps, names.get(event.metadata_id, ""))
                             for event in line.events if event.WhichOneof("data") != "num_occurrences"),
                            key=lambda event: (event[0], -event[1], event[2] != EXECUTE))
            enclosing: list[tuple[int, str]] = []  # (end, name) of the events that contain the current one
            for start, duration, name in events:
                while enclosing and enclosing[-1][0] <= start:
                    enclosing.pop()
                inside_execute = any(other == EXECUTE for _, other in enclosing)
                if name == EXECUTE:
                    executes += 1
                elif inside_execute and not name.startswith(FINISHED):
                    total = totals[name]
                    total[0] += duration / 1e9
                    total[1] += 1
                    total[2] = total[2] or any(LOOP.match(other) for _, other in enclosing)
                enclosing.append((start + duration, name))
    if not executes:
        raise SystemExit("XLA reported no kernels: was XLA_FLAGS set before TensorFlow started, and did XLA compile "
                         "the train step? (Run this file as a script.)")
    return {name: tuple(total) for name, total in totals.items()}


def kernel_class(name: str, in_loop: bool) -> str:
    """One of PARTS, or "loops" for a top-level loop, or "" for a loop inside a loop (its kernels count)."""
    if LOOP.match(name):
        return "" if in_loop else "loops"
    kind = "products" if PRODUCT.match(name) else "other kernels"
    return f"{kind} {'in' if in_loop else 'outside'} loops"


def split_time(kernels: dict[str, tuple[float, int, bool]], batches: int) -> dict:
    """Milliseconds per batch in each of PARTS, the loops' whole time, and every kernel's (not clipped: a negative
    bookkeeping would show a kernel counted twice)."""
    parts = dict.fromkeys(PARTS + ("loops",), 0.0)
    for name, (ms, _, in_loop) in kernels.items():
        kind = kernel_class(name, in_loop)
        if kind:
            parts[kind] += ms / batches
    parts["loop bookkeeping"] = parts["loops"] - parts["products in loops"] - parts["other kernels in loops"]
    parts["every kernel"] = parts["loops"] + parts["products outside loops"] + parts["other kernels outside loops"]
    return {name: round(ms, 2) for name, ms in parts.items()}


def library_ms(kernels: dict[str, tuple[float, int, bool]], batches: int) -> float:
    """Milliseconds per batch in kernels XLA handed to a library: counted as other kernels, they may hold products."""
    return round(sum(ms for name, (ms, _, _) in kernels.items() if LIBRARY.search(name)) / batches, 2)


def large_product_rates(size: int) -> dict:
    """GFLOP per second of one size x size x size product on this thread, TensorFlow's kernel and XLA's, median
    of 5."""
    import statistics

    import tensorflow as tf

    a = tf.random.normal((size, size))
    rates = {}
    for label, product in (("tensorflow", tf.matmul), ("xla", tf.function(tf.matmul, jit_compile=True))):
        product(a, a).numpy()
        runs = []
        for _ in range(5):
            started = time.process_time()
            product(a, a).numpy()
            runs.append(2 * size**3 / (time.process_time() - started) / 1e9)
        rates[label] = round(statistics.median(runs), 1)
    return {"size": size, "gflop_per_s": rates}


def profile(name: str, recipe: dict, batches: int, smoke: bool) -> dict:
    """One recipe: a warm-up epoch (XLA compiles), one timed epoch, one profiled epoch, on the same slice."""
    import keras
    import lstm_recipes
    import tensorflow as tf

    if smoke:
        recipe = dict(recipe, maxlen=min(recipe["maxlen"], lstm_recipes.SMOKE["maxlen_cap"]))
    train, _, _ = lstm_recipes.load_imdb(smoke, recipe.get("num_words", lstm_recipes.NUM_WORDS))
    batch_size = recipe["batch_size"]
    batches = min(batches, len(train[0]) // batch_size)  # whole batches only
    reviews = batches * batch_size
    x, y = lstm_recipes.make_batches(train[0][:reviews], train[1][:reviews], recipe, shuffle=False)
    model = lstm_recipes.build_model(recipe)
    if not model.jit_compile:
        raise SystemExit(f"{name}: Keras did not compile it with XLA here (it refuses the LSTM where it sees a GPU)")

    def epoch() -> tuple[float, float]:
        started, cpu_started = time.perf_counter(), time.process_time()
        model.fit(x, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
        return (time.perf_counter() - started) * 1000 / batches, (time.process_time() - cpu_started) * 1000 / batches

    epoch()  # XLA compiles the train step
    wall_ms, cpu_ms = epoch()
    with tempfile.TemporaryDirectory() as logdir:
        tf.profiler.experimental.start(logdir)
        try:
            _, profiled_ms = epoch()
        finally:
            tf.profiler.experimental.stop()
        kernels = kernel_times(logdir)
    keras.backend.clear_session()
    parts = split_time(kernels, batches)
    parts["the rest"] = round(profiled_ms - parts["every kernel"], 2)
    words = reviews * recipe["maxlen"]
    e, u = recipe["embedding_dim"], recipe["lstm_units"]
    flop_in_loops, flop_outside = 6 * u * 4 * u * words, 6 * e * 4 * u * words

    def rate(flop: float, ms_per_batch: float):
        return round(flop / batches / ms_per_batch / 1e6, 1) if ms_per_batch > 0 else None

    every = sorted(kernels.items(), key=lambda item: -item[1][0])
    return {
        "recipe": name, "layer": recipe.get("layer", "keras"), "batches": batches, "reviews": reviews,
        "maxlen": recipe["maxlen"], "wall_ms_per_batch": round(wall_ms, 1), "cpu_ms_per_batch": round(cpu_ms, 1),
        "profiled_cpu_ms_per_batch": round(profiled_ms, 1), "ms_per_batch": parts,
        "library_ms_per_batch": library_ms(kernels, batches),
        "lstm_gflop_per_batch": round((flop_in_loops + flop_outside) / batches / 1e9, 2),
        "gflop_per_s": {  # the LSTM's operations per second of product time (outside: every product there counts)
            "all products": rate(flop_in_loops + flop_outside,
                                 parts["products in loops"] + parts["products outside loops"]),
            "products in loops": rate(flop_in_loops, parts["products in loops"]),
            "products outside loops": rate(flop_outside, parts["products outside loops"])},
        "kernels": [{"kernel": kernel, "class": kernel_class(kernel, in_loop), "ms_per_batch": round(ms / batches, 3),
                     "runs_per_batch": round(runs / batches, 2)} for kernel, (ms, runs, in_loop) in every],
    }


def report_table(results: list[dict], large: dict) -> str:
    """The parts of a batch for each recipe, in milliseconds and as shares of the profiled batch."""
    parts = PARTS + ("the rest",)
    lines = ["| recipe | CPU ms per batch (profiled) | " + " | ".join(parts) + " | LSTM GFLOP/s of products |",
             "|---|---|" + "---|" * len(parts) + "---|"]
    for r in results:
        shares = " | ".join(f"{r['ms_per_batch'][part]:.1f} ({r['ms_per_batch'][part] / r['profiled_cpu_ms_per_batch']:.0%})"
                            for part in parts)
        lines.append(f"| {r['recipe']} | {r['cpu_ms_per_batch']} ({r['profiled_cpu_ms_per_batch']}) | {shares} | "
                     f"{r['gflop_per_s']['all products']} |")
    size, rates = large["size"], large["gflop_per_s"]
    lines.append(f"\nOne {size:,} x {size:,} x {size:,} product on the same thread: {rates['tensorflow']} GFLOP/s "
                 f"(TensorFlow's kernel), {rates['xla']} GFLOP/s (XLA).")
    for r in results:
        if r["library_ms_per_batch"]:
            lines.append(f"\n{r['recipe']}: {r['library_ms_per_batch']} ms per batch in kernels XLA handed to a "
                         "library (YNNPACK, XNNPACK, oneDNN), counted as other kernels; if they hold products, the "
                         "products' GFLOP/s above are overstated.")
        lines.append(f"\n{r['recipe']}, the largest kernels (ms per batch, runs per batch): " + "; ".join(
            f"{k['kernel']} {k['ms_per_batch']} ({k['runs_per_batch']})" for k in r["kernels"][:10]))
    return "\n".join(lines)


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipes", default=",".join(DEFAULT_RECIPES),
                        help="lstm_recipes.py recipes with the practical's shape, compiled by XLA")
    parser.add_argument("--batches", type=positive, default=25, help="batches in the slice (default 25: 1,600 "
                                                                     "reviews; --smoke: 3)")
    parser.add_argument("--smoke", action="store_true", help="a tiny slice: checks the code path")
    parser.add_argument("--json", help="save the results here")
    args = parser.parse_args(argv)
    if "tensorflow" in sys.modules:
        raise SystemExit("run kernel_profile.py as a script, in a fresh process: XLA reads its flags when "
                         "TensorFlow starts")
    os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {TRACEME}".strip()  # before TensorFlow starts
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    sys.path.insert(0, str(Path(__file__).parent))
    import lstm_recipes
    import tensorflow as tf

    tf.config.set_visible_devices([], "GPU")  # XLA on the CPU (Keras refuses XLA for its LSTM where it sees a GPU)
    tf.config.threading.set_intra_op_parallelism_threads(1)  # one thread: kernels one after another
    tf.config.threading.set_inter_op_parallelism_threads(1)
    names = [name.strip() for name in args.recipes.split(",") if name.strip()]
    if not names:
        parser.error("name at least one recipe")
    for name in names:
        recipe = lstm_recipes.RECIPES.get(name)
        if recipe is None:
            parser.error(f"unknown recipe {name!r}")
        if not recipe.get("jit_compile") or recipe.get("kind"):
            parser.error(f"{name}: not an XLA-compiled recipe of the practical's LSTM")
        if recipe.get("layer") not in LAYERS:
            parser.error(f"{name}: its layer does not do the input product before the loop and the loop's gradient "
                         f"step by step ({', '.join(LAYERS)} do), so its products would be miscounted")
        if (recipe.get("by_length") or recipe.get("word_pairs") or recipe.get("conv_filters")
                or recipe.get("bidirectional") or recipe.get("stacked", 1) != 1 or recipe.get("pooling") == "max"):
            parser.error(f"{name}: not the practical's shape (one LSTM on padded reviews); its operations would be "
                         "miscounted")
    batches = 3 if args.smoke else args.batches
    results = [profile(name, dict(lstm_recipes.RECIPES[name]), batches, args.smoke) for name in names]
    large = large_product_rates(512 if args.smoke else 2048)
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent, capture_output=True,
                                text=True).stdout.strip() or None
    except OSError:
        commit = None
    report = {"hardware": lstm_recipes.hardware(), "commit": commit, "threads": "1 intra-op, 1 inter-op",
              "profiler_flag": TRACEME, "large_product": large, "results": results}
    print(report_table(results, large))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(report, out, indent=1)
    return report


if __name__ == "__main__":
    main()
