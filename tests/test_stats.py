"""labutils.stats against SciPy's own results and against the arithmetic it stands for."""

import numpy as np
import pytest
from scipy import stats as scipy_stats

from labutils import stats


def test_the_accuracy_interval_is_scipys_wilson_interval_and_holds_the_accuracy():
    result = stats.accuracy_interval(4_258, 5_000)
    expected = scipy_stats.binomtest(4_258, 5_000).proportion_ci(confidence_level=0.95, method="wilson")
    assert (result.low, result.high) == pytest.approx((expected.low, expected.high))
    assert result.low < result.value == 0.8516 < result.high
    # the textbook Wilson formula, written out: centre and half-width from z
    z, n, p = scipy_stats.norm.ppf(0.975), 5_000, 0.8516
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert (result.low, result.high) == pytest.approx((centre - half, centre + half), abs=1e-9)
    assert 0.0095 < (result.high - result.low) / 2 < 0.0100  # about +-1 point on 5,000 reviews


def test_mcnemars_exact_test_is_a_binomial_test_on_the_disagreements():
    truth = np.array([1] * 100)
    a = np.array([1] * 70 + [0] * 30)  # right on the first 70
    b = np.array([1] * 55 + [0] * 15 + [1] * 5 + [0] * 25)  # right on 55 of those and 5 others
    result = stats.compare_on_same_reviews(truth, a, b, "A", "B")
    assert (result.only_a_right, result.only_b_right) == (15, 5)
    assert result.difference == pytest.approx(0.70 - 0.60)
    assert result.p_value == pytest.approx(scipy_stats.binomtest(15, 20, 0.5).pvalue)
    # two-sided exact p from the binomial distribution itself: twice the tail of 15 or more out of 20
    assert result.p_value == pytest.approx(2 * scipy_stats.binom.sf(14, 20, 0.5))
    share = scipy_stats.binomtest(15, 20).proportion_ci(method="exact")
    assert (result.low, result.high) == pytest.approx((0.2 * (2 * share.low - 1), 0.2 * (2 * share.high - 1)))
    assert result.p_value < 0.05 and result.low > 0 and result.verdict == "A ahead by more than the noise"


def test_the_verdict_agrees_with_the_p_value_and_names_the_leader_or_a_tie():
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 2, 2_000)
    for flips_a, flips_b in [(200, 200), (200, 260), (300, 200), (250, 240), (150, 400)]:
        a, b = truth.copy(), truth.copy()
        a[rng.choice(2_000, flips_a, replace=False)] ^= 1
        b[rng.choice(2_000, flips_b, replace=False)] ^= 1
        result = stats.compare_on_same_reviews(truth, a, b, "A", "B")
        assert (result.leader is not None) == (result.p_value < 0.05)
        if result.leader:
            assert result.leader == ("A" if result.difference > 0 else "B")
        else:
            assert result.verdict == "a tie at this sample size"
        assert result.low <= result.difference <= result.high


def test_the_sign_test_is_scipys_binomial_test_and_its_verdict_agrees_with_p():
    for count, total in [(70, 300), (157, 295), (230, 300), (150, 300), (0, 12), (9, 10)]:
        result = stats.against_a_coin(count, total)
        assert result.p_value == pytest.approx(scipy_stats.binomtest(count, total, 0.5).pvalue)
        assert result.low <= count / total <= result.high
        tie = result.verdict.endswith("a tie at this sample size")
        assert tie == (result.p_value >= 0.05), (count, total, result)
    assert "less often than a coin" in str(stats.against_a_coin(70, 300))
    assert "more often than a coin" in str(stats.against_a_coin(230, 300))
    with pytest.raises(ValueError, match="total > 0"):
        stats.against_a_coin(1, 0)


def test_identical_predictions_are_a_tie_and_bad_input_says_what_is_wrong():
    truth = np.array([0, 1, 1, 0])
    same = stats.compare_on_same_reviews(truth, truth, truth)
    assert same.verdict == "a tie at this sample size" and same.p_value == 1.0
    with pytest.raises(ValueError, match="same reviews"):
        stats.compare_on_same_reviews(truth, truth, truth[:3])
    with pytest.raises(ValueError, match="empty"):
        stats.accuracy_of([], [])
    with pytest.raises(ValueError, match="total > 0"):
        stats.accuracy_interval(3, 0)


def test_the_table_prints_each_row_with_its_interval_and_verdict(capsys):
    truth = np.array([1] * 500 + [0] * 500)
    good = truth.copy(); good[:100] ^= 1
    worse = truth.copy(); worse[:250] ^= 1
    close = truth.copy(); close[:95] ^= 1; close[300:310] ^= 1
    comparisons = stats.print_comparison_table(truth, {"good": good, "worse": worse, "close": close}, reference="good")
    printed = capsys.readouterr().out
    assert "(the reference)" in printed and "good ahead by more than the noise" in printed
    assert comparisons["close"].verdict == "a tie at this sample size" and "0.9000 (0.8798-0.9171)" in printed
