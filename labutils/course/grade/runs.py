"""Which run a hand-in is, and whether the figures it prints hold together.

* One notebook (:func:`read_run`, :func:`check_test_figures`): the training runs a notebook names, the timings it
  printed, its figures; notebook 5's precision, recall, F1 and classification report recomputed from its confusion
  matrix, whose rows must hold IMDb's 12,500 negative and 12,500 positive test reviews.
* One student's notebooks (:func:`check_student_runs`): notebooks 5 to 7 report on the run of the notebook 4 handed
  in (or on a model they trained themselves); notebook 6 quotes notebook 5's figures and notebook 4's epochs; the test
  accuracy lies within :data:`VALIDATION_BAND` standard errors of the validation accuracy after the last epoch.
* One notebook's figures against each other (:func:`check_coherence`): a loss no lower than its accuracy allows, and
  a ROC AUC that fits its accuracy and recall.
* The class (:func:`find_copied_runs`): hand-ins of one run by several students, found by what a copier does not
  think of or cannot change consistently; each group of copies is reported once, with its size.

What identifies a run: ``setup()`` gives every notebook run a random ``run_id`` (a UUID) and prints the time; a model
carries the ``run_id`` of the notebook that trained it, and notebooks 4 to 7 print it ("training run ..."); Keras and
notebook 4's epoch timer print how long each epoch and step took. Seeded runs on one machine can repeat every
accuracy and loss, so figures are never taken as evidence of copying; the timings differ between two real runs.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import statistics
from collections import defaultdict
from functools import cache
from pathlib import Path

from ...evidence import (BEST_EPOCH_LINE, BEST_MINUS_LINE, CONFUSION_COUNTS, EPOCH_INTERVAL_LINE, EPOCH_SECONDS,
                         EPOCH_TABLE, EPOCH_TIMER_PARTS, KERAS_EPOCH, KERAS_EPOCH_FIGURES, KERAS_TIMED, KERAS_TIMING_PARTS,
                         LAST_GAP_LINE, MEDIAN_EPOCH_LINE, PRECISION_RECALL_F1, REPORT_ACCURACY, REPORT_ROW, ROC_AUC,
                         TEST_LOSS, TRAINING_RUN, VIVA_EPOCH, VIVA_GAP, VIVA_METRIC, VIVA_RUN)
from .fingerprints import cell_time_keys, epoch_keys
from .read import outputs_text
from .submission import TEST_SET_SIZE, Submission

CLASS_SIZE = TEST_SET_SIZE // 2  # IMDb's test set: 12,500 negative and 12,500 positive reviews
ROUNDING = 6e-5  # figures printed to 4 decimals agree within half a unit of the last digit (and float error)
# The test accuracy is scored with the weights of the last epoch, so it and that epoch's validation accuracy are two
# estimates of one model's accuracy, on 5,000 validation and 25,000 test reviews: their difference has a standard
# error of sqrt(p(1 - p)(1/5,000 + 1/25,000)), about 0.0055 at p = 0.85. The band is VALIDATION_BAND of those
# (about +-0.025 at 0.85): a two-sided false-flag rate of 6.8e-6 per honest run, 0.7 % that any of a class of 1,000
# is flagged. Every recorded honest pair lies within 3.6 standard errors, the lab's own runs within 0.0046
# (benchmarks/RESULTS.md, "The grader's band and coherence rules"). Full runs only: a smoke run validates on 400.
VALIDATION_BAND = 4.5  # standard errors of the difference; also the allowance for sampling in the ROC AUC rule
VALIDATION_REVIEWS = 5_000  # a full run's validation_split=0.2 of IMDb's 25,000 training reviews
PREDICT_GAP = 1e-3  # notebook 5 asserts that predict's accuracy (the matrix's, the ROC's) and evaluate's agree this well
MIN_TIMED_LINES = 5  # a log of fewer timed lines (notebook 5's one evaluate line) is too little to tell runs apart
NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
SAME_RUN_ID, SAME_TIMINGS, SAME_TRAINING = (
    "the same run_id", "the same epoch times (Keras' and the epoch timer's)", "the same training run named")
SAME_CELL_TIMES = "cells that finished at the same moments (as Jupyter or Colab saved them)"
SAME_EPOCHS = "three or more of notebook 04's epochs timed the same (Keras' and the epoch timer's)"
INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\r]")
PUBLISHED_RUNS = Path(__file__).resolve().parent.parent / "published_runs.json"
PUBLISHED_VARIABLE = "LABUTILS_PUBLISHED_RUNS"
PUBLISHED_REASON = "a run published with the lab"
NAMED_OTHERS = 3  # a copied run's reason names this many of the others, then counts the rest


def _digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode("utf-8", "replace")).hexdigest()[:20]


def read_run(sub: Submission, lesson_cells: list[dict], evidence_cells: dict[str, dict]) -> None:
    """What ties this notebook to its run, and its figures, from what its lesson cells printed (never from the
    student's own cells after the lesson, which could print anything)."""
    printed = "\n".join(outputs_text(cell) for cell in lesson_cells)
    sub.training_runs = sorted(set(TRAINING_RUN.findall(printed)))
    printed = INVISIBLE.sub("", printed)  # zero-width characters and carriage returns hide nothing
    keras, timer = ([" ".join(NUMBER.findall(match.group(1))) for match in pattern.finditer(printed)]
                    for pattern in (KERAS_TIMED, EPOCH_SECONDS))
    if len(keras) >= MIN_TIMED_LINES and len(timer) >= MIN_TIMED_LINES:
        # both logs' timings, as numbers only: spacing and the figures beside them change nothing
        sub.run_logs.append(f"{SAME_TIMINGS}|{_digest(keras + ['/'] + timer)}")
        sub.run_logs.extend(f"{SAME_EPOCHS}|{key}" for key in epoch_keys(keras, timer))
    sub.run_logs.extend(f"{SAME_CELL_TIMES}|{key}" for key in cell_time_keys(lesson_cells))
    if "run-profile" in evidence_cells and sub.profile == "full":
        epochs = len(KERAS_EPOCH.findall(printed))
        if len(keras) != epochs or len(timer) != epochs:
            sub.fail("C601", f"notebook 4's timings are not all there as printed: {len(keras)} of Keras' {epochs} epoch lines "
                     f"and {len(timer)} of the epoch timer's can be read (output edited?)")
    keras_epochs = [[float(value) for value in match.groups()] for match in KERAS_EPOCH_FIGURES.finditer(printed)]
    if keras_epochs:  # any notebook that trained: notebook 4, or notebook 5 to 7 training again (Colab)
        sub.figures["trained_epochs"] = [[loss, val_loss, accuracy, val_accuracy]
                                         for accuracy, loss, val_accuracy, val_loss in keras_epochs]
    figures = sub.figures
    if "viva-epochs" in evidence_cells:  # notebook 6 prints the run's epochs
        epochs = [[float(value) for value in match.groups()[1:]]
                  for match in VIVA_EPOCH.finditer(outputs_text(evidence_cells["viva-epochs"]))]
        if epochs:
            figures["epochs"] = epochs
    if "viva-run" in evidence_cells:
        match = VIVA_RUN.search(outputs_text(evidence_cells["viva-run"]))
        if match:
            figures["test_accuracy"], figures["test_loss"] = float(match.group(1)), float(match.group(2))
    if "viva-metrics" in evidence_cells:
        for key, value in VIVA_METRIC.findall(outputs_text(evidence_cells["viva-metrics"])):
            figures.setdefault(key, float(value))
    if "test-accuracy" in evidence_cells and sub.test_accuracy is not None:  # notebook 5, already checked
        figures["test_accuracy"] = sub.test_accuracy
        match = TEST_LOSS.search(outputs_text(evidence_cells["test-accuracy"]))
        if match:
            figures["test_loss"] = float(match.group(1))
    match = PRECISION_RECALL_F1.search(printed)
    if match and "test-accuracy" in evidence_cells:
        figures["precision"], figures["recall"], figures["f1"] = (float(value) for value in match.groups())
    match = ROC_AUC.search(printed)
    if match and "test-accuracy" in evidence_cells:
        figures["roc_auc"] = float(match.group(1))
    check_coherence(sub)


def check_epoch_table(sub: Submission, evidence_cells: dict[str, dict], lesson_cells: list[dict]) -> None:
    """Notebook 4: its own table of the epochs says what Keras' training log said."""
    trained = sub.figures.get("trained_epochs")
    if "run-profile" not in evidence_cells or not trained:
        return
    printed = INVISIBLE.sub("", "\n".join(outputs_text(cell) for cell in lesson_cells))
    rows = list(EPOCH_TABLE.finditer(printed))
    if sub.profile == "full" and len(rows) != len(trained):
        sub.fail("C602", f"notebook 4's table of epochs shows {len(rows)} readable row(s) for Keras' {len(trained)} epochs "
                 "(output edited?)")
        return
    for match in rows:
        epoch, accuracy, val_accuracy = int(match.group(1)), float(match.group(2)), float(match.group(3))
        if not 1 <= epoch <= len(trained) or _off(accuracy, trained[epoch - 1][2]) or _off(val_accuracy, trained[epoch - 1][3]):
            sub.fail("C603", f"notebook 4's table says epoch {epoch} reached training accuracy {match.group(2)} and validation "
                     f"accuracy {match.group(3)}, which is not what Keras' training log printed (output edited?)")
            return
    _check_derived(sub, printed, trained)
    _check_validation_lines(sub, printed, trained)
    _check_timings(sub, printed)


def _check_derived(sub: Submission, printed: str, trained: list) -> None:
    """Notebook 4's lines derived from the epochs (the best epoch, the last epoch's gap) against Keras' log, so a
    forger who edits an epoch must find every figure made from it."""
    val_accuracies = [epoch[3] for epoch in trained]
    best = max(range(len(val_accuracies)), key=lambda index: (val_accuracies[index], -index))
    for match in BEST_EPOCH_LINE.finditer(printed):
        if (_off(float(match.group(1)), val_accuracies[best]) or int(match.group(2)) != best + 1
                or int(match.group(3)) != len(trained)):
            sub.fail("C614", f"notebook 4 says \"best validation accuracy {match.group(1)} at epoch {match.group(2)}\", but "
                             f"Keras' log has {val_accuracies[best]:.4f} at epoch {best + 1} (output edited?)")
            return
    for match in LAST_GAP_LINE.finditer(printed):
        if abs(float(match.group(1)) - (trained[-1][2] - trained[-1][3])) > 2 * ROUNDING + 1e-4:
            sub.fail("C614", f"notebook 4's gap after the last epoch, {match.group(1)}, is not its training minus its "
                             "validation accuracy in Keras' log (output edited?)")
            return


Z_95 = 1.959963984540054  # the normal quantile of a two-sided 95 % interval
INTERVALS_FROM = 10  # the lesson version from which notebook 4 prints every epoch's validation interval
EACH_EPOCH_COMPARED_FROM = 11  # ... and compares the best epoch with each other epoch


def _wilson(correct: int, total: int) -> tuple[float, float]:
    """The Wilson score interval notebook 4 prints (labutils.stats.accuracy_interval), in plain Python."""
    share, z2 = correct / total, Z_95 ** 2
    centre = (share + z2 / (2 * total)) / (1 + z2 / total)
    half = Z_95 * math.sqrt(share * (1 - share) / total + z2 / (4 * total ** 2)) / (1 + z2 / total)
    return centre - half, centre + half


def _check_validation_lines(sub: Submission, printed: str, trained: list) -> None:
    """Notebook 4's validation accuracy of each epoch with its interval and count, and the best epoch minus each
    other, against Keras' log: a forger who raises an epoch must also recount its reviews and redo its interval."""
    version = int(sub.lesson_version) if sub.lesson_version.isdigit() else 0
    if sub.profile == "full" and version >= INTERVALS_FROM:  # the lines are printed for every epoch: all must be there
        shown_epochs = sorted(int(match.group(1)) for match in EPOCH_INTERVAL_LINE.finditer(printed))
        compared = sorted(int(match.group(2)) for match in BEST_MINUS_LINE.finditer(printed))
        best_epoch = max(range(len(trained)), key=lambda index: (trained[index][3], -index)) + 1
        if shown_epochs != list(range(1, len(trained) + 1)) or (  # each epoch once, each other epoch compared once
                version >= EACH_EPOCH_COMPARED_FROM
                and compared != [epoch for epoch in range(1, len(trained) + 1) if epoch != best_epoch]):
            sub.fail("C602", f"notebook 4 shows epochs {shown_epochs} with a validation interval and compares the best "
                             f"epoch with epochs {compared}, for Keras' {len(trained)} epochs, best epoch {best_epoch} "
                             "(output edited?)")
            return
    shown: dict[int, float] = {}
    for match in EPOCH_INTERVAL_LINE.finditer(printed):
        epoch, value, low, high = int(match.group(1)), *(float(match.group(i)) for i in (2, 3, 4))
        correct, total = (int(match.group(i).replace(",", "")) for i in (5, 6))
        if not 1 <= epoch <= len(trained) or not 0 < correct <= total:
            sub.fail("C614", f"notebook 4 shows an epoch {epoch} with {correct:,} of {total:,} right, which Keras' log "
                             "does not have (output edited?)")
            return
        exact_low, exact_high = _wilson(correct, total)
        # the count is of the lab's own predictions, Keras' figure of its metric: two reviews of leeway between them
        if (_off(value, correct / total) or abs(value - trained[epoch - 1][3]) > 2 / total + ROUNDING
                or _off(low, exact_low) or _off(high, exact_high)):
            sub.fail("C614", f"notebook 4 says epoch {epoch}'s validation accuracy is {match.group(2)} ({correct:,} of "
                             f"{total:,} right, 95 % interval {match.group(3)} to {match.group(4)}), but Keras' log has "
                             f"{trained[epoch - 1][3]:.4f} and those counts give {correct / total:.4f} "
                             f"({exact_low:.4f} to {exact_high:.4f}) (output edited?)")
            return
        shown[epoch] = correct / total
    best = max(range(len(trained)), key=lambda index: (trained[index][3], -index)) + 1
    for match in BEST_MINUS_LINE.finditer(printed):
        first, second, difference = int(match.group(1)), int(match.group(2)), float(match.group(3))
        if first != best or (first in shown and second in shown
                             and abs(difference - (shown[first] - shown[second])) > ROUNDING):
            sub.fail("C614", f"notebook 4 says \"best epoch ({first}) minus epoch {second}: {match.group(3)}\", but Keras' "
                             f"log makes epoch {best} the best"
                             + (f" and the epochs' counts give {shown[first] - shown[second]:+.4f}"
                                if first in shown and second in shown else "") + " (output edited?)")
            return


def _check_timings(sub: Submission, printed: str) -> None:
    """Notebook 4's timings against each other, as only a run prints them: Keras' seconds are its steps times its
    time per step; the epoch timer's ms per step is its seconds over its steps; the median is the timer's; and Keras'
    epoch, which holds the timer's (and the validation predictions after it), is never the shorter. Measured on every
    real run the lab keeps, each rule holds within its rounding (benchmarks/RESULTS.md); a timing typed over by hand
    breaks one."""
    unit = {"ms": 1e-3, "s": 1.0, "us": 1e-6}
    keras = []
    for match in KERAS_TIMING_PARTS.finditer(printed):
        steps, seconds, per_step = int(match.group(1)), int(match.group(2)), int(match.group(3)) * unit[match.group(4)]
        keras.append(seconds)
        if abs(seconds - steps * per_step) > 0.5 + steps * unit[match.group(4)] / 2 + 0.05:
            sub.fail("C615", f"Keras' line \"{match.group(0)}\" does not add up: {steps} steps of {match.group(3)}"
                             f"{match.group(4)} are {steps * per_step:.1f} s, not {seconds} s (timings edited?)")
            return
    timer = []
    for match in EPOCH_TIMER_PARTS.finditer(printed):
        seconds, per_step, steps = float(match.group(2)), int(match.group(3)), int(match.group(4))
        timer.append(seconds)
        if steps and abs(per_step - 1000 * seconds / steps) > 0.5 + 50 / steps + 0.01:
            sub.fail("C615", f"the epoch timer's epoch {match.group(1)} says {match.group(2)} s and {per_step} ms per "
                             f"step over {steps} steps, which is {1000 * seconds / steps:.0f} ms (timings edited?)")
            return
    for match in MEDIAN_EPOCH_LINE.finditer(printed):
        if timer and abs(float(match.group(1)) - statistics.median(timer)) > 0.051:
            sub.fail("C615", f"notebook 4's median epoch, {match.group(1)} s, is not the median of the epoch timer's "
                             f"seconds ({statistics.median(timer):.1f} s) (timings edited?)")
            return
    for epoch, (keras_seconds, timer_seconds) in enumerate(zip(keras, timer), 1):
        if keras_seconds < timer_seconds - 1:
            sub.fail("C615", f"epoch {epoch} took {keras_seconds} s by Keras' log but {timer_seconds:.1f} s by the epoch "
                             "timer, whose span lies inside Keras' (timings edited?)")
            return


def check_viva_gaps(sub: Submission, evidence_cells: dict[str, dict]) -> None:
    """Notebook 6's table of epochs: each gap is that row's training minus validation accuracy."""
    if "viva-epochs" not in evidence_cells:
        return
    for match in VIVA_GAP.finditer(outputs_text(evidence_cells["viva-epochs"])):
        accuracy, val_accuracy, gap = (float(value) for value in match.groups()[1:])
        if abs(gap - (accuracy - val_accuracy)) > 2 * ROUNDING + 1e-4:
            sub.fail("C614", f"notebook 6's table gives epoch {match.group(1)} a gap of {match.group(4)}, not its accuracy "
                             "minus its validation accuracy (output edited?)")
            return


def _off(printed: float, exact: float) -> bool:
    return abs(printed - exact) > ROUNDING


def check_test_figures(sub: Submission, lesson_cells: list[dict], evidence_cells: dict[str, dict]) -> None:
    """Notebook 5: the confusion matrix holds the test set's two halves, and precision, recall, F1 and the
    classification report are the matrix's (each printed figure recomputed from its four counts)."""
    if "confusion-matrix" not in evidence_cells:
        return
    match = CONFUSION_COUNTS.search(outputs_text(evidence_cells["confusion-matrix"]))
    if not match:
        return
    tn, fp, fn, tp = (int(group.replace(",", "")) for group in match.groups())
    if tn + fp != CLASS_SIZE or fn + tp != CLASS_SIZE:
        sub.fail("C604", f"the confusion matrix's rows hold {tn + fp:,} negative and {fn + tp:,} positive reviews; IMDb's "
                 f"test set has {CLASS_SIZE:,} of each (output edited?)")
        return
    printed = "\n".join(outputs_text(cell) for cell in lesson_cells)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    wrong = []
    match = PRECISION_RECALL_F1.search(printed)
    if match:
        for name, value, exact in zip(("precision", "recall", "F1"), match.groups(), (precision, recall, f1)):
            if _off(float(value), exact):
                wrong.append(f"{name} {value} (the matrix gives {exact:.4f})")
    negative_precision = tn / (tn + fn) if tn + fn else 0.0
    negative_recall = tn / (tn + fp)
    negative_f1 = (2 * negative_precision * negative_recall / (negative_precision + negative_recall)
                   if negative_precision + negative_recall else 0.0)
    rows = {"negative": (negative_precision, negative_recall, negative_f1, CLASS_SIZE),
            "positive": (precision, recall, f1, CLASS_SIZE)}
    rows["macro avg"] = rows["weighted avg"] = (
        (precision + negative_precision) / 2, (recall + negative_recall) / 2, (f1 + negative_f1) / 2, TEST_SET_SIZE)
    for match in REPORT_ROW.finditer(printed):
        name, values = match.group(1), match.groups()[1:]
        exact = rows[name]
        for label, value, expected in zip(("precision", "recall", "f1-score"), values[:3], exact[:3]):
            if _off(float(value), expected):
                wrong.append(f"the report's {name} {label} {value} (the matrix gives {expected:.4f})")
        if int(values[3]) != exact[3]:
            wrong.append(f"the report's {name} support {values[3]} (the matrix gives {exact[3]})")
    match = REPORT_ACCURACY.search(printed)
    if match and (_off(float(match.group(1)), (tn + tp) / TEST_SET_SIZE) or int(match.group(2)) != TEST_SET_SIZE):
        wrong.append(f"the report's accuracy {match.group(1)} (the matrix gives {(tn + tp) / TEST_SET_SIZE:.4f})")
    if wrong:
        shown = "; ".join(wrong[:3]) + (f"; and {len(wrong) - 3} more" if len(wrong) > 3 else "")
        sub.fail("C605", f"figures that disagree with the confusion matrix printed beside them: {shown} (output edited?)")


def _number(sub: Submission) -> str:
    return sub.notebook.rsplit("/", 1)[-1][:2]


def band_width(validation_accuracy: float, test_accuracy: float) -> float:
    """How far a full run's test accuracy may lie from its last epoch's validation accuracy: :data:`VALIDATION_BAND`
    standard errors of the difference of two binomial estimates of one accuracy (pooled), plus rounding."""
    pooled = ((VALIDATION_REVIEWS * validation_accuracy + TEST_SET_SIZE * test_accuracy)
              / (VALIDATION_REVIEWS + TEST_SET_SIZE))
    variance = max(pooled * (1 - pooled), 0.0) * (1 / VALIDATION_REVIEWS + 1 / TEST_SET_SIZE)
    return VALIDATION_BAND * math.sqrt(variance) + ROUNDING


def _check_band(sub: Submission, test_accuracy: float, epochs: list, where: str) -> None:
    if not epochs or len(epochs[-1]) < 4:
        return
    last = epochs[-1][3]
    width = band_width(last, test_accuracy)
    if abs(test_accuracy - last) > width:
        sub.fail("C606", f"test accuracy {test_accuracy:.4f} is {abs(test_accuracy - last):.4f} "
                 f"{'above' if test_accuracy > last else 'below'} the validation accuracy after the last epoch "
                 f"({last:.4f}, {where}); in real runs the two lie within {VALIDATION_BAND} standard errors of their "
                 f"difference ({width:.4f} here, on {VALIDATION_REVIEWS:,} validation and {TEST_SET_SIZE:,} test "
                 "reviews; output edited, or figures of another run?)")


def auc_bounds(test_accuracy: float, recall: float) -> tuple[float, float]:
    """The least and the most ROC AUC a model of this test accuracy and recall can print, on IMDb's balanced test set.

    With t the recall and f the false-positive rate at the 0.5 threshold (f = 1 + t - 2 * accuracy), every pair of a
    positive and a negative review is ordered right when only the positive one is above the threshold, wrong when
    only the negative one is, and by the model's ranking when both lie on one side:
    AUC - accuracy = (u - 1/2) t f + (v - 1/2)(1 - t)(1 - f), with u and v the AUCs within each side. A model that
    ranks no worse than chance on each side has an AUC of at least its accuracy; the least allows
    :data:`VALIDATION_BAND` standard deviations of u and v for a model that ranks at chance (Mann-Whitney, 12,500
    reviews a class), and :data:`PREDICT_GAP` and rounding. The most (u = v = 1) is 1 - (1 - t) f, a bound no model
    can pass."""
    t = min(max(recall, 0.0), 1.0)
    f = min(max(1 + t - 2 * test_accuracy, 0.0), 1.0)
    variance = (t * f * (t + f) + (1 - t) * (1 - f) * (2 - t - f)) / (12 * CLASS_SIZE)
    slack = PREDICT_GAP + 2 * ROUNDING  # f moves by twice the accuracy's error, the most by at most that
    return test_accuracy - VALIDATION_BAND * math.sqrt(variance) - slack, 1 - (1 - t) * f + 2 * slack


def check_coherence(sub: Submission) -> None:
    """One notebook's figures against each other, whatever other notebooks say.

    * Loss against accuracy (every profile; binary cross-entropy as Keras computes it): a misclassified review has
      the probability of its own class at 0.5 or less, so it costs at least ln 2, and the mean loss is at least
      (1 - accuracy) ln 2; for the test set and for each epoch's training and validation figures.
    * ROC AUC against accuracy and recall (full runs): within :func:`auc_bounds`."""
    figures = sub.figures
    pairs = []
    if "test_accuracy" in figures and "test_loss" in figures:
        pairs.append(("test", figures["test_loss"], figures["test_accuracy"]))
    for source in ("trained_epochs", "epochs"):
        for number, (loss, val_loss, accuracy, val_accuracy) in enumerate(figures.get(source, []), 1):
            pairs += [(f"epoch {number}'s training", loss, accuracy),
                      (f"epoch {number}'s validation", val_loss, val_accuracy)]
    for what, loss, accuracy in pairs:
        least = (1 - accuracy) * math.log(2)
        if loss < least - 2 * ROUNDING:
            sub.fail("C607", f"{what} loss {loss:.4f} is below {least:.4f}, the least a cross-entropy can be at accuracy "
                     f"{accuracy:.4f}: each misclassified review costs at least ln 2 = 0.6931 (output edited?)")
            break
    if sub.profile != "full" or not {"test_accuracy", "recall", "roc_auc"} <= figures.keys():
        return
    accuracy, auc = figures["test_accuracy"], figures["roc_auc"]
    least, most = auc_bounds(accuracy, figures["recall"])
    if auc < least:
        sub.fail("C608", f"ROC AUC {auc:.4f} is {accuracy - auc:.4f} below the test accuracy {accuracy:.4f}: on IMDb's balanced "
                 f"test set a model's AUC is at least its accuracy unless it ranks its reviews worse than chance on "
                 f"each side of its threshold (at least {least:.4f} here, allowing for sampling and rounding; "
                 "output edited?)")
    elif auc > most:
        sub.fail("C609", f"ROC AUC {auc:.4f} is above {most:.4f}, the most any model of test accuracy {accuracy:.4f} and "
                 f"recall {figures['recall']:.4f} can reach (its missed positive reviews rank below its false "
                 "positives whatever it does; output edited?)")


def check_student_runs(group: list[Submission]) -> None:
    """One student's notebooks against each other: the runs they name, and the figures they share."""
    by_number = {_number(sub): sub for sub in group if sub.notebook}
    trainer = by_number.get("04")
    trained = trainer.run_id.lower() if trainer and trainer.run_id else ""
    own_runs = {trained} | {sub.run_id.lower() for sub in group  # a model trained in one of the student's notebooks
                            if sub.run_id and sub.figures.get("trained_epochs")}
    published = trainer is not None and any(reason.startswith(PUBLISHED_REASON) for reason in trainer.reasons)
    for number, sub in sorted(by_number.items()):
        if number == "04" or not sub.training_runs:
            continue
        foreign = [run for run in sub.training_runs if run not in own_runs]
        if foreign and trained and not sub.copied:
            sub.fail("C610", f"notebook {number} reports on training run {foreign[0]}, but the notebook 04 handed in is "
                     f"training run {trained}, and no notebook handed in trained that model: run notebook "
                     f"{int(number)} again after the notebook 4 you hand in (figures of another model are not this run's)")
        if published and trained in sub.training_runs:
            sub.fail("P703", f"notebook {number} reports on notebook 04's training run, {PUBLISHED_REASON}")
        if sub.run_id.lower() in sub.training_runs and sub.profile == "full" and not sub.figures.get("trained_epochs"):
            sub.fail("C611", f"notebook {number} names itself as the run that trained its model, but shows no training log "
                     "(Keras' epoch lines; output edited?)")
    full = [sub for sub in by_number.values() if sub.profile == "full"]  # a smoke run validates on 200 reviews only
    trainings = {sub.run_id.lower(): sub.figures["trained_epochs"] for sub in full if sub.figures.get("trained_epochs")}
    for sub in full:
        if "test_accuracy" in sub.figures:
            for run in sub.training_runs:
                if run in trainings:
                    _check_band(sub, sub.figures["test_accuracy"], trainings[run], "in the training log of its model")
    viva, tested = by_number.get("06"), by_number.get("05")
    if viva is not None and viva.profile == "full" and "test_accuracy" in viva.figures:
        _check_band(viva, viva.figures["test_accuracy"], viva.figures.get("epochs", []), "as notebook 06 printed it")
    if viva is not None and tested is not None and set(viva.training_runs) & set(tested.training_runs):
        differ = [f"{key} {viva.figures[key]:.4f} (notebook 05: {tested.figures[key]:.4f})"
                  for key in ("test_accuracy", "test_loss", "precision", "recall", "f1", "roc_auc")
                  if key in viva.figures and key in tested.figures and _off(viva.figures[key], round(tested.figures[key], 4))]
        if differ:
            viva.fail("C612", f"notebook 06 quotes figures of the same model that notebook 05 printed otherwise: "
                      f"{'; '.join(differ[:3])} (output edited?)")
    if viva is not None:
        for run in viva.training_runs:
            mine, theirs = viva.figures.get("epochs", []), trainings.get(run, [])
            if mine and theirs and (len(mine) != len(theirs) or any(_off(a, b) for row, other in zip(mine, theirs)
                                                                  for a, b in zip(row, other))):
                viva.fail("C613", "notebook 06's table of epochs differs from the training log of the same run "
                          "(output edited?)")


def find_copied_runs(subs: list[Submission], student_of) -> None:
    """Hand-ins of one run by different students. The same notebook of two students is one run when they share any
    of: the ``run_id``; the training run they name; notebook 4's training log with its timings (at least
    :data:`MIN_TIMED_LINES` timed lines); the start time with the timings. A notebook 5 to 7 that reports on the
    training run of a classmate's notebook 4 is a copy too (the classmate's notebook 4 gets a note: it may be the
    copied one, or the copier's source), and so is every notebook that reports on a copied notebook 4's run.

    Students tied by any of these form one numbered group, reported once: each copied notebook fails naming a few
    of the others and the group's number and size (never who copied); the reports list each group once."""
    marks: dict[str, dict[str, list[Submission]]] = defaultdict(lambda: defaultdict(list))
    trainers: dict[str, list[Submission]] = defaultdict(list)  # a notebook 4's run_id -> the notebooks 4 with it
    for sub in subs:
        if sub.notebook and _number(sub) == "04" and sub.run_id:
            trainers[sub.run_id.lower()].append(sub)
    for sub in subs:
        if not sub.notebook:
            continue
        student = student_of(sub)
        if sub.run_id:
            marks[f"{sub.notebook}|{SAME_RUN_ID}|{sub.run_id.lower()}"][student].append(sub)
        for log in sub.run_logs:
            kind, value = log.split("|", 1)
            marks[f"{sub.notebook}|{kind}|{value}"][student].append(sub)
        for run in sub.training_runs:  # a run that is some notebook 4's is checked against that notebook below
            if run not in trainers:
                marks[f"{sub.notebook}|{SAME_TRAINING}|{run}"][student].append(sub)
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    how: dict[int, set[str]] = defaultdict(set)
    involved: list[Submission] = []

    def mark(sub: Submission, why: str) -> None:
        if not sub.copied:
            sub.copied = True
            involved.append(sub)
        how[id(sub)].add(why)

    for key, students in marks.items():
        if len(students) < 2:
            continue
        kind = key.split("|", 2)[1]
        first, *rest = students
        for student in rest:
            parent[root(student)] = root(first)
        for subs_of_student in students.values():
            for sub in subs_of_student:
                mark(sub, kind)
    referrers: dict[int, list[Submission]] = defaultdict(list)
    own_trainings = {(student_of(trainer), run) for run, found in trainers.items() for trainer in found}
    for sub in subs:  # a notebook reporting on the training run of another student's notebook 4
        if not sub.notebook or _number(sub) == "04":
            continue
        for run in sub.training_runs:
            if (student_of(sub), run) in own_trainings or run not in trainers:
                continue  # its own notebook 4's run (notebooks 4 sharing a run_id are tied above), or nobody's
            trainer = trainers[run][0]  # one is enough: every notebook 4 of this run_id is in one group already
            parent[root(student_of(sub))] = root(student_of(trainer))
            mark(sub, f"it reports on the training run of {_who(trainer)}'s notebook 04")
            if not referrers[id(trainer)]:
                involved.append(trainer)
            referrers[id(trainer)].append(sub)
    for trainer in {id(t): t for t in involved if referrers.get(id(t))}.values():
        people = list(dict.fromkeys(_who(sub) for sub in referrers[id(trainer)]))  # each student once
        named, extra = ", ".join(people[:NAMED_OTHERS]), len(people) - NAMED_OTHERS
        trainer.notes.append(f"its training run is the one that notebooks of {named}"
                             f"{f' and {extra} more' if extra > 0 else ''} report on (copy group below)")
    copied_trainers = {sub.run_id.lower(): student_of(sub) for sub in subs if sub.copied and _number(sub) == "04"}
    for sub in subs:  # results of a copied model are copied too
        if sub.notebook and _number(sub) != "04" and any(
                copied_trainers.get(run) == student_of(sub) for run in sub.training_runs):
            mark(sub, "it reports on notebook 04's training run, a copied run")
    members: dict[str, dict[str, Submission]] = defaultdict(dict)
    for sub in involved:
        members[root(student_of(sub))].setdefault(student_of(sub), sub)
    group_of = {top: number for number, (top, _) in enumerate(sorted(members.items(), key=lambda item: min(item[1])), 1)}
    for sub in involved:
        key = student_of(sub)
        students = members[root(key)]
        sub.copy_group, sub.copy_group_size = group_of[root(key)], len(students)
    for sub in subs:
        if sub.copied:
            key = student_of(sub)
            students = members[root(key)]
            others = [_who(other) for other in _first(students, key)]
            more = f" and {len(students) - 1 - len(others)} more" if len(students) - 1 > len(others) else ""
            sub.fail("P701", f"copied run: notebook {_number(sub)} is the same run as that of {', '.join(others)}{more} "
                     f"({'; '.join(sorted(how[id(sub)]))}; copy group {sub.copy_group}, {sub.copy_group_size} "
                     "students; the grader does not say who copied)")


def published_runs() -> tuple[frozenset, frozenset]:
    """The run_ids and timing digests of every run published with the lab (its test hand-ins, now and in its
    history): anyone can download them, so a hand-in of one is never a student's own run. The list is
    ``labutils/course/published_runs.json``; ``LABUTILS_PUBLISHED_RUNS`` names another file, or none when empty (the
    lab's own tests grade its fixtures as students' runs)."""
    return _published(os.environ.get(PUBLISHED_VARIABLE, str(PUBLISHED_RUNS)))


@cache
def _published(path: str) -> tuple[frozenset, frozenset]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        return frozenset(), frozenset()
    return frozenset(data.get("run_ids", [])), frozenset(data.get("timings", []))


def check_published(sub: Submission) -> None:
    """A notebook of one of the lab's own published runs (its test hand-ins), with or without its ids edited."""
    run_ids, timings = published_runs()
    found = ({sub.run_id.lower(), *sub.training_runs} & run_ids) or (set(sub.run_logs) & timings)
    if found:
        sub.fail("P702", f"{PUBLISHED_REASON} (one of its own test hand-ins, which anyone can download), not a run of this "
                 "student's: hand in your own run")


def _who(sub: Submission) -> str:
    return f"{sub.student_name or '?'} ({sub.roll_no or sub.path})"


def _first(students: dict[str, Submission], own: str) -> list[Submission]:
    """The first :data:`NAMED_OTHERS` students of a group other than ``own`` (a bounded walk: linear in the class)."""
    found = []
    for key, sub in students.items():
        if key != own:
            found.append(sub)
            if len(found) == NAMED_OTHERS:
                break
    return found
