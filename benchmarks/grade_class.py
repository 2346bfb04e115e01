"""How long grading a class takes: ``python benchmarks/grade_class.py [--students 34] [--repeats 5]``.

Builds a class from the full-profile hand-in in tests/fixtures/full-run-hand-in.zip (each student gets their own name,
roll number and run_id, six notebooks each), then times ``labutils.course.grade.grade_paths`` over the whole folder several
times and reports the median, with the machine it ran on. Not a test: speed lives here, not in pytest.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from labutils.course import grade

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from handins import build_class, unpack_full_run  # noqa: E402  (the tests' hand-ins, shared)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=34, help="students of six notebooks each (34: 204 notebooks)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        files = build_class(unpack_full_run(Path(tmp) / "hand-in"), folder, args.students)
        size_mb = sum(p.stat().st_size for p in folder.rglob("*.ipynb")) / 2**20
        seconds, results = [], None
        for _ in range(args.repeats):
            started = time.perf_counter()
            results = grade.grade_paths([folder], grade.Settings(required=grade.required_notebooks("practical", grade.load_manifest())))
            seconds.append(time.perf_counter() - started)
    passed = sum(sub.status == "PASS" for sub in results)
    print(json.dumps({
        "notebooks": files, "students": args.students, "megabytes": round(size_mb, 1), "passed": passed,
        "seconds": [round(s, 3) for s in seconds], "median_seconds": round(statistics.median(seconds), 3),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }, indent=2))


if __name__ == "__main__":
    main()
