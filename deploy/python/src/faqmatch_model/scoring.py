"""Spearman rank correlation as deploy/eval.sh computes it (the Java side's figure to compare with)."""

from __future__ import annotations

import numpy as np


def average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks, ties sharing the mean of the ranks they span (as scipy.stats.rankdata 'average')."""
    values = np.asarray(values)
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values))
    sorted_values = values[order]
    start = 0
    while start < len(values):
        end = start
        while end + 1 < len(values) and sorted_values[end + 1] == sorted_values[start]:
            end += 1
        ranks[order[start:end + 1]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def spearman(a, b) -> float:
    """Spearman's rho x100: the Pearson correlation of the average ranks."""
    return 100 * float(np.corrcoef(average_ranks(a), average_ranks(b))[0, 1])
