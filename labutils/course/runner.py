"""Run the lab's notebooks headless: ``python -m labutils run`` (the command behind ``make lab``).

Executes each notebook top to bottom in a fresh kernel (as Restart & Run All
does), prints progress per notebook and cell (and, while a long cell runs, each
training epoch's line as Keras prints it, or a heartbeat with the elapsed time
when a cell prints nothing for a while), stops at the first failing cell
naming the notebook, the cell and the error, writes the executed copies, and
writes ``results.json`` with the run's figures.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import sys
import threading
import time
from importlib import metadata
from pathlib import Path

from ..artifacts import read_results_file
from ..environment import NoiseFilteredPipe
from ..evidence import KERAS_EPOCH, KERAS_STEPS
from ..profiles import PROFILE_VARIABLE
from . import catalogue

def lab_notebooks(folder: Path) -> list[Path]:
    """The numbered notebooks in ``folder``, in order."""
    return catalogue.numbered_files(folder)


def select_notebooks(folder: Path, wanted: list[str]) -> list[Path]:
    """Notebooks named by number (``3``, ``03``), file name or path; all when ``wanted`` is empty."""
    available = lab_notebooks(folder)
    if not wanted:
        return available
    chosen = []
    for item in wanted:
        as_path = Path(item)
        if as_path.suffix == ".ipynb" and as_path.is_file():
            chosen.append(as_path)
            continue
        matches = [nb for nb in available if catalogue.matches(item, nb.name)]
        if not matches:
            names = ", ".join(nb.name for nb in available) or "none"
            raise SystemExit(f"No notebook matches {item!r}. Available: {names}")
        chosen.extend(matches)
    return chosen


def installed_versions() -> dict[str, str]:
    """Versions of the lab's libraries, read from package metadata (nothing is imported)."""
    versions = {"python": platform.python_version()}
    for label, candidates in {
        "tensorflow": ("tensorflow", "tensorflow-cpu", "tensorflow-macos"),
        "keras": ("keras",),
        "numpy": ("numpy",),
        "matplotlib": ("matplotlib",),
        "seaborn": ("seaborn",),
        "scikit-learn": ("scikit-learn",),
    }.items():
        for distribution in candidates:
            try:
                versions[label] = metadata.version(distribution)
                break
            except metadata.PackageNotFoundError:
                continue
        else:
            versions[label] = "not installed"
    return versions


def peak_memory_mib(children: bool = True) -> float:
    """Largest resident memory, in MiB, of any finished child process (the kernels), or of this process."""
    peak = resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # macOS reports bytes, Linux KiB


HEARTBEAT_SECONDS = 60.0  # a cell silent for this long gets a "still running" line


class CellProgress:
    """What the console shows while a cell runs: Keras' epoch lines as they come, and a heartbeat when it is quiet.

    Keras prints ``Epoch 2/5`` and, with ``verbose=2``, one line per epoch with its time, loss and accuracy; those
    are passed on (prefixed with the notebook and cell). Anything else a cell prints stays in the notebook. When a
    cell has shown nothing for ``every`` seconds, a line says it is still running and for how long, so a long
    ``fit`` cannot be mistaken for a hung run.
    """

    def __init__(self, log, every: float = HEARTBEAT_SECONDS):
        self.log, self.every = log, every
        self.label, self.started, self.last_shown = "", 0.0, 0.0
        self._pending, self._epoch = "", ""
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start_cell(self, label: str) -> None:
        with self._lock:
            self.label, self._pending, self._epoch = label, "", ""
            self.started = self.last_shown = time.monotonic()
        if self._thread is None and self.every > 0:
            self._thread = threading.Thread(target=self._beat, daemon=True)
            self._thread.start()

    def end_cell(self) -> None:
        with self._lock:
            self.label = ""

    def close(self) -> None:
        self._stop.set()

    def feed(self, text: str) -> None:
        """Text a cell printed on stdout (possibly partial lines, possibly with progress-bar carriage returns)."""
        with self._lock:
            self._pending += text
            *lines, self._pending = self._pending.replace("\r", "\n").split("\n")
            for line in lines:
                self._show(line.strip())

    def _show(self, line: str) -> None:
        if KERAS_EPOCH.fullmatch(line):
            self._epoch = line
        elif KERAS_STEPS.match(line):
            done, total, _ = KERAS_STEPS.match(line).groups()
            if done == total:  # the epoch's (or evaluate's) final line, not a progress bar's every update
                self.log(f"    {self.label}: {self._epoch + ': ' if self._epoch else ''}{line}")
                self._epoch = ""
                self.last_shown = time.monotonic()

    def _beat(self) -> None:
        while not self._stop.wait(min(self.every, 5.0)):
            with self._lock:
                now = time.monotonic()
                if self.label and now - self.last_shown >= self.every:
                    self.log(f"    {self.label}: still running ({_minutes(now - self.started)} so far)")
                    self.last_shown = now


def _minutes(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


class NotebookFailed(Exception):
    def __init__(self, notebook: Path, cell_number: int, error: str):
        super().__init__(f"{notebook.name}, code cell {cell_number}: {error}")
        self.notebook, self.cell_number, self.error = notebook, cell_number, error


def execute_notebook(path: Path, output_path: Path, log=print, heartbeat: float = HEARTBEAT_SECONDS) -> float:
    """Execute one notebook into ``output_path``; returns its wall time in seconds."""
    try:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
    except ImportError:
        raise SystemExit("Running notebooks needs the lab extra: pip install -e '.[lab]' (make lab installs it)") from None

    notebook = nbformat.read(path, as_version=4)
    code_cells = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    started = time.perf_counter()
    cell_started = [started]
    progress = CellProgress(log, heartbeat)

    class StreamingClient(NotebookClient):
        def output(self, outs, msg, display_id, cell_index):
            content = msg.get("content", {})
            if msg.get("msg_type") == "stream" and content.get("name") == "stdout":
                progress.feed(str(content.get("text", "")))
            return super().output(outs, msg, display_id, cell_index)

    def on_cell_start(cell, cell_index, **_):
        cell_started[0] = time.perf_counter()
        if cell.cell_type == "code":
            progress.start_cell(f"{path.stem} cell {code_cells.index(cell_index) + 1}/{len(code_cells)}")

    def on_cell_executed(cell, cell_index, **_):
        if cell.cell_type != "code":
            return
        progress.end_cell()
        now = time.perf_counter()
        number = code_cells.index(cell_index) + 1
        log(
            f"  {path.stem}: cell {number}/{len(code_cells)} done in {now - cell_started[0]:.1f} s "
            f"(notebook {now - started:.0f} s)",
        )

    client = StreamingClient(
        notebook,
        timeout=None,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        on_cell_start=on_cell_start,
        on_cell_executed=on_cell_executed,
    )
    kernel_stderr = NoiseFilteredPipe(target=2)  # the kernel's stderr reaches this console without the noise
    try:
        client.execute(stderr=kernel_stderr.write_end)
    except CellExecutionError as error:
        failing = next(
            (i for i in code_cells if any(o.get("output_type") == "error" for o in notebook.cells[i].get("outputs", []))),
            None,
        )
        number = code_cells.index(failing) + 1 if failing is not None else "?"
        summary = f"{getattr(error, 'ename', 'Error')}: {getattr(error, 'evalue', str(error))}".strip()
        nbformat.write(notebook, output_path)
        raise NotebookFailed(path, number, summary) from None
    finally:
        progress.close()
        kernel_stderr.finish(timeout=5)
    nbformat.write(notebook, output_path)
    return time.perf_counter() - started


def write_html(notebook_path: Path) -> Path:
    """An HTML copy of an executed notebook next to it, for hand-in or reading without Jupyter."""
    try:
        from nbconvert import HTMLExporter
    except ImportError:
        raise SystemExit("HTML copies need nbconvert: pip install nbconvert (JupyterLab brings it)") from None
    body, _ = HTMLExporter().from_filename(str(notebook_path))
    html_path = notebook_path.with_suffix(".html")
    html_path.write_text(body, encoding="utf-8")
    return html_path


def run(notebooks: list[Path], output_dir: Path, profile: str, log=print, html: bool = False) -> dict:
    """Execute ``notebooks`` in order under ``profile``; write copies (and HTML ones) and results.json."""
    os.environ[PROFILE_VARIABLE] = profile
    # Kernels draw figures inline, into the notebook; a backend such as Agg exported in the
    # shell would leave the executed copies without their figures (and fail grading).
    os.environ.pop("MPLBACKEND", None)
    output_dir.mkdir(parents=True, exist_ok=True)
    summary = {"profile": profile, "notebooks": {}, "versions": installed_versions(), "platform": platform.platform()}
    started = time.perf_counter()
    log(f"Running {len(notebooks)} notebook(s) with the '{profile}' profile into {output_dir}/")
    for index, path in enumerate(notebooks, 1):
        log(f"[{index}/{len(notebooks)}] {path.name}")
        seconds = execute_notebook(path, output_dir / path.name, log=log)
        summary["notebooks"][path.name] = round(seconds, 1)
        log(f"[{index}/{len(notebooks)}] {path.name} finished in {seconds:.0f} s")
        if html:
            log(f"[{index}/{len(notebooks)}] wrote {write_html(output_dir / path.name)}")
    summary["wall_seconds"] = round(time.perf_counter() - started, 1)
    summary["peak_memory_mib"] = round(peak_memory_mib(), 1)
    results = read_results_file(profile)  # its model_run_id names the model the figures describe
    summary.update({key: value for key, value in results.items() if key not in summary})
    (output_dir / "results.json").write_text(json.dumps(summary, indent=2, sort_keys=True))
    return summary
