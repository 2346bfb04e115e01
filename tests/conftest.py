"""Fixtures shared by several test files."""

import os

import pytest
from handins import fill_identity, smoke_run_ids
from helpers import ROOT, shared_data_dir

from labutils import grade, runner


@pytest.fixture(scope="session")
def smoke_hand_in(tmp_path_factory):
    """Notebooks 1 to 4 run here by the runner in the smoke profile, identity filled in first.

    Only up to training: notebooks 5 and 6 would add two minutes of CI (a pass over the 25,000 test reviews) and
    nothing the grader's check needs; nbval executes them, and the full-run hand-in grades them. The model it
    trains stays in the session's artifacts folder (conftest.py at the root sets it).
    """
    os.environ.setdefault("LABUTILS_DATA_DIR", str(shared_data_dir()))  # the kernels inherit it
    filled = fill_identity(ROOT / "notebooks", tmp_path_factory.mktemp("smoke-filled"))
    out = tmp_path_factory.mktemp("smoke-executed")
    practical = {grade.load_manifest()["notebooks"][i]["file"] for i in smoke_run_ids()}
    runner.run([p for p in runner.lab_notebooks(filled) if p.name in practical], out, "smoke", log=lambda *_: None)
    return out
