"""Run the lab's tests, notebooks included (smoke profile), on a named stack of library versions.

    python benchmarks/compat.py colab      # Colab's published runtime (googlecolab/backend-info, 2026-08-19)
    python benchmarks/compat.py lowest     # the lowest versions pyproject.toml and the requirements admit
    python benchmarks/compat.py latest     # whatever pip picks today
    make compat STACK=colab                # the same through make

Each stack gets a throwaway virtual environment (under $TMPDIR, removed afterwards unless --keep), the exact
versions installed with the lab itself (``-e .[test]`` and the lab extra's notebook runners; a library the stack
pins, ipykernel say, at the stack's version even where the lab extra asks for more, as Colab has it), then the
README's test command (two pytest-xdist workers) with
``LABUTILS_PROFILE=smoke``. One line per run is appended to ``benchmarks/results/compat.jsonl`` (stack, versions
pip actually installed, Python, result, minutes, pytest's workers, date; a line without ``pytest_workers`` ran pytest
in one process); the README's matrix is written from those lines by hand.
Python itself is the one this script runs under: a stack that names another Python says so in its line.
Needs PyPI (or a mirror) for the install, and Linux (tensorflow-cpu has no macOS wheels); the IMDb data comes from
$LABUTILS_DATA_DIR, or as in .ci/run from ../shared/data beside the checkout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "compat.jsonl"
LIBRARIES = ("tensorflow-cpu", "keras", "numpy", "matplotlib", "seaborn", "scikit-learn", "scipy", "ipykernel")

STACKS = {
    # googlecolab/backend-info as of 2026-08-19 (Colab itself runs Python 3.13 and the GPU build of TensorFlow).
    "colab": {"python": "3.13", "pins": {"tensorflow-cpu": "2.20.0", "keras": "3.13.2", "numpy": "2.1.3",
                                          "matplotlib": "3.10.0", "seaborn": "0.13.2", "scikit-learn": "1.6.1",
                                          "scipy": "1.16.3", "ipykernel": "6.17.1"}},
    # The lower bounds of pyproject.toml and requirements*.txt. On 2026-11-25 the bounds first declared (TensorFlow
    # 2.16, Keras 3.0, NumPy 1.26, matplotlib 3.8) failed, and so did every step up that one afternoon allowed: Keras
    # 3.0 fixes a PyDataset's batch width after the first batch; 3.3's load_data returns lists and float() of a
    # Keras variable fails (keras-team/keras#19596, #19955); with 3.5, matplotlib 3.8 left executed notebooks without
    # figures, and with 3.9 the test process crashed. The bounds were raised to Colab's stack, which passed.
    "lowest": {"python": "3.11", "pins": {"tensorflow-cpu": "2.20.0", "keras": "3.13.2", "numpy": "2.1.3",
                                           "matplotlib": "3.10.0", "seaborn": "0.13.2", "scikit-learn": "1.6.1",
                                           "scipy": "1.16.3", "ipykernel": "6.17.1"}},
    "latest": {"python": "", "pins": {}},
}


def notebook_tools(pins: dict[str, str]) -> list[str]:
    """The lab extra's requirements that the tests need (JupyterLab itself is not), minus what the stack pins."""
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["lab"]
    name = lambda requirement: requirement.split(">")[0].split("=")[0].strip().lower()  # noqa: E731
    return [requirement for requirement in extra if name(requirement) not in pins and name(requirement) != "jupyterlab"]


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    print("$", " ".join(command), flush=True)
    return subprocess.run(command, **kwargs)


def installed(python: Path) -> dict[str, str]:
    code = ("import json; from importlib import metadata as m\n"
            f"names = {list(LIBRARIES)!r}\n"
            "out = {}\n"
            "for n in names:\n"
            "    try: out[n] = m.version(n)\n"
            "    except m.PackageNotFoundError: out[n] = None\n"
            "print(json.dumps(out))")
    return json.loads(subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True).stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("stack", choices=sorted(STACKS))
    parser.add_argument("--keep", action="store_true", help="keep the virtual environment (its path is printed)")
    parser.add_argument("--pytest-args", default="", help="extra arguments for pytest, e.g. '-k notebooks'")
    args = parser.parse_args(argv)
    stack = STACKS[args.stack]
    python_now = ".".join(platform.python_version_tuple()[:2])
    if stack["python"] and stack["python"] != python_now:
        print(f"Note: the {args.stack} stack runs Python {stack['python']}; this machine's is {python_now}, "
              "so the libraries are tested under Python " + python_now + ".")
    venv = Path(tempfile.mkdtemp(prefix=f"labutils-compat-{args.stack}-"))
    started, cpu_started = time.perf_counter(), os.times()
    result = "failed to install"
    try:
        run([sys.executable, "-m", "venv", str(venv)], check=True)
        python = venv / "bin" / "python"
        run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
        pins = [f"{name}=={version}" for name, version in stack["pins"].items()] or ["tensorflow-cpu"]
        installing = run([str(python), "-m", "pip", "install", "--quiet", *pins, *notebook_tools(stack["pins"]),
                          "-e", f"{ROOT}[test]"])
        if installing.returncode == 0:
            versions = installed(python)
            print("Installed:", ", ".join(f"{name} {version}" for name, version in versions.items()), flush=True)
            env = dict(os.environ, LABUTILS_PROFILE="smoke")
            env.setdefault("LABUTILS_DATA_DIR", str(ROOT.parent / "shared" / "data"))
            tests = run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--numprocesses", "2",
                         *args.pytest_args.split()],
                        cwd=ROOT, env=env)
            result = "passed" if tests.returncode == 0 else f"failed (pytest exit {tests.returncode})"
        else:
            versions = dict(stack["pins"])
    finally:
        if not args.keep:
            shutil.rmtree(venv, ignore_errors=True)
        else:
            print(f"Kept {venv}")
    ended = os.times()
    line = {"stack": args.stack, "python": python_now, "stack_python": stack["python"] or python_now,
            "versions": versions, "result": result, "pytest_args": args.pytest_args, "pytest_workers": 2,
            "wall_minutes": round((time.perf_counter() - started) / 60, 1),
            "cpu_minutes": round((ended.children_user + ended.children_system
                                  - cpu_started.children_user - cpu_started.children_system) / 60, 1),
            "date": dt.date.today().isoformat(), "machine": f"{platform.machine()}, {os.cpu_count()} cores"}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, sort_keys=True) + "\n")
    print(json.dumps(line, indent=2))
    return 0 if result == "passed" else 1


if __name__ == "__main__":
    sys.exit(main())
