"""The student's live session and the teacher's pages, in a real browser (issue 36).

JupyterLab from the lab's ``.venv`` (the ``tensorflow`` package students install) is driven by Playwright with the
system's Chromium, as a student uses it: open notebooks 1 to 6 in order, Restart Kernel and Run All Cells from the
menu, watch notebook 4 train, type answers into notebook 6, save. The grader then reads what was saved. The teacher's
class page and marking sheet are opened in the same browser.

Run with ``make browser-test`` (``.ci/run`` does). These tests are left out of a plain ``pytest`` run and run only with
``--browser``; then a missing Chromium or Playwright fails them, never skips them. Screenshots go to
``browser-artifacts/`` (ignored by git).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from handins import LESSON_11_ARCHIVE, LESSON_ARGS, build_class, fill_identity, unpack_full_run
from helpers import ROOT, shared_data_dir

from labutils.course import grade
from labutils.course.manifest import load_manifest
from labutils.profiles import PROFILES

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "browser-artifacts"
TOKEN = "lab-browser-test"
WIDTH, HEIGHT = 1400, 900
NOTEBOOK_MINUTES = 5  # one notebook's Run All, smoke profile: 50 s at most in benchmarks/RESULTS.md, "The browser test"
SMOKE_EPOCHS = PROFILES["smoke"].max_epochs
TYPED_ANSWER = "The forget gate decides what the cell state keeps; typed live in JupyterLab by the browser test."
TYPED_CONCLUSION = ("I built an LSTM in JupyterLab and ran it in the smoke profile; the learning curves showed "
                    "the validation loss falling.")


def chromium_path() -> str:
    """The system's Chromium (Playwright's own download needs a host the lab's machines cannot reach)."""
    for candidate in (os.environ.get("LABUTILS_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    pytest.fail("no Chromium found: install Debian's `chromium` package (apt-get install chromium), or set "
                "LABUTILS_CHROMIUM to a Chromium or Chrome binary")


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is missing: make browser-test installs requirements-browser.txt")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        yield launched
        launched.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving copies of notebooks 1-6 with the Student cell filled in, as a student's folder; kernels in
    the smoke profile with the offline data, their own artifacts folder and Jupyter folders of their own."""
    home = tmp_path_factory.mktemp("jupyter-home")
    folder = fill_identity(ROOT / "notebooks", tmp_path_factory.mktemp("student"))
    for path in folder.glob("*.ipynb"):
        if not path.name.startswith(("01", "02", "03", "04", "05", "06")):
            path.unlink()
    port = free_port()
    env = {**os.environ, "LABUTILS_PROFILE": "smoke", "LABUTILS_DATA_DIR": str(shared_data_dir()),
           "LABUTILS_ARTIFACTS_DIR": str(home / "artifacts"), "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTER_DATA_DIR": str(home / "data"), "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"), "IPYTHONDIR": str(home / "ipython")}
    env.pop("MPLBACKEND", None)  # a student's JupyterLab has none set: the inline backend
    notification = home / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True)
    notification.write_text('{"fetchNews": "false"}')  # the news question covers outputs in every screenshot
    log = (home / "jupyterlab.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={folder}",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],  # CI's containers run as root
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=folder)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("JupyterLab did not start:\n" + (home / "jupyterlab.log").read_text()[-2000:])
            time.sleep(0.5)
    yield {"url": url, "folder": folder, "home": home}
    server.terminate()
    try:
        server.wait(20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(home / "jupyterlab.log", ARTIFACTS / "jupyterlab.log")  # kept beside the screenshots, for a failure


def shut_down_kernels(lab) -> None:
    """Shut down every kernel JupyterLab runs (closing a tab leaves its kernel running, holding TensorFlow)."""
    for kernel in json.load(urllib.request.urlopen(f"{lab['url']}/api/kernels?token={TOKEN}", timeout=10)):
        request = urllib.request.Request(f"{lab['url']}/api/kernels/{kernel['id']}?token={TOKEN}", method="DELETE")
        urllib.request.urlopen(request, timeout=30)


def open_notebook(browser, lab, name: str):
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    page.goto(f"{lab['url']}/lab/tree/{name}?token={TOKEN}&reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.locator(".jp-Toolbar-kernelName", has_text="Python 3").first.wait_for(timeout=120_000)  # its kernel started
    wait_until_idle(page, seconds=120)
    return page


def wait_until_idle(page, seconds: float) -> None:
    """The notebook's kernel is idle (JupyterLab's execution indicator in the toolbar)."""
    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=seconds * 1000)


def menu(page, top: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(top)}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}")).first.click()


def restart_and_run_all(page) -> None:
    """Kernel > Restart Kernel and Run All Cells..., and confirm, as the notebooks ask before handing in."""
    for _ in range(3):  # a click while JupyterLab is still busy laying out the page can miss the menu
        menu(page, "Kernel", "Restart Kernel and Run All Cells")
        confirm = page.locator(".jp-Dialog-button.jp-mod-accept", has_text="Restart")
        try:
            confirm.wait_for(timeout=10_000)
        except Exception:  # noqa: BLE001 (Playwright's TimeoutError): try the menu again
            page.keyboard.press("Escape")
            continue
        confirm.click()
        return
    page.screenshot(path=ARTIFACTS / "restart-dialog-missing.png")
    pytest.fail("Kernel > Restart Kernel and Run All Cells... showed no dialog")


def saved(page, path: Path, started: float) -> dict:
    """Save (Ctrl+S, in command mode) and read back what JupyterLab wrote to disk."""
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 30
    while path.stat().st_mtime < started and time.monotonic() < deadline:
        time.sleep(0.2)
    if path.stat().st_mtime < started:
        page.screenshot(path=ARTIFACTS / f"{path.stem}-not-saved.png")
        pytest.fail(f"{path.name}: Ctrl+S did not save the notebook within 30 s")
    time.sleep(0.5)
    return json.loads(path.read_text(encoding="utf-8"))


def kernel_status(page) -> str:
    return page.locator(".jp-Notebook-ExecutionIndicator").first.get_attribute("data-status") or ""


def run_to_the_end(page, path: Path, watch=None) -> dict:
    """Restart and run all, wait until the kernel has worked and then stayed idle (every cell ran, or one failed and
    Run All stopped), save; ``watch(page)`` is called while it runs."""
    started = time.time()
    restart_and_run_all(page)
    deadline = time.monotonic() + NOTEBOOK_MINUTES * 60
    worked, idle_since = False, None
    while time.monotonic() < deadline:
        if watch is not None:
            watch(page)
        status = kernel_status(page)
        if status == "busy":
            worked, idle_since = True, None
        elif worked and status == "idle":
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since > 3:  # Run All's queue is empty
                return saved(page, path, started)
        time.sleep(0.1)
    page.screenshot(path=ARTIFACTS / f"{path.stem}-timed-out.png", full_page=False)
    pytest.fail(f"{path.name}: Run All did not finish in {NOTEBOOK_MINUTES} minutes")


def errors(notebook: dict) -> list[str]:
    return [f"{output.get('ename')}: {output.get('evalue')}" for cell in notebook["cells"]
            for output in cell.get("outputs", []) if output.get("output_type") == "error"]


class ProgressWatch:
    """What notebook 4's progress line showed while it trained, read from the page as a student sees it."""

    LINE = re.compile(r"progress: epoch (\d+) of (\d+)\s+\S+\s+(\d+)/(\d+) steps")

    def __init__(self):
        self.seen: list[str] = []
        self.screenshot = None

    def __call__(self, page) -> None:
        outputs = page.locator(".jp-CodeCell", has_text="history = model.fit(").locator(".jp-OutputArea-output")
        # textContent, not innerText: JupyterLab skips rendering cells out of view (CSS content-visibility)
        for text in outputs.all_text_contents():
            match = self.LINE.search(text)
            if not match or (self.seen and self.seen[-1] == text.strip()):
                continue
            if not self.seen:  # the student scrolls to the cell that trains
                outputs.filter(has_text=self.LINE).first.scroll_into_view_if_needed()
            self.seen.append(text.strip())
            done, total = int(match.group(3)), int(match.group(4))
            if self.screenshot is None and 0.4 <= done / total < 1 and "more training" in text:
                self.screenshot = ARTIFACTS / "04-training-mid-epoch.png"
                page.screenshot(path=self.screenshot)

    def within_one_epoch(self) -> list[tuple[int, int]]:
        """(epoch, steps done) pairs shown before that epoch ended, with more than one per epoch."""
        states = [(int(m.group(1)), int(m.group(3))) for m in map(self.LINE.search, self.seen) if m
                  and int(m.group(3)) < int(m.group(4))]
        return [state for state in states if sum(epoch == state[0] for epoch, _ in states) > 1]


def type_into_markdown_cell(page, cell, text: str) -> None:
    """Double-click a rendered markdown cell, replace its last line (the placeholder), Shift+Enter to render it."""
    cell.locator(".jp-MarkdownOutput").dblclick()
    editor = cell.locator(".cm-content")
    editor.wait_for()
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Shift+Home")
    page.keyboard.type(text)
    page.keyboard.press("Shift+Enter")


def type_conclusion(page, text: str) -> None:
    """Replace MY_CONCLUSION's placeholder line in its code cell."""
    cell = page.locator(".jp-CodeCell", has_text="MY_CONCLUSION = ").first
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+Home")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Home")
    page.keyboard.press("Shift+End")
    page.keyboard.type(text)
    page.keyboard.press("Escape")


@pytest.fixture(scope="module")
def student_session(browser, lab):
    """Notebooks 1 to 6, each opened, run from the menu and saved, in order; notebook 6's answer to question 1 and
    its conclusion typed first. Returns what was saved, what notebook 4's progress line showed, and the times."""
    names = [entry["file"] for entry in load_manifest()["notebooks"].values()][:6]  # the practical's, in order
    result = {"saved": {}, "seconds": {}, "progress": ProgressWatch()}
    for name in names:
        started = time.monotonic()
        page = open_notebook(browser, lab, name)
        if name.startswith("06"):
            answer_cell = page.locator(".jp-MarkdownCell", has_text=re.compile(r"Your answer to question 1\b(?!\d)"))
            type_into_markdown_cell(page, answer_cell, TYPED_ANSWER)
            type_conclusion(page, TYPED_CONCLUSION)
        watch = result["progress"] if name.startswith("04") else None
        result["saved"][name] = run_to_the_end(page, lab["folder"] / name, watch)
        page.screenshot(path=ARTIFACTS / f"{Path(name).stem}-done.png")
        page.close()
        shut_down_kernels(lab)
        result["seconds"][name] = time.monotonic() - started
    from importlib.metadata import version
    print(f"browser session (JupyterLab {version('jupyterlab')}, Playwright {version('playwright')}, Chromium "
          f"{browser.version}), seconds per notebook:", {k[:2]: round(v) for k, v in result["seconds"].items()})
    return result


def test_notebooks_1_to_6_run_from_the_menu_with_no_error(student_session):
    """Every cell ran once, in order, with no error; and no red start-up lines of the `tensorflow` package students
    install (its CUDA probes on a machine without a GPU, which `tensorflow-cpu` never writes): setup() filters them.
    This is the student's start-up check, on what JupyterLab saved."""
    from labutils.environment import ALARMING_NOISE

    for name, notebook in student_session["saved"].items():
        assert not errors(notebook), (name, errors(notebook))
        for cell in notebook["cells"]:
            for output in cell.get("outputs", []):
                if output.get("name") == "stderr":
                    text = "".join(output["text"])
                    assert not ALARMING_NOISE.search(text), f"{name}: {text[:200]}"
        counts = [cell.get("execution_count") for cell in notebook["cells"] if cell["cell_type"] == "code"]
        assert counts == list(range(1, len(counts) + 1)), (name, counts)


def test_notebook_4_shows_progress_within_each_epoch_and_saves_one_line_per_epoch(student_session):
    watch = student_session["progress"]
    assert watch.screenshot is not None and watch.screenshot.exists(), watch.seen
    epochs_with_progress = {epoch for epoch, _ in watch.within_one_epoch()}
    assert epochs_with_progress == set(range(1, SMOKE_EPOCHS + 1)), watch.seen  # each epoch moved while it ran
    name = next(name for name in student_session["saved"] if name.startswith("04"))
    fit_cell = next(cell for cell in student_session["saved"][name]["cells"]
                    if "history = model.fit(" in "".join(cell["source"]))
    shown = [output for output in fit_cell["outputs"] if output["output_type"] == "display_data"]
    assert len(shown) == 1 and "".join(shown[0]["data"]["text/plain"]).startswith(
        f"training done: {SMOKE_EPOCHS} of {SMOKE_EPOCHS} epochs")
    log = "".join("".join(output["text"]) for output in fit_cell["outputs"] if output.get("name") == "stdout")
    assert len(re.findall(r"^\d+/\d+ - \d+s - ", log, re.M)) == SMOKE_EPOCHS and "\r" not in log and "\b" not in log, log
    print(f"notebook 4's training cell saved {len(json.dumps(fit_cell['outputs']))} bytes of output")


def test_the_grader_reads_the_answer_and_conclusion_typed_in_jupyterlab(student_session, lab, tmp_path):
    hand_in = tmp_path / "hand-in"
    shutil.copytree(lab["folder"], hand_in, ignore=shutil.ignore_patterns(".*"))
    report = tmp_path / "grades.json"
    code = grade.main([str(hand_in), "--profile", "smoke", "--quiet", "--json", str(report)])
    graded = {Path(row["path"]).name: row for row in json.loads(report.read_text())["submissions"]}
    assert all(row["status"] in ("PASS", "INCOMPLETE") for row in graded.values()), {
        name: (row["status"], row["reasons"]) for name, row in graded.items()}
    viva = next(row for name, row in graded.items() if name.startswith("06"))
    assert TYPED_ANSWER in viva["answers"]["Q1"] and TYPED_CONCLUSION in viva["answers"]["conclusion"], viva["answers"]
    assert "Q1" not in viva["unanswered"] and "conclusion" not in viva["unanswered"]
    assert code in (0, 1)


def answer_cell_of(page, number: int):
    return page.locator(".jp-MarkdownCell", has_text=re.compile(rf"Your answer to question {number}\b(?!\d)"))


def select_cell(page, cell) -> None:
    """Select a cell in command mode, as a click in its left margin does."""
    cell.locator(".jp-InputPrompt").first.click()
    page.keyboard.press("Escape")


def test_answer_cells_split_pasted_and_recreated_in_jupyterlab_are_read(student_session, browser, lab, tmp_path):
    """What students do to answer cells, done in JupyterLab's UI on the saved notebook 6: split question 1's answer
    in two (Ctrl+Shift+-), copy question 1's cell and paste it under question 4, then write question 4's answer in the
    copy, delete question 5's cell and write a new one under its heading, delete question 6's cell. The grader reads
    each answer whole, or says exactly what is missing."""
    folder = lab["folder"] / "surgery"
    shutil.copytree(lab["folder"], folder, ignore=shutil.ignore_patterns(".*", "surgery"))
    name = next(name for name in student_session["saved"] if name.startswith("06"))
    page = open_notebook(browser, lab, f"surgery/{name}")
    started = time.time()
    first_half, second_half = TYPED_ANSWER.split("; ", 1)
    cell = answer_cell_of(page, 1)
    cell.locator(".jp-MarkdownOutput").dblclick()
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    for _ in second_half:
        page.keyboard.press("ArrowLeft")
    page.keyboard.press("Control+Shift+Minus")  # Edit > Split Cell
    page.keyboard.press("Escape")
    select_cell(page, answer_cell_of(page, 1).first)
    page.keyboard.press("c")
    select_cell(page, answer_cell_of(page, 4))
    page.keyboard.press("v")  # the copy lands below question 4's answer cell
    pasted = page.locator(".jp-MarkdownCell").filter(has_text=first_half).nth(1)
    type_into_markdown_cell(page, pasted, "My own answer to question four, written in the pasted copy.")
    select_cell(page, answer_cell_of(page, 5))
    page.keyboard.press("d")
    page.keyboard.press("d")
    page.keyboard.press("a")  # a new cell above the one now selected, where question 5's answer was
    page.keyboard.press("m")
    page.keyboard.press("Enter")
    page.keyboard.type("**Your answer to question 5**\n\nMy new answer to question five, in a cell of my own.")
    page.keyboard.press("Shift+Enter")
    select_cell(page, answer_cell_of(page, 6))
    page.keyboard.press("d")
    page.keyboard.press("d")
    saved(page, folder / name, started)
    page.screenshot(path=ARTIFACTS / "06-answer-cells-edited.png")
    page.close()
    shut_down_kernels(lab)
    report = tmp_path / "grades.json"
    grade.main([str(folder), "--profile", "smoke", "--quiet", "--json", str(report)])
    viva = next(row for row in json.loads(report.read_text())["submissions"] if Path(row["path"]).name == name)
    answers, notes = viva["answers"], " | ".join(viva["notes"])
    assert first_half in answers["Q1"] and second_half in answers["Q1"], answers["Q1"]
    assert "My own answer to question four" in answers["Q4"] and "Q4" not in viva["unanswered"], (answers.get("Q4"), notes)
    assert "My new answer to question five" in answers["Q5"], answers.get("Q5")
    assert "Q6" in viva["unanswered"] and "the answer cell for Q6 is missing (deleted?)" in notes, notes


@pytest.mark.parametrize("page_name", ["class.html", "marking.html"])
def test_the_teachers_pages_of_a_class_of_30_fit_keep_their_headers_and_fetch_nothing(browser, tmp_path, page_name):
    """The class page (--html) and the marking sheet (--answers) of 30 students, opened in Chromium at 1,400 px: no
    horizontal overflow of the page, its sticky header still in view after scrolling down, and no request outside the
    file itself (the pages are self-contained). Screenshots: browser-artifacts/."""
    hand_in = unpack_full_run(tmp_path / "asha", LESSON_11_ARCHIVE)
    build_class(hand_in, tmp_path / "class", students=30)
    grade.main([*LESSON_ARGS, str(tmp_path / "class"), "--quiet", "--html", str(tmp_path / "class.html"),
                "--answers", str(tmp_path / "marking.html")])
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    path = tmp_path / page_name
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.screenshot(path=ARTIFACTS / f"teacher-{path.stem}-top.png")
    assert overflow <= 0, f"{page_name} is {overflow} px wider than the window"
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height > HEIGHT + 300, height  # a page long enough to scroll
    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight / 2)")
    page.wait_for_timeout(200)
    header = "thead th" if page_name == "class.html" else "nav"
    top = page.evaluate(f"() => document.querySelector('{header}').getBoundingClientRect().top")
    page.screenshot(path=ARTIFACTS / f"teacher-{path.stem}-scrolled.png")
    assert 0 <= top <= 5, f"{page_name}'s {header} is at {top} px after scrolling, not held at the top"
    outside = [url for url in requests if not url.startswith(("file:", "data:", "about:", "blob:"))]
    assert not outside and requests, (outside, requests[:3])
    page.close()
