"""The runs the lab publishes, for the grader to recognise: its test hand-ins (tests/fixtures), now and in git history.

Anyone can download them, so the grader fails a hand-in of one (labutils.course.grade.runs.check_published), with
or without its ids edited, and flags an answer that is mostly one of their example students' answers
(labutils.course.grade.answers, "examples"). After adding or regenerating a fixture, run
``python tests/published_runs.py`` to rewrite ``labutils/course/published_runs.json`` (tests/test_grade_class.py and
tests/test_grade_answers.py fail until you do).
"""

import json
import subprocess
import sys
import tempfile
import zipfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "labutils" / "course" / "published_runs.json"


def runs_in(folder: Path) -> tuple[set[str], set[str]]:
    """The run_ids (own and named) and timing digests of every notebook under ``folder``, as the grader reads them."""
    run_ids, timings, _ = published_in(folder)
    return run_ids, timings


def published_in(folder: Path) -> tuple[set[str], set[str], list[dict]]:
    """As :func:`runs_in`, and the example answers of each notebook 6 under ``folder``: its student and every answer
    written, as the grader reads them."""
    from labutils.course import grade

    run_ids, timings, examples = set(), set(), []
    for sub in grade.grade_paths([folder], grade.Settings(profile="full")):
        run_ids.update(run for run in [sub.run_id.lower(), *sub.training_runs] if run)
        timings.update(sub.run_logs)
        answers = {name: text for name, text in sub.answers.items() if name not in sub.unanswered}
        if answers:
            examples.append({"student": sub.student_name, "roll_no": sub.roll_no, "answers": answers})
    return run_ids, timings, examples


def fixture_blobs() -> dict[str, bytes]:
    """Every version of every zipped fixture that git has, and the working tree's, by blob id or path."""
    blobs = {}
    commits = subprocess.run(["git", "log", "--all", "--format=%H", "--", "tests/fixtures"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
    for commit in commits:
        listing = subprocess.run(["git", "ls-tree", "-r", commit, "tests/fixtures"], cwd=ROOT, capture_output=True,
                                 text=True, check=True).stdout.splitlines()
        for line in listing:
            meta, path = line.split("\t", 1)
            blob = meta.split()[2]
            if path.endswith(".zip") and blob not in blobs:
                blobs[blob] = subprocess.run(["git", "cat-file", "blob", blob], cwd=ROOT, capture_output=True,
                                             check=True).stdout
    for path in sorted((ROOT / "tests" / "fixtures").glob("*.zip")):
        blobs[str(path)] = path.read_bytes()
    return blobs


def published() -> dict:
    run_ids, timings, examples = set(), set(), {}
    for data in fixture_blobs().values():
        with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(BytesIO(data)) as archive:
            archive.extractall(folder)
            found_ids, found_timings, found_examples = published_in(Path(folder))
        run_ids |= found_ids
        timings |= found_timings
        examples.update((json.dumps(example, sort_keys=True), example) for example in found_examples)  # once each
    return {"note": "Runs published with the lab (its test hand-ins, now and in git history): made by "
                    "tests/published_runs.py; the grader fails a hand-in of one, and flags an answer that is mostly "
                    "one of their example answers.",
            "run_ids": sorted(run_ids), "timings": sorted(timings),
            "examples": [examples[key] for key in sorted(examples, key=lambda key: (examples[key]["roll_no"], key))]}


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    OUT.write_text(json.dumps(published(), indent=1) + "\n", encoding="utf-8")
    print(f"Wrote {OUT}")
