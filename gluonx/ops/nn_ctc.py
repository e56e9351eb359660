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
- Invalid labels (out of [0, A), or the blank) and lengths out of range are
  errors (MXNet reads out of bounds or crashes).

The kernel (``ctc_loss``, backends/cpu/ctc.c) computes the loss and its
gradient w.r.t. ``data`` in one pass, as warp-ctc does; the op saves that
gradient for its rule (nn_ctc_grad.py).  The second derivative is not
supported (the saved gradient is a constant to autograd).
"""
from __future__ import annotations

import struct

import numpy as np

from gluonx._core import ndarray as _c
from gluonx.base import MXNetTypeError, MXNetValueError
from gluonx.ops.registry import Attr, OpDef, register, write_out

_CTC = struct.Struct("=iiii")  # gx_ctc_attrs: blank, padding, use_data_lengths, use_label_lengths
_OP = "CTCLoss"


def _index_array(x, what, shape):
    if not isinstance(x, _c.NDArray):
        raise MXNetTypeError("Operator %s: %s must be an NDArray, got %s" % (_OP, what, type(x).__name__))
    if tuple(x.shape) != tuple(shape):
        raise MXNetValueError("Operator %s: %s has shape %s; expected %s" % (_OP, what, x.shape, tuple(shape)))
    if np.dtype(x.dtype).kind not in "iuf":
        raise MXNetTypeError("Operator %s: %s must have a numeric dtype, got %s"
                             % (_OP, what, np.dtype(x.dtype).name))
    return x if x.dtype == np.int64 else _c.astype(x, "int64")


def _ctc_loss(data, label, data_lengths=None, label_lengths=None, use_data_lengths=False,
              use_label_lengths=False, blank_label="first", out=None):
    """Returns (loss, grad w.r.t. data); the registry keeps grad for the rule."""
    if data.ndim != 3:
        raise MXNetValueError("Operator %s: data must be 3-D (sequence_length, batch_size, alphabet_size), "
                              "got shape %s" % (_OP, data.shape))
    dt = np.dtype(data.dtype)
    if dt not in (np.float32, np.float64):
        raise MXNetTypeError("Operator %s: data must be float32 or float64, got %s" % (_OP, dt.name))
    T, N, A = data.shape
    if label.ndim != 2 or label.shape[0] != N:
        raise MXNetValueError("Operator %s: label must be 2-D (batch_size, label_sequence_length) with "
                              "batch_size %d (the data's shape is %s), got shape %s" % (_OP, N, data.shape,
                                                                                         label.shape))
    L = label.shape[1]
    if L > T:
        raise MXNetValueError("Operator %s: the label length %d (label shape %s) cannot exceed the sequence "
                              "length %d (data shape %s)" % (_OP, L, label.shape, T, data.shape))
    if A < 1:
        raise MXNetValueError("Operator %s: the alphabet size (data's last axis) must be at least 1, got "
                              "shape %s" % (_OP, data.shape))
    # MXNet binds the inputs in order, per the flags: with use_label_lengths
    # alone, the third positional input is the label lengths
    if use_label_lengths and not use_data_lengths and label_lengths is None and data_lengths is not None:
        data_lengths, label_lengths = None, data_lengths
    ins = [data, _index_array(label, "label", (N, L))]
    for flag, arr, what in ((use_data_lengths, data_lengths, "data_lengths"),
                            (use_label_lengths, label_lengths, "label_lengths")):
        if flag and arr is None:
            raise MXNetValueError("Operator %s: use_%s=True needs the %s input" % (_OP, what, what))
        if arr is not None and not flag:
            raise MXNetValueError("Operator %s: a %s input was given but use_%s is False" % (_OP, what, what))
        if flag:
            ins.append(_index_array(arr, what, (N,)))
    first = blank_label == "first"
    loss = _c.empty((N,), dt, data.context)
    grad = _c.empty((T, N, A), dt, data.context)
    if N:
        attrs = _CTC.pack(0 if first else A - 1, 0 if first else -1, int(use_data_lengths),
                          int(use_label_lengths))
        _c.launch("ctc_loss", ins, [loss, grad], attrs, _OP)
    return write_out(loss, out), grad


register(OpDef(_OP, _ctc_loss, saves=True, inputs=("data", "label", "data_lengths", "label_lengths"),
               optional=("data_lengths", "label_lengths"),
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
