"""Connectionist temporal classification loss: ``CTCLoss`` (``ctc_loss``).

MXNet 1.9.1 semantics (checked against the real library):

- ``data`` is (T, N, A) unnormalised activations; the op applies log-softmax
  over the alphabet itself.  ``label`` is (N, L), any numeric dtype (float
  values are truncated toward zero).  The output is the negative
  log-likelihood per sequence, shape (N,), in the data's dtype (float32 or
  float64).
- ``blank_label='first'``: the blank is 0, labels are 1..A-1 and a label
  ends at its first 0.  MXNet reads a -1 there as a (out-of-range) label;
  gluonx also ends the label at -1.  ``blank_label='last'``: the blank is
  A-1, labels are 0..A-2 and a label ends at its first -1.
- ``use_label_lengths=True``: the label of sequence n is its first
  ``label_lengths[n]`` entries (padding values are not looked for).
  ``use_data_lengths=True``: sequence n has ``data_lengths[n]`` steps; the
  gradient is 0 past them.  Lengths may have any numeric dtype.
  As in MXNet, the inputs follow the flags: with ``use_label_lengths`` only,
  a third positional input is the label lengths.
- A label that cannot be aligned (L + repeated neighbours > T) gets loss 0
  and gradient 0 (what MXNet returns); L > T (the label array is wider than
  the time axis) is an error, as in MXNet.
- A label equal to the blank's index is read as MXNet reads it: a symbol
  with the blank's emission that the recursion never skips into (MXNet's
  own tests pad labels that way past ``label_lengths``).  Labels out of
  [0, A) and lengths out of range are errors (MXNet reads out of bounds or
  crashes).

The kernel (``ctc_loss``, backends/cpu/ctc.c) computes the loss and its
gradient w.r.t. ``data`` in one pass, as warp-ctc does; the op saves that
gradient for its rule (nn_ctc_grad.py).  The second derivative is not
supported (the saved gradient is a constant to autograd).

As in MXNet, the label shape is not inferred (it is the caller's to give);
the inputs present follow the flags (``input_names``), and the one visible
output is named ``output0`` (MXNet's kernel has a hidden second output).
"""
from __future__ import annotations

import struct

import numpy as np

from gluonx._core import ndarray as _c
from gluonx.base import MXNetTypeError, MXNetValueError
from gluonx.ops.registry import Attr, OpDef, register

_CTC = struct.Struct("=iiii")  # gx_ctc_attrs: blank, padding, use_data_lengths, use_label_lengths
_OP = "CTCLoss"


def _lengths_shapes(a, shapes, dtypes):
    """[(what, flag, shape, dtype)] of the two length inputs.  MXNet binds the
    inputs in order, per the flags: with use_label_lengths alone, the third
    input is the label lengths (passed positionally, it lands in the
    data_lengths slot)."""
    def at(seq, i):
        return seq[i] if len(seq) > i else None
    dl, ll = (at(shapes, 2), at(dtypes, 2)), (at(shapes, 3), at(dtypes, 3))
    if a["use_label_lengths"] and not a["use_data_lengths"] and ll[0] is None and dl[0] is not None:
        dl, ll = (None, None), dl
    return (("data_lengths", a["use_data_lengths"]) + dl, ("label_lengths", a["use_label_lengths"]) + ll)


def _check_index(what, shape, dtype, want):
    if tuple(shape) != tuple(want):
        raise MXNetValueError("Operator %s: %s has shape %s; expected %s"
                              % (_OP, what, tuple(shape), tuple(want)))
    if np.dtype(dtype).kind not in "iuf":
        raise MXNetTypeError("Operator %s: %s must have a numeric dtype, got %s" % (_OP, what, dtype))


def _ctc_infer(a, shapes, dtypes):
    ds, ls = tuple(shapes[0]), tuple(shapes[1])
    if len(ds) != 3:
        raise MXNetValueError("Operator %s: data must be 3-D (sequence_length, batch_size, alphabet_size), "
                              "got shape %s" % (_OP, ds))
    if dtypes[0] not in ("float32", "float64"):
        raise MXNetTypeError("Operator %s: data must be float32 or float64, got %s" % (_OP, dtypes[0]))
    T, N, A = ds
    if len(ls) != 2 or ls[0] != N:
        raise MXNetValueError("Operator %s: label must be 2-D (batch_size, label_sequence_length) with "
                              "batch_size %d (the data's shape is %s), got shape %s" % (_OP, N, ds, ls))
    L = ls[1]
    if L > T:
        raise MXNetValueError("Operator %s: the label length %d (label shape %s) cannot exceed the sequence "
                              "length %d (data shape %s)" % (_OP, L, ls, T, ds))
    if A < 1:
        raise MXNetValueError("Operator %s: the alphabet size (data's last axis) must be at least 1, got "
                              "shape %s" % (_OP, ds))
    _check_index("label", ls, dtypes[1], (N, L))
    for what, flag, shape, dtype in _lengths_shapes(a, shapes, dtypes):
        if flag and shape is None:
            raise MXNetValueError("Operator %s: use_%s=True needs the %s input" % (_OP, what, what))
        if shape is not None and not flag:
            raise MXNetValueError("Operator %s: a %s input was given but use_%s is False" % (_OP, what, what))
        if flag:
            _check_index(what, shape, dtype, (N,))
    return [(N,)], [dtypes[0]]


def _as_index(x):
    return x if x.dtype == np.int64 else _c.astype(x, "int64")


def _ctc_loss(data, label, data_lengths=None, label_lengths=None, out=None, use_data_lengths=False,
              use_label_lengths=False, blank_label="first"):
    """Writes the loss into `out`; returns the gradient w.r.t. data (kept for the rule)."""
    if use_label_lengths and not use_data_lengths and label_lengths is None:
        data_lengths, label_lengths = None, data_lengths  # see _lengths_shapes
    T, N, A = data.shape
    ins = [data, _as_index(label)]
    if use_data_lengths:
        ins.append(_as_index(data_lengths))
    if use_label_lengths:
        ins.append(_as_index(label_lengths))
    first = blank_label == "first"
    grad = _c.empty((T, N, A), data.dtype, data.context)
    if N:
        attrs = _CTC.pack(0 if first else A - 1, 0 if first else -1, int(use_data_lengths),
                          int(use_label_lengths))
        _c.launch("ctc_loss", ins, [out, grad], attrs, _OP)
    return grad


def _ctc_input_names(a):
    return (("data", "label") + (("data_lengths",) if a["use_data_lengths"] else ())
            + (("label_lengths",) if a["use_label_lengths"] else ()))


register(OpDef(_OP, _ctc_loss, infer=_ctc_infer, saves=True,
               inputs=("data", "label", "data_lengths", "label_lengths"),
               optional=("data_lengths", "label_lengths"), input_names=_ctc_input_names,
               output_names=("output0",),
               attrs=(Attr("use_data_lengths", "bool", False, "Read per-sequence lengths from data_lengths."),
                      Attr("use_label_lengths", "bool", False,
                           "Read per-label lengths from label_lengths (else a label ends at its padding)."),
                      Attr("blank_label", "str", "first",
                           "'first': blank 0, labels 1..A-1, padded with 0; 'last': blank A-1, labels "
                           "0..A-2, padded with -1.", choices=("first", "last"))),
               aliases=("ctc_loss", "_contrib_CTCLoss", "_contrib_ctc_loss", "contrib_CTCLoss",
                        "contrib_ctc_loss"),
               doc="Connectionist temporal classification loss of (T, N, A) activations (log-softmax is "
                   "applied over A) against (N, L) labels: the negative log-likelihood per sequence.\n\n"
                   ">>> x = mx.nd.zeros((2, 1, 3))\n"
                   ">>> mx.nd.CTCLoss(x, mx.nd.array([[1]])).asnumpy().round(4)  # 3 alignments of 9\n"
                   "array([1.0986], dtype=float32)"))
