"""How long grading a class takes: ``python benchmarks/grade_class.py [--students 34] [--repeats 5]``.

Builds a class from the full-profile hand-in in tests/fixtures/full-run-hand-in.zip (each student gets their own name
and roll number, six notebooks each; every run_id and timing rewritten, so each stands for a run of its own), then
times ``labutils.course.grade.grade_paths`` over the whole folder several times and reports the median (wall and CPU
seconds, peak memory), with the machine it ran on. Each student's notebook 6 carries answers of their own;
``--copied-answers`` gives every student the same answers instead (each is then flagged, naming the others; identical
texts are grouped, so it is not the slowest case for the comparison). ``--copied-runs`` hands in one run for the whole
class (name and roll changed only): every notebook is a copied run, one group; ``--reports`` also writes the CSV, JSON
and HTML reports once and records their sizes (output that grows with the square of the class would show here).
Not a test: speed lives here, not in pytest.
"""

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from labutils.course import grade
from labutils.course.grade.answers_report import write_answers_html
from labutils.course.grade.html_report import write_html

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from handins import FIXTURE_LESSONS, build_class, unpack_full_run  # noqa: E402  (the tests' hand-ins, shared)


def make_hostile(folder: Path) -> None:
    """Three students' hand-ins turned hostile (see --hostile), the rest left as they are."""
    nb4, nb5 = "04_training_with_validation_split.ipynb", "05_test_evaluation_and_confusion_matrix.ipynb"
    first, second, third = sorted(folder.iterdir())[:3]
    text = (first / nb5).read_text(encoding="utf-8")
    (first / nb5).write_text(text.replace("Test accuracy: ", "Test accuracy: " + "1" * 200_000 + "x\\nTest accuracy: ", 1),
                             encoding="utf-8")
    notebook = json.loads((second / nb4).read_text(encoding="utf-8"))
    notebook["cells"].append({"cell_type": "code", "execution_count": None, "id": "own", "metadata": {}, "outputs": [],
                              "source": "x = 1\n" * 300_000})
    (second / nb4).write_text(json.dumps(notebook), encoding="utf-8")
    for path in third.glob("*.ipynb"):
        path.write_text(path.read_text(encoding="utf-8").replace("Student 2", "\\udc80tudent 2"), encoding="utf-8")
    (third / "linked.ipynb").symlink_to(first / nb5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=34, help="students of six notebooks each (34: 204 notebooks)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--copied-answers", action="store_true",
                        help="every student hands in the same viva answers (each is flagged, naming the others)")
    parser.add_argument("--copied-runs", action="store_true",
                        help="every student hands in the one run, name and roll number changed (one copy group)")
    parser.add_argument("--reports", action="store_true",
                        help="after timing, write the CSV, JSON, HTML and marking-sheet reports once and record their sizes")
    parser.add_argument("--hostile", action="store_true",
                        help="make three students' files hostile: a 200,000-digit accuracy line, a 300,000-line cell of "
                             "their own, a name that is not valid Unicode, and a link to a classmate's notebook")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        files = build_class(unpack_full_run(Path(tmp) / "hand-in"), folder, args.students,
                            own_answers=not args.copied_answers, own_runs=not args.copied_runs)
        if args.hostile:
            make_hostile(folder)
        size_mb = sum(p.stat().st_size for p in folder.rglob("*.ipynb")) / 2**20
        seconds, cpu_seconds, results = [], [], None
        settings = grade.Settings(required=grade.required_notebooks("practical", grade.load_manifest()),
                                  lessons=FIXTURE_LESSONS)  # the fixture's lesson, as its teacher would state it
        for _ in range(args.repeats):
            started, started_cpu = time.perf_counter(), time.process_time()
            results = grade.grade_paths([folder], settings)
            seconds.append(time.perf_counter() - started)
            cpu_seconds.append(time.process_time() - started_cpu)
        report_bytes = {}
        if args.reports:
            for name, write in (("csv", lambda p: grade.write_csv(results, p)),
                                ("json", lambda p: grade.write_json(results, p, settings, 0.0)),
                                ("html", lambda p: write_html(results, p, settings, 0.0)),
                                ("answers_html", lambda p: write_answers_html(results, p, settings))):
                target = Path(tmp) / f"report.{name}"
                write(target)
                report_bytes[name] = target.stat().st_size
            report_bytes["table"] = len(grade.format_table(results).encode("utf-8"))
    passed = sum(sub.status == "PASS" for sub in results)
    flagged = sum(sub.status == "FLAGGED" for sub in results)
    print(json.dumps({
        "notebooks": files, "students": args.students, "hostile": args.hostile, "megabytes": round(size_mb, 1), "passed": passed,
        "copied_answers": args.copied_answers, "copied_runs": args.copied_runs, "flagged": flagged,
        "failed": sum(sub.status == "FAIL" for sub in results), "report_bytes": report_bytes,
        "seconds": [round(s, 3) for s in seconds], "median_seconds": round(statistics.median(seconds), 3),
        "cpu_seconds": [round(s, 3) for s in cpu_seconds], "median_cpu_seconds": round(statistics.median(cpu_seconds), 3),
        "peak_memory_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }, indent=2))


if __name__ == "__main__":
    main()
