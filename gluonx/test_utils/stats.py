"""Statistical checks of random generators: sample mean and variance against
their 3-sigma bands, and Pearson's chi-square goodness of fit over buckets.

A generator is ``generator(n) -> n samples`` (a NumPy array, a list, or an
NDArray).  The chi-square p-value is computed here (regularised upper
incomplete gamma function), so SciPy is not needed.

>>> import numpy as np
>>> np.random.seed(1)
>>> buckets, probs = gen_buckets_probs_with_ppf(lambda p: p, 4)     # uniform [0, 1)
>>> p = verify_generator(lambda n: np.random.uniform(size=n), buckets, probs, nsamples=10000, nrepeat=3)
>>> len(p)
3
"""
from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np

from gluonx.base import MXNetValueError

__all__ = ["gen_buckets_probs_with_ppf", "mean_check", "var_check", "chi_square_check", "verify_generator"]


def _samples(generator: Callable, n: int) -> np.ndarray:
    out = generator(n)
    if hasattr(out, "asnumpy"):
        out = out.asnumpy()
    return np.asarray(out).reshape(-1)


def gen_buckets_probs_with_ppf(ppf: Callable[[float], float], nbuckets: int):
    """`nbuckets` buckets of equal probability from a quantile function (the inverse CDF):
    ``([(ppf(0), ppf(1/n)), (ppf(1/n), ppf(2/n)), ...], [1/n] * n)``.

    >>> gen_buckets_probs_with_ppf(lambda p: 2 * p, 2)
    ([(0.0, 1.0), (1.0, 2.0)], [0.5, 0.5])
    """
    if nbuckets <= 0:
        raise MXNetValueError("gen_buckets_probs_with_ppf: nbuckets must be positive, got %r" % (nbuckets,))
    edges = [ppf(i / float(nbuckets)) for i in range(nbuckets + 1)]
    return [(edges[i], edges[i + 1]) for i in range(nbuckets)], [1.0 / nbuckets] * nbuckets


def mean_check(generator: Callable, mu: float, sigma: float, nsamples: int = 1000000) -> bool:
    """True when the mean of `nsamples` draws lies within mu +- 3 sigma / sqrt(nsamples).

    >>> np.random.seed(0); bool(mean_check(lambda n: np.random.normal(0, 1, n), 0, 1, 10000))
    True
    """
    mean = _samples(generator, nsamples).mean()
    band = 3 * sigma / np.sqrt(nsamples)
    return bool(mu - band < mean < mu + band)


def var_check(generator: Callable, sigma: float, nsamples: int = 1000000) -> bool:
    """True when the unbiased sample variance lies within sigma^2 +- 3 sqrt(2 sigma^4 / (n - 1))."""
    var = _samples(generator, nsamples).var(ddof=1)
    band = 3 * np.sqrt(2 * sigma ** 4 / (nsamples - 1))
    return bool(sigma ** 2 - band < var < sigma ** 2 + band)


def _gamma_p_series(a: float, x: float) -> float:
    term = total = 1.0 / a
    k = a
    for _ in range(100000):
        k += 1.0
        term *= x / k
        total += term
        if abs(term) < abs(total) * 1e-16:
            break
    return total * math.exp(-x + a * math.log(x) - math.lgamma(a))


def _gamma_q_fraction(a: float, x: float) -> float:
    # modified Lentz evaluation of the continued fraction of Q(a, x)
    tiny = 1e-300
    b = x + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, 100000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-16:
            break
    return h * math.exp(-x + a * math.log(x) - math.lgamma(a))


def _chi2_sf(stat: float, dof: int) -> float:
    """P(X >= stat) for X chi-square distributed with `dof` degrees of freedom.

    >>> round(_chi2_sf(3.841458820694124, 1), 6)
    0.05
    """
    if dof <= 0:
        raise MXNetValueError("_chi2_sf: degrees of freedom must be positive, got %r" % (dof,))
    if math.isnan(stat):
        return float("nan")
    if stat <= 0:
        return 1.0
    if math.isinf(stat):
        return 0.0
    a, x = dof / 2.0, stat / 2.0
    if x < a + 1.0:
        return max(0.0, 1.0 - _gamma_p_series(a, x))
    return min(1.0, _gamma_q_fraction(a, x))


def chi_square_check(generator: Callable, buckets: list, probs: Sequence[float], nsamples: int = 1000000):
    """Pearson's chi-square test of `generator` against bucket probabilities.

    `buckets`: ascending, non-overlapping ``(low, high)`` ranges for a
    continuous distribution (a sample counts in the range with low <= s < high),
    or the possible values of a discrete one.  Returns ``(p, observed counts,
    expected counts)``; a larger p means a better fit (MXNet tests want p > 0.05).
    """
    if not isinstance(buckets, list) or not buckets:
        raise MXNetValueError("chi_square_check: buckets must be a non-empty list, got %r" % (buckets,))
    if len(probs) != len(buckets):
        raise MXNetValueError("chi_square_check: %d probabilities for %d buckets" % (len(probs), len(buckets)))
    samples = _samples(generator, nsamples)
    n = len(buckets)
    observed = np.zeros(n, dtype=np.int64)
    if isinstance(buckets[0], (list, tuple)):
        edges = np.empty(2 * n, dtype=np.float32)
        for i, (low, high) in enumerate(buckets):
            if not low <= high or (i + 1 < n and not high <= buckets[i + 1][0]):
                raise MXNetValueError("chi_square_check: buckets must be ascending and must not overlap; "
                                      "bucket %d is %r, the next %r" % (i, buckets[i], buckets[i + 1:i + 2]))
            edges[2 * i], edges[2 * i + 1] = low, high
        # position right of the edges: odd = inside bucket pos // 2, even = outside every bucket
        pos = np.searchsorted(edges, samples, side="right")
        inside = pos % 2 == 1
        observed += np.bincount(pos[inside] // 2, minlength=n)[:n]
    else:
        for i, value in enumerate(buckets):
            observed[i] = int(np.count_nonzero(samples == value))
    expected = (nsamples * np.array(probs, dtype=np.float32)).astype(np.int32)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = float(np.sum((observed - expected.astype(np.float64)) ** 2 / expected))
    return _chi2_sf(stat, n - 1) if n > 1 else 1.0, observed, expected


def verify_generator(generator: Callable, buckets: list, probs: Sequence[float], nsamples: int = 1000000,
                     nrepeat: int = 5, success_rate: float = 0.2, alpha: float = 0.05) -> list:
    """Runs :func:`chi_square_check` `nrepeat` times and raises AssertionError unless at least
    ``nrepeat * success_rate`` of the p-values exceed `alpha`.  Returns the p-values.

    >>> import gluonx as mx
    >>> b, p = gen_buckets_probs_with_ppf(lambda q: q, 5)
    >>> ps = verify_generator(lambda n: mx.nd.random.uniform(shape=(n,)), b, p, nsamples=20000, nrepeat=2)
    """
    pvalues, observed, expected = [], [], []
    for _ in range(nrepeat):
        p, obs, exp = chi_square_check(generator, buckets, probs, nsamples)
        pvalues.append(p)
        observed.append(obs)
        expected.append(exp)
    passed = int((np.array(pvalues) > alpha).sum())
    if passed < nrepeat * success_rate:
        raise AssertionError("Generator test fails, Chi-square p=%s, obs_freq=%s, expected_freq=%s.\nbuckets=%s, "
                             "probs=%s" % (pvalues, observed, expected, buckets, probs))
    return pvalues
