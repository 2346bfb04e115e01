"""``python -m labutils grade PATH...`` (also ``python -m labutils.course.grade``): the teacher's command."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .. import catalogue
from ..manifest import load_manifest
from .classroom import grade_paths
from .read import find_notebooks
from .answers_report import write_answers_csv, write_answers_html
from .html_report import write_html
from .report import format_table, printable, summarize, write_csv, write_json
from .submission import DEFAULT_MAX_MB, DEFAULT_MIN_ACCURACY, Settings


def required_notebooks(value: str, manifest: dict) -> tuple[str, ...]:
    """Notebook ids named by --require: practical, all, none, or numbers and names (of the manifest's notebooks)."""
    ids = list(manifest["notebooks"])
    word = value.strip().lower()
    if word in ("all", "practical"):
        return tuple(i for i in ids if word == "all" or manifest["notebooks"][i].get("part", "practical") == "practical")
    if word in ("", "none"):
        return ()
    chosen = []
    for item in value.split(","):
        found = [i for i in ids if catalogue.matches(item, i)]
        if not found:
            raise argparse.ArgumentTypeError(f"--require: no lab notebook {item.strip()!r} (use numbers like 04,05, or all, or none)")
        chosen.extend(found)
    return tuple(dict.fromkeys(chosen))


def main(argv: list[str] | None = None) -> int:
    manifest = load_manifest()
    parser = argparse.ArgumentParser(
        prog="python -m labutils grade",
        description="Grade students' executed notebooks of the LSTM-on-IMDb lab. Nothing in them is run.",
    )
    parser.add_argument("paths", nargs="+", type=Path, help="notebooks, or folders holding them (searched recursively)")
    parser.add_argument("--min-accuracy", type=float, default=DEFAULT_MIN_ACCURACY,
                        help=f"lowest passing test accuracy (default {DEFAULT_MIN_ACCURACY})")
    parser.add_argument("--require", default="practical",
                        help="notebooks each student must hand in: practical (01-06, the default), all (with the "
                             "notebooks beyond the practical), none, or numbers such as 04,05")
    parser.add_argument("--profile", choices=["full", "smoke"], default="full",
                        help="the run profile submissions must have used (default full)")
    parser.add_argument("--max-mb", type=float, default=DEFAULT_MAX_MB, help="files larger than this fail unread")
    parser.add_argument("--csv", type=Path, help="also write one row per submission to this CSV file")
    parser.add_argument("--json", type=Path, help="also write the full report to this JSON file")
    parser.add_argument("--html", type=Path, help="also write the class at a glance to this self-contained HTML page")
    parser.add_argument("--answers", type=Path, metavar="FILE.html",
                        help="also write the marking sheet: every student's viva answers and conclusion side by side, "
                             "question by question, with their evidence, the model answer and the flags")
    parser.add_argument("--answers-csv", type=Path, metavar="FILE.csv",
                        help="also write the students' answers as a CSV, one row per student, an empty marks column "
                             "per question")
    parser.add_argument("--quiet", action="store_true", help="print only the summary line")
    args = parser.parse_args(argv)
    try:
        required = required_notebooks(args.require, manifest)
    except argparse.ArgumentTypeError as error:
        parser.error(str(error))
    if not 0.0 <= args.min_accuracy <= 1.0:
        parser.error("--min-accuracy is a fraction between 0 and 1, e.g. 0.80")
    settings = Settings(min_accuracy=args.min_accuracy, profile=args.profile,
                        max_bytes=int(args.max_mb * 2**20), required=required)

    for stream in (sys.stdout, sys.stderr):  # a name the terminal cannot show (cp1252 on Windows) becomes '?'
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    started = time.perf_counter()
    files, missing_paths, skipped = find_notebooks(args.paths)
    for path in missing_paths:
        print(printable(f"No such file or folder: {path}"), file=sys.stderr)
    for line in skipped:
        print(printable(f"Skipped {line}"))
    if not files:
        print("No notebooks (*.ipynb) to grade.", file=sys.stderr)
        return 2
    subs = grade_paths(files, settings, manifest)
    seconds = time.perf_counter() - started
    if not args.quiet:
        print(format_table(subs))
    summary = summarize(subs)
    print(f"{summary['files']} file(s), {summary['students']} student(s): {summary['pass']} pass, "
          f"{summary['incomplete']} incomplete, {summary['flagged']} flagged, "
          f"{summary['fail']} fail, {summary['missing']} missing; graded in {seconds:.2f} s "
          f"(profile {settings.profile}, test accuracy >= {settings.min_accuracy:.2f})")
    for target, writer in ((args.csv, lambda p: write_csv(subs, p)),
                           (args.json, lambda p: write_json(subs, p, settings, seconds, skipped)),
                           (args.html, lambda p: write_html(subs, p, settings, seconds)),
                           (args.answers, lambda p: write_answers_html(subs, p, settings)),
                           (args.answers_csv, lambda p: write_answers_csv(subs, p))):
        if target is not None:
            try:
                writer(target)
                print(f"Wrote {target}")
            except OSError as error:
                print(printable(f"Could not write {target}: {error.strerror or error}"), file=sys.stderr)
                return 2
    ok = not missing_paths and all(sub.status == "PASS" for sub in subs)
    return 0 if ok else 1
