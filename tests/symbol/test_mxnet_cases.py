"""Symbols built by the code strings of tests/data/symbol/symbol_cases.json
(made with real MXNet 1.9.1 by gen_symbol_mxnet.py) give MXNet's names,
arguments, outputs, attributes, JSON (byte for byte), inferred shapes and
dtypes, and fail where MXNet fails."""
import json
import os

import numpy as np
import pytest

import gluonx as mx

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "symbol")
CASES = json.load(open(os.path.join(DATA, "symbol_cases.json")))["cases"]

# Where gluonx deliberately differs from MXNet 1.9.1 (README "Differences").
DIFFERENCES = {
    # MXNet never checks that a reshape keeps the size: (2, 3, 4, 5) with shape=(7, -1) gives (7, 17)
    "shape_reshape_bad_size": "gluonx rejects a reshape that changes the number of elements",
    # MXNet raises on data (4, 0); gluonx leaves a partly known data shape unknown
    "shape_fc_backward_batch_known": "partly known data shapes stay unknown, (None, None, None)",
    # MXNet writes argmax's index in the input's dtype: float16 rounds indices past 2048
    "shape_argmax": "argmax of float16 data gives float32 indices",
}


# MXNet operators gluonx does not have yet (they come with the operator issue)
MISSING_OPS = [n for n in ("LinearRegressionOutput", "add_n", "SequenceMask", "smooth_l1", "shape_array", "diag",
                           "identity") if not hasattr(mx.sym, n)]


def build(case):
    with mx.name.NameManager():
        if case["mode"] == "eval":
            return eval(case["code"], {"mx": mx, "np": np})
        ns = {"mx": mx, "np": np}
        exec(case["code"], ns)
        return ns["sym"]


def _shapes(v):
    return [list(s) if s is not None else None for s in v] if v is not None else None


def _check_call(expected, fn):
    if isinstance(expected, dict) and "error" in expected:
        with pytest.raises(Exception) as ei:
            fn()
        want = {"MXNetError": mx.base.MXNetError, "TypeError": TypeError, "ValueError": ValueError,
                "IndexError": IndexError}.get(expected["error"], Exception)
        assert isinstance(ei.value, want), "raised %r, MXNet raised %s" % (ei.value, expected["error"])
        return None
    return fn()


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case):
    if case["name"] in DIFFERENCES:
        pytest.skip(DIFFERENCES[case["name"]])
    missing = [n for n in MISSING_OPS if "mx.sym.%s(" % n in case["code"]]
    if missing:
        pytest.skip("operator %s is not in gluonx yet" % missing)
    r = case["results"]
    if "build" in r:
        _check_call(r["build"], lambda: build(case))
        return
    sym = build(case)
    for key in ("list_arguments", "list_outputs", "list_auxiliary_states", "list_inputs"):
        if key in r:
            got = _check_call(r[key], getattr(sym, key))
            if not isinstance(r[key], dict):
                assert got == r[key], key
    if "name" in r and not isinstance(r["name"], dict):
        assert sym.name == r["name"]
    if "num_outputs" in r:
        assert len(sym) == r["num_outputs"]
    if "tojson" in r and isinstance(r["tojson"], str):
        assert sym.tojson() == r["tojson"]
    if "attr_dict" in r and not (isinstance(r["attr_dict"], dict) and "error" in r["attr_dict"]):
        assert sym.attr_dict() == r["attr_dict"]
    if "list_attr" in r and not (isinstance(r["list_attr"], dict) and "error" in r["list_attr"]):
        assert sym.list_attr() == r["list_attr"]
    shapes = {k: tuple(v) for k, v in case.get("shapes", {}).items()}
    if "infer_shape" in r:
        got = _check_call(r["infer_shape"], lambda: sym.infer_shape(**shapes))
        if got is not None:
            want = r["infer_shape"]
            if want.get("arg") is None:
                assert got == (None, None, None)
            else:
                assert _shapes(got[0]) == want["arg"]
                assert _shapes(got[1]) == want["out"]
                assert _shapes(got[2]) == want["aux"]
    dtypes = case.get("dtypes")
    if dtypes and "infer_type" in r:
        got = _check_call(r["infer_type"], lambda: sym.infer_type(**dtypes))
        if got is not None and r["infer_type"].get("arg") is not None:
            names = lambda ts: [np.dtype(t).name for t in ts]  # noqa: E731
            assert names(got[0]) == r["infer_type"]["arg"]
            assert names(got[1]) == r["infer_type"]["out"]
            assert names(got[2]) == r["infer_type"]["aux"]
