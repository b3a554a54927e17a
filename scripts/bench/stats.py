"""The benchmark's statistics: medians, and the improvement with its confidence interval.

The improvement of a candidate over a baseline is 1 - median(candidate) /
median(baseline): 0.988 means 98.8% less time (or RSS). Its interval is a
percentile bootstrap: both samples are resampled with replacement,
independently, RESAMPLES times, with a fixed seed, so the same samples always
give the same table. The cover letter's layout wants "x% +/- y%": y is the
larger distance from x to either end of the interval, so x +/- y covers it.
"""

import random
from dataclasses import dataclass
from statistics import median

RESAMPLES = 10000
SEED = 20210619  # the day v4 was posted
LEVEL = 0.95


@dataclass(frozen=True)
class Improvement:
    value: float  # fractions: 0.5 is 50% less
    low: float
    high: float
    level: float = LEVEL

    @property
    def proven(self):
        """False when the interval holds 0: no difference shown at this level."""
        return not (self.low <= 0.0 <= self.high)

    @property
    def plus_minus(self):
        return max(self.value - self.low, self.high - self.value)


def quantile(ordered, q):
    """Linear interpolation between the closest ranks of an ordered list."""
    if not ordered:
        raise ValueError("quantile of no values")
    pos = q * (len(ordered) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def improvement(baseline, candidate, resamples=RESAMPLES, seed=SEED, level=LEVEL):
    """1 - median(candidate)/median(baseline) and its bootstrap interval."""
    for name, sample in (("baseline", baseline), ("candidate", candidate)):
        if not sample:
            raise ValueError(f"no {name} values")
        if min(sample) <= 0:
            raise ValueError(f"{name} values must be positive, got {min(sample)}")
    rng = random.Random(seed)
    ratios = sorted(1.0 - median(rng.choices(candidate, k=len(candidate)))
                    / median(rng.choices(baseline, k=len(baseline)))
                    for _ in range(resamples))
    tail = (1.0 - level) / 2
    return Improvement(1.0 - median(candidate) / median(baseline),
                       quantile(ratios, tail), quantile(ratios, 1.0 - tail), level)


@dataclass(frozen=True)
class Interval:
    value: float
    low: float
    high: float


def median_interval(sample, resamples=RESAMPLES // 10, seed=SEED, level=LEVEL):
    """The median of one sample and its percentile-bootstrap interval (the chart's whiskers)."""
    if not sample:
        raise ValueError("median of no values")
    rng = random.Random(seed)
    medians = sorted(median(rng.choices(sample, k=len(sample))) for _ in range(resamples))
    tail = (1.0 - level) / 2
    return Interval(median(sample), quantile(medians, tail), quantile(medians, 1.0 - tail))
