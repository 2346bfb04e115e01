"""One command line for the course tools: ``python -m labutils run | grade | manifest | repository``.

Also installed as the ``labutils`` console script. The notebooks never import
this package; it imports from the notebooks' side (artifacts, profiles), never
the other way.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..paths import checkout_root
from ..profiles import PROFILE_VARIABLE, PROFILES
from . import catalogue
from .grade.cli import main as grade_main
from .manifest import MANIFEST_PATH, stamp_notebooks, write_manifest

# The runner (Jupyter, and the Unix-only resource module) and the repository command (nbformat) are imported only
# by their own commands, so that `labutils grade` runs anywhere with the standard library alone.


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["grade"]:
        return grade_main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m labutils",
        description="The course tools of the LSTM-on-IMDb lab: run its notebooks, grade hand-ins, and keep the "
                    "grader's manifest and the Colab badges up to date. Each command has its own --help.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="{run,grade,manifest,repository}")
    run_parser = commands.add_parser("run", help="execute notebooks headless, as Restart & Run All")
    run_parser.add_argument("notebooks", nargs="*", help="numbers (3), names or paths; default: all, in order")
    run_parser.add_argument("--profile", choices=sorted(PROFILES), default=os.environ.get(PROFILE_VARIABLE, "full"))
    run_parser.add_argument("--out", type=Path, default=Path("executed"), help="folder for executed copies (default: executed)")
    run_parser.add_argument("--html", action="store_true", help="also write an HTML copy of each executed notebook")
    run_parser.add_argument("--notebooks-dir", type=Path, default=None, help=argparse.SUPPRESS)
    commands.add_parser("grade", add_help=False,
                        help="teachers: grade students' executed notebooks (nothing in them is run); "
                             "python -m labutils grade --help")
    manifest_parser = commands.add_parser(
        "manifest", help="maintainers: refresh the grader's fingerprints of the lesson cells after editing a notebook")
    manifest_parser.add_argument("--notebooks-dir", type=Path, default=None, help=argparse.SUPPRESS)
    repository_parser = commands.add_parser(
        "repository", help="maintainers: check the Colab badges, or move them all to a new GitHub address")
    repository_parser.add_argument("new_address", nargs="?", help="OWNER/NAME or https://github.com/OWNER/NAME")
    repository_parser.add_argument("--root", type=Path, default=None, help="the lab's checkout (default: this one)")
    args = parser.parse_args(argv)

    if args.command == "repository":
        from . import repository

        return repository.command(args.root or checkout_root() or Path.cwd(), args.new_address)
    if args.command == "manifest":
        folder = args.notebooks_dir or catalogue.notebooks_dir()
        manifest = write_manifest(folder)
        stamped = stamp_notebooks(folder, manifest["version"])
        cells = sum(len(entry["lesson_cells"]) for entry in manifest["notebooks"].values())
        print(f"Wrote {MANIFEST_PATH}: lesson version {manifest['version']}, {len(manifest['notebooks'])} notebooks, "
              f"{cells} lesson cells" + (f"; stamped the version into {len(stamped)} notebook(s)" if stamped else ""))
        return 0

    from . import runner

    folder = args.notebooks_dir or catalogue.notebooks_dir()
    notebooks = runner.select_notebooks(folder, args.notebooks)
    if not notebooks:
        print(f"No notebooks found in {folder}", file=sys.stderr)
        return 2
    try:
        summary = runner.run(notebooks, args.out, args.profile, html=args.html)
    except runner.NotebookFailed as failure:
        print(f"\nFAILED in {failure.notebook.name}, code cell {failure.cell_number}:\n  {failure.error}", file=sys.stderr)
        print(f"The partly executed copy is in {args.out / failure.notebook.name}", file=sys.stderr)
        return 1
    print(f"\nAll {len(notebooks)} notebook(s) ran in {summary['wall_seconds']:.0f} s; peak kernel memory {summary['peak_memory_mib']:.0f} MiB.")
    for key in ("test_accuracy", "test_loss", "epoch_seconds"):
        if key in summary:
            print(f"  {key}: {summary[key]}")
    print(f"Results: {args.out / 'results.json'}")
    return 0
