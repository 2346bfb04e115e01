"""The repository's address, kept in one place: ``[project.urls] Repository`` in pyproject.toml.

Every Colab badge (notebook titles, README) and the Colab install line in each
notebook's setup cell derive from it. ``python -m labutils repository`` lists
what is stale or broken; ``python -m labutils repository OWNER/NAME`` moves the
project: it rewrites the address, every badge and install line, and the
grader's manifest (the setup cell's fingerprint changes with the address).
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import nbformat

from . import catalogue
from .manifest import HISTORY_PATH, MANIFEST_PATH, cell_source, stamp_notebooks, write_manifest

GITHUB = "https://github.com/"
COLAB_LINK = re.compile(r"https://colab\.research\.google\.com/github/([^/\s)\"]+/[^/\s)\"]+)/blob/([^/\s)\"]+)/([^\s)\"]+)")
BADGE = re.compile(r"\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)")
INSTALL_URL = re.compile(r"git\+https://github\.com/[^\s\"'@]+")
REPOSITORY_LINE = re.compile(r'^Repository\s*=\s*"[^"]*"', re.M)
NAME = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
BRANCH = "main"


def repository(root: Path) -> str:
    """``owner/name`` from pyproject.toml."""
    url = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]["Repository"]
    return url.removeprefix(GITHUB).rstrip("/")


def parse_repository(value: str) -> str:
    """``owner/name`` from ``owner/name`` or a GitHub URL; ValueError otherwise."""
    name = value.strip().removesuffix(".git").rstrip("/")
    name = name.removeprefix(GITHUB).removeprefix("github.com/")
    if not NAME.match(name):
        raise ValueError(f"{value!r} is not a GitHub repository; give OWNER/NAME or https://github.com/OWNER/NAME")
    return name


def colab_url(repo: str, notebook_name: str) -> str:
    return f"https://colab.research.google.com/github/{repo}/blob/{BRANCH}/notebooks/{notebook_name}"


def badge(repo: str, notebook_name: str) -> str:
    return f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab_url(repo, notebook_name)})"


def _notebooks(root: Path) -> list[Path]:
    return catalogue.numbered_files(root / "notebooks")


def problems(root: Path) -> list[str]:
    """Every stale or broken badge and install line; empty when all agree with pyproject.toml."""
    repo, found = repository(root), []
    for path in _notebooks(root):
        notebook = nbformat.read(path, as_version=4)
        title = cell_source(notebook.cells[0]) if notebook.cells else ""
        if badge(repo, path.name) not in title:
            found.append(f"{path.name}: the title's Colab badge is missing or does not open {colab_url(repo, path.name)}")
        code = [cell_source(cell) for cell in notebook.cells if cell.cell_type == "code"]
        installs = [url for text in code for url in INSTALL_URL.findall(text)]
        if not installs:
            found.append(f"{path.name}: no Colab install line (git+{GITHUB}{repo})")
        found.extend(f"{path.name}: install line {url} is not git+{GITHUB}{repo}" for url in installs
                     if url != f"git+{GITHUB}{repo}")
    readme = root / "README.md"
    if readme.is_file():
        for match in COLAB_LINK.finditer(readme.read_text(encoding="utf-8")):
            link_repo, branch, target = match.groups()
            if link_repo != repo or branch != BRANCH:
                found.append(f"README.md: badge {match.group(0)} is not for {repo} ({BRANCH})")
            elif not (root / target).is_file():
                found.append(f"README.md: badge {match.group(0)} opens {target}, which does not exist")
    return found


def move(root: Path, new_repo: str) -> list[str]:
    """Point everything at ``new_repo``; returns the files changed."""
    new_repo = parse_repository(new_repo)
    old_repo = repository(root)
    changed = []
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    updated = REPOSITORY_LINE.sub(f'Repository = "{GITHUB}{new_repo}"', text, count=1)
    if updated != text:
        pyproject.write_text(updated, encoding="utf-8")
        changed.append("pyproject.toml")
    for path in _notebooks(root):
        notebook = nbformat.read(path, as_version=4)
        before = [cell.source for cell in notebook.cells]
        if notebook.cells:
            title = notebook.cells[0]
            if BADGE.search(title.source):
                title.source = BADGE.sub(lambda _: badge(new_repo, path.name), title.source, count=1)
            else:  # no badge at all: put it under the title line
                first, _, rest = title.source.partition("\n")
                title.source = f"{first}\n\n{badge(new_repo, path.name)}\n{rest}".rstrip("\n")
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.source = INSTALL_URL.sub(f"git+{GITHUB}{new_repo}", cell.source)
        if [cell.source for cell in notebook.cells] != before:
            nbformat.write(notebook, path)
            changed.append(f"notebooks/{path.name}")
    readme = root / "README.md"
    if readme.is_file():
        text = readme.read_text(encoding="utf-8")
        updated = COLAB_LINK.sub(lambda m: f"https://colab.research.google.com/github/{new_repo}/blob/{BRANCH}/{m.group(3)}", text)
        updated = updated.replace(f"{GITHUB}{old_repo}", f"{GITHUB}{new_repo}")
        if updated != text:
            readme.write_text(updated, encoding="utf-8")
            changed.append("README.md")
    manifest = root / "labutils" / "course" / MANIFEST_PATH.name
    history = manifest.with_name(HISTORY_PATH.name)  # the checkout's own, never the installed package's
    if manifest.parent.is_dir() and (root / "notebooks").is_dir():
        before = {path: path.read_text(encoding="utf-8") if path.is_file() else "" for path in (manifest, history)}
        written = write_manifest(root / "notebooks", manifest, history)
        stamp_notebooks(root / "notebooks", written["version"])
        changed.extend(path.relative_to(root).as_posix() for path, text in before.items()
                       if path.read_text(encoding="utf-8") != text)
    return changed


def command(root: Path, new_address: str | None) -> int:
    """``python -m labutils repository [OWNER/NAME]``: check every address, or move them all first."""
    if new_address:
        try:
            changed = move(root, new_address)
        except ValueError as error:
            print(error, file=sys.stderr)
            return 2
        print(f"Repository is now {repository(root)}; rewrote: {', '.join(changed) or 'nothing (already there)'}")
    found = problems(root)
    for problem in found:
        print(problem, file=sys.stderr)
    if not found:
        print(f"Every Colab badge and install line points to {GITHUB}{repository(root)}")
    return 1 if found else 0
