"""What the grader decides about one file (:class:`Submission`) and what it is asked to check (:class:`Settings`)."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

DEFAULT_MIN_ACCURACY = 0.80
DEFAULT_MAX_MB = 50.0
TEST_SET_SIZE = 25_000
TRAINING_SET_SIZE = 25_000
PLACEHOLDER = re.compile(r"^\s*<.*>\s*$")


@dataclass
class Submission:
    """One file's grade. ``status`` is PASS, FAIL or MISSING (a required notebook not handed in)."""

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
    duplicate_of: str = ""  # the path of a byte-identical file found earlier
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    folder: str = ""

    def fail(self, reason: str) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)


@dataclass
class Settings:
    min_accuracy: float = DEFAULT_MIN_ACCURACY
    profile: str = "full"
    max_bytes: int = int(DEFAULT_MAX_MB * 1024 * 1024)
    required: tuple[str, ...] = ()  # notebook ids every student must hand in
    now: _dt.datetime = field(default_factory=lambda: _dt.datetime.now(_dt.timezone.utc))
