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
TEST_LOSS = re.compile(r"^Test loss:[ \t]*([0-9]{1,3}\.[0-9]{1,20})[ \t]*$", re.M)
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
# Figures notebooks 4 and 6 derive from the epochs: the best epoch, and the gap between training and validation accuracy.
BEST_EPOCH_LINE = re.compile(r"^best validation accuracy ([0-9]\.[0-9]{1,12}) at epoch (\d{1,6}) of (\d{1,6})[ \t]*$", re.M)
LAST_GAP_LINE = re.compile(r"^gap between training and validation accuracy after the last epoch: ([+-]?[0-9]\.[0-9]{1,12})[ \t]*$",
                           re.M)
# Notebook 4's timings, each line's parts: Keras' "313/313 - 55s - 176ms/step", the epoch timer's
# "epoch 2:   55.3 s  (176 ms per step, 313 steps)", and "median 55.3 s per epoch".
KERAS_TIMING_PARTS = re.compile(r"^(\d{1,9})/\d{1,9}\s+-\s+(\d{1,9})s\s+-\s+(\d{1,9})(ms|s|us)/step\b", re.M)
EPOCH_TIMER_PARTS = re.compile(r"^epoch (\d{1,6}):\s+([0-9]{1,9}\.[0-9])\s+s\s+\(([0-9]{1,9}) ms per step, ([0-9]{1,9}) steps\)",
                               re.M)
MEDIAN_EPOCH_LINE = re.compile(r"^median ([0-9]{1,9}\.[0-9]) s per epoch", re.M)
# Notebook 4's validation accuracy of each epoch with its interval (lesson 10 on), and the best epoch against the others:
# "epoch 5, validation accuracy: 0.8418 (95 % interval 0.8314 to 0.8517, 4,209 of 5,000 right)",
# "best epoch (5) minus epoch 1: +0.0316 (95 % interval +0.0210 to +0.0419)".
EPOCH_INTERVAL_LINE = re.compile(r"^epoch (\d{1,6}), validation accuracy: ([0-9]\.[0-9]{4}) \(95 % interval ([0-9]\.[0-9]{4}) "
                                 r"to ([0-9]\.[0-9]{4}), ([0-9][0-9,]{0,9}) of ([0-9][0-9,]{0,9}) right\)", re.M)
BEST_MINUS_LINE = re.compile(r"^best epoch \((\d{1,6})\) minus epoch (\d{1,6}): ([+-][0-9]\.[0-9]{4})", re.M)
VIVA_GAP = re.compile(r"^epoch (\d{1,6}): .*?accuracy ([0-9]\.[0-9]{1,12}), validation accuracy ([0-9]\.[0-9]{1,12}) "
                      r"\(gap ([+-]?[0-9]\.[0-9]{1,12})\)", re.M)
VIVA_METRIC = re.compile(r"^(test_accuracy|test_loss|precision|recall|f1|roc_auc) +([0-9]{1,3}\.[0-9]{1,12})[ \t]*$", re.M)

# Notebook 5, section 5: "precision 0.8459   recall 0.8601   F1 0.8529", then scikit-learn's classification report
# (digits=4): rows "negative 0.8577 0.8434 0.8505 12500", "accuracy 0.8517 25000", "macro avg ...", "weighted avg ...".
PRECISION_RECALL_F1 = re.compile(r"^precision ([0-9]{1,3}\.[0-9]{1,12}) +recall ([0-9]{1,3}\.[0-9]{1,12}) +"
                                 r"F1 ([0-9]{1,3}\.[0-9]{1,12})[ \t]*$", re.M)
REPORT_ROW = re.compile(r"^ {0,20}(negative|positive|macro avg|weighted avg) +([0-9]\.[0-9]{4}) +([0-9]\.[0-9]{4}) +"
                        r"([0-9]\.[0-9]{4}) +([0-9]{1,9})[ \t]*$", re.M)
REPORT_ACCURACY = re.compile(r"^ {0,20}accuracy +([0-9]\.[0-9]{4}) +([0-9]{1,9})[ \t]*$", re.M)
ROC_AUC = re.compile(r"^AUC = ([0-9]\.[0-9]{1,12})[ \t]*$", re.M)

# labutils.artifacts, notebooks 4 to 7: every saved or loaded model names "training run <run_id>", the run_id setup()
# printed in the notebook that trained it.
TRAINING_RUN = re.compile(r"training run ([0-9a-f]{32})\b")
# Timings that two real runs print differently: Keras' verbose=2 lines ("313/313 - 142s - 455ms/step - ...") and
# notebook 4's epoch timer ("epoch 1:  142.4 s  (455 ms per step, 313 steps)").
# Group 1 holds the timings; the grader compares their numbers only.
KERAS_TIMED = re.compile(r"^\d{1,9}/\d{1,9}\s+-\s+(\d{1,9}m?s\s+-\s+\d{1,9}(?:ms|s|us)/step)\b", re.M)
EPOCH_SECONDS = re.compile(r"^epoch \d{1,6}:\s+([0-9]{1,9}\.[0-9]\s+s\s+\([0-9]{1,9} ms) per step", re.M)
# Notebook 4's own table of the epochs: "epoch 1: training accuracy 0.7648   validation accuracy 0.8482".
EPOCH_TABLE = re.compile(r"^epoch\s+(\d{1,6}):\s+training\s+accuracy\s+([0-9]{1,3}\.[0-9]{1,12})\s+validation\s+"
                         r"accuracy\s+([0-9]{1,3}\.[0-9]{1,12})", re.M)
# The figures of one epoch in Keras' line: "accuracy: 0.7629 - loss: 0.4857 - val_accuracy: 0.8102 - val_loss: 0.4160".
KERAS_EPOCH_FIGURES = re.compile(r"(?<![\w])accuracy: ([0-9]{1,3}\.[0-9]{1,12}) - loss: ([0-9]{1,3}\.[0-9]{1,12}) - "
                                 r"val_accuracy: ([0-9]{1,3}\.[0-9]{1,12}) - val_loss: ([0-9]{1,3}\.[0-9]{1,12})")
