"""Gradient rule of CTCLoss (nn_ctc.py).

The forward kernel already computed d(loss_n)/d(data) for every sequence
and the op saved it (OpDef(saves=True)); the rule scales it by the head
gradient of each sequence.  It is written with operators, so it records,
but the saved gradient is a constant to autograd: the second derivative of
CTC w.r.t. the data is not supported (it comes out as zero).
"""
from __future__ import annotations

from gluonx.ops.registry import F, defgrad


@defgrad("CTCLoss")
def _ctc_grad(node, dy):
    g = node.attrs["_saved"]
    return (F.broadcast_mul(g, dy.reshape((1, -1, 1))), None, None, None)
