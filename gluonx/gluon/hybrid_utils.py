"""What HybridBlock needs to become a graph: MXNet's nesting of inputs and
outputs (``_flatten``/``_regroup``), tracing ``hybrid_forward`` with
``F = mx.sym`` (with errors that name the block and the line), and
writing ``export`` files."""
from __future__ import annotations

import os
import sys
import traceback

from gluonx._core.ndarray import NDArray
from gluonx._fileio import write_atomic
from gluonx.base import MXNetError, MXNetValueError
from gluonx.ndarray.serialization import save
from gluonx.symbol import Symbol


def flatten(args, inout_str: str):
    """(flat list, format) of a nested list of arrays/Symbols (MXNet's
    _flatten: 0 one array, n a Symbol with n outputs, -1 None, a list for a
    list)."""
    if isinstance(args, NDArray):
        return [args], 0
    if isinstance(args, Symbol):
        n = len(args.list_outputs())
        return [args], (n if n > 1 else 0)
    if args is None:
        return [None], -1
    if not isinstance(args, (list, tuple)):
        raise MXNetValueError("HybridBlock %s must be (nested) list of Symbol or NDArray, but got %s of type %s"
                              % (inout_str, str(args), str(type(args))))
    flat, fmts = [], []
    for i in args:
        arg, fmt = flatten(i, inout_str)
        flat.extend(arg)
        fmts.append(fmt)
    return flat, fmts


def regroup(args, fmt):
    """The inverse of :func:`flatten`: (nested value, remaining items)."""
    if isinstance(fmt, int):
        if fmt == 0:
            return args[0], args[1:]
        if fmt == -1:
            if args[0] is not None:
                raise MXNetValueError("Not supported: expected None for an input that was None before")
            return None, args[1:]
        return args[:fmt], args[fmt:]
    ret = []
    for i in fmt:
        res, args = regroup(args, i)
        ret.append(res)
    return ret, args


def _user_frame(tb) -> str:
    """file:line of the innermost frame outside gluonx (the user's code)."""
    pkg = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    user = forward = None
    for frame in traceback.extract_tb(tb):
        where = "%s:%d%s" % (frame.filename, frame.lineno, " (%s)" % frame.line.strip() if frame.line else "")
        if not os.path.abspath(frame.filename).startswith(pkg + os.sep):
            user = where
        if frame.name == "hybrid_forward":
            forward = where
    return user or forward or "?"


def trace_block(block, fn, *args, **kwargs):
    """Calls ``hybrid_forward(mx.sym, ...)``; an error that comes from using
    a Symbol as a value names the block and the user's line."""
    try:
        return fn(*args, **kwargs)
    except (TypeError, ValueError, AttributeError, MXNetError) as e:
        if getattr(e, "_gluonx_traced", False):
            raise
        where = _user_frame(sys.exc_info()[2])
        msg = ("%s\n  while tracing %s (%s.hybrid_forward) into a graph for hybridize(), at %s.  Inside "
               "hybrid_forward the inputs are Symbols (F is mx.sym): they have no values or shapes, so Python "
               "control flow on them, .asnumpy() or .shape cannot work; use F operators instead, or do not "
               "hybridize this block." % (e, block.name, type(block).__name__, where))
        try:
            err = type(e)(msg)
        except Exception:
            err = MXNetError(msg)
        err._gluonx_traced = True
        raise err from e


def write_export(path: str, epoch: int, sym, arg_dict: dict) -> tuple[str, str]:
    """Writes ``path-symbol.json`` and ``path-%04d.params``; each file is
    written whole or not at all, and the params file is removed again if the
    symbol cannot be written."""
    text = sym.tojson()
    sym_file = "%s-symbol.json" % path
    params_file = "%s-%04d.params" % (path, epoch)
    existed = os.path.exists(params_file)
    save(params_file, arg_dict)
    try:
        write_atomic(sym_file, text.encode("utf-8"), "export")
    except BaseException:
        if not existed:
            try:
                os.unlink(params_file)
            except OSError:
                pass
        raise
    return sym_file, params_file
