"""The one Spearman implementation: average ranks for ties, as deploy/eval.sh and scipy compute them."""

import numpy as np
import pytest

from faqmatch_model.scoring import average_ranks, spearman


def test_average_ranks_share_ties():
    assert list(average_ranks(np.array([0.3, 0.1, 0.3, 0.2, 0.3]))) == [4.0, 1.0, 4.0, 2.0, 4.0]


def test_spearman_x100():
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(100)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-100)


def test_equals_scipy():
    stats = pytest.importorskip("scipy.stats", reason="scipy is in the finetune extra")
    rng = np.random.default_rng(7)
    cosine = rng.normal(size=500)
    labels = rng.integers(0, 2, size=500).astype(float)  # 0/1 labels: ties everywhere
    assert spearman(cosine, labels) == pytest.approx(100 * stats.spearmanr(cosine, labels).statistic, abs=1e-12)
