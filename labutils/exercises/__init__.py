"""Exercises that check themselves, as Kaggle Learn's exercise checkers do.

An exercise cell (tagged ``metadata.labutils.exercise`` with its id, e.g. ``"03-1"``) ends with a visible call::

    gru_parameters = None  # your answer: a whole number
    check_exercise("03-1", gru_parameters)

``check_exercise`` prints one line: ``correct.``, ``not yet.`` with a hint that does not give the answer away, or
``not answered yet:`` while the answer is still ``None``. It never raises, so a notebook runs top to bottom with
the exercises unanswered. ``show_hint(id)`` prints the hint again; ``show_solution(id)`` prints the worked answer,
and only when asked. The checkers for notebook NN live in ``labutils/exercises/nbNN.py``; what a checker needs from
the student's run (a history, scores) is passed by name in the cell, so the cell shows what is being checked.

Exercise cells come after the lesson: they are not lesson cells for the grader, which only counts how many checks
printed ``correct.`` in a hand-in (information for the teacher, never a reason to fail).
"""

from __future__ import annotations

import importlib
import math
from dataclasses import dataclass
from typing import Callable

from ..evidence import EXERCISE_CORRECT, EXERCISE_LINE, EXERCISE_NOT_YET, EXERCISE_UNANSWERED

NOTEBOOK_MODULES = ("nb01", "nb02", "nb03", "nb04", "nb05", "nb06", "nb07", "nb08", "nb09")


class NotYet(Exception):
    """Raised by a checker for a wrong answer; its message is the hint shown (never the answer itself)."""


@dataclass(frozen=True)
class Exercise:
    exercise_id: str
    checker: Callable[..., None]  # raises NotYet (with a hint) when the answer is wrong; returns when right
    hint: str
    solution: str  # code that, run after the notebook's cells, sets ``answer_name`` (tests run it)
    explanation: str  # what the answer means, in words
    answer_name: str  # the variable the cell checks


_REGISTRY: dict[str, Exercise] = {}


def exercise(exercise_id: str, *, answer_name: str, hint: str, solution: str, explanation: str):
    """Register a checker: ``@exercise("03-1", answer_name=..., hint=..., solution=..., explanation=...)`` over
    ``def check(answer, **context)``, which raises :class:`NotYet` with a hint when the answer is wrong.

    ``solution`` is code that sets ``answer_name`` when run after the notebook's own cells: the tests run it, so a
    published solution is known to pass its own check."""

    def register(checker):
        if exercise_id in _REGISTRY:
            raise ValueError(f"exercise {exercise_id} is registered twice")
        _REGISTRY[exercise_id] = Exercise(exercise_id, checker, hint, solution.strip("\n"), explanation.strip(),
                                          answer_name)
        return checker

    return register


def _load_all() -> dict[str, Exercise]:
    for module in NOTEBOOK_MODULES:
        try:
            importlib.import_module(f".{module}", __name__)
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{module}":
                raise
    return _REGISTRY


def registered() -> dict[str, Exercise]:
    """Every exercise the lab has, by id."""
    return dict(_load_all())


def _find(exercise_id) -> Exercise | None:
    found = _load_all().get(str(exercise_id))
    if found is None:
        print(f"There is no exercise {exercise_id!r} in this lab (ids look like '03-1': notebook 03, exercise 1).")
    return found


def check_exercise(exercise_id: str, answer=None, **context) -> None:
    """Check ``answer`` to exercise ``exercise_id`` and print one line saying whether it is right.

    Returns nothing, so a notebook shows the line and not a stray ``True``."""
    _check(exercise_id, answer, context)


def _check(exercise_id: str, answer, context: dict) -> bool:
    found = _find(exercise_id)
    if found is None:
        return False
    if answer is None or answer is Ellipsis:
        print(EXERCISE_LINE.format(exercise_id=found.exercise_id,
                                   verdict=f"{EXERCISE_UNANSWERED} set {found.answer_name} above, then run this cell again."))
        return False
    try:
        found.checker(answer, **context)
    except NotYet as hint:
        print(EXERCISE_LINE.format(exercise_id=found.exercise_id, verdict=f"{EXERCISE_NOT_YET} {hint}"))
        return False
    except Exception as error:  # noqa: BLE001 - an odd answer must not stop the notebook
        print(EXERCISE_LINE.format(exercise_id=found.exercise_id,
                                   verdict=f"{EXERCISE_NOT_YET} The answer could not be checked "
                                           f"({type(error).__name__}: {str(error)[:120]}). {found.hint}"))
        return False
    print(EXERCISE_LINE.format(exercise_id=found.exercise_id, verdict=EXERCISE_CORRECT))
    return True


def show_hint(exercise_id: str) -> None:
    """Print the exercise's hint."""
    found = _find(exercise_id)
    if found is not None:
        print(f"Hint for exercise {found.exercise_id}: {found.hint}")


def show_solution(exercise_id: str) -> None:
    """Print the worked solution (only when a student asks for it)."""
    found = _find(exercise_id)
    if found is not None:
        print(f"Solution to exercise {found.exercise_id}:\n\n{found.solution}\n\n{found.explanation}")


# Helpers for the checkers in nbNN.py.

def as_number(answer, what: str = "a number") -> float:
    """The answer as a finite float (a one-element array, as model.predict returns for one review, counts as its
    element), or NotYet saying what kind of answer is expected."""
    if getattr(answer, "size", None) == 1 and hasattr(answer, "reshape"):
        answer = answer.reshape(-1)[0]
    if isinstance(answer, bool):
        raise NotYet(f"Expected {what}, not True or False.")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        raise NotYet(f"Expected {what}, got {type(answer).__name__} {str(answer)[:40]!r}.") from None
    if not math.isfinite(value):
        raise NotYet(f"Expected {what}, got {value}: check the computation for a division by zero or an empty array.")
    return value


def pad_like_keras(token_ids, maxlen: int):
    """pad_sequences' defaults for one review: zeros in front, and only the last ``maxlen`` ids kept."""
    import numpy as np

    token_ids = [int(token) for token in token_ids][-maxlen:]
    padded = np.zeros(maxlen, dtype=np.int32)
    if token_ids:
        padded[-len(token_ids):] = token_ids
    return padded


__all__ = ["Exercise", "NotYet", "as_number", "check_exercise", "exercise", "pad_like_keras", "registered", "show_hint",
           "show_solution"]
