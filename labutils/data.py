"""IMDb data without a download: a verified local copy behind Keras' own loader.

The notebooks call ``keras.datasets.imdb.load_data`` and ``get_word_index``
exactly as the practical does. Both fetch their file through
``keras.utils.get_file``, which needs the internet. :func:`install_data_hook`
puts a small wrapper in its place (for the IMDb loader only) that:

* serves ``imdb.npz`` / ``imdb_word_index.json`` from ``$LABUTILS_DATA_DIR``
  when that variable is set, after checking the file's sha256 (the npz holds
  pickled arrays, so it is never opened before the check passes);
* otherwise lets Keras download as usual;
* turns a failed download into one :class:`DataUnavailableError` that says
  what to do, instead of a traceback from inside Keras.

Keras still does all the processing (shuffle with seed 113, start and
out-of-vocabulary tokens, ``index_from=3``), so the arrays are the ones the
practical gets.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from .errors import DataUnavailableError
from .paths import resolve_user_path

DATA_DIR_VARIABLE = "LABUTILS_DATA_DIR"

# sha256 of the files this lab accepts, by file name. For each file: the copy
# rebuilt for offline use (see shared/data/README.md) and the file Keras
# downloads.
ACCEPTED_SHA256 = {
    "imdb.npz": {
        "d384136a9088b3871550c513e65b6acb456b06b089b39e9a153becfba3b86abd": "offline copy",
        "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f": "Keras download",
    },
    "imdb_word_index.json": {
        "027313fe9a320280f3bf0fac5baf58c4a683cf39a7ed9c3d3d3912bde4284cf6": "Keras word index",
    },
}

HOW_TO_FIX = (
    "How to fix it, any one of:\n"
    "  * run the notebook where the internet is reachable (Google Colab, or your own computer online);\n"
    "  * or put imdb.npz and imdb_word_index.json in a folder and point the lab at it before starting\n"
    f"    Jupyter:  export {DATA_DIR_VARIABLE}=/path/to/that/folder"
)


def sha256_of(path: str | os.PathLike) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def data_dir() -> Path | None:
    """The folder named by ``$LABUTILS_DATA_DIR``, or None when it is unset."""
    value = os.environ.get(DATA_DIR_VARIABLE, "").strip()
    return resolve_user_path(value) if value else None


def verified_local_file(name: str) -> Path | None:
    """Path of ``name`` in the data folder after its sha256 check.

    Returns None when no data folder is set or the file is not in it; raises
    :class:`DataUnavailableError` when the file is there but is not one of
    the accepted versions (the file is left as it is).
    """
    folder = data_dir()
    if folder is None:
        return None
    candidate = folder / name
    if not candidate.is_file():
        return None
    accepted = ACCEPTED_SHA256.get(name)
    if accepted is None:
        return candidate
    actual = sha256_of(candidate)
    if actual not in accepted:
        raise DataUnavailableError(
            f"{candidate} is not a file this lab can trust: its sha256 is {actual},\n"
            f"expected one of {', '.join(sorted(accepted))}.\n"
            "It may be truncated or corrupted; it was not opened and has been left in place.\n"
            "Copy it again from the lab's data folder, or unset "
            f"{DATA_DIR_VARIABLE} to download it."
        )
    return candidate


def _make_get_file(original_get_file):
    def get_file(fname=None, origin=None, *args, **kwargs):
        name = os.path.basename(str(fname or origin or ""))
        local = verified_local_file(name) if name in ACCEPTED_SHA256 else None
        if local is not None:
            return str(local)
        try:
            return original_get_file(fname, origin, *args, **kwargs)
        except Exception as error:  # Keras raises a bare Exception on a failed fetch
            folder = data_dir()
            where = (
                f"{DATA_DIR_VARIABLE} is set to {folder}, but {name} is not there,\n"
                "and downloading it failed too"
                if folder is not None
                else f"Downloading it failed, and {DATA_DIR_VARIABLE} is not set"
            )
            raise DataUnavailableError(
                f"The IMDb file {name} could not be loaded.\n{where}:\n  {error}\n{HOW_TO_FIX}"
            ) from None

    get_file.labutils_wrapped = original_get_file
    return get_file


def install_data_hook() -> str:
    """Route Keras' IMDb loader through the local copy / clear-error wrapper.

    Idempotent. Returns a one-line description of where the data will come
    from, for the setup banner.
    """
    import keras.src.datasets.imdb as keras_imdb

    current = keras_imdb.get_file
    if not hasattr(current, "labutils_wrapped"):
        keras_imdb.get_file = _make_get_file(current)
    folder = data_dir()
    if folder is None:
        return "IMDb data: Keras download (cached in ~/.keras/datasets)"
    return f"IMDb data: local copy in {folder} ({DATA_DIR_VARIABLE}), sha256-checked"


def remove_data_hook() -> None:
    """Put Keras' own ``get_file`` back (used by the tests)."""
    import keras.src.datasets.imdb as keras_imdb

    original = getattr(keras_imdb.get_file, "labutils_wrapped", None)
    if original is not None:
        keras_imdb.get_file = original
