"""What the grader decides about one file (:class:`Submission`) and what it is asked to check (:class:`Settings`)."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

# Without a pass mark set by the teacher, a test accuracy under this is a flag for the teacher to look at, not a
# FAIL: an honest run on another machine can land lower (the lab's own runs: benchmarks/RESULTS.md).
LOW_ACCURACY = 0.80
DEFAULT_MIN_ACCURACY = None  # no pass mark: the teacher grades understanding, and sets one with --min-accuracy
DEFAULT_MAX_MB = 50.0
ANY_LESSON = "any"
TEST_SET_SIZE = 25_000
TRAINING_SET_SIZE = 25_000
PLACEHOLDER = re.compile(r"^\s*<.*>\s*$")
STATUSES = ("PASS", "INCOMPLETE", "FLAGGED", "FAIL", "MISSING")  # least to most serious
NOT_GRADED = "NOT GRADED"  # a file found beside the notebooks that is not one (an export, a zip's other files)
# Fields the class checks use and the reports leave out (the reports say what they mean instead).
INTERNAL_FIELDS = ("folder", "training_runs", "run_logs", "figures", "copied", "named_as", "colab_accounts", "code_of")


@dataclass
class Submission:
    """One file's grade. ``status`` is PASS, INCOMPLETE (answers unwritten), FLAGGED (written work the teacher
    should look at), FAIL, or MISSING (a required notebook not handed in)."""

    path: str
    notebook: str = ""  # the lab's notebook id, "" when not recognised
    title: str = ""
    lesson_version: str = ""  # the version of the lesson it was graded against
    student_name: str = ""
    roll_no: str = ""
    status: str = "FAIL"
    test_accuracy: float | None = None
    profile: str = ""
    run_time: str = ""
    run_id: str = ""
    sha256: str = ""
    exercises_correct: int | None = None  # exercise checks that printed "correct." (information, never graded)
    exercises_total: int | None = None  # the exercises of the notebook's lesson version
    reasons: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # the rules behind its reasons and flags, in order (rules.RULES)
    code_of: dict[str, str] = field(default_factory=dict)  # a reason's or flag line's text -> its code
    notes: list[str] = field(default_factory=list)
    # notebook 6 (lesson version 7 on): what the student wrote, by answer ("Q1".."Q12", "conclusion")
    answers: dict[str, str] = field(default_factory=dict)
    answer_evidence: dict[str, str] = field(default_factory=dict)  # what the evidence cell above each answer printed
    unanswered: list[str] = field(default_factory=list)  # answers still the placeholder, or empty
    answer_flags: dict[str, list[str]] = field(default_factory=dict)  # copies, figures of another run
    copy_group: int | None = None  # the copies of one run handed in by several students: the group's number
    copy_group_size: int | None = None  # and how many students are in it
    folder: str = ""
    training_runs: list[str] = field(default_factory=list)  # the run_ids of the training runs the notebook names
    run_logs: list[str] = field(default_factory=list)  # digests of its printed timings (Keras', the epoch timer's)
    figures: dict = field(default_factory=dict)  # test and epoch figures it printed, for the cross-checks
    copied: bool = False
    named_as: str = ""  # an unreadable file's notebook id, guessed from its file name (for the reports only)
    # the Google accounts Colab recorded running its cells: {user id: display name}; the id is compared, never shown
    colab_accounts: dict[str, str] = field(default_factory=dict)

    def fail(self, code: str, reason: str) -> None:
        """A failed check: ``code`` is its rule's (:data:`labutils.course.grade.rules.RULES`)."""
        if reason not in self.reasons:
            self.reasons.append(reason)
        self._code(code, reason)

    def flag(self, code: str, answer: str, what: str) -> None:
        """Something for the teacher to look at (``answer``: the answer it is about, or what it concerns)."""
        flags = self.answer_flags.setdefault(answer, [])
        if what not in flags:
            flags.append(what)
        self._code(code, f"{answer}: {what}")

    def _code(self, code: str, text: str) -> None:
        self.code_of.setdefault(text, code)
        if code not in self.codes:
            self.codes.append(code)

    def decide(self) -> None:
        """FAIL when a check failed; else FLAGGED when written work needs the teacher's eye; else INCOMPLETE when
        answers are unwritten; else PASS. (MISSING rows are made as such.)"""
        if self.status in ("MISSING", NOT_GRADED):
            return
        self.status = ("FAIL" if self.reasons else "FLAGGED" if self.answer_flags
                       else "INCOMPLETE" if self.unanswered else "PASS")

    def flag_lines(self) -> list[str]:
        return [f"{answer}: {what}" for answer, flags in self.answer_flags.items() for what in flags]


@dataclass
class Settings:
    min_accuracy: float | None = DEFAULT_MIN_ACCURACY  # the teacher's pass mark; None: a low accuracy is a flag
    profile: str = "full"
    max_bytes: int = int(DEFAULT_MAX_MB * 1024 * 1024)
    required: tuple[str, ...] = ()  # notebook ids every student must hand in
    # the lesson versions the class used, as the teacher states them (--lesson); None: the grader's current version.
    # ANY_LESSON among them: every version the grader knows, unflagged.
    lessons: tuple[str, ...] | None = None

    def class_lessons(self, manifest: dict) -> tuple[str, ...]:
        """The lesson versions the class used: as the teacher stated them, else the grader's current version."""
        return self.lessons or (str(manifest.get("version", "")),)

    def accuracy_rule(self) -> str:
        """The rule for a low test accuracy, as the reports state it."""
        if self.min_accuracy is None:
            return f"no pass mark; test accuracy under {LOW_ACCURACY:.2f} flagged"
        return f"test accuracy >= {self.min_accuracy:.2f}"
    now: _dt.datetime = field(default_factory=lambda: _dt.datetime.now(_dt.timezone.utc))
