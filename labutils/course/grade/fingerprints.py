"""What a run leaves in its notebook that another run cannot share, read as keys for the copy check.

Two honest runs can print the same accuracies (the lab's seed on one machine repeats them), so figures are never
evidence. These are:

* **Cell times**: the moment each code cell finished, as the notebook's own tool saved it: nbclient and JupyterLab
  (``metadata.execution["shell.execute_reply"]``, to the microsecond) and Colab (``metadata.executionInfo.timestamp``,
  to the millisecond). Every two consecutive cells' times make one key, so one shared key means two cells finished
  at the same two moments: a copy of the file, whatever was edited in its printed text. A copier who edits one time
  changes two keys, not the rest.
* **Cell durations**, which survive a copier shifting every time at once (a replace-all of the date): how long each
  cell ran, to the microsecond (nbclient and JupyterLab: from ``iopub.execute_input`` to ``shell.execute_reply``), or
  Colab's ``elapsed`` milliseconds for cells that ran a second or more (shorter ones repeat between honest runs).
  Again every two consecutive durations make a key.
* **Most of notebook 4's epochs**: each epoch's four printed timings (Keras' seconds and milliseconds per step, the
  epoch timer's tenth of a second and milliseconds per step). Every choice of all but two epochs (three of five)
  makes a key, so a copy with two epochs retimed still shares a key with its source. Two of the lab's real runs
  printed the same epoch-timer seconds for one epoch, but no two share all four timings of any epoch
  (benchmarks/RESULTS.md, "Copied runs: what honest runs share"), so three whole epochs alike are no chance.

Each key is a short digest; :func:`labutils.course.grade.runs.find_copied_runs` ties students who share one. The
Google accounts Colab saves with each cell are read here too (:func:`colab_accounts`), for the class's check of one
account behind two students.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timezone
from itertools import combinations

# nbclient's ISO time to the microsecond; JupyterLab's when "Record Cell Timing" is on
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3,9}Z?")
MAX_TIME_KEYS = 40  # a lab notebook has at most about 25 code cells; a hand-in with more adds nothing
MIN_EPOCHS = 5  # keys from epochs only when there are the practical's five: a shorter log is a smoke run's


def _key(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode("utf-8", "replace")).hexdigest()[:16]


def _saved_run_info(cell: dict) -> tuple[dict, dict]:
    """What the cell's notebook tool saved of its run: nbclient's or JupyterLab's ``execution``, Colab's
    ``executionInfo`` (each {} when absent or not a JSON object)."""
    metadata = cell.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    execution, info = metadata.get("execution"), metadata.get("executionInfo")
    return (execution if isinstance(execution, dict) else {}), (info if isinstance(info, dict) else {})


def _finished_at(cell: dict) -> str:
    """When the cell finished, as its notebook tool saved it; "" when it did not save it."""
    execution, info = _saved_run_info(cell)
    reply = execution.get("shell.execute_reply")
    if isinstance(reply, str) and ISO_TIME.fullmatch(reply.strip()):
        return reply.strip()
    stamp = info.get("timestamp")
    if isinstance(stamp, int) and not isinstance(stamp, bool) and stamp > 10**12:  # milliseconds since 1970
        return f"colab:{stamp}"
    return ""


MIN_COLAB_ELAPSED_MS = 1_000


def _iso_microseconds(text: str) -> int | None:
    """An ISO time's microseconds since midnight (a duration within a day is all that is needed)."""
    try:
        clock = text.rstrip("Z").split("T", 1)[1]
        hours, minutes, seconds = clock.split(":")
        whole, _, fraction = seconds.partition(".")
        return ((int(hours) * 60 + int(minutes)) * 60 + int(whole)) * 10**6 + int((fraction + "000000")[:6])
    except (IndexError, ValueError):
        return None


def _duration(cell: dict) -> str:
    """How long the cell ran, as its notebook tool saved it; "" when it did not save it."""
    execution, info = _saved_run_info(cell)
    start, end = execution.get("iopub.execute_input"), execution.get("shell.execute_reply")
    if isinstance(start, str) and isinstance(end, str) and ISO_TIME.fullmatch(start) and ISO_TIME.fullmatch(end):
        began, ended = _iso_microseconds(start), _iso_microseconds(end)
        if began is not None and ended is not None:
            return f"us:{(ended - began) % (24 * 3600 * 10**6)}"
    elapsed = info.get("elapsed")
    if isinstance(elapsed, int) and not isinstance(elapsed, bool) and elapsed >= MIN_COLAB_ELAPSED_MS:
        return f"ms:{elapsed}"
    return ""


OUT_OF_ORDER_SLACK_US = 2 * 10**6  # a clock set back this much by the system is not a cell run out of order


def _moment(cell: dict) -> tuple[str, int] | None:
    """When the cell finished, as a comparable number: ("iso", microseconds since 1970) or ("colab", ms); None when
    it did not save it."""
    finished = _finished_at(cell)
    if finished.startswith("colab:"):
        return "colab", int(finished[6:]) * 1000
    if finished:
        try:
            moment = datetime.fromisoformat(finished.replace("Z", "+00:00"))
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return "iso", int(moment.timestamp() * 10**6)
    return None


def finished_out_of_order(cells: list[tuple[int, dict]]) -> tuple[int, int] | None:
    """The first two code cells (numbers as given) whose saved finishing times go backwards down the notebook: the
    lower cell finished before the one above it, so it was run (again) first, whatever its execution count says."""
    previous = None
    for number, cell in cells:
        moment = _moment(cell)
        if moment is None:
            continue
        if previous is not None and previous[1][0] == moment[0] and moment[1] < previous[1][1] - OUT_OF_ORDER_SLACK_US:
            return previous[0], number
        previous = (number, moment)
    return None


def _pairs(values: list[str], kind: str) -> set[str]:
    values = [value for value in values if value][:MAX_TIME_KEYS + 1]
    return {_key(kind, first, second) for first, second in zip(values, values[1:]) if first != second}


def cell_time_keys(cells: list[dict]) -> list[str]:
    """One key per two consecutive code cells that both saved when they finished, and one per two consecutive
    saved durations."""
    return sorted(_pairs([_finished_at(cell) for cell in cells], "finished")
                  | _pairs([_duration(cell) for cell in cells], "ran"))


def epoch_keys(keras: list[str], timer: list[str]) -> list[str]:
    """Keys of notebook 4's epochs: every set of all but two of them (three of a full run's five), each epoch as its
    four printed timings, so a copier must retime three epochs, not two (the second trial of issue 35 retimed two).
    ``keras`` and ``timer`` hold each epoch's timings as printed numbers ("142 455", "142.4 455")."""
    if len(keras) != len(timer) or len(keras) < MIN_EPOCHS:
        return []
    epochs = [f"{number}:{seconds}/{timed}" for number, (seconds, timed) in enumerate(zip(keras, timer), 1)]
    return sorted({_key(*chosen) for chosen in combinations(epochs, len(epochs) - 2)})


MAX_ACCOUNTS = 5  # a notebook is run by one account; a few more are read, no more


def colab_accounts(cells: list[dict]) -> dict[str, str]:
    """The Google accounts that Colab says ran these cells (``executionInfo.user``, which Colab saves with each code
    cell): {user id: display name}, for the class check of one account behind two students. Anything not in that
    shape is skipped."""
    accounts: dict[str, str] = {}
    for cell in cells:
        user = _saved_run_info(cell)[1].get("user")
        if not isinstance(user, dict) or not isinstance(user.get("userId"), (str, int)) or isinstance(user.get("userId"), bool):
            continue
        user_id = str(user["userId"]).strip()[:80]
        name = user.get("displayName")
        if user_id and (user_id in accounts or len(accounts) < MAX_ACCOUNTS):
            accounts.setdefault(user_id, " ".join(name.split())[:80] if isinstance(name, str) else "")
    return accounts
