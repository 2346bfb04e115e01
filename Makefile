# Quick start (Linux or macOS, Python 3.11-3.13):
#   make lab    create .venv, install, run the practical's six notebooks (full profile) into executed/
#   make lab NOTEBOOKS="7 8 9"   the notebooks beyond the practical (notebook 8 trains eleven models: the longest;
#                                recorded timings in benchmarks/RESULTS.md)
#   make test   install the test tools, run the unit tests and every notebook (smoke profile)
#   make ci     what CI runs: make test on tensorflow-cpu (in .venv-ci), then the browser test (with its start-up
#               check) with the `tensorflow` package that students install (in .venv)
#   make browser-test   the student's session in a real browser: JupyterLab driven through notebooks 1-6 by Playwright
#                       with the system's Chromium (Debian: apt-get install chromium); screenshots in browser-artifacts/
#   make grade SUBMISSIONS=folder   grade students' executed notebooks (writes grades.csv and grades.json)
#   make compat STACK=colab   the tests, notebooks included (smoke), in a throwaway environment with Colab's library
#                             versions (STACK=lowest: the lowest versions the lab admits; STACK=latest)
# Variables: PYTHON=python3.12, VENV=path, PROFILE=smoke, HTML=1, TEST_WORKERS=2 (make test; 0: in one process)

PYTHON ?= python3
VENV ?= .venv
PROFILE ?= full
REQUIREMENTS ?= requirements.txt
SUBMISSIONS ?= submissions
NOTEBOOKS ?= 1 2 3 4 5 6
STACK ?= colab
TEST_REQUIREMENTS ?= requirements-dev.txt
TEST_WORKERS ?= 2
BIN := $(VENV)/bin

.PHONY: lab test ci student-start-up browser-test jupyter grade compat clean

lab: $(VENV)/.installed-$(basename $(REQUIREMENTS))
	$(BIN)/python -m labutils run $(NOTEBOOKS) --profile $(PROFILE) --out executed $(if $(HTML),--html)

# The suite on TEST_WORKERS pytest-xdist workers (0: in one process); each test file, and the notebooks together, run
# on one worker (conftest.py). Its time with and without them: benchmarks/RESULTS.md, "CI's time".
test: $(VENV)/.installed-$(basename $(TEST_REQUIREMENTS))
	LABUTILS_PROFILE=smoke $(BIN)/python -m pytest --numprocesses $(TEST_WORKERS)

# CI: every test on the smaller CPU-only build (its speed: benchmarks/RESULTS.md, "CI time"), then what a student gets
# with the package they install (`tensorflow`): the browser test, JupyterLab driven through notebooks 1-6 in Chromium,
# whose saved notebooks are also checked for TensorFlow's start-up lines (its time: RESULTS.md, "CI's time").
# student-start-up is the same start-up check on `make lab`'s runner, without a browser.
ci:
	$(MAKE) test VENV=.venv-ci TEST_REQUIREMENTS=requirements-ci.txt
	$(MAKE) browser-test

student-start-up: $(VENV)/.installed-$(basename $(TEST_REQUIREMENTS))
	LABUTILS_PROFILE=smoke $(BIN)/python -m pytest tests/test_runner.py -k start_up_noise

# tests/test_browser.py runs only with --browser; a missing Chromium or Playwright fails it, never skips it
$(VENV)/.installed-requirements-browser: requirements-dev.txt requirements.txt  # it includes both
browser-test: $(VENV)/.installed-requirements-browser
	LABUTILS_PROFILE=smoke $(BIN)/python -m pytest tests/test_browser.py --browser

grade: $(VENV)/.installed-$(basename $(REQUIREMENTS))
	$(BIN)/python -P -m labutils grade $(SUBMISSIONS) --csv grades.csv --json grades.json

compat:
	$(PYTHON) benchmarks/compat.py $(STACK)

jupyter: $(VENV)/.installed-$(basename $(REQUIREMENTS))
	$(BIN)/jupyter lab notebooks/

$(BIN)/python:
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 11) <= v <= (3, 13) else "This lab needs Python 3.11, 3.12 or 3.13; $(PYTHON) is %d.%d. Run e.g. make lab PYTHON=python3.12" % v)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-%: %.txt pyproject.toml | $(BIN)/python
	@echo "Installing $< into $(VENV) (the first time takes a few minutes)"
	$(BIN)/python -m pip install --quiet -r $<
	@touch $@

clean:
	rm -rf executed artifacts browser-artifacts .pytest_cache grades.csv grades.json
