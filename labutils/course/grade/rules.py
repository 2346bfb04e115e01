"""Every reason the grader gives, as a linter lists its rules: one stable short code, one line of documentation.

A reason (FAIL) or a flag (FLAGGED) is given with its code (``sub.fail("X202", ...)``, ``sub.flag("A803", ...)``);
the CSV's ``codes`` column and the JSON list them, and the table and the HTML pages show each beside its text, so a
teacher can look a reason up and filter by it. Each code is given in one place in the grader's code (grep for it),
documented here, listed in README.md (:func:`markdown_table` makes that table; a test checks the README holds it), and produced by at least one test (tests/conftest.py counts the codes the test session produced).
Codes are never reused for another rule: a retired rule keeps its code out of use.

F: reading the file. X: how it was run. I: who handed it in. L: the lesson's cells and version. E: the evidence
printed. C: figures that must agree. P: copied or published runs. A: the written answers (notebook 6).
"""

from __future__ import annotations

RULES: dict[str, str] = {
    "F101": "the file is over the size limit (--max-mb), so it is not read",
    "F102": "the file cannot be read (permissions, a broken archive member)",
    "F104": "the file is empty",
    "F105": "the JSON holds far more values than a notebook's, so it is not parsed (memory stays bounded)",
    "F106": "not a text file (a notebook is UTF-8 JSON)",
    "F107": "not valid JSON (truncated, bytes after the notebook, another format), with where it breaks",
    "F108": "JSON nested too deeply to be a notebook",
    "F109": "saved in an old notebook format (nbformat 3 or earlier)",
    "F110": "JSON without a list of cells",
    "F111": "a notebook format this lab cannot read (nbformat other than 4)",
    "F112": "a malformed notebook: a cell of no known type, no readable source or outputs, or metadata not an object",
    "F113": "a notebook id that is not one of this lab's (another course's notebook)",
    "F114": "not one of this lab's notebooks (no lab id, and its cells are not the lab's)",
    "F115": "made from a lesson version this grader does not know (grade with the release it came from, or newer)",
    "F116": "no outputs were saved (cleared, or Colab's \"Omit code cell output when saving\" was on)",
    "F117": "not graded: byte for byte another file handed in (graded once, there; in another student's folder, a copy)",
    "F118": "not graded: not a notebook to grade (an export, a link, Mac resource files, a zip inside a zip, ...)",
    "F199": "the grader failed on this file: please report it to the lab's maintainers",
    "X201": "an execution count that is not a whole number (the file was edited by hand)",
    "X202": "code cells that never ran (run the whole notebook with Restart & Run All)",
    "X203": "not run from a fresh kernel: the first code cell's execution count is not 1",
    "X204": "cells ran out of order",
    "X205": "cells were re-run or deleted: the execution counts jump",
    "X206": "a lesson cell ended in an error",
    "X207": "flag: saved finishing times go backwards though the counts run in order (counts typed over? stale times?)",
    "I301": "the Student cell is not filled in",
    "I302": "the Student cell was edited after it ran: its output shows other details",
    "I303": "the Student cell (STUDENT_NAME, ROLL_NO) is missing",
    "I304": "in one student's folder, this notebook names another student than the folder's other notebooks",
    "I305": "a roll number used with another name in other notebooks",
    "I306": "the same notebook handed in more than once under one roll number",
    "I307": "flag: the same name under another roll number whose notebooks hold the ones missing here",
    "I308": "flag: notebooks Colab says one Google account ran, handed in by two students (display name shown)",
    "I309": "a notebook every student must hand in (--require) is missing (MISSING)",
    "I310": "flag: the name written with other accents or hyphens than in the student's other notebooks",
    "L401": "a lesson cell changed or deleted: not the lab's cell",
    "L402": "the student's code inserted between the lesson's cells (own code belongs after the lesson)",
    "L403": "flag: made from another lesson version than the class's (--lesson)",
    "E501": "no run record in the setup cell's output (setup() did not run, or its output was cleared)",
    "E502": "more than one run record in the setup cell's output",
    "E503": "the run record is damaged (not valid JSON)",
    "E504": "the run record is not the JSON object setup() prints",
    "E505": "the run record lacks fields setup() writes",
    "E506": "the run record's run_id, time or profile is not the text setup() prints",
    "E507": "the run record's run_id is not the form setup() writes (32 hexadecimal digits)",
    "E508": "ran with another run profile than the class's (--profile; smoke runs are checks, not results)",
    "E509": "the run record and the printed run profile disagree",
    "E510": "the run record's time is in the future",
    "E511": "the run record's time is not a date",
    "E512": "the training cell does not print which run profile it used",
    "E513": "the training cell's run profile and the run record's disagree",
    "E514": "trained on fewer reviews or epochs than the practical (a full run must train all of it)",
    "E515": "the learning-curve or confusion-matrix figure is missing from the outputs",
    "E516": "the test accuracy is not printed",
    "E517": "the printed test accuracy is not between 0 and 1",
    "E518": "the test accuracy is below the pass mark the teacher set (--min-accuracy)",
    "E519": "flag: the test accuracy is under 0.80 and no pass mark is set: look at the run before marking",
    "E520": "the test accuracy is above what any LSTM on IMDb reaches (over 0.95)",
    "E521": "predict's accuracy line is missing from its cell's output",
    "E522": "the printed test accuracies (evaluate's and predict's) disagree",
    "E523": "the confusion matrix's counts (TN, FP, FN, TP) are missing from its cell's output",
    "E524": "the confusion matrix does not count the 25,000 test reviews",
    "E525": "the confusion matrix and the printed test accuracy disagree",
    "E526": "Keras evaluated another number of batches than the test set's",
    "E527": "the printed test accuracy disagrees with Keras' own evaluate line in the same cell",
    "E528": "a full run's training log (Epoch n/5 and its steps) is missing",
    "E529": "the training log shows other epochs than the practical's 5",
    "E530": "the training log shows other steps per epoch than the practical's 313",
    "C601": "notebook 4's printed timings cannot all be read (Keras' epoch lines and the epoch timer's)",
    "C602": "notebook 4's table of epochs, validation intervals or comparisons has another number of rows than its epochs",
    "C603": "notebook 4's table of epochs disagrees with Keras' training log",
    "C604": "the confusion matrix's rows are not IMDb's 12,500 negative and 12,500 positive test reviews",
    "C605": "precision, recall, F1 or the classification report disagree with the confusion matrix beside them",
    "C606": "the test accuracy lies outside the band around the last epoch's validation accuracy (4.5 standard errors)",
    "C607": "a loss below what its accuracy allows ((1 - accuracy) ln 2)",
    "C608": "the ROC AUC is below the test accuracy by more than sampling allows",
    "C609": "the ROC AUC is above the most a model of this accuracy and recall can reach",
    "C610": "notebooks 5 to 7 report on a training run that is not the one of the notebook 4 handed in",
    "C611": "a notebook that names itself as the run that trained its model shows no training log",
    "C612": "notebook 6 quotes figures of the same model that notebook 5 printed otherwise",
    "C613": "notebook 6's table of epochs differs from notebook 4's training log of the same run",
    "C614": "a figure made from the epochs (best epoch, gap, an epoch's interval or comparison) disagrees with them",
    "C615": "notebook 4's timings do not add up (Keras' seconds and ms per step, the epoch timer's, the median)",
    "P701": "a copied run: the same run as another student's (the grader does not say who copied)",
    "P702": "a run published with the lab (its test hand-ins, which anyone can download)",
    "P703": "it reports on the training run of a notebook 4 published with the lab",
    "A801": "the conclusion cell holds more than MY_CONCLUSION = \"\"\"...\"\"\" (other code would run)",
    "A802": "more than one MY_CONCLUSION cell",
    "A803": "flag: an answer that is mostly the lab's model answer",
    "A804": "flag: an answer that is mostly one of the lab's published example answers",
    "A805": "flag: the same answer as classmates' (word for word or nearly)",
    "A806": "flag: the conclusion quotes a test accuracy other than the run's",
    "A807": "flag: the conclusion quotes a figure that is none of the run's",
    "A808": "flag: the conclusion names the wrong best epoch, peak or lowest-loss epoch",
    "A809": "flag: an answer that holds a pasted part of the lab's model answer (15 or more of its four-word runs)",
}


COPIED_RUN = "P701"  # the reports say a copied run once, with its copy group, rather than in every notebook's reasons


def markdown_table() -> str:
    """The table README.md holds, made from :data:`RULES`."""
    return "\n".join(["| code | reason |", "|---|---|", *(f"| `{code}` | {text} |" for code, text in RULES.items())])
