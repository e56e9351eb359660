"""Every registered operator is fuzzed: called with hostile attributes and inputs
(test_hostile.py) and compared with NumPy / checked numerically by a family file,
or listed, with the reason, in a SKIP table below."""
from __future__ import annotations

import test_elemwise_fuzz
import test_hostile
import test_nn_fuzz
import test_reduce_fuzz
import test_shape_fuzz
from strategies import unique_ops

# ops with no NumPy comparison or numeric gradient check here, and why (all of them
# still get the hostile calls of test_hostile.py unless test_hostile.SKIP names them)
SKIP_REFERENCE = {
    "_norm_backward": "internal backward helper of the norm layers; checked through their gradients",
    "_backward_pooling": "internal backward helper of Pooling; checked through Pooling's gradient",
    "_conv_weight_grad": "internal backward helper of Convolution; checked through its gradient",
    "_pooling_max_pick": "internal backward helper of max Pooling; checked through Pooling's gradient",
    "_scatter_add": "the kernel behind every gather gradient; checked through those gradients",
    "scatter_nd": "no NumPy one-liner with MXNet's duplicate-index rule; hostile calls only",
    "argmax_channel": "compared in test_reduce_fuzz.test_argmax_argmin_vs_numpy",
    "Dropout": "random mask: hostile calls, and its gradient check in tests/ops",
    "slice_like": "gradient checked with drawn values; no separate NumPy table",
    "Custom": "runs a user's Python operator (mx.operator); tests/operator checks it",
}


def test_every_op_is_fuzzed():
    covered = (test_elemwise_fuzz.COVERED | test_reduce_fuzz.COVERED | test_shape_fuzz.COVERED
               | test_nn_fuzz.COVERED | set(SKIP_REFERENCE))
    ops = unique_ops()
    missing = sorted(n for n in ops if n not in covered)
    assert not missing, "operators with no fuzz reference or gradient check (add one or a SKIP reason): %s" % missing
    unknown = sorted((set(SKIP_REFERENCE) | set(test_hostile.SKIP)) - set(ops))
    assert not unknown, "SKIP tables name operators that do not exist: %s" % unknown
    hostile = set(ops) - set(test_hostile.SKIP)
    assert hostile | set(test_hostile.SKIP) == set(ops) and len(hostile) >= len(ops) - 2
