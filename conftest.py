"""Test-wide settings; at the root so they also reach nbval's notebook kernels.

The test process draws with Agg; kernels keep their inline backend (no MPLBACKEND
exported), so executed notebooks hold their figures as a student's do.

Tests always use the smoke profile, keep their artifacts out of the checkout's
artifacts/ folder, and give kernels an absolute data path.

With pytest-xdist (``make test`` runs two workers), each worker keeps its artifacts
in a folder of its own. With xdist's default distribution (``--numprocesses`` alone,
``--dist load`` or ``--dist loadscope``) each test file runs whole on one worker, and
the notebooks run together, in order, on one worker (notebook 5 reads the model
notebook 4 saved).
"""

import os
import tempfile
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

os.environ.setdefault("LABUTILS_PROFILE", "smoke")
if "LABUTILS_ARTIFACTS_DIR" not in os.environ:
    os.environ["LABUTILS_ARTIFACTS_DIR"] = tempfile.mkdtemp(prefix="labutils-test-artifacts-")
WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # a pytest-xdist worker, which inherits the folder above
if WORKER:
    os.environ["LABUTILS_ARTIFACTS_DIR"] = str(Path(os.environ["LABUTILS_ARTIFACTS_DIR"]) / WORKER)  # its own inside
if os.environ.get("LABUTILS_DATA_DIR"):
    os.environ["LABUTILS_DATA_DIR"] = str(Path(os.environ["LABUTILS_DATA_DIR"]).resolve())

# The slowest parts of the suite (their times: benchmarks/RESULTS.md, "CI's time"). pytest-xdist hands them out first,
# so that no worker is left alone with a long one at the end; a slow new test file belongs here.
SLOWEST_FIRST = ("tests/test_exercises.py", "notebooks/", "tests/test_batching_and_benchmarks.py")


def pytest_collection_modifyitems(config, items):
    """A pytest-xdist worker puts the slowest test files first; a run in one process keeps pytest's order."""
    if hasattr(config, "workerinput"):
        items.sort(key=lambda item: next((rank for rank, start in enumerate(SLOWEST_FIRST)
                                          if item.nodeid.startswith(start)), len(SLOWEST_FIRST)))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Each test file is one unit of work, and so are the notebooks together, in order. Only for ``--numprocesses``
    alone (xdist's default, ``--dist load``) or ``--dist loadscope``; another ``--dist`` is kept. The order is
    SLOWEST_FIRST's, whatever ``--loadscope-reorder`` says."""
    if config.getvalue("dist") not in ("load", "loadscope"):
        return None
    from xdist.scheduler import LoadScopeScheduling

    config.option.loadscopereorder = False  # the workers' order (SLOWEST_FIRST), not the number of tests per file

    class FilesAndNotebooks(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            path = nodeid.split("::", 1)[0]
            return "the notebooks, in order" if path.endswith(".ipynb") else path

    return FilesAndNotebooks(config, log)
