"""Errors whose message says everything a student needs: notebooks show the message alone.

IPython calls an exception's ``_render_traceback_`` instead of printing the
traceback, so a student sees one sentence saying what to do, not the chain of
library internals that led to it.
"""

from __future__ import annotations


class LabError(Exception):
    """Base of the lab's own errors; shown in a notebook as ``Name: message``."""

    def _render_traceback_(self):  # called by IPython instead of a traceback
        return [f"{type(self).__name__}: {self}"]


class DataUnavailableError(LabError, RuntimeError):
    """The IMDb data could be neither read locally nor downloaded."""


class ReviewTextError(LabError, ValueError):
    """A review given to notebook 5's encoder cannot be turned into word ids (empty, not text, no known word)."""


class ResultsError(LabError, RuntimeError):
    """The saved model and its results do not fit this notebook: none loaded yet, trained again since, or damaged."""
