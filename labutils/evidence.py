"""The lines the notebooks print for the grader, named once.

The printing side (``setup()``, ``apply_run_profile`` and notebook 5's lesson
cells) and the reading side (``labutils.course.grade``) both take them from
here; ``tests/test_evidence.py`` renders each line as the notebooks print it
and parses it back with the pattern below, so changing one side alone fails at
once. Standard library only: the grader imports this without NumPy or
matplotlib.
"""

from __future__ import annotations

import re

# setup(), every notebook: one JSON run record, and the profile in words.
RUN_RECORD_PREFIX = "labutils run record: "
RUN_PROFILE_BANNER = "Run profile: {name} ({description})"

# apply_run_profile(), notebook 4's training cell: how much of the practical was trained.
TRAINING_PROFILE_LINE = ("Run profile '{name}': training on {used:,} of {total:,} reviews "
                         "for {epochs_run} of {epochs} epochs ({description}).")
TRAINING_PROFILE = re.compile(r"Run profile '(\w+)': training on ([0-9,]+) of ([0-9,]+) reviews for (\d+) of (\d+) epochs")

# Notebook 5's lesson cells print these three (the first exactly as the practical does).
TEST_ACCURACY_LABEL = "Test accuracy:"
TEST_ACCURACY = re.compile(r"^Test accuracy:\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*$", re.M)
PREDICT_ACCURACY = re.compile(r"accuracy from predict:\s*([0-9.]+)\s+from evaluate:\s*([0-9.]+)")
CONFUSION_COUNTS = re.compile(r"TN ([0-9,]+)\s+FP ([0-9,]+)\s+FN ([0-9,]+)\s+TP ([0-9,]+)")


def run_profile_banner_start(name: str) -> str:
    """How the banner line starts for profile ``name`` (the grader compares it with the run record)."""
    return RUN_PROFILE_BANNER.split("{description}")[0].format(name=name)
