"""The scenarios of custom_op_cases.py under gluonx against what real MXNet 1.9.1
observed (custom_op_mxnet.json, made by gen_custom_op_mxnet.py): values, gradients, and
what the Python operator saw (is_train, req, the prop's string keywords, infer_shape /
infer_type / create_operator arguments)."""
import json
import os

import numpy as np
import pytest

import gluonx as mx
import custom_op_cases

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "custom_op_mxnet.json")) as _f:
    EXPECTED = json.load(_f)


@pytest.fixture(scope="module")
def observed():
    return custom_op_cases.run_all(mx)


def _same(got, want, where):
    """Equal structure; numbers within float32 rounding, everything else exactly."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and sorted(got) == sorted(want), (where, got, want)
        for k in want:
            _same(got[k], want[k], "%s.%s" % (where, k))
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), (where, got, want)
        for i, (g, w) in enumerate(zip(got, want)):
            _same(g, w, "%s[%d]" % (where, i))
    elif isinstance(want, float):
        assert isinstance(got, (int, float)) and not isinstance(got, bool), (where, got, want)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=where)
    else:
        assert got == want and type(got) is type(want), (where, got, want)


@pytest.mark.parametrize("case", sorted(k for k in EXPECTED if not k.startswith("_")))
def test_matches_mxnet(observed, case):
    _same(observed[case], EXPECTED[case], case)


def test_every_case_is_pinned(observed):
    assert sorted(observed) == sorted(k for k in EXPECTED if not k.startswith("_"))
