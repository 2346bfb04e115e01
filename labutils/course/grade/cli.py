"""``python -m labutils grade PATH...`` (also ``python -m labutils.course.grade``): the teacher's command."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .. import catalogue
from ..manifest import load_manifest
from .classroom import grade_found
from .read import find_notebooks
from .answers_report import write_answers_csv, write_answers_html
from .html_report import write_html
from .report import format_table, printable, summarize, write_csv, write_json
from .submission import ANY_LESSON, DEFAULT_MAX_MB, DEFAULT_MIN_ACCURACY, LOW_ACCURACY, Settings


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
                        help=f"a pass mark: a lower test accuracy fails (default: none; under {LOW_ACCURACY:.2f} "
                             "the notebook is flagged for you to look at)")
    parser.add_argument("--require", default="practical",
                        help="notebooks each student must hand in: practical (01-06, the default), all (with the "
                             "notebooks beyond the practical), none, or numbers such as 04,05")
    parser.add_argument("--lesson", default="",
                        help=f"the lesson version(s) your class used, such as 11 or 10,11 (default: this grader's "
                             f"current version, {manifest.get('version')}); a notebook of another version is flagged. "
                             f"'{ANY_LESSON}': every version the grader knows, unflagged")
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
    lessons = tuple(dict.fromkeys(part.strip() for part in args.lesson.split(",") if part.strip())) or None
    unknown = [lesson for lesson in lessons or () if lesson != ANY_LESSON and lesson not in manifest["versions"]]
    if unknown:
        parser.error(f"--lesson: this grader knows no lesson version {unknown[0]!r} (it knows "
                     f"{', '.join(manifest['versions'])}; or '{ANY_LESSON}')")
    if args.min_accuracy is not None and not 0.0 <= args.min_accuracy <= 1.0:
        parser.error("--min-accuracy is a fraction between 0 and 1, e.g. 0.80")
    if not 0 < args.max_mb <= 10_000:  # also refuses nan
        parser.error("--max-mb is a size in megabytes above 0, e.g. 50 (an executed lab notebook is under 1 MB)")
    outputs = {option: target for option, target in (("--csv", args.csv), ("--json", args.json), ("--html", args.html),
                                                      ("--answers", args.answers), ("--answers-csv", args.answers_csv))
               if target is not None}
    problem = output_problem(outputs, args.paths)
    if problem:
        parser.error(problem)
    settings = Settings(min_accuracy=args.min_accuracy, profile=args.profile,
                        max_bytes=int(args.max_mb * 2**20), required=required, lessons=lessons)

    for stream in (sys.stdout, sys.stderr):  # a name the terminal cannot show (cp1252 on Windows) becomes '?'
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    started = time.perf_counter()
    found = find_notebooks(args.paths)
    for path in found.missing:
        print(printable(f"No such file or folder: {path}"), file=sys.stderr)
    if not found.files:
        for path, _, why in found.not_graded:
            print(printable(f"Not graded: {path}: {why}"))
        print("No notebooks (*.ipynb, or inside .zip archives) to grade.", file=sys.stderr)
        return 2
    subs = grade_found(found, settings, manifest)
    seconds = time.perf_counter() - started
    if not args.quiet:
        print(format_table(subs))
    summary = summarize(subs)
    print(f"{summary['files']} file(s), {summary['students']} student(s): {summary['pass']} pass, "
          f"{summary['incomplete']} incomplete, {summary['flagged']} flagged, "
          f"{summary['fail']} fail, {summary['missing']} missing, {summary['not_graded']} not graded; "
          f"{summary['copy_groups']} group(s) of copied runs"
          + (f"; {summary['folders_naming_no_student']} folder(s) where no file names a student (see Not identified)"
             if summary["folders_naming_no_student"] else "")
          + f"; graded in {seconds:.2f} s "
          f"(profile {settings.profile}, lesson {' or '.join(settings.class_lessons(manifest))}, "
          f"{settings.accuracy_rule()})")
    writers = {"--csv": lambda p: write_csv(subs, p), "--json": lambda p: write_json(subs, p, settings, seconds),
               "--html": lambda p: write_html(subs, p, settings, seconds),
               "--answers": lambda p: write_answers_html(subs, p, settings),
               "--answers-csv": lambda p: write_answers_csv(subs, p)}
    failed = False
    for option, target in outputs.items():  # each report that can be written is, whatever happens to the others
        try:
            writers[option](target)
            print(printable(f"Wrote {target}"))
        except OSError as error:
            print(printable(f"Could not write {target} ({option}): {error.strerror or error}"), file=sys.stderr)
            failed = True
    if failed:
        return 2
    ok = not found.missing and all(sub.status == "PASS" for sub in subs)
    return 0 if ok else 1


def output_problem(outputs: dict[str, Path], graded: list[Path]) -> str:
    """Why the reports could not be written where asked, checked before any grading; "" when they can."""
    seen: dict[Path, str] = {}
    for option, target in outputs.items():
        resolved = target.resolve()
        if resolved in seen:
            return f"{option} and {seen[resolved]} name the same file, {target}: give each report its own"
        seen[resolved] = option
        if target.is_dir():
            return f"{option} {target} is a folder: give a file name, e.g. {target / 'grades.csv'}"
        if target.suffix.lower() == ".ipynb" or any(resolved == path.resolve() for path in graded):
            return f"{option} {target} would overwrite a notebook: give the report another name"
        parent = resolved.parent
        if not parent.is_dir():
            return f"{option} {target}: the folder {parent} does not exist"
        if not os.access(parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
            return f"{option} {target}: cannot write there (permission denied)"
    return ""
