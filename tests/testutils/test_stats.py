"""verify_generator and friends on gluonx's own samplers, and the chi-square
p-value they compute without SciPy."""
import statistics

import numpy as np
import pytest

import gluonx as mx
from gluonx import test_utils as tu
from gluonx.test_utils.stats import _chi2_sf


@pytest.mark.parametrize("stat,dof", [(0.5, 1), (3.841458820694124, 1), (10.0, 4), (30.0, 9), (3.0, 9),
                                      (200.0, 99), (1e-8, 3), (1000.0, 5)])
def test_chi2_sf_matches_scipy(stat, dof):
    chi2 = pytest.importorskip("scipy.stats").chi2
    assert _chi2_sf(stat, dof) == pytest.approx(chi2.sf(stat, dof), rel=1e-9, abs=1e-300)


def test_chi2_sf_known_values_and_edges():
    assert _chi2_sf(3.841458820694124, 1) == pytest.approx(0.05, rel=1e-9)     # the 95 % quantile, 1 dof
    assert _chi2_sf(2.0, 2) == pytest.approx(np.exp(-1.0), rel=1e-12)          # 2 dof: exp(-x/2)
    assert _chi2_sf(0.0, 3) == 1.0 and _chi2_sf(float("inf"), 3) == 0.0
    with pytest.raises(ValueError):
        _chi2_sf(1.0, 0)


def test_gen_buckets_probs_with_ppf():
    buckets, probs = tu.gen_buckets_probs_with_ppf(lambda p: 10 * p, 5)
    assert buckets == [(0.0, 2.0), (2.0, 4.0), (4.0, 6.0), (6.0, 8.0), (8.0, 10.0)]
    assert probs == [0.2] * 5
    with pytest.raises(ValueError):
        tu.gen_buckets_probs_with_ppf(lambda p: p, 0)


def test_verify_generator_on_gluonx_uniform_and_normal():
    mx.random.seed(123)
    buckets, probs = tu.gen_buckets_probs_with_ppf(lambda p: -2 + 5 * p, 8)
    pvals = tu.verify_generator(lambda n: mx.nd.random.uniform(-2, 3, shape=(n,)).asnumpy(), buckets, probs,
                                nsamples=50000, nrepeat=3)
    assert len(pvals) == 3 and all(0 <= p <= 1 for p in pvals)
    normal = statistics.NormalDist(1.0, 2.0)
    edges = lambda p: normal.inv_cdf(min(max(p, 1e-12), 1 - 1e-12))                 # noqa: E731
    buckets, probs = tu.gen_buckets_probs_with_ppf(edges, 10)
    tu.verify_generator(lambda n: mx.nd.random.normal(1.0, 2.0, shape=(n,)), buckets, probs, nsamples=50000,
                        nrepeat=3)


def test_verify_generator_on_a_discrete_sampler():
    mx.random.seed(7)
    values = list(range(5))
    tu.verify_generator(lambda n: mx.nd.random.randint(0, 5, shape=(n,)).asnumpy(), values, [0.2] * 5,
                        nsamples=20000, nrepeat=3)


def test_verify_generator_rejects_a_wrong_distribution():
    mx.random.seed(1)
    buckets, probs = tu.gen_buckets_probs_with_ppf(lambda p: p, 5)              # uniform [0, 1)
    with pytest.raises(AssertionError, match="Generator test fails"):
        tu.verify_generator(lambda n: mx.nd.random.uniform(0, 1, shape=(n,)) ** 2, buckets, probs,
                            nsamples=20000, nrepeat=3)


def test_chi_square_check_counts_and_validation():
    p, obs, exp = tu.chi_square_check(lambda n: np.repeat([0.1, 0.6], n // 2), [(0.0, 0.5), (0.5, 1.0)],
                                      [0.5, 0.5], nsamples=1000)
    assert obs.tolist() == [500, 500] and exp.tolist() == [500, 500] and p == 1.0
    with pytest.raises(ValueError, match="overlap"):
        tu.chi_square_check(lambda n: np.zeros(n), [(0.0, 0.6), (0.5, 1.0)], [0.5, 0.5], nsamples=10)
    with pytest.raises(ValueError, match="probabilities"):
        tu.chi_square_check(lambda n: np.zeros(n), [(0.0, 1.0)], [0.5, 0.5], nsamples=10)


def test_mean_and_var_check():
    mx.random.seed(3)
    gen = lambda n: mx.nd.random.normal(2.0, 3.0, shape=(n,)).asnumpy()              # noqa: E731
    assert tu.mean_check(gen, 2.0, 3.0, nsamples=100000)
    assert tu.var_check(gen, 3.0, nsamples=100000)
    assert not tu.mean_check(gen, 3.0, 3.0, nsamples=100000)
    assert not tu.var_check(gen, 1.0, nsamples=100000)
