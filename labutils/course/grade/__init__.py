"""Grade executed lab notebooks: ``python -m labutils grade PATH...``.

PATH is a notebook or a folder (searched recursively for ``*.ipynb``). The
grader reads each file as JSON and never runs anything from it, so a hostile
notebook cannot act on the teacher's machine. Each submission passes or fails
with every reason found:

* it is a valid notebook and one of this lab's (its ``notebook_id``, or failing
  that its cells, name which one);
* it ran top to bottom in one go: execution counts 1, 2, 3, ... over the code
  cells, nothing left unrun, no error output;
* the identity cell is filled in, printed as it stands, and names the same
  student as that student's other notebooks;
* the lesson's code cells are those of the lab (see :mod:`labutils.course.manifest`);
  student code may follow the last lesson cell, not sit between lesson cells;
* the evidence is there: the run record from ``setup()`` (full profile), the
  learning curves and confusion matrix as images, the test accuracy printed (a
  low one flagged, or failed under the teacher's ``--min-accuracy``), and the
  printed figures agree with each other.

The grader checks that a notebook is complete and consistent. It cannot prove
that nobody edited the outputs by hand; re-running a sample of submissions
(``python -m labutils run``) is the check for that.

The stages, one module each: :mod:`.read` (a file as a notebook, which
notebook it is), :mod:`.checks` (one notebook), :mod:`.classroom` (across the
class; :func:`grade_paths` is what the command line and the tests call),
:mod:`.report` (table, CSV, JSON), :mod:`.cli` (the command). Standard library
only: grading loads neither NumPy nor matplotlib.
"""

from ..manifest import load_manifest
from .checks import grade_file
from .classroom import grade_paths
from .cli import main, required_notebooks
from .read import find_notebooks
from .report import CSV_COLUMNS, format_table, summarize, write_csv, write_json
from .submission import ANY_LESSON, DEFAULT_MAX_MB, DEFAULT_MIN_ACCURACY, Settings, Submission

__all__ = ["ANY_LESSON", "CSV_COLUMNS", "DEFAULT_MAX_MB", "DEFAULT_MIN_ACCURACY", "Settings", "Submission", "find_notebooks",
           "format_table", "grade_file", "grade_paths", "load_manifest", "main", "required_notebooks", "summarize",
           "write_csv", "write_json"]
