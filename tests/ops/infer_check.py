"""Helpers of the tests/ops/test_infer_*.py files: an operator's shape/dtype
rule against its eager result, and the rule on its own."""
import numpy as np

from gluonx.ops.registry import get_op


def dtype_name(x):
    return None if x is None else np.dtype(x.dtype).name


def check_eager(name, inputs, **attrs):
    """Runs operator `name` eagerly and checks that its rule predicts the
    result's shapes, dtypes and number of outputs; returns the result."""
    op = get_op(name)
    res = op(*inputs, **attrs)
    outs = list(res) if isinstance(res, (list, tuple)) else [res]
    shapes = [None if x is None else tuple(x.shape) for x in inputs]
    dtypes = [dtype_name(x) for x in inputs]
    parsed = op.parse_attrs(attrs)
    oshapes, odtypes = op.infer_shapes(parsed, shapes, dtypes)
    assert [tuple(s) for s in oshapes] == [o.shape for o in outs], (name, attrs)
    assert list(odtypes) == [dtype_name(o) for o in outs], (name, attrs)
    assert len(outs) == op.output_count(parsed), (name, attrs)
    return res


def rule_outputs(name, shapes, dtypes, **attrs):
    """(output shapes, output dtypes) of the rule (which may complete the
    lists `shapes`/`dtypes` in place)."""
    op = get_op(name)
    return op.infer_shapes(op.parse_attrs(attrs), shapes, dtypes)


def rule_all(name, shapes, dtypes, **attrs):
    """(input shapes, input dtypes, output shapes, output dtypes): the inputs
    as the rule completed them (backward inference)."""
    op = get_op(name)
    shapes, dtypes = list(shapes), list(dtypes)
    oshapes, odtypes = op.infer_shapes(op.parse_attrs(attrs), shapes, dtypes)
    return shapes, dtypes, [tuple(s) for s in oshapes], list(odtypes)
