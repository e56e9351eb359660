"""mx.test_utils' tolerances and comparisons against MXNet 1.9.1's answers
(test_utils_mxnet.json, made by gen_test_utils_mxnet.py with the real MXNet)."""
import json
import math
import os

import numpy as np
import pytest

import gluonx as mx
from gluonx import test_utils as tu
from gluonx.base import MXNetError

HERE = os.path.dirname(os.path.abspath(__file__))
REF = json.load(open(os.path.join(HERE, "test_utils_mxnet.json")))
CASES = {c["name"]: c for c in REF["compare"]}


@pytest.mark.parametrize("table", ["default_rtols", "default_atols", "default_numeric_eps"])
def test_default_tables_match_mxnet(table):
    ours = {np.dtype(k).name: v for k, v in getattr(tu, table)().items()}
    for name, value in REF[table].items():
        assert ours[name] == value, (table, name)


def test_default_dtype_and_get_rtol_atol_etol():
    assert np.dtype(tu.default_dtype()).name == REF["default_dtype"]
    for fn in ("get_rtol", "get_atol"):
        ref = REF[fn]
        assert getattr(tu, fn)() == ref["none"]
        assert getattr(tu, fn)(0.5) == ref["given"]
        for dtype, value in ref["by_dtype"].items():
            assert getattr(tu, fn)(None, np.dtype(dtype)) == value, (fn, dtype)
    assert tu.get_etol() == REF["get_etol"]["none"]
    assert tu.get_etol(0.25) == REF["get_etol"]["given"]


def test_effective_dtype_of_numpy_and_ndarray():
    for dtype, want in REF["effective_dtype"].items():
        assert tu.effective_dtype(np.zeros(2, dtype=dtype)).name == want
    for dtype, want in REF["effective_dtype_nd"].items():
        assert tu.effective_dtype(mx.nd.zeros(2, dtype=dtype)).name == want


def test_get_tols_every_dtype_pair():
    for d1, d2, rtol, atol in REF["get_tols_pairs"]:
        assert list(tu.get_tols(np.zeros(1, d1), np.zeros(1, d2), None, None)) == [rtol, atol], (d1, d2)
    assert list(tu.get_tols(1.0, 2, None, None)) == REF["get_tols_python_numbers"]


def test_get_tolerance_unknown_dtype_is_a_clear_error():
    with pytest.raises(KeyError) as err:
        tu.get_tolerance(np.zeros(1, np.complex64), None, tu.default_rtols())
    assert isinstance(err.value, MXNetError) and "complex64" in str(err.value)
    with pytest.raises(TypeError):
        tu.get_tolerance(np.zeros(1), "big", tu.default_rtols())


def _make(value, dtype):
    if dtype == "py":
        return value
    if dtype.startswith("nd:"):
        return mx.nd.array(np.array(value, dtype=dtype[3:]), dtype=dtype[3:])
    return np.array(value, dtype=dtype)


def _kwargs(case):
    kw = dict(case["kwargs"])
    if isinstance(kw.get("rtol"), dict):
        kw["rtol"] = {np.dtype(k): v for k, v in kw["rtol"].items()}
    if "mismatches" in kw:
        kw["mismatches"] = tuple(kw["mismatches"])
    return kw


@pytest.mark.parametrize("name", sorted(CASES))
def test_comparisons_match_mxnet(name):
    case = CASES[name]
    a, b = _make(case["a"], case["a_dtype"]), _make(case["b"], case["b_dtype"])
    kw = _kwargs(case)
    assert list(tu.get_tols(a, b, kw.get("rtol"), kw.get("atol"))) == case["tols"]
    ae_kw = {k: v for k, v in kw.items() if k in ("equal_nan", "use_broadcast")}
    rtol = None if isinstance(kw.get("rtol"), dict) else kw.get("rtol")
    if case["almost_equal"] == "AssertionError":
        with pytest.raises(AssertionError):
            tu.almost_equal(a, b, rtol, kw.get("atol"), **ae_kw)
    else:
        assert tu.almost_equal(a, b, rtol, kw.get("atol"), **ae_kw) is case["almost_equal"]
    if case["assert"] == "ok":
        tu.assert_almost_equal(a, b, **kw)
        return
    # MXNet's own report crashes (IndexError) on broadcast shapes; gluonx reports an AssertionError
    with pytest.raises(AssertionError) as err:
        tu.assert_almost_equal(a, b, **kw)
    want = case.get("report") or []
    got = [line for line in str(err.value).splitlines() if line.startswith(("Error ", "Location of maximum error"))]
    if not want:
        return
    head, rest = want[0].split(" exceeds ", 1)
    got_head, got_rest = got[0].split(" exceeds ", 1)
    assert got_rest == rest                        # tolerances, mismatch share
    ref_err, our_err = float(head.split()[1]), float(got_head.split()[1])
    if math.isnan(ref_err) or math.isinf(ref_err):
        assert repr(ref_err) == repr(our_err)
    else:
        assert our_err == pytest.approx(ref_err, rel=1e-5)
    if len(want) > 1:                              # the worst element: where, and its values
        assert got[1] == want[1]


def test_report_names_the_worst_element_of_a_2d_array():
    a = np.zeros((3, 4))
    b = np.zeros((3, 4))
    b[1, 2], b[2, 3] = 1.0, 0.5
    with pytest.raises(AssertionError) as err:
        tu.assert_almost_equal(a, b, rtol=1e-3, atol=1e-3, names=("mine", "ref"))
    text = str(err.value)
    assert "Location of maximum error: (1, 2), mine=0.00000000, ref=1.00000000" in text
    assert "(mismatch 16.666667%)" in text                     # 2 of 12
    assert "2: Error" in text and "(2, 3)" in text              # the second-worst is listed too
    assert "mine:" in text and "ref:" in text                   # the arrays, under their names


def test_report_mismatch_counting_limit():
    a, b = np.zeros(100), np.ones(100)
    with pytest.raises(AssertionError) as err:
        tu.assert_almost_equal(a, b, mismatches=(2, 5))
    assert "mismatch at least 6.000000%" in str(err.value)
    with pytest.raises(AssertionError) as err:
        tu.assert_almost_equal(a, b, mismatches=(2, 0))
    assert "mismatch 100.000000%" in str(err.value)


def test_assert_almost_equal_accepts_ndarrays_lists_and_numbers():
    tu.assert_almost_equal(mx.nd.array([1, 2]), [1.0, 2.0])
    tu.assert_almost_equal(mx.nd.array([3, 3]), 3)
    with pytest.raises(AssertionError, match="do not broadcast"):
        tu.assert_almost_equal(np.zeros(3), np.zeros(4))
    with pytest.raises(AssertionError):
        tu.assert_almost_equal(np.zeros((2, 1)), np.zeros(2), use_broadcast=False)


def test_float16_defaults_are_loose_and_float64_strict():
    tu.assert_almost_equal(np.float16([1.0]), np.float16([1.05]))
    with pytest.raises(AssertionError):
        tu.assert_almost_equal(np.float64([1.0]), np.float64([1.0 + 1e-4]))


def test_assert_allclose_and_ignore_nan_and_with_err():
    tu.assert_allclose(np.array([1.0, np.nan]), np.array([1.0, np.nan]))     # equal_nan by default
    with pytest.raises(AssertionError):
        tu.assert_allclose(np.array([1.0]), np.array([1.0 + 1e-6]))
    tu.assert_almost_equal_ignore_nan(np.array([1.0, np.nan, 3.0]), np.array([1.0, 7.0, 3.0]))
    with pytest.raises(AssertionError):
        tu.assert_almost_equal_ignore_nan(np.array([1.0, np.nan]), np.array([2.0, 7.0]))
    a, b = np.arange(10.0), np.arange(10.0)
    b[3] += 1
    tu.assert_almost_equal_with_err(a, b, etol=0.1)                         # 10 % may differ
    with pytest.raises(AssertionError, match="etol"):
        tu.assert_almost_equal_with_err(a, b, etol=0.05)
    with pytest.raises(AssertionError):
        tu.assert_almost_equal_with_err(a, b)                               # etol 0: plain comparison


def test_same_checkshapes_and_tuples():
    assert tu.same(np.array([1, 2]), mx.nd.array([1, 2], dtype="int32"))
    assert not tu.same(np.array([1, 2]), np.array([[1, 2]]))
    with pytest.raises(AssertionError, match="not equal"):
        tu.checkShapes(np.zeros(2), np.zeros(3))
    tu.compare_ndarray_tuple((mx.nd.ones(2), (mx.nd.zeros(1),)), (np.ones(2), (np.zeros(1),)))
    tu.compare_ndarray_tuple(None, mx.nd.ones(2))
    with pytest.raises(AssertionError):
        tu.compare_ndarray_tuple((mx.nd.ones(2),), (mx.nd.zeros(2),))


def test_np_reduce_and_collapse_sum_like():
    x = np.random.rand(2, 3, 4)
    np.testing.assert_allclose(tu.np_reduce(x, (0, 2), True, np.sum), x.sum(axis=(0, 2), keepdims=True))
    np.testing.assert_allclose(tu.np_reduce(x, None, False, np.max), x.max())
    np.testing.assert_allclose(tu.np_reduce(x, -1, False, np.min), x.min(axis=-1))
    np.testing.assert_allclose(tu.collapse_sum_like(x, (3, 1)), x.sum(axis=(0, 2)).reshape(3, 1))
    assert tu.collapse_sum_like(np.zeros((0, 3)), (1, 3)).shape == (1, 3)
    with pytest.raises(ValueError):
        tu.collapse_sum_like(x, (2, 4))
