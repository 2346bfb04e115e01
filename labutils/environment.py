"""``setup()``: the one call at the top of every notebook.

It hides what is not the lesson: where the notebook runs (Colab or local),
TensorFlow's log noise, seeds, where the IMDb data comes from, and a record
of the run (time, profile, versions) printed into the notebook's output.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import platform
import re
import sys
import threading
import uuid
import warnings

from .evidence import RUN_PROFILE_BANNER, RUN_RECORD_PREFIX
from .profiles import current_profile

SEED = 42
GPU_HINT_COLAB = ("On Colab you can choose Runtime > Change runtime type > T4 GPU and run the notebook again "
                  "(how much faster this lab runs there is not measured yet).")

# Colab, opt-in: keep notebook 4's model in the student's Google Drive, because each Colab notebook has a runtime
# of its own and files written by one are gone in the next.
DRIVE_MOUNT = "/content/drive"
DRIVE_ARTIFACTS = "MyDrive/lstm-imdb-lab/artifacts"
ARTIFACTS_VARIABLE = "LABUTILS_ARTIFACTS_DIR"  # also read by labutils.artifacts
RETRAIN_NOTE = ("On Colab each notebook runs in a runtime of its own, so notebook 4's model is not here unless it "
                "was kept in Google Drive: notebooks 5 to 7 then train it again first (as long as notebook 4 takes; "
                "on a CPU runtime that is the longest wait of the lab). To keep it, set KEEP_ON_DRIVE = True in the "
                "setup cell of notebooks 4 to 7.")

_current_run_id: str | None = None  # the run_id of this kernel's last setup()


def current_run_id() -> str | None:
    """The ``run_id`` that ``setup()`` printed in this kernel; None if it never ran here."""
    return _current_run_id


def is_colab() -> bool:
    """True inside Google Colab (handson-ml3's test)."""
    return "google.colab" in sys.modules


class _DropRetracingNotice(logging.Filter):
    """TensorFlow's "N out of the last M calls to <function ...> triggered tf.function retracing" warning: notebooks
    8 and 9 call ``predict`` on several freshly built models, which retraces by design. It asks nothing of the
    student; every other warning of TensorFlow's logger passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


def quiet_tensorflow_logs() -> None:
    """Silence TensorFlow's C++ info and warning lines (must run before it is imported), and its retracing notice."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    warnings.filterwarnings("ignore", message=".*input_length.*")  # the practical's Keras 2 argument
    tensorflow_logger = logging.getLogger("tensorflow")  # the logger tf.get_logger() returns
    if not any(isinstance(existing, _DropRetracingNotice) for existing in tensorflow_logger.filters):
        tensorflow_logger.addFilter(_DropRetracingNotice())


# Lines TensorFlow's C++ side writes while it loads, which alarm (red text in a hand-in) but ask nothing of the
# student: the logger's start-up notice, oneDNN's notice, and the CUDA probe of a machine without a GPU. They are
# written before any Python setting applies, so TF_CPP_MIN_LOG_LEVEL cannot stop them. Anything else is kept.
ALARMING_NOISE = re.compile("|".join([
    r"All log messages before absl::InitializeLog\(\) is called are written to STDERR",
    r"oneDNN custom operations are on",
    r"Could not find cuda drivers on your machine",
    r"(?i:failed call to cuInit)",
    r"Unable to register cu(DNN|FFT|BLAS) factory",
    r"computation placer already registered",
    r"This TensorFlow binary is optimized to use available CPU instructions",
    r"To enable the following instructions: .*rebuild TensorFlow",
    r"TF-TRT Warning: Could not find TensorRT",
    r"Kernel is running over TCP without encryption",  # ipykernel, once per kernel (the runner's console)
]))


def without_noise(text: str) -> str:
    """``text`` without the lines :data:`ALARMING_NOISE` matches."""
    return "".join(line for line in text.splitlines(keepends=True) if not ALARMING_NOISE.search(line))


class NoiseFilteredPipe:
    """A pipe whose lines are passed on to file descriptor ``target`` as they arrive, minus :data:`ALARMING_NOISE`.

    Whoever holds ``write_end`` writes into it; once every copy of the write end is closed, the forwarding thread
    reads to the end and stops (:meth:`finish` waits for it). Used for TensorFlow's import here and for a kernel's
    stderr in the runner.
    """

    def __init__(self, target: int):
        self.read_end, self.write_end = os.pipe()
        self._target = target
        self._thread = threading.Thread(target=self._forward, daemon=True)
        self._thread.start()

    def _forward(self) -> None:
        with os.fdopen(self.read_end, "rb") as pipe:
            for line in pipe:
                kept = without_noise(line.decode("utf-8", "replace"))
                if kept:
                    os.write(self._target, kept.encode("utf-8"))

    def close_write_end(self) -> None:
        """Close this process's own copy of the write end (a copy held elsewhere keeps the pipe open)."""
        if self.write_end is not None:
            os.close(self.write_end)
            self.write_end = None

    def finish(self, timeout: float) -> None:
        """Close the write end and let the last lines through."""
        self.close_write_end()
        self._thread.join(timeout=timeout)


def start_tensorflow_quietly() -> list[str]:
    """Import TensorFlow and probe for GPUs with their load-time C++ lines filtered as they come; returns the GPUs'
    names (an empty list on a CPU).

    The harmless-but-alarming lines are dropped, every other line (a real error, even one just before a crash) goes
    on to stderr at once. Both steps happen inside the filter because they write at different times: the import
    writes oneDNN's and absl's notices, and the first GPU probe writes the CUDA driver's ("failed call to cuInit"
    with the ``tensorflow`` package on a machine without a GPU; ``tensorflow-cpu`` has no CUDA and writes nothing).
    Where file descriptor 2 cannot be redirected (some embedded consoles), both happen unfiltered.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
        pipe = NoiseFilteredPipe(saved)
    except (OSError, ValueError):  # no real file descriptor 2, or out of descriptors
        return gpu_names()
    os.dup2(pipe.write_end, 2)
    pipe.close_write_end()  # fd 2 is now the pipe's only writer
    try:
        return gpu_names()
    finally:
        os.dup2(saved, 2)  # the pipe's last writer is gone: the forwarder reads to the end and stops
        pipe.finish(timeout=10)
        os.close(saved)


def gpu_names() -> list[str]:
    """Names of the GPUs TensorFlow can use (empty list on CPU); the first call imports TensorFlow and probes."""
    import tensorflow as tf

    return [device.name for device in tf.config.list_physical_devices("GPU")]


def library_versions() -> dict[str, str]:
    """Versions of Python and the lab's libraries, for the run record."""
    versions = {"python": platform.python_version()}
    for name in ("tensorflow", "keras", "numpy", "matplotlib", "seaborn", "sklearn"):
        try:
            module = __import__(name)
            versions[name] = getattr(module, "__version__", "unknown")
        except ImportError:
            versions[name] = "not installed"
    return versions


def keep_artifacts_on_drive(wanted: bool | None) -> str:
    """Where this notebook keeps the trained model, in one line; on Colab with ``wanted``, in Google Drive.

    ``None`` (a notebook without the switch: it neither saves nor loads notebook 4's model) says nothing.

    Mounting asks the student's permission in the browser; if it is refused or fails, the notebook goes on with
    the runtime's own disk and the line says so (nothing is lost but the model's survival to the next notebook).
    """
    if wanted is None:
        return ""
    if not is_colab():
        return ("KEEP_ON_DRIVE only matters on Colab; here the trained model is kept in the lab's artifacts folder."
                if wanted else "")
    if not wanted:
        return RETRAIN_NOTE
    folder = os.path.join(DRIVE_MOUNT, DRIVE_ARTIFACTS)
    try:
        from google.colab import drive

        drive.mount(DRIVE_MOUNT)
        os.makedirs(folder, exist_ok=True)
    except Exception as error:  # noqa: BLE001 - refused permission, quota, a changed Colab API: all end the same way
        return (f"Google Drive could not be used ({type(error).__name__}: {str(error)[:120]}): the model stays in this "
                "runtime only, and notebooks 5 to 7 will train it again. Run this cell again to retry.")
    os.environ[ARTIFACTS_VARIABLE] = folder
    return f"Trained models are kept in your Google Drive: {folder} (notebooks 4 to 7 share it)."


def setup(seed: int = SEED, keep_on_drive: bool | None = None) -> dict:
    """Prepare the notebook and print one banner; returns the run record.

    * quiets TensorFlow's logs, sets every random seed (Python, NumPy, TF);
    * routes the IMDb loader to a verified local copy when
      ``$LABUTILS_DATA_DIR`` is set (see :mod:`labutils.data`);
    * on Colab with ``keep_on_drive=True``, mounts Google Drive and keeps the trained model there, so that the next
      notebook (a new runtime) finds it; with ``False`` (notebooks 4 to 7's switch left off), says that notebooks 5
      to 7 will train again; notebooks without the switch leave it out;
    * prints where it runs, the library versions, the run profile and the GPU.
    """
    global _current_run_id
    quiet_tensorflow_logs()
    gpus = start_tensorflow_quietly()
    import keras

    from .data import install_data_hook

    keras.utils.set_random_seed(seed)
    data_source = install_data_hook()
    storage = keep_artifacts_on_drive(keep_on_drive)
    profile = current_profile()
    _current_run_id = uuid.uuid4().hex
    record = {
        "run_id": _current_run_id,  # tells two runs apart (a copied notebook shows up at grading); names a trained model
        "time": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "platform": "colab" if is_colab() else "local",
        "profile": profile.name,
        "seed": seed,
        "gpu": gpus,
        "artifacts": "google-drive" if os.environ.get(ARTIFACTS_VARIABLE, "").startswith(DRIVE_MOUNT) and is_colab()
                     else "runtime",
        "versions": library_versions(),
    }
    versions = record["versions"]
    print(f"Running on {'Google Colab' if is_colab() else 'a local machine'} ({platform.platform(terse=True)})")
    print(
        f"Python {versions['python']} | TensorFlow {versions['tensorflow']} | Keras {versions['keras']} "
        f"| NumPy {versions['numpy']}"
    )
    print(RUN_PROFILE_BANNER.format(name=profile.name, description=profile.description))
    print(f"Random seed: {seed}")
    print(data_source)
    if storage:
        print(storage)
    if gpus:
        print(f"GPU: {', '.join(gpus)}")
    else:
        print("GPU: none, training runs on the CPU." + (f" {GPU_HINT_COLAB}" if is_colab() else ""))
    print(RUN_RECORD_PREFIX + json.dumps(record, sort_keys=True))
    return record
