"""Comparing arrays: per-dtype tolerances and MXNet's ``assert_almost_equal``.

Tolerances follow MXNet 1.9.1: when ``rtol``/``atol`` are not given, each
side's dtype picks one from :func:`default_rtols`/:func:`default_atols` and
the looser of the two sides wins (float16 1e-2/1e-1, float32 1e-4/1e-3,
float64 1e-5/1e-20, integers and bool exact).  ``almost_equal`` on its own
uses the float64 defaults whatever the dtypes, as MXNet's does.

>>> import numpy as np
>>> get_tols(np.ones(2, np.float32), np.ones(2, np.float64), None, None)
(0.0001, 0.001)
>>> assert_almost_equal(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-6]), rtol=1e-5)
"""
from __future__ import annotations

import numbers
from typing import Optional, Sequence, Tuple

import numpy as np

from gluonx.base import MXNetKeyError, MXNetTypeError, MXNetValueError
from gluonx.ndarray import NDArray

__all__ = ["default_dtype", "default_rtols", "default_atols", "default_numeric_eps", "effective_dtype",
           "get_tolerance", "get_tols", "get_atol", "get_rtol", "get_etol", "same", "checkShapes",
           "almost_equal", "locationError", "assert_almost_equal", "assert_allclose",
           "assert_almost_equal_with_err", "assert_almost_equal_ignore_nan", "compare_ndarray_tuple",
           "np_reduce", "collapse_sum_like"]

def _npt():
    import numpy.testing     # not at import time: it pulls in unittest, and `import gluonx` loads this module
    return numpy.testing


_INTS = (np.bool_, np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32, np.int64, np.uint64)


def default_dtype() -> type:
    """The dtype tests create arrays in (float32, as MXNet)."""
    return np.float32


def _exact_for_ints(table: dict) -> dict:
    table.update({np.dtype(t): 0 for t in _INTS})
    return table


def default_rtols() -> dict:
    """Relative tolerance per dtype (``{np.dtype('float32'): 1e-4, ...}``)."""
    return _exact_for_ints({np.dtype(np.float16): 1e-2, np.dtype(np.float32): 1e-4,
                            np.dtype(np.float64): 1e-5})


def default_atols() -> dict:
    """Absolute tolerance per dtype (``{np.dtype('float32'): 1e-3, ...}``)."""
    return _exact_for_ints({np.dtype(np.float16): 1e-1, np.dtype(np.float32): 1e-3,
                            np.dtype(np.float64): 1e-20})


def default_numeric_eps() -> dict:
    """Finite-difference step per float dtype: powers of two, so ``x + eps`` drops no bits of eps."""
    return {np.dtype(np.float16): 1.0 / 2 ** 6, np.dtype(np.float32): 1.0 / 2 ** 9,
            np.dtype(np.float64): 1.0 / 2 ** 14}


def effective_dtype(dat) -> np.dtype:
    """The dtype whose tolerance applies to `dat` (a NumPy array, NDArray or scalar).

    MXNet lowers float32 to float16 on GPUs that compute in TF32; gluonx has
    no such path, so this is the data's own dtype.

    >>> effective_dtype(np.zeros(1, np.float16))
    dtype('float16')
    """
    dtype = getattr(dat, "dtype", None)
    if dtype is None:
        dtype = np.asarray(dat).dtype
    return np.dtype(dtype)


def get_tolerance(dat, tol, default_tol: dict) -> float:
    """`tol` itself when it is a number; else its entry (or `default_tol`'s) for `dat`'s dtype.

    >>> get_tolerance(np.zeros(1, np.float32), None, default_rtols())
    0.0001
    """
    if isinstance(tol, numbers.Number):
        return tol
    dtype = effective_dtype(dat)
    tol = {} if tol is None else tol
    if not isinstance(tol, dict):
        raise MXNetTypeError("tolerance must be a number, None or a dict of dtype -> number, got %s"
                             % type(tol).__name__)
    for table in (tol, default_tol):
        for key, value in table.items():
            if np.dtype(key) == dtype:
                return value
    raise MXNetKeyError("no default tolerance for dtype %s (known: %s); pass rtol/atol explicitly"
                        % (dtype, sorted(str(np.dtype(k)) for k in default_tol)))


def _as_tol_operand(x):
    if isinstance(x, numbers.Number):
        return np.array(x)
    if isinstance(x, (list, tuple)):
        return np.asarray(x)
    return x


def get_tols(x, y, rtol, atol) -> Tuple[float, float]:
    """(rtol, atol) for comparing `x` with `y`: the given numbers, else the looser of the two dtypes' defaults."""
    x, y = _as_tol_operand(x), _as_tol_operand(y)
    rtol = max(get_tolerance(x, rtol, default_rtols()), get_tolerance(y, rtol, default_rtols()))
    atol = max(get_tolerance(x, atol, default_atols()), get_tolerance(y, atol, default_atols()))
    return rtol, atol


def get_atol(atol: Optional[float] = None, dtype=np.dtype(np.float64)) -> float:
    """`atol`, or the default absolute tolerance of `dtype` (float64 unless given)."""
    return default_atols()[np.dtype(dtype)] if atol is None else atol


def get_rtol(rtol: Optional[float] = None, dtype=np.dtype(np.float64)) -> float:
    """`rtol`, or the default relative tolerance of `dtype` (float64 unless given)."""
    return default_rtols()[np.dtype(dtype)] if rtol is None else rtol


def get_etol(etol: Optional[float] = None) -> float:
    """`etol` (the share of elements allowed to differ), 0 unless given."""
    return 0 if etol is None else etol


def _to_numpy(x):
    if isinstance(x, NDArray):
        return x.asnumpy()
    if hasattr(x, "asnumpy"):            # arrays of other front-ends that follow MXNet's protocol
        return x.asnumpy()
    return x


def same(a, b) -> bool:
    """True when `a` and `b` have the same shape and exactly equal elements.

    >>> same(np.array([1, 2]), np.array([1, 2]))
    True
    """
    return bool(np.array_equal(_to_numpy(a), _to_numpy(b)))


def checkShapes(a, b) -> None:
    """Raises AssertionError when `a` and `b` differ in shape."""
    if np.shape(a) != np.shape(b):
        raise AssertionError(_npt().build_err_msg([_to_numpy(a), _to_numpy(b)], err_msg="a.shape = {} and b.shape = {} "
                                               "are not equal".format(np.shape(a), np.shape(b))))


def almost_equal(a, b, rtol: Optional[float] = None, atol: Optional[float] = None,
                 equal_nan: bool = False, use_broadcast: bool = True) -> bool:
    """``|a - b| <= atol + rtol * |b|`` everywhere (NumPy's allclose); default tolerances are
    float64's (1e-5, 1e-20) whatever the dtypes, as in MXNet.  Shapes must broadcast, and must
    be equal when ``use_broadcast=False`` (AssertionError otherwise).

    >>> almost_equal(np.array([1.0, np.nan]), np.array([1.0, np.nan]), equal_nan=True)
    True
    """
    a, b = _to_numpy(a), _to_numpy(b)
    if not use_broadcast:
        checkShapes(a, b)
    return bool(np.allclose(a, b, rtol=get_rtol(rtol), atol=get_atol(atol), equal_nan=equal_nan))


def locationError(a, b, index, names: Sequence[str], maxError: bool = False) -> str:
    """The line of an error report that names one element of `a` and `b`."""
    return "Location of %serror: %s, %s=%.8f, %s=%.8f" % ("maximum " if maxError else "", str(index), names[0],
                                                           a[index], names[1], b[index])


def _violations(a: np.ndarray, b: np.ndarray, rtol: float, atol: float, equal_nan: bool) -> np.ndarray:
    """|a - b| / (atol + rtol |b|) elementwise (broadcast, float64), as MXNet reports it: equal
    elements (infinities of one sign) give 0, a NaN on either side NaN (0 for a NaN pair under
    equal_nan)."""
    a64, b64 = np.broadcast_arrays(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64))
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        diff = np.where(a64 == b64, 0.0, np.abs(a64 - b64))
        out = diff / (atol + rtol * np.abs(b64) + 1e-20)
    if equal_nan:
        out = np.where(np.isnan(a64) & np.isnan(b64), 0.0, out)
    return out


def _index(flat: int, shape: tuple) -> tuple:
    return tuple(int(i) for i in np.unravel_index(flat, shape))


def _report(a, b, rtol: float, atol: float, names: Sequence[str], equal_nan: bool, mismatches) -> str:
    """MXNet's error text: the worst violation, its location and values, how many elements are
    off (counted up to mismatches[1]; every one when it is <= 0), the first mismatches[0] of them."""
    viol = _violations(a, b, rtol, atol, equal_nan)
    ab, bb = np.broadcast_arrays(np.asarray(a), np.asarray(b))
    if viol.ndim == 0:
        return ("Error %f exceeds tolerance rtol=%e, atol=%e.\n%s=%r, %s=%r"
                % (float(viol), rtol, atol, names[0], ab[()], names[1], bb[()]))
    close = np.isclose(ab, bb, rtol=rtol, atol=atol, equal_nan=equal_nan)
    flat = viol.reshape(-1)
    order = np.argsort(-np.where(np.isnan(flat), np.inf, flat), kind="stable")   # a NaN is the worst
    n_bad = int(np.count_nonzero(~close))
    limit = mismatches[1]
    counted = min(n_bad, limit + 1) if limit > 0 else n_bad
    worst = _index(int(order[0]), viol.shape)
    degree = "at least " if limit > 0 and n_bad > limit else ""
    lines = ["Error %f exceeds tolerance rtol=%e, atol=%e (mismatch %s%f%%)."
             % (float(flat[order[0]]), rtol, atol, degree, 100.0 * counted / max(ab.size, 1)),
             locationError(ab, bb, worst, names, maxError=True)]
    shown = min(n_bad, mismatches[0])
    if shown > 1:
        lines.append("Worst %d of %d mismatching elements:" % (shown, n_bad))
        for k in range(shown):
            idx = _index(int(order[k]), viol.shape)
            lines.append("%3d: Error %f  %s" % (k + 1, float(flat[order[k]]), locationError(ab, bb, idx, names)))
    return "\n".join(lines)


def assert_almost_equal(a, b, rtol=None, atol=None, names: Sequence[str] = ("a", "b"), equal_nan: bool = False,
                        use_broadcast: bool = True, mismatches: Tuple[int, int] = (10, 10)) -> None:
    """Raises AssertionError unless ``|a - b| <= atol + rtol * |b|`` elementwise.

    `a`, `b`: NumPy arrays, NDArrays or numbers (shapes broadcast unless
    ``use_broadcast=False``).  `rtol`/`atol`: a number, a dict dtype -> number,
    or None for the dtypes' defaults (:func:`get_tols`).  Two bool arrays must
    be equal.  The message names the worst-violating element, its values
    under `names`, and the share of mismatches (counted up to
    ``mismatches[1]``; the first ``mismatches[0]`` are listed).

    >>> assert_almost_equal(np.float32([1, 2]), np.float32([1, 2.0001]))
    """
    if not use_broadcast:
        checkShapes(a, b)
    rtol, atol = get_tols(a, b, rtol, atol)
    a, b = _to_numpy(a), _to_numpy(b)
    if getattr(a, "dtype", None) == np.bool_ and getattr(b, "dtype", None) == np.bool_:
        _npt().assert_equal(a, b)
        return
    a, b = np.asarray(a), np.asarray(b)
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise AssertionError("%s and %s have shapes %s and %s, which do not broadcast"
                             % (names[0], names[1], a.shape, b.shape)) from None
    if almost_equal(a, b, rtol, atol, equal_nan=equal_nan):
        return
    text = _report(a, b, rtol, atol, names, equal_nan, mismatches)
    with np.printoptions(threshold=4, suppress=True):
        raise AssertionError(_npt().build_err_msg([a, b], err_msg=text, names=tuple(names)))


def assert_allclose(a, b, rtol: float = 1e-07, atol: float = 0, equal_nan: bool = True) -> None:
    """:func:`assert_almost_equal` with NumPy's ``assert_allclose`` defaults."""
    assert_almost_equal(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def assert_almost_equal_with_err(a, b, rtol=None, atol=None, etol: Optional[float] = None,
                                 names: Sequence[str] = ("a", "b"), equal_nan: bool = False,
                                 mismatches: Tuple[int, int] = (10, 10)) -> None:
    """Like :func:`assert_almost_equal`, but passes while the share of mismatching elements is at
    most `etol` (``etol=0.05``: up to 5 % may differ).

    >>> assert_almost_equal_with_err(np.array([1., 2., 3., 4.]), np.array([1., 2., 3., 9.]), etol=0.3)
    """
    etol = get_etol(etol)
    if etol <= 0:
        assert_almost_equal(a, b, rtol=rtol, atol=atol, names=names, equal_nan=equal_nan, mismatches=mismatches)
        return
    rtol, atol = get_tols(a, b, rtol, atol)
    a, b = np.asarray(_to_numpy(a)), np.asarray(_to_numpy(b))
    equals = np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    err = 1 - np.count_nonzero(equals) / max(equals.size, 1)
    if err > etol:
        text = _report(a, b, rtol, atol, names, equal_nan, mismatches)
        text += "\nmismatching share %f exceeds etol=%f" % (err, etol)
        with np.printoptions(threshold=4, suppress=True):
            raise AssertionError(_npt().build_err_msg([a, b], err_msg=text, names=tuple(names)))


def assert_almost_equal_ignore_nan(a, b, rtol=None, atol=None, names: Sequence[str] = ("a", "b")) -> None:
    """:func:`assert_almost_equal` over the elements where neither side is NaN.

    >>> assert_almost_equal_ignore_nan(np.array([1.0, np.nan]), np.array([1.0, 5.0]))
    """
    a = np.copy(_to_numpy(a))
    b = np.copy(_to_numpy(b))
    nan_mask = np.logical_or(np.isnan(a), np.isnan(b))
    a[nan_mask] = 0
    b[nan_mask] = 0
    assert_almost_equal(a, b, rtol, atol, names)


def compare_ndarray_tuple(t1, t2, rtol=None, atol=None) -> None:
    """assert_almost_equal over (nested) tuples of arrays; None on either side skips."""
    if t1 is None or t2 is None:
        return
    if isinstance(t1, tuple):
        if not isinstance(t2, tuple) or len(t1) != len(t2):
            raise AssertionError("compare_ndarray_tuple: a tuple of %d against %r" % (len(t1), type(t2).__name__))
        for s1, s2 in zip(t1, t2):
            compare_ndarray_tuple(s1, s2, rtol, atol)
    else:
        assert_almost_equal(t1, t2, rtol=rtol, atol=atol)


def np_reduce(dat: np.ndarray, axis, keepdims: bool, numpy_reduce_func) -> np.ndarray:
    """Reduces `dat` over `axis` (None, an int or several) one axis at a time with
    `numpy_reduce_func` (``np.sum``, ``np.max`` ...), keeping reduced axes as size 1 if asked.

    >>> np_reduce(np.ones((2, 3, 4)), (0, 2), True, np.sum).shape
    (1, 3, 1)
    """
    if isinstance(axis, int):
        axes = [axis]
    else:
        axes = list(range(dat.ndim)) if axis is None else list(axis)
    axes = [ax + dat.ndim if ax < 0 else ax for ax in axes]
    out = dat
    for ax in sorted(axes, reverse=True):
        out = numpy_reduce_func(out, axis=ax)
    if keepdims:
        shape = list(dat.shape)
        for ax in axes:
            shape[ax] = 1
        out = np.reshape(out, tuple(shape))
    return out


def collapse_sum_like(a: np.ndarray, shape) -> np.ndarray:
    """Sums `a` over the axes where `shape` (broadcastable to a.shape) is missing or 1.

    >>> collapse_sum_like(np.ones((2, 3, 4)), (3, 1)).tolist()
    [[8.0], [8.0], [8.0]]
    """
    shape = tuple(shape)
    if len(a.shape) < len(shape):
        raise MXNetValueError("collapse_sum_like: shape %s has more axes than the array's %s" % (shape, a.shape))
    if int(np.prod(shape)) == 0 or a.size == 0:
        return np.zeros(shape, dtype=a.dtype)
    lead = len(a.shape) - len(shape)
    axes = list(range(lead))
    for i, s in enumerate(shape):
        if s != a.shape[i + lead]:
            if s != 1:
                raise MXNetValueError("collapse_sum_like: shape %s does not broadcast to %s" % (shape, a.shape))
            axes.append(i + lead)
    return np.sum(a, axis=tuple(axes)).reshape(shape)
