"""Fixtures shared by several test files."""

import os
from pathlib import Path
from typing import NamedTuple

import pytest
from handins import fill_identity, smoke_run_ids
from helpers import ROOT, shared_data_dir

from labutils.course import grade, runner
from labutils.course.grade import submission as _submission
from labutils.course.grade.rules import RULES
from labutils.artifacts import ARTIFACTS_VARIABLE
from labutils.course.grade.runs import PUBLISHED_VARIABLE

# The tests grade the lab's own fixtures as students' runs; the grader fails those for anyone else (a run published
# with the lab). Set before any test, so the grader run in a subprocess sees it too; tests/test_grade_class.py checks
# the published list itself.
os.environ[PUBLISHED_VARIABLE] = ""


def pytest_addoption(parser):
    parser.addoption("--browser", action="store_true",
                     help="run the real-browser tests (tests/test_browser.py; make browser-test), and only those")


def pytest_collection_modifyitems(config, items):
    """The browser tests run with --browser (make browser-test), and then alone; a plain run deselects them."""
    wanted = config.getoption("--browser")
    kept = [item for item in items if bool(item.get_closest_marker("browser")) == wanted]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


class SmokeRun(NamedTuple):
    executed: Path  # the executed notebooks
    artifacts: Path  # the LABUTILS_ARTIFACTS_DIR they ran with (the trained model is in its smoke/ folder)


@pytest.fixture(scope="session")
def smoke_run(tmp_path_factory):
    """Notebooks 1 to 4 run here by the runner in the smoke profile, identity filled in and the exercises answered
    with their published solutions first (so the solutions are shown to pass their own checks).

    Only up to training: notebooks 5 and 6 would add a pass over the 25,000 test reviews each and nothing the
    grader's check needs; nbval executes them, and the full-run hand-in grades them. The run has an artifacts
    folder of its own, so no other test's training can replace its model (a test that trains again copies it
    first). With pytest-xdist each worker that needs this run builds its own.
    """
    os.environ.setdefault("LABUTILS_DATA_DIR", str(shared_data_dir()))  # the kernels inherit it
    filled = fill_identity(ROOT / "notebooks", tmp_path_factory.mktemp("smoke-filled"), solve=True)
    out = tmp_path_factory.mktemp("smoke-executed")
    artifacts = tmp_path_factory.mktemp("smoke-artifacts")
    practical = {grade.load_manifest()["notebooks"][i]["file"] for i in smoke_run_ids()}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ARTIFACTS_VARIABLE, str(artifacts))
        runner.run([p for p in runner.lab_notebooks(filled) if p.name in practical], out, "smoke", log=lambda *_: None)
    return SmokeRun(out, artifacts)


@pytest.fixture(scope="session")
def smoke_hand_in(smoke_run):
    """The executed notebooks of :func:`smoke_run`, as a student hands them in."""
    return smoke_run.executed


# Every reason code is produced by at least one test (a linter's "one rule, one test"): the codes the session's
# grading produced are counted, and a whole test session (no -k, no -m, the tests folder collected) fails at its end
# when a code of labutils/course/grade/rules.py was never produced.
CODES_PRODUCED: set[str] = set()
_give_code = _submission.Submission._code


def _counted(self, code, text):
    CODES_PRODUCED.add(code)
    _give_code(self, code, text)


_submission.Submission._code = _counted


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """A pytest-xdist worker's reason codes join the whole session's count."""
    CODES_PRODUCED.update(getattr(node, "workeroutput", {}).get("codes_produced", ()))


def pytest_sessionfinish(session, exitstatus):
    worker_output = getattr(session.config, "workeroutput", None)
    if worker_output is not None:  # a pytest-xdist worker: the controller counts every worker's codes
        worker_output["codes_produced"] = sorted(CODES_PRODUCED)
        return
    options = session.config.option
    whole = (not options.keyword and not options.markexpr
             and any(Path(str(arg).split("::")[0]).resolve() == ROOT / "tests" for arg in session.config.args))
    if exitstatus != 0 or not whole:
        return
    missing = sorted(set(RULES) - CODES_PRODUCED)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if missing:
        reporter.write_line(f"reason codes no test produced: {', '.join(missing)} (each rule needs a test)", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    else:
        reporter.write_line(f"reason codes: all {len(RULES)} produced by the tests")
