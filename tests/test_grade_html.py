"""``--html FILE``, the class at a glance, on a class built from the real full-profile hand-in (no notebook is run).

The class (see :func:`class_page`): four students with runs of their own, one failing, one missing a notebook, one
with an unreadable notebook, one with a hostile name; an HTML export beside the notebooks; three students who handed in
one copied run. The page is read back with :class:`Table`, cell by cell, as a teacher reads it.
"""

import json
import re
from html.parser import HTMLParser

import pytest
from handins import FIXTURE_LESSONS, build_class, give_own_answers, unpack_full_run

from labutils.course import grade
from labutils.course.grade.html_report import NAME_PX, NOTEBOOK_PX, OVERALL_PX, REASON_CHARS, write_html

NB2 = "02_data_loading_and_padding.ipynb"
NB4 = "04_training_with_validation_split.ipynb"
NB5 = "05_test_evaluation_and_confusion_matrix.ipynb"
NB6 = "06_viva_voce.ipynb"
HOSTILE_NAME = "<script>alert(1)</script> & Eve"
HOSTILE_FILE = "<img src=x onerror=alert(1)>.html"
LONG_NAME = "Student Two " + "Bartholomew-Maximilian " * 10


def notebook_id(file_name: str) -> str:
    return "lstm-imdb/" + file_name.removesuffix(".ipynb")


def rename(paths, old_name, old_roll, name, roll):
    """Notebooks under another name and roll number (sources and outputs alike)."""
    for path in paths:
        text = path.read_text(encoding="utf-8").replace(old_roll, roll).replace(old_name, name)
        path.write_text(text, encoding="utf-8")


def change_lesson_cell(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in notebook["cells"] if c["cell_type"] == "code" and "EPOCHS = 5" in "".join(c["source"]))
    cell["source"] = "BATCH_SIZE = 64\nEPOCHS = 1\nVALIDATION_SPLIT = 0.2"
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")


def grade_and_write(folder, page):
    practical = grade.required_notebooks("practical", grade.load_manifest())
    subs = grade.grade_paths([folder], grade.Settings(lessons=FIXTURE_LESSONS, required=practical))
    write_html(subs, page, grade.Settings(lessons=FIXTURE_LESSONS), 1.0)
    return page.read_text(encoding="utf-8")


class Table(HTMLParser):
    """The grades table of a page: ``rows[roll][column]`` is a cell (its class, title, visible text and list items),
    the columns being "student", "overall" and each notebook's id."""

    def __init__(self, page: str):
        super().__init__()
        self.columns, self.rows, self._row, self._cell, self._inside = [], {}, None, None, False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "grades" in (attrs.get("class") or ""):
            self._inside = True
        elif self._inside and tag == "tr":
            self._row = []
        elif self._inside and tag in ("th", "td"):
            self._cell = {"class": attrs.get("class") or "", "title": attrs.get("title") or "", "text": "", "items": []}
        elif self._cell is not None and tag == "br":
            self._cell["text"] += " "
        elif self._cell is not None and tag == "li":
            self._cell["items"].append("")

    def handle_data(self, data):
        if self._cell is not None:
            self._cell["text"] += data
            if self._cell["items"]:
                self._cell["items"][-1] += data

    def handle_endtag(self, tag):
        if not self._inside:
            return
        if tag in ("th", "td") and self._cell is not None:
            self._row.append(self._cell)
            self._cell = None
        elif tag == "tr":
            if not self.columns:
                self.columns = ["student", "overall"] + [cell["title"] for cell in self._row[2:]]
            else:
                roll = self._row[0]["text"].split()[-1]
                self.rows[roll] = dict(zip(self.columns, self._row))
        elif tag == "table":
            self._inside = False


def section(page: str, heading: str) -> str:
    """The part of the page under ``heading``, up to the next heading."""
    start = page.index(f"<h2>{heading}</h2>")
    end = page.find("<h2>", start + 1)
    return page[start:end if end > 0 else len(page)]


def visible(page: str) -> str:
    """The page without its tooltips (what a teacher reads without hovering)."""
    return re.sub(r' title="[^"]*"', "", page)


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    return unpack_full_run(tmp_path_factory.mktemp("full-run"))


@pytest.fixture(scope="module")
def class_page(full_run, tmp_path_factory):
    """The page of a class with a verdict of every kind (see the module's docstring)."""
    root = tmp_path_factory.mktemp("class")
    build_class(full_run, root / "own", 5)
    own = root / "own"
    (own / "student000" / HOSTILE_FILE).write_text("<html>an export</html>", encoding="utf-8")
    change_lesson_cell(own / "student001" / NB4)  # FAIL
    (own / "student002" / NB6).unlink()  # MISSING
    rename([own / "student002" / NB2], "Student 2", "CS21-002", LONG_NAME, "CS21-002")  # long reasons: another name
    (own / "student003" / NB5).write_text("{ this is not json, the download stopped", encoding="utf-8")
    rename((own / "student004").glob("*.ipynb"), "Student 4", "CS21-004", HOSTILE_NAME, "CS21-004")
    copies = tmp_path_factory.mktemp("copies")
    build_class(full_run, copies, 3, own_runs=False)
    for number in range(3):
        folder = copies / f"student{number:03d}"
        rename(folder.glob("*.ipynb"), f"Student {number}", f"CS21-{number:03d}",
               f"Copier {100 + number}", f"CS21-{100 + number}")
        give_own_answers(folder / NB6, 100 + number)  # their runs are copies, their words their own
        folder.rename(root / f"copier{100 + number}")
    return grade_and_write(root, root / "class.html")


def test_each_student_has_an_overall_verdict_with_counts_right_after_the_name(class_page):
    table = Table(class_page)
    assert table.columns[:2] == ["student", "overall"] and len(table.columns) == 2 + 6
    assert table.rows["CS21-000"]["overall"]["text"] == "PASS 6 pass; 1 file(s) not graded (listed below)"
    assert table.rows["CS21-001"]["overall"]["text"] == "FAIL 5 pass, 1 fail"
    assert table.rows["CS21-002"]["overall"]["text"] == "MISSING 4 pass, 1 fail, 1 missing"
    assert "s-missing" in table.rows["CS21-002"]["overall"]["class"]
    assert table.rows["CS21-101"]["overall"]["text"] == "FAIL 6 fail"
    assert table.rows["CS21-001"][notebook_id(NB4)]["text"].startswith("FAIL")
    assert table.rows["CS21-000"][notebook_id(NB5)]["text"].startswith("PASS 0.8517")  # verdict and accuracy first


def test_names_stay_in_view_and_reasons_wrap_inside_a_table_that_fits_1400_px(class_page):
    who = re.search(r"th\.who \{([^}]*)\}", class_page).group(1)
    assert "position: sticky" in who and "left: 0" in who and "background" in who
    assert re.search(r"thead th \{[^}]*position: sticky; top: 0", class_page)
    cells = re.search(r"th, td \{([^}]*)\}", class_page).group(1)
    assert "overflow-wrap: anywhere" in cells and "word-break: break-word" in cells
    assert "table-layout: fixed" in class_page
    assert NAME_PX + OVERALL_PX + 6 * NOTEBOOK_PX <= 1400 - 2 * 12 - 20  # the body's margins and a scroll bar


def test_the_lesson_version_and_exercises_are_said_once_in_the_column_header(class_page):
    header, body = visible(class_page).split("</thead>", 1)
    assert header.count("lesson v") == 6 and header.count("exercises ") == 6  # every hand-in shares them
    assert "lesson v" not in body and "exercises " not in body


def test_an_unreadable_file_shows_its_own_reason_in_its_notebooks_column(class_page):
    cell = Table(class_page).rows["CS21-003"][notebook_id(NB5)]
    assert "s-fail" in cell["class"] and cell["text"].startswith("FAIL") and "not valid JSON" in cell["text"]
    assert "MISSING" not in cell["text"] and "not handed in" not in cell["text"]
    assert "Files not tied to a student" not in class_page


def test_a_long_reason_is_cut_in_its_cell_and_whole_in_its_tooltip(class_page):
    cell = Table(class_page).rows["CS21-002"][notebook_id(NB2)]
    assert "s-fail" in cell["class"] and cell["items"]
    assert all(len(reason) <= REASON_CHARS for reason in cell["items"])
    assert cell["items"][0].endswith("…") and LONG_NAME.strip() not in cell["text"]
    assert LONG_NAME.strip() in cell["title"]


def test_a_file_not_graded_is_listed_with_why_and_counted(class_page):
    listed = section(class_page, "Files not graded")
    assert "&lt;img src=x onerror=alert(1)&gt;.html" in listed and "an HTML export, not a notebook" in listed
    assert "(Student 0, CS21-000)" in listed  # whose folder it lay in
    assert "1 not graded</span>" in class_page


def test_a_copied_run_shows_a_badge_in_each_cell_and_its_group_once(class_page):
    table = Table(class_page)
    for roll in ("CS21-100", "CS21-101", "CS21-102"):
        for notebook in table.columns[2:]:
            cell = table.rows[roll][notebook]
            assert "copy group 1 (3 students)" in cell["text"] and "copied run:" not in cell["text"]
            assert cell["title"].startswith("[P701] copied run:")  # the whole reason with its code, on hovering
    copied = section(class_page, "Copied runs")
    assert copied.count('id="copy-group-1"') == 1 and 'id="copy-group-2"' not in copied
    for member in ("Copier 100 (CS21-100)", "Copier 101 (CS21-101)", "Copier 102 (CS21-102)"):
        assert copied.count(member) == 1
    assert "1 group(s) of copied runs" in class_page


def test_every_student_text_is_escaped(class_page):
    assert "<script" not in class_page and "<img" not in class_page
    assert Table(class_page).rows["CS21-004"]["student"]["text"] == f"{HOSTILE_NAME} CS21-004"
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Eve" in class_page
    assert "http" not in class_page.replace("http://www.w3.org/2000/svg", "")


def test_the_page_of_a_class_of_copies_grows_linearly(full_run, tmp_path):
    """One copied run handed in by everyone: each cell names only its group, and the group's members are listed once,
    so a student costs the page about as much in a class of 40 as in a class of 10."""
    per_student = {}
    for students in (10, 40):
        build_class(full_run, tmp_path / str(students), students, own_runs=False)
        page = grade_and_write(tmp_path / str(students), tmp_path / f"{students}.html")
        assert visible(page).count(f"copy group 1 ({students} students)") == 6 * students
        assert section(page, "Copied runs").count("(CS21-") == students
        per_student[students] = len(page.encode()) / students
    assert per_student[40] < 1.5 * per_student[10]
