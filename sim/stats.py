"""Small statistics shared by comparison, attribution and reports."""
from __future__ import annotations

import numpy as np
# Student t quantile straight from scipy.special (what scipy.stats.t.ppf computes, bit for bit): scipy.stats
# costs a report ≈ 0.5–1 s to import and is used nowhere else on `subsim run`
from scipy.special import stdtrit


def mean_interval(values: np.ndarray, level: float = 0.90) -> tuple[float, float]:
    """Two-sided `level` confidence interval of the mean of independent replications (Student t).

    Replications are independent draws of the same model (different seeds), so the t interval of their
    mean is the textbook choice; with one replication (or undefined values) there is no interval and
    (nan, nan) is returned. Paired differences (same seeds in both scenarios) are passed in as values."""
    values = np.asarray(values, np.float64)
    values = values[np.isfinite(values)]
    n = len(values)
    if n < 2:
        return np.nan, np.nan
    mean = values.mean()
    half = stdtrit(n - 1, 0.5 + level / 2) * values.std(ddof=1) / np.sqrt(n)
    return float(mean - half), float(mean + half)
