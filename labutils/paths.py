"""Where things are: the lab's checkout, when the notebooks run from one."""

from __future__ import annotations

from pathlib import Path


def checkout_root(start: Path | None = None) -> Path | None:
    """The folder holding ``pyproject.toml`` and ``labutils/``, searched upward from ``start`` (cwd)."""
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "labutils").is_dir():
            return folder
    return None


def resolve_user_path(value: str) -> Path:
    """A path from an environment variable: absolute as given; relative to the current
    folder if it exists there, else relative to the checkout root (a kernel runs in
    ``notebooks/`` while the variable was usually set from the project's root)."""
    path = Path(value).expanduser()
    if path.is_absolute() or path.exists():
        return path.resolve()
    root = checkout_root()
    if root is not None and (root / path).exists():
        return (root / path).resolve()
    return path.resolve()
