import pytest

from scripts.bench import stats


def test_quantile_interpolates_between_ranks():
    assert stats.quantile([1, 2, 3, 4], 0.0) == 1
    assert stats.quantile([1, 2, 3, 4], 1.0) == 4
    assert stats.quantile([1, 2, 3, 4], 0.5) == 2.5
    assert stats.quantile([10], 0.3) == 10


def test_improvement_is_one_minus_ratio_of_medians():
    imp = stats.improvement([4.0, 4.1, 3.9, 4.0, 4.2], [1.0, 1.1, 0.9, 1.0, 1.05])
    assert imp.value == pytest.approx(0.75)
    assert imp.low <= imp.value <= imp.high
    assert imp.proven
    assert imp.plus_minus == pytest.approx(max(imp.value - imp.low, imp.high - imp.value))


def test_interval_is_reproducible_with_the_fixed_seed():
    a, b = [3.1, 2.9, 3.3, 3.0, 3.2, 2.8], [1.5, 1.7, 1.4, 1.6, 1.9, 1.2]
    assert stats.improvement(a, b) == stats.improvement(a, b)
    assert stats.improvement(a, b, seed=1) != stats.improvement(a, b, seed=2)


def test_identical_samples_prove_no_difference():
    imp = stats.improvement([6716] * 10, [6716] * 10)
    assert imp.value == 0 and not imp.proven


def test_overlapping_noisy_samples_prove_nothing():
    imp = stats.improvement([1.0, 2.0, 1.5, 1.2, 1.8], [1.1, 1.9, 1.4, 1.3, 1.7])
    assert imp.low < 0 < imp.high and not imp.proven


def test_constant_but_different_samples_are_a_proven_difference():
    imp = stats.improvement([6656] * 5, [3448] * 5)
    assert imp.value == pytest.approx(1 - 3448 / 6656)
    assert imp.low == imp.high == pytest.approx(imp.value) and imp.proven


def test_a_worse_candidate_is_a_negative_improvement():
    imp = stats.improvement([1.0, 1.01, 0.99], [2.0, 2.02, 1.98])
    assert imp.value == pytest.approx(-1.0) and imp.high < 0 and imp.proven


def test_wider_spread_gives_a_wider_interval():
    tight = stats.improvement([4.0, 4.01, 3.99, 4.0], [2.0, 2.01, 1.99, 2.0])
    loose = stats.improvement([4.0, 4.8, 3.2, 4.0], [2.0, 2.6, 1.4, 2.0])
    assert loose.plus_minus > tight.plus_minus


@pytest.mark.parametrize("a,b", [([], [1.0]), ([1.0], []), ([0.0, 1.0], [1.0]), ([1.0], [-1.0])])
def test_empty_or_non_positive_samples_are_refused(a, b):
    with pytest.raises(ValueError):
        stats.improvement(a, b)
