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
# One way to match each number (no nested or overlapping repeats), so a hostile line costs linear time.
TEST_ACCURACY = re.compile(r"^Test accuracy:[ \t]*((?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)[ \t]*$", re.M)
PREDICT_ACCURACY = re.compile(r"accuracy from predict: *([0-9.]+) +from evaluate: *([0-9.]+)")
CONFUSION_COUNTS = re.compile(r"TN ([0-9,]+) +FP ([0-9,]+) +FN ([0-9,]+) +TP ([0-9,]+)")
EVALUATE_BATCH_SIZE = 256  # notebook 5: model.evaluate(x_test_padded, y_test, batch_size=256, verbose=2)

# Keras' own lines with verbose=2, which the grader holds the printed figures against:
# "Epoch 2/5" then "313/313 - 69s - 219ms/step - accuracy: 0.8656 - loss: 0.3266 - val_accuracy: ...",
# and for evaluate "98/98 - 11s - 115ms/step - accuracy: 0.8502 - loss: 0.4140".
KERAS_EPOCH = re.compile(r"^Epoch (\d{1,6})/(\d{1,6})[ \t]*$", re.M)
KERAS_STEPS = re.compile(r"^(\d{1,9})/(\d{1,9}) - [^\n]*?(?<!val_)accuracy: ([0-9]{1,3}\.[0-9]{1,12})", re.M)


def run_profile_banner_start(name: str) -> str:
    """How the banner line starts for profile ``name`` (the grader compares it with the run record)."""
    return RUN_PROFILE_BANNER.split("{description}")[0].format(name=name)

# check_exercise(), the exercise cells at the end of each notebook: one line per check. The grader counts the
# "correct" ones, as information for the teacher, never as a pass or a fail.
EXERCISE_LINE = "Exercise {exercise_id}: {verdict}"
EXERCISE_CORRECT, EXERCISE_NOT_YET, EXERCISE_UNANSWERED = "correct.", "not yet.", "not answered yet:"
EXERCISE_RESULT = re.compile(r"^Exercise (\d\d-\d{1,2}): (correct\.|not yet\.|not answered yet:)", re.M)

# Notebook 6 (lesson version 7 on) prints the run it talks about; the grader holds the student's conclusion against
# these lines: "Run profile: full; test accuracy 0.8517, test loss 0.3528, 5 epoch(s)", one line per epoch
# "epoch 3: loss 0.2700, validation loss 0.3500   accuracy 0.8900, validation accuracy 0.8500 (gap +0.0400)",
# and notebook 5's figures "precision      0.8532".
VIVA_RUN = re.compile(r"^Run profile: \w+; test accuracy ([0-9]{1,3}\.[0-9]{1,12}), test loss ([0-9]{1,3}\.[0-9]{1,12})", re.M)
VIVA_EPOCH = re.compile(r"^epoch (\d{1,6}): loss ([0-9]{1,3}\.[0-9]{1,12}), validation loss ([0-9]{1,3}\.[0-9]{1,12}) +"
                        r"accuracy ([0-9]{1,3}\.[0-9]{1,12}), validation accuracy ([0-9]{1,3}\.[0-9]{1,12})", re.M)
VIVA_METRIC = re.compile(r"^(test_accuracy|test_loss|precision|recall|f1|roc_auc) +([0-9]{1,3}\.[0-9]{1,12})[ \t]*$", re.M)
