"""How sure a measured accuracy is, and whether one model is ahead of another: intervals and verdicts.

An accuracy measured on n reviews is itself uncertain: another n reviews would give another figure. The notebooks
print each accuracy with its 95 % interval, and compare two models scored on the **same** reviews with McNemar's
exact test, which looks only at the reviews where the two models disagree. The arithmetic is SciPy's (installed with
scikit-learn); ``tests/test_stats.py`` checks these helpers against SciPy's own results.

- :func:`accuracy_interval`: the Wilson score interval of an accuracy.
- :func:`compare_on_same_reviews`: the difference of two accuracies on the same reviews, its exact 95 % interval,
  McNemar's exact p-value and a verdict: one model "ahead by more than the noise", or "a tie at this sample size".
- :func:`against_a_coin`: the sign test, for a count of reviews where a difference goes one way.
- :func:`print_accuracy`, :func:`print_comparison`, :func:`print_comparison_table`: the one-line forms the notebooks
  print.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats as scipy_stats

CONFIDENCE = 0.95
AHEAD = "ahead by more than the noise"
TIE = "a tie at this sample size"


@dataclass(frozen=True)
class Accuracy:
    correct: int
    total: int
    low: float
    high: float

    @property
    def value(self) -> float:
        return self.correct / self.total

    def __str__(self) -> str:
        return (f"{self.value:.4f} (95 % interval {self.low:.4f} to {self.high:.4f}, "
                f"{self.correct:,} of {self.total:,} right)")


@dataclass(frozen=True)
class Comparison:
    name_a: str
    name_b: str
    total: int  # reviews scored by both
    only_a_right: int  # reviews model a got right and model b wrong
    only_b_right: int
    difference: float  # accuracy of a minus accuracy of b
    low: float  # its 95 % interval
    high: float
    p_value: float  # McNemar's exact test (two-sided)

    @property
    def leader(self) -> str | None:
        """The model ahead by more than the noise, or None for a tie."""
        if self.low > 0:
            return self.name_a
        if self.high < 0:
            return self.name_b
        return None

    @property
    def verdict(self) -> str:
        return f"{self.leader} {AHEAD}" if self.leader else TIE

    def __str__(self) -> str:
        # two lines, each short enough not to wrap in a notebook's output area
        return (f"{self.name_a} minus {self.name_b}: {self.difference:+.4f} "
                f"(95 % interval {self.low:+.4f} to {self.high:+.4f})\n"
                f"  they disagree on {self.only_a_right + self.only_b_right:,} of {self.total:,} reviews, "
                f"McNemar p = {self.p_value:.3g} -> {self.verdict}")


def _as_labels(values, name: str) -> np.ndarray:
    array = np.asarray(values).ravel()
    if array.size == 0:
        raise ValueError(f"{name} is empty: there is nothing to score.")
    return array


def predicted_labels(probabilities, threshold: float = 0.5) -> np.ndarray:
    """0/1 predictions from a model's sigmoid outputs: positive above 0.5, as Keras' accuracy counts them."""
    return (np.asarray(probabilities).ravel() > threshold).astype(int)


def accuracy_interval(correct: int, total: int, confidence: float = CONFIDENCE) -> Accuracy:
    """An accuracy of ``correct`` out of ``total`` with its Wilson score interval."""
    if total <= 0 or not 0 <= correct <= total:
        raise ValueError(f"an accuracy needs 0 <= correct <= total and total > 0, got {correct} of {total}")
    interval = scipy_stats.binomtest(int(correct), int(total)).proportion_ci(confidence_level=confidence,
                                                                            method="wilson")
    return Accuracy(int(correct), int(total), float(interval.low), float(interval.high))


def accuracy_of(y_true, y_predicted, confidence: float = CONFIDENCE) -> Accuracy:
    """The accuracy of 0/1 predictions against the true labels, with its interval."""
    truth, predicted = _as_labels(y_true, "y_true"), _as_labels(y_predicted, "y_predicted")
    if truth.shape != predicted.shape:
        raise ValueError(f"{truth.size} labels but {predicted.size} predictions: score the same reviews")
    return accuracy_interval(int((truth == predicted).sum()), truth.size, confidence)


def compare_on_same_reviews(y_true, predicted_a, predicted_b, name_a: str = "model A", name_b: str = "model B",
                            confidence: float = CONFIDENCE) -> Comparison:
    """Compare two models' 0/1 predictions on the same reviews.

    Only the reviews where exactly one model is right tell them apart: with ``only_a`` and ``only_b`` of those, the
    difference of accuracies is ``(only_a - only_b) / n``. Under "no difference" each such review is a fair coin, so
    McNemar's exact test is a binomial test of ``only_a`` out of ``only_a + only_b`` at one half, and the interval is
    the exact (Clopper-Pearson) interval of that share, turned into a difference of accuracies. The verdict reads the
    interval: a lead when it excludes zero (the same as p < 0.05 for the exact test).
    """
    truth = _as_labels(y_true, "y_true")
    a, b = _as_labels(predicted_a, name_a), _as_labels(predicted_b, name_b)
    if not truth.shape == a.shape == b.shape:
        raise ValueError(f"{truth.size} labels, {a.size} and {b.size} predictions: score both models on the same reviews")
    right_a, right_b = a == truth, b == truth
    only_a, only_b = int((right_a & ~right_b).sum()), int((right_b & ~right_a).sum())
    n, disagreements = truth.size, only_a + only_b
    difference = (only_a - only_b) / n
    if disagreements == 0:
        return Comparison(name_a, name_b, n, 0, 0, 0.0, 0.0, 0.0, 1.0)
    coin = against_a_coin(only_a, disagreements, confidence)  # McNemar's exact test is a sign test on these reviews
    scale = disagreements / n
    return Comparison(name_a, name_b, n, only_a, only_b, difference, scale * (2 * coin.low - 1),
                      scale * (2 * coin.high - 1), coin.p_value)


@dataclass(frozen=True)
class Count:
    """How often something happened out of ``total`` tries, held against a fair coin (half the time)."""
    count: int
    total: int
    low: float  # the 95 % interval of the share
    high: float
    p_value: float  # the exact binomial (sign) test against one half

    @property
    def verdict(self) -> str:
        if self.low > 0.5:
            return "more often than a coin would, by more than the noise"
        if self.high < 0.5:
            return "less often than a coin would, by more than the noise"
        return "a coin could do this: a tie at this sample size"

    def __str__(self) -> str:
        return (f"{self.count} of {self.total} ({self.count / self.total:.0%}, 95 % interval {self.low:.0%} to "
                f"{self.high:.0%}; sign test p = {self.p_value:.3g}) -> {self.verdict}")


def against_a_coin(count: int, total: int, confidence: float = CONFIDENCE) -> Count:
    """The sign test: is ``count`` out of ``total`` (reviews where a difference goes one way) more than chance?

    Its exact (Clopper-Pearson) interval excludes one half exactly when the two-sided exact p-value is below 0.05,
    so the verdict and the p-value always agree."""
    if total <= 0 or not 0 <= count <= total:
        raise ValueError(f"a count needs 0 <= count <= total and total > 0, got {count} of {total}")
    test = scipy_stats.binomtest(int(count), int(total), 0.5)
    share = test.proportion_ci(confidence_level=confidence, method="exact")
    return Count(int(count), int(total), float(share.low), float(share.high), float(test.pvalue))


def print_accuracy(label: str, y_true, y_predicted) -> Accuracy:
    """Print ``label: 0.8517 (95 % interval ...)`` and return the :class:`Accuracy`."""
    result = accuracy_of(y_true, y_predicted)
    print(f"{label}: {result}")
    return result


def print_comparison(y_true, predicted_a, predicted_b, name_a: str, name_b: str) -> Comparison:
    """Print one comparison on the same reviews, with its interval and verdict, and return it."""
    result = compare_on_same_reviews(y_true, predicted_a, predicted_b, name_a, name_b)
    print(result)
    return result


def print_comparison_table(y_true, predictions: dict, reference: str) -> dict[str, Comparison]:
    """One row per model: its accuracy with its interval, then its difference from ``reference`` on the same
    reviews and the verdict. ``predictions`` maps a model's name to its 0/1 predictions."""
    if reference not in predictions:
        raise ValueError(f"the reference {reference!r} is not among the models: {', '.join(predictions)}")
    width = max(len(name) for name in predictions)
    difference_header = f"minus {reference} (95 % interval)"
    print(f"{'model':<{width}}  {'accuracy (95 % interval)':<24}  {difference_header:<30}  verdict")
    comparisons = {}
    for name, predicted in predictions.items():
        accuracy = accuracy_of(y_true, predicted)
        cells = f"{name:<{width}}  {f'{accuracy.value:.4f} ({accuracy.low:.4f}-{accuracy.high:.4f})':<24}  "
        if name == reference:
            print(cells + "(the reference)")
            continue
        comparison = compare_on_same_reviews(y_true, predicted, predictions[reference], name, reference)
        comparisons[name] = comparison
        difference = f"{comparison.difference:+.4f} ({comparison.low:+.4f} to {comparison.high:+.4f})"
        print(cells + f"{difference:<{max(30, len(difference_header))}}  {comparison.verdict}")
    return comparisons
