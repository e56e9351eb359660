"""Checks of optimizers and Gluon blocks: two optimizers that must agree step
for step, and a HybridBlock that must agree with its hybridized self.

>>> import gluonx as mx
>>> compare_optimizer(mx.optimizer.SGD(learning_rate=0.1), mx.optimizer.SGD(learning_rate=0.1), (3, 4), 'float32')
"""
from __future__ import annotations

import copy
from typing import Callable, Optional, Sequence

import numpy as np

from gluonx import autograd
from gluonx.base import MXNetNotImplementedError, MXNetValueError
from gluonx.ndarray import array

from gluonx.test_utils.compare import assert_almost_equal, compare_ndarray_tuple
from gluonx.test_utils.misc import default_context

__all__ = ["compare_optimizer", "check_gluon_hybridize_consistency"]


def _uniform(shape, dtype):
    from gluonx import random as _random
    return _random.uniform(shape=shape, ctx=default_context(), dtype=dtype)


def compare_optimizer(opt1, opt2, shape, dtype, w_stype: str = "default", g_stype: str = "default",
                      rtol: float = 1e-4, atol: float = 1e-5, compare_states: bool = True, ntensors: int = 1) -> None:
    """Runs one update of `opt1` and `opt2` from the same random weight and gradient and asserts
    the same states and weights (``create_state_multi_precision`` / ``update_multi_precision``).

    `shape` a tuple: one tensor.  `shape` a list of shapes: `opt2` updates all `ntensors` at once
    (index list, a multi-tensor optimizer) and `opt1` one at a time, as the reference.  Sparse
    `w_stype`/`g_stype` raise MXNetNotImplementedError (gluonx has dense arrays only).
    """
    for what, stype in (("w_stype", w_stype), ("g_stype", g_stype)):
        if stype != "default":
            if stype in ("row_sparse", "csr"):
                raise MXNetNotImplementedError("compare_optimizer: %s=%r needs sparse storage, which gluonx does "
                                               "not have" % (what, stype))
            raise MXNetValueError("compare_optimizer: %s must be 'default', got %r" % (what, stype))
    if not isinstance(shape, list):
        if ntensors != 1:
            raise MXNetValueError("compare_optimizer: ntensors=%d needs a list of shapes, got %r" % (ntensors, shape))
        w2 = _uniform(shape, dtype)
        w1 = w2.copyto(default_context())
        g2 = _uniform(shape, dtype)
        g1 = g2.copyto(default_context())
        state1 = opt1.create_state_multi_precision(0, w1)
        state2 = opt2.create_state_multi_precision(0, w2)
        if compare_states:
            compare_ndarray_tuple(state1, state2)
        opt1.update_multi_precision(0, w1, g1, state1)
        opt2.update_multi_precision(0, w2, g2, state2)
        if compare_states:
            compare_ndarray_tuple(state1, state2, rtol=rtol, atol=atol)
        assert_almost_equal(w1, w2, rtol=rtol, atol=atol)
        return
    if len(shape) < ntensors:
        raise MXNetValueError("compare_optimizer: %d shapes for ntensors=%d" % (len(shape), ntensors))
    w1, g1 = [], []
    for s in shape:
        w1.append(_uniform(s, dtype))
        g1.append(_uniform(s, dtype))
    w1, g1 = tuple(w1), tuple(g1)
    w2, g2 = copy.deepcopy(w1), copy.deepcopy(g1)
    state2 = [opt2.create_state_multi_precision(0, w2[i]) for i in range(ntensors)]
    opt2.update_multi_precision(list(range(ntensors)), w2, g2, state2)
    for i in range(ntensors):
        state1 = opt1.create_state_multi_precision(i, w1[i])
        opt1.update_multi_precision(i, w1[i], g1[i], state1)
        if compare_states:
            compare_ndarray_tuple(state1, state2[i], rtol, atol)
        compare_ndarray_tuple(w1[i], w2[i], rtol, atol)


def _run_block(net, data: Sequence, use_autograd: bool):
    inputs = [d.copy() for d in data]
    if use_autograd:
        for x in inputs:
            x.attach_grad()
        with autograd.record():
            out = net(*inputs)
        out.backward(out)
    else:
        out = net(*inputs)
    return out.asnumpy(), ([x.grad.asnumpy() for x in inputs] if use_autograd else None)


def check_gluon_hybridize_consistency(net_builder: Callable, data_l: Sequence, numpy_func: Optional[Callable] = None,
                                      test_grad: bool = True, rtol: float = 1e-4, atol: float = 1e-4) -> None:
    """Asserts a HybridBlock gives the same output (and input gradients, for a head gradient equal
    to the output, if `test_grad`) imperatively and hybridized, and matches `numpy_func` if given.

    `net_builder(prefix='net_')` builds the block; every build gets the parameter values of the
    first one.  The block must not draw random numbers.

    >>> import gluonx as mx
    >>> check_gluon_hybridize_consistency(lambda prefix: mx.gluon.nn.Dense(3, prefix=prefix),
    ...                                   [mx.nd.ones((2, 4))])
    """
    saved_params = None
    ref_out = ref_grads = None
    modes = [False, True] if test_grad else [False]
    for hybridize in (False, True):
        for use_autograd in modes:
            net = net_builder(prefix="net_")
            net.initialize()
            if saved_params is not None:
                with autograd.pause():
                    net(*[d.copy() for d in data_l])        # finishes deferred initialization
                params = list(net.collect_params().values())
                if len(params) != len(saved_params):
                    raise MXNetValueError("check_gluon_hybridize_consistency: net_builder made %d parameters, "
                                          "then %d" % (len(saved_params), len(params)))
                for p, value in zip(params, saved_params):
                    p.set_data(array(value, dtype=value.dtype))
            if hybridize:
                net.hybridize()
            out, grads = _run_block(net, data_l, use_autograd)
            if saved_params is None:            # every later build starts from these values
                saved_params = [p.data().asnumpy() for p in net.collect_params().values()]
            if ref_out is None:
                ref_out = out
            else:
                assert_almost_equal(out, ref_out, rtol=rtol, atol=atol,
                                    names=("output (hybridize=%s)" % hybridize, "first output"))
            if grads is not None:
                if ref_grads is None:
                    ref_grads = grads
                else:
                    for g, ref in zip(grads, ref_grads):
                        assert_almost_equal(g, ref, rtol=rtol, atol=atol,
                                            names=("input gradient (hybridize=%s)" % hybridize, "first gradient"))
    if numpy_func is not None:
        expected = numpy_func(*[d.asnumpy() for d in data_l])
        assert_almost_equal(ref_out, expected, rtol=rtol, atol=atol, names=("block output", "numpy_func"))
