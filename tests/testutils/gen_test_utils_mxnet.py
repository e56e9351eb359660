"""Generates test_utils_mxnet.json with the real MXNet 1.9.1 (run with its venv):

    MXNET_SUBGRAPH_BACKEND=NONE /work/mx-ref/bin/python tests/testutils/gen_test_utils_mxnet.py

What MXNet's ``mxnet.test_utils`` answers for the tolerance tables, the
tolerance choice per pair of dtypes, ``almost_equal`` and
``assert_almost_equal`` on edge cases (NaN, infinities, broadcasting, exact
integer types, NDArray inputs), and the first lines of the error report
(worst error, mismatch share, location and values).
"""
import json
import os
import sys

import numpy as np
import mxnet as mx
from mxnet import test_utils as tu

HERE = os.path.dirname(os.path.abspath(__file__))
DTYPES = ["float16", "float32", "float64", "bool", "int8", "uint8", "int32", "uint32", "int64", "uint64"]
NAN, INF = float("nan"), float("inf")

# (name, a, a dtype, b, b dtype, keyword arguments); a dtype "py" is a plain Python number
COMPARE = [
    ("equal_f32", [1, 2, 3], "float32", [1, 2, 3], "float32", {}),
    ("within_f32_default", [1.0, 2.0], "float32", [1.0005, 2.0], "float32", {}),
    ("outside_f32_default", [1.0, 2.0], "float32", [1.01, 2.0], "float32", {}),
    ("within_f64_default", [1.0, 2.0], "float64", [1.000001, 2.0], "float64", {}),
    ("outside_f64_default", [1.0, 2.0], "float64", [1.0001, 2.0], "float64", {}),
    ("f16_default", [1.0, 2.0], "float16", [1.05, 2.0], "float16", {}),
    ("f16_vs_f64_looser_wins", [1.0, 2.0], "float16", [1.05, 2.0], "float64", {}),
    ("f32_vs_f64", [1.0, 2.0], "float32", [1.0005, 2.0], "float64", {}),
    ("int_exact_equal", [1, 2, 3], "int32", [1, 2, 3], "int32", {}),
    ("int_exact_off_by_one", [1, 2, 3], "int32", [1, 2, 4], "int32", {}),
    ("uint8_vs_int64", [1, 2, 250], "uint8", [1, 2, 250], "int64", {}),
    ("explicit_rtol", [1.0, 2.0], "float64", [1.05, 2.0], "float64", {"rtol": 0.1}),
    ("explicit_atol", [0.0, 2.0], "float64", [0.05, 2.0], "float64", {"atol": 0.1}),
    ("rtol_dict", [1.0, 2.0], "float32", [1.05, 2.0], "float32", {"rtol": {"float32": 0.1}}),
    ("nan_both_default", [1.0, NAN], "float64", [1.0, NAN], "float64", {}),
    ("nan_both_equal_nan", [1.0, NAN], "float64", [1.0, NAN], "float64", {"equal_nan": True}),
    ("nan_one_side", [1.0, NAN], "float64", [1.0, 2.0], "float64", {"equal_nan": True}),
    ("inf_same", [INF, -INF, 1.0], "float64", [INF, -INF, 1.0], "float64", {}),
    ("inf_vs_minus_inf", [INF, 1.0], "float64", [-INF, 1.0], "float64", {}),
    ("inf_vs_finite", [INF, 1.0], "float32", [1e30, 1.0], "float32", {}),
    ("broadcast_row", [[1.0, 2.0], [1.0, 2.0]], "float64", [1.0, 2.0], "float64", {}),
    ("broadcast_row_off", [[1.0, 2.0], [1.0, 2.5]], "float64", [1.0, 2.0], "float64", {}),
    ("broadcast_scalar", [3.0, 3.0, 3.0], "float32", 3.0, "py", {}),
    ("no_broadcast", [[1.0, 2.0], [1.0, 2.0]], "float64", [1.0, 2.0], "float64", {"use_broadcast": False}),
    ("zero_d", 1.0, "float64", 1.5, "float64", {}),
    ("many_mismatches", list(range(30)), "float64", [v + (0.5 if v % 2 else 0) for v in range(30)],
     "float64", {}),
    ("all_mismatch_counted", list(range(30)), "float64", [v + 0.5 for v in range(30)], "float64",
     {"mismatches": (3, 0)}),
    ("worst_is_relative", [100.0, 0.001], "float64", [100.5, 0.002], "float64", {"rtol": 1e-3, "atol": 1e-4}),
    ("bool_equal", [True, False], "bool", [True, False], "bool", {}),
    ("bool_differs", [True, False], "bool", [True, True], "bool", {}),
    ("nd_both", [1.0, 2.0], "nd:float32", [1.0, 2.01], "nd:float32", {}),
    ("nd_vs_np", [1.0, 2.0], "nd:float32", [1.0, 2.0005], "float64", {}),
]


def make(value, dtype):
    if dtype == "py":
        return value
    if dtype.startswith("nd:"):
        return mx.nd.array(np.array(value, dtype=dtype[3:]), dtype=dtype[3:])
    return np.array(value, dtype=dtype)


def report_lines(text):
    keep = [line for line in text.splitlines() if line.startswith(("Error ", "Location of maximum error"))]
    return keep


def compare_case(case):
    name, a, adt, b, bdt, kw = case
    kw = dict(kw)
    if isinstance(kw.get("rtol"), dict):
        kw["rtol"] = {np.dtype(k): v for k, v in kw["rtol"].items()}
    out = {"name": name, "a": a, "a_dtype": adt, "b": b, "b_dtype": bdt, "kwargs": case[5]}
    x, y = make(a, adt), make(b, bdt)
    try:
        out["tols"] = list(tu.get_tols(x, y, kw.get("rtol"), kw.get("atol")))
    except Exception as e:  # noqa: BLE001 - record what MXNet does
        out["tols"] = type(e).__name__
    ae_kw = {k: v for k, v in kw.items() if k in ("equal_nan", "use_broadcast")}
    try:
        nx = x.asnumpy() if isinstance(x, mx.nd.NDArray) else x
        ny = y.asnumpy() if isinstance(y, mx.nd.NDArray) else y
        out["almost_equal"] = bool(tu.almost_equal(nx, ny, kw.get("rtol") if not isinstance(kw.get("rtol"), dict)
                                                   else None, kw.get("atol"), **ae_kw))
    except AssertionError:
        out["almost_equal"] = "AssertionError"
    try:
        tu.assert_almost_equal(x, y, **kw)
        out["assert"] = "ok"
    except AssertionError as e:
        out["assert"] = "AssertionError"
        out["report"] = report_lines(str(e))
    except Exception as e:  # noqa: BLE001 - MXNet's report itself can fail (broadcast shapes)
        out["assert"] = type(e).__name__
    return out


def main():
    ref = {
        "mxnet": mx.__version__,
        "default_rtols": {np.dtype(k).name: v for k, v in tu.default_rtols().items()},
        "default_atols": {np.dtype(k).name: v for k, v in tu.default_atols().items()},
        "default_numeric_eps": {np.dtype(k).name: v for k, v in tu.default_numeric_eps().items()},
        "default_dtype": np.dtype(tu.default_dtype()).name,
        "get_rtol": {"none": tu.get_rtol(), "given": tu.get_rtol(0.5),
                     "by_dtype": {d: tu.get_rtol(None, np.dtype(d)) for d in DTYPES}},
        "get_atol": {"none": tu.get_atol(), "given": tu.get_atol(0.5),
                     "by_dtype": {d: tu.get_atol(None, np.dtype(d)) for d in DTYPES}},
        "get_etol": {"none": tu.get_etol(), "given": tu.get_etol(0.25)},
        "effective_dtype": {d: np.dtype(tu.effective_dtype(np.zeros(2, dtype=d))).name for d in DTYPES},
        "effective_dtype_nd": {d: np.dtype(tu.effective_dtype(mx.nd.zeros(2, dtype=d))).name
                               for d in ("float16", "float32", "float64", "int32", "uint8")},
        "get_tols_pairs": [[d1, d2] + list(tu.get_tols(np.zeros(1, d1), np.zeros(1, d2), None, None))
                           for d1 in DTYPES for d2 in DTYPES],
        "get_tols_python_numbers": list(tu.get_tols(1.0, 2, None, None)),
        "compare": [compare_case(c) for c in COMPARE],
    }
    path = os.path.join(HERE, "test_utils_mxnet.json")
    with open(path, "w") as f:
        json.dump(ref, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote", path, file=sys.stderr)


if __name__ == "__main__":
    main()
