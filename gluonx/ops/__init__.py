"""Operator definitions, one module per family.

Importing this package registers every operator in
:mod:`gluonx.ops.registry`; :mod:`gluonx.ndarray` then generates ``mx.nd``
and the NDArray methods from the registry.
"""
from gluonx.ops import registry  # noqa: F401
from gluonx.ops import (creation, elemwise, reduce, shape, indexing, sort, linalg, random,  # noqa: F401
                        nn_basic, nn_norm, nn_resample, nn_conv, nn_softmax, optimizer_ops, nn_ctc, custom)
# gradient rules: each family's <family>_grad module attaches them to its OpDefs
from gluonx.ops import (gradutil, shape_grad, elemwise_grad, reduce_grad,  # noqa: F401
                        nn_basic_grad, nn_norm_grad, nn_resample_grad, nn_conv_grad, nn_softmax_grad,
                        nn_ctc_grad)

# What the core calls upward, injected here so that it imports nothing above itself.
from gluonx._core import ndarray as _core  # noqa: E402
from gluonx.ops import core_grad as _core_grad  # noqa: E402

_core.set_rule_lookup(_core_grad.lookup_rule)
_core.set_hooks(op=registry.get_op, reshape_rule=shape.infer_reshape,
                advanced_getitem=indexing.advanced_getitem, advanced_setitem=indexing.advanced_setitem)
