"""Gluon parameters: :class:`Parameter`, :class:`Constant`, :class:`ParameterDict`.

A Parameter holds one copy of a weight per context (and a gradient buffer per
copy unless ``grad_req='null'``).  Its shape may be partly unknown (0 dims)
until the first forward pass fills it in (deferred initialization)::

    >>> import gluonx as mx
    >>> w = mx.gluon.Parameter('fc_weight', shape=(2, 3))
    >>> class Ones:
    ...     def __call__(self, desc, arr): arr[:] = 1.0
    >>> w.initialize(init=Ones())
    >>> float(w.data().asnumpy().sum())
    6.0
"""
from __future__ import annotations

import warnings
import weakref
from collections import OrderedDict

import numpy as np

from gluonx.base import MXNetError, MXNetValueError
from gluonx import autograd
from gluonx.context import Context, cpu, current_context
from gluonx import initializer, ndarray, symbol
from gluonx._core import ndarray as _c
from gluonx.initializer import InitDesc
from gluonx.gluon.utils import _indent, _brief_print_list, shape_is_known
from gluonx.ndarray import NDArray
from gluonx.symbol import Symbol

__all__ = ["DeferredInitializationError", "Parameter", "Constant", "ParameterDict", "tensor_types"]


tensor_types = (Symbol, NDArray)


class DeferredInitializationError(MXNetError):
    """Error for unfinished deferred initialization."""


class ParameterError(MXNetValueError, AssertionError):
    """A Parameter's attributes conflict (e.g. ``ParameterDict.get`` with a
    different shape).  Also an AssertionError, which MXNet raised."""


class ParameterLoadError(ParameterError):
    """Loading parameters failed (missing / extra names, shape or dtype
    mismatch)."""


# ---- the initializer interface (gluonx.initializer, imported lazily) --------------

def _init_desc(name, attrs, global_init):
    return InitDesc(name, attrs, global_init)


def _create_init(init):
    """An initializer object from a name string / object."""
    if isinstance(init, str) or init is None:
        return initializer.create(init)
    return init


def _default_init():
    return initializer.Uniform(0.07)


def _mark(arr, grad_req):
    """Gives `arr` a fresh zero gradient buffer (or none for 'null')."""
    if grad_req == "null":
        _c.clear_variable(arr)
        return None
    arr.attach_grad(grad_req)
    return arr.grad


class Parameter:
    """A weight of a Block: one array per context, plus gradients.

    Parameters: name, grad_req ('write' | 'add' | 'null'), shape (0 dims
    are unknown until deferred initialization), dtype, lr_mult, wd_mult, init
    (Initializer or name; the global init of ``initialize()`` otherwise),
    allow_deferred_init, differentiable, stype, grad_stype.
    """

    def __init__(self, name, grad_req="write", shape=None, dtype=np.float32, lr_mult=1.0, wd_mult=1.0,
                 init=None, allow_deferred_init=False, differentiable=True, stype="default",
                 grad_stype="default"):
        self._var = None
        self._data = None
        self._grad = None
        self._ctx_list = None
        self._ctx_map = None
        self._trainer_ref = None   # a weak reference: a Trainer keeps its Parameters, not the reverse
        self._deferred_init = ()
        self._differentiable = differentiable
        self._allow_deferred_init = allow_deferred_init
        self._grad_req = None
        if isinstance(shape, int):
            shape = (shape,)
        self._shape = tuple(shape) if shape is not None else None
        self.name = name
        self._dtype = dtype
        self.lr_mult = lr_mult
        self.wd_mult = wd_mult
        self.grad_req = grad_req
        self.init = init
        valid = ("default", "row_sparse", "csr")
        if grad_stype not in valid:
            raise MXNetValueError("grad_stype for Parameter '%s' must be one of 'default', 'row_sparse', "
                                  "or 'csr', but got '%s'" % (name, grad_stype))
        if stype not in valid:
            raise MXNetValueError("stype for Parameter '%s' must be one of 'default', 'row_sparse', "
                                  "or 'csr', but got '%s'" % (name, stype))
        self._grad_stype = grad_stype
        self._stype = stype

    def __repr__(self):
        return "Parameter {name} (shape={shape}, dtype={dtype})".format(
            name=self.name, shape=self.shape, dtype=self.dtype)

    # ---- attributes -------------------------------------------------------------
    @property
    def grad_req(self):
        return self._grad_req

    @grad_req.setter
    def grad_req(self, req):
        if req not in ("write", "add", "null"):
            raise MXNetValueError("grad_req must be one of 'write', 'add', or 'null', but got '%s'" % req)
        if not self._differentiable:
            req = "null"
        if self._grad_req == req:
            return
        self._grad_req = req
        if req == "null" and self._grad is not None:
            self._grad = None
            for arr in self._data:
                _mark(arr, "null")
        elif self._data is not None:
            self._init_grad()

    @property
    def dtype(self):
        return self._dtype

    @dtype.setter
    def dtype(self, dtype):
        self.cast(dtype)

    @property
    def shape(self):
        return self._shape

    @shape.setter
    def shape(self, new_shape):
        if isinstance(new_shape, int):
            new_shape = (new_shape,)
        new_shape = tuple(new_shape) if new_shape is not None else None
        if self._shape is None:
            self._shape = new_shape
            return
        if not (len(self._shape) == len(new_shape)
                and all(j in (-1, 0, i) for i, j in zip(new_shape, self._shape))):
            raise MXNetValueError("Parameter '%s': expected shape %s is incompatible with given shape %s."
                                  % (self.name, str(new_shape), str(self._shape)))
        self._shape = new_shape

    @property
    def stype(self):
        return self._stype

    @property
    def _fresh_grad(self):
        """True when every copy's gradient was written by a backward since
        the flag was last cleared (read and reset by the Trainer)."""
        if self._data is None:
            return False
        for arr in self._data:
            info = arr._ag
            if info is None or not info.fresh:
                return False
        return True

    @_fresh_grad.setter
    def _fresh_grad(self, value):
        if self._data is None:
            return
        for arr in self._data:
            if arr._ag is not None:
                arr._ag.fresh = bool(value)

    @property
    def _trainer(self):
        """The Trainer this Parameter was last given to (None once it is gone)."""
        return self._trainer_ref() if self._trainer_ref is not None else None

    def _set_trainer(self, trainer):
        if self._stype != "default" and self._trainer and trainer and self._trainer is not trainer:
            raise RuntimeError("Failed to set the trainer for Parameter '%s' because it was already set. "
                               "More than one trainers for a %s Parameter is not supported."
                               % (self.name, self._stype))
        self._trainer_ref = weakref.ref(trainer) if trainer is not None else None

    # ---- access ------------------------------------------------------------------
    def _check_and_get(self, arr_list, ctx):
        if arr_list is not None:
            if ctx is list:
                return arr_list
            if ctx is None:
                if len(arr_list) == 1:
                    return arr_list[0]
                ctx = current_context()
            idx = self._ctx_map.get(ctx)
            if idx is not None:
                return arr_list[idx]
            raise RuntimeError("Parameter '%s' was not initialized on context %s. It was only initialized "
                               "on %s." % (self.name, str(ctx), str(self._ctx_list)))
        if self._deferred_init:
            raise DeferredInitializationError(
                "Parameter '%s' has not been initialized yet because initialization was deferred. "
                "Actual initialization happens during the first forward pass. Please pass one batch of "
                "data through the network before accessing Parameters. You can also avoid deferred "
                "initialization by specifying in_units, num_features, etc., for network layers." % self.name)
        raise RuntimeError("Parameter '%s' has not been initialized. Note that you should initialize "
                           "parameters and create Trainer with Block.collect_params() instead of "
                           "Block.params because the later does not include Parameters of nested child "
                           "Blocks" % self.name)

    def data(self, ctx=None):
        """This parameter's array on `ctx` (the only one if None)."""
        return self._check_and_get(self._data, ctx)

    def list_data(self):
        return self._check_and_get(self._data, list)

    def grad(self, ctx=None):
        if self._data is not None and self._grad is None:
            raise RuntimeError("Cannot get gradient array for Parameter '%s' because grad_req='null'"
                               % self.name)
        return self._check_and_get(self._grad, ctx)

    def list_grad(self):
        if self._data is not None and self._grad is None:
            raise RuntimeError("Cannot get gradient array for Parameter '%s' because grad_req='null'"
                               % self.name)
        return self._check_and_get(self._grad, list)

    def list_ctx(self):
        if self._data is None:
            if self._deferred_init:
                return self._deferred_init[1]
            raise RuntimeError("Parameter '%s' has not been initialized" % self.name)
        return self._ctx_list

    # ---- initialization ------------------------------------------------------------
    def initialize(self, init=None, ctx=None, default_init=None, force_reinit=False):
        """Initializes data (and gradient) arrays on `ctx` (a Context or a
        list).  `init` overrides this Parameter's own init, which overrides
        `default_init` (``Uniform(0.07)``).  With unknown dims and
        allow_deferred_init the work waits for the first forward pass."""
        if self._data is not None and not force_reinit:
            warnings.warn("Parameter '%s' is already initialized, ignoring. Set force_reinit=True to "
                          "re-initialize." % self.name, stacklevel=2)
            return
        self._data = self._grad = None
        if ctx is None:
            ctx = [current_context()]
        if isinstance(ctx, Context):
            ctx = [ctx]
        if init is None:
            if self.init is None:
                if default_init is None:
                    default_init = _default_init()
                init = default_init
            else:
                init = self.init
        if not shape_is_known(self.shape):
            if self._allow_deferred_init:
                self._deferred_init = (init, ctx, default_init, None)
                return
            raise MXNetValueError("Cannot initialize Parameter '%s' because it has invalid shape: %s."
                                  % (self.name, str(self.shape)))
        self._deferred_init = (init, ctx, default_init, None)
        self._finish_deferred_init()

    def _finish_deferred_init(self):
        """Finishes deferred initialization (the shape must be known now)."""
        if not self._deferred_init:
            return
        init, ctx, default_init, data = self._deferred_init
        self._deferred_init = ()
        if not shape_is_known(self.shape):
            raise MXNetValueError("Cannot initialize Parameter '%s' because it has invalid shape: %s. "
                                  "Please specify in_units, in_channels, etc for `Block`s."
                                  % (self.name, str(self.shape)))
        with autograd.pause():
            owned = data is None
            if owned:
                data = ndarray.zeros(self.shape, dtype=self.dtype, ctx=cpu())
                desc = _init_desc(self.name, {"__init__": init}, default_init)
                _create_init(init)(desc, data)
            self._init_impl(data, ctx, owned)

    def _init_impl(self, data, ctx_list, owned=False):
        """Copies `data` to every context; `owned`: data was made for this
        Parameter alone, and becomes the first copy on its own context
        (without a second array of the parameter's size alive meanwhile)."""
        self._ctx_list = list(ctx_list)
        self._ctx_map = {}
        for i, ctx in enumerate(self._ctx_list):
            self._ctx_map.setdefault(ctx, i)
        nd = ndarray
        out = []
        for ctx in self._ctx_list:
            if owned and ctx == data.context:
                arr, owned = data, False
            else:
                arr = nd.zeros(data.shape, dtype=data.dtype, ctx=ctx)
                arr[:] = data
            out.append(arr)
        self._data = out
        self._init_grad()

    def _init_grad(self):
        if self.grad_req == "null":
            self._grad = None
            for arr in self._data or ():
                _mark(arr, "null")
            return
        self._grad = [_mark(arr, self.grad_req) for arr in self._data]

    def _reduce(self):
        """The data on the CPU (average of the copies)."""
        block = self.list_data()
        with autograd.pause():
            if len(block) == 1:
                return block[0].copyto(cpu())
            total = block[0].copyto(cpu())
            for w in block[1:]:
                total = total + w.copyto(cpu())
            return total / len(block)

    def _load_init(self, data, ctx, cast_dtype=False, dtype_source="current"):
        """(Re)initializes from loaded `data`, checking shape and dtype."""
        if cast_dtype and dtype_source not in ("current", "saved"):
            raise MXNetValueError("dtype_source must be 'current' or 'saved', got %r" % (dtype_source,))
        if self.shape:
            ok = len(self.shape) == len(data.shape) and all(
                s in (0, -1, d) for s, d in zip(self.shape, data.shape))
            if not ok:
                raise ParameterLoadError("Failed loading Parameter '%s' from saved params: shape incompatible "
                                         "expected %s vs saved %s" % (self.name, str(self.shape),
                                                                      str(data.shape)))
            self._shape = tuple(s if s not in (0, -1) else d for s, d in zip(self.shape, data.shape))
        if self.dtype:
            if cast_dtype and np.dtype(self.dtype) != np.dtype(data.dtype):
                if dtype_source == "current":
                    data = data.astype(self.dtype)
                else:
                    self.dtype = data.dtype
            elif np.dtype(self.dtype) != np.dtype(data.dtype):
                raise ParameterLoadError("Failed loading Parameter '%s' from saved params: dtype incompatible "
                                         "expected %s vs saved %s. Set cast_dtype=True to cast the dtype of "
                                         "saved params." % (self.name, str(np.dtype(self.dtype)),
                                                            str(np.dtype(data.dtype))))
        if isinstance(ctx, Context):
            ctx = [ctx]
        if self._data is None:
            if self._deferred_init:
                if ctx is not None and set(ctx) != set(self._deferred_init[1]):
                    raise ParameterLoadError("Failed to load Parameter '%s' on %s because it was previous "
                                             "initialized on %s." % (self.name, str(ctx),
                                                                     str(self.list_ctx())))
                ctx = self._deferred_init[1]
            elif ctx is None:
                ctx = [cpu()]
            with autograd.pause():
                self._init_impl(data, ctx)
        else:
            if ctx is not None and set(ctx) != set(self.list_ctx()):
                raise ParameterLoadError("Failed to load Parameter '%s' on %s because it was previous "
                                         "initialized on %s." % (self.name, str(ctx), str(self.list_ctx())))
            self.set_data(data)
        self._deferred_init = ()

    def reset_ctx(self, ctx):
        """Moves this Parameter's copies to other context(s)."""
        if ctx is None:
            ctx = [current_context()]
        if isinstance(ctx, Context):
            ctx = [ctx]
        if self._data:
            data = self._reduce()
            with autograd.pause():
                self._init_impl(data, ctx)
        elif self._deferred_init:
            init, _, default_init, data = self._deferred_init
            self._deferred_init = (init, ctx, default_init, data)
        else:
            raise MXNetValueError("Cannot reset context for Parameter '%s' because it has not been "
                                  "initialized." % self.name)

    def set_data(self, data):
        """Sets every copy's value to `data` (kept for deferred init)."""
        self.shape = data.shape
        if self._data is None:
            if not self._deferred_init:
                raise MXNetValueError("Parameter '%s' has not been initialized" % self.name)
            self._deferred_init = self._deferred_init[:3] + (data,)
            return
        trainer = self._trainer
        if trainer is not None and getattr(trainer, "_kv_initialized", False) and \
                getattr(trainer, "_update_on_kvstore", False):
            if self not in getattr(trainer, "_params_to_init", ()):
                trainer._reset_kvstore()
        with autograd.pause():
            for arr in self._check_and_get(self._data, list):
                arr[:] = data

    def zero_grad(self):
        """Sets the gradient buffers to 0."""
        if self._grad is None:
            return
        for g in self._grad:
            g[:] = 0

    def var(self):
        """The Symbol variable of this Parameter."""
        if self._var is None:
            self._var = symbol.var(self.name, shape=self.shape, dtype=self.dtype, lr_mult=self.lr_mult,
                                   wd_mult=self.wd_mult, init=self.init, stype=self._stype)
        return self._var

    def cast(self, dtype):
        """Casts data and gradient to `dtype`."""
        self._dtype = dtype
        if self._data is None:
            return
        with autograd.pause():
            self._data = [a.astype(dtype) for a in self._data]
            self._init_grad()


class Constant(Parameter):
    """A Parameter that autograd and the Trainer leave alone (grad_req is
    always 'null'); ``set_data`` still changes it."""

    def __init__(self, name, value):
        nd = ndarray
        if not isinstance(value, nd.NDArray):
            value = nd.array(value)
        self.value = value

        class _ConstInit:
            def __call__(self, _desc, arr):
                arr[:] = value

            def __repr__(self):
                return "Constant(%s)" % name

        super().__init__(name, grad_req="null", shape=value.shape, dtype=value.dtype, init=_ConstInit())

    def __repr__(self):
        return "Constant {name} (shape={shape}, dtype={dtype})".format(
            name=self.name, shape=self.shape, dtype=self.dtype)

    @property
    def grad_req(self):
        return "null"

    @grad_req.setter
    def grad_req(self, req):
        if req != "null":
            warnings.warn('Constant parameter "{}" does not support grad_req other than "null", and new '
                          'value "{}" is ignored.'.format(self.name, req))


def _dtype_eq(a, b):
    try:
        return np.dtype(a) == np.dtype(b)
    except TypeError:
        return False


class ParameterDict:
    """An ordered dictionary of Parameters, keyed by full name.  `get`
    creates a parameter named ``prefix + name`` (or returns the one from
    `shared` / already there)."""

    def __init__(self, prefix="", shared=None):
        self._prefix = prefix
        self._params = OrderedDict()
        self._shared = shared

    def __repr__(self):
        name = self._prefix + " " if self._prefix else ""
        return "{name}(\n{content}\n)".format(
            name=name, content="\n".join([_indent("  {0}".format(v), 2) for v in self.values()]))

    def __getitem__(self, key):
        return self._params[key]

    def __iter__(self):
        return iter(self._params)

    def __len__(self):
        return len(self._params)

    def __contains__(self, key):
        return key in self._params

    def items(self):
        return self._params.items()

    def keys(self):
        return self._params.keys()

    def values(self):
        return self._params.values()

    @property
    def prefix(self):
        return self._prefix

    def _get_impl(self, name):
        if name in self._params:
            return self._params[name]
        if self._shared is not None and name in self._shared._params:
            self._params[name] = self._shared._params[name]
            return self._shared._params[name]
        return None

    def get(self, name, **kwargs):
        """Returns the Parameter ``prefix + name``, creating it with `kwargs`
        if needed; an existing one must agree with the given attributes
        (unknown 0 dims of a shape are filled in)."""
        name = self.prefix + name
        param = self._get_impl(name)
        if param is None:
            param = Parameter(name, **kwargs)
            self._params[name] = param
            return param
        for k, v in kwargs.items():
            if hasattr(param, k) and getattr(param, k) is not None:
                existing = getattr(param, k)
                if k == "shape":
                    if isinstance(v, int):
                        v = (v,)
                    if v is not None and len(v) == len(existing):
                        inferred, matched = [], True
                        for d1, d2 in zip(v, existing):
                            if d1 != d2 and d1 > 0 and d2 > 0:
                                matched = False
                                break
                            inferred.append(d2 if d1 in (0, -1) else d1)
                        if matched:
                            param._shape = tuple(inferred)
                            continue
                elif k == "dtype" and _dtype_eq(v, existing):
                    continue
                if not (v is None or v == existing):
                    raise ParameterError(
                        "Cannot retrieve Parameter '%s' because desired attribute does not match with "
                        "stored for attribute '%s': desired '%s' vs stored '%s'."
                        % (name, k, str(v), str(existing)))
            else:
                setattr(param, k, v)
        return param

    def get_constant(self, name, value=None):
        """Returns (or creates from `value`) the Constant ``prefix + name``."""
        name = self.prefix + name
        param = self._get_impl(name)
        if param is None:
            if value is None:
                raise KeyError("No constant named '{}'. Please specify value if you want to create a new "
                               "constant.".format(name))
            param = Constant(name, value)
            self._params[name] = param
        elif value is not None:
            if not isinstance(param, Constant):
                raise MXNetValueError("Parameter '{}' already exists but it is not a constant.".format(name))
            if isinstance(value, ndarray.NDArray):
                value = value.asnumpy()
            value = np.asarray(value)
            if not (param.shape == value.shape and (param.value.asnumpy() == value).all()):
                raise MXNetValueError("Constant '{}' already exists but it's value doesn't match new "
                                      "value".format(name))
        return param

    def update(self, other):
        """Copies all Parameters of `other` (same name must be same object)."""
        for k, v in other.items():
            if k in self._params and self._params[k] is not v:
                raise MXNetValueError("Cannot update self with other because they have different Parameters "
                                      "with the same name '%s'" % k)
        for k, v in other.items():
            self._params[k] = v

    def initialize(self, init=None, ctx=None, verbose=False, force_reinit=False):
        """Initializes every Parameter (`init` is the default for those
        without their own initializer; ``Uniform(0.07)`` if None)."""
        if init is None:
            init = _default_init()
        if verbose and hasattr(init, "set_verbosity"):
            init.set_verbosity(verbose=verbose)
        for _, v in self.items():
            v.initialize(None, ctx, init, force_reinit=force_reinit)

    def zero_grad(self):
        for p in self.values():
            p.zero_grad()

    def reset_ctx(self, ctx):
        for p in self.values():
            p.reset_ctx(ctx)

    def list_ctx(self):
        s = set()
        for p in self.values():
            s.update(p.list_ctx())
        return list(s)

    def setattr(self, name, value):
        """Sets an attribute on every Parameter, e.g.
        ``net.collect_params().setattr('grad_req', 'null')``."""
        for p in self.values():
            setattr(p, name, value)

    def save(self, filename, strip_prefix=""):
        """Saves the parameters in MXNet's .params format, keyed by full
        name minus `strip_prefix`."""
        arg_dict = {}
        for param in self.values():
            weight = param._reduce()
            if not param.name.startswith(strip_prefix):
                raise MXNetValueError(
                    "Prefix '%s' is to be striped before saving, but Parameter's name '%s' does not start "
                    "with '%s'. This may be due to your Block shares parameters from other Blocks or you "
                    "forgot to use 'with name_scope()' when creating child blocks."
                    % (strip_prefix, param.name, strip_prefix))
            arg_dict[param.name[len(strip_prefix):]] = weight
        ndarray.save(filename, arg_dict)

    def load(self, filename, ctx=None, allow_missing=False, ignore_extra=False, restore_prefix="",
             cast_dtype=False, dtype_source="current"):
        """Loads a .params file saved by :meth:`save` (or MXNet)."""
        if restore_prefix:
            for name in self.keys():
                if not name.startswith(restore_prefix):
                    raise MXNetValueError("restore_prefix is '%s' but Parameters name '%s' does not start "
                                          "with '%s'." % (restore_prefix, name, restore_prefix))
        loaded = ndarray.load(filename)
        self.load_dict(loaded, ctx, allow_missing, ignore_extra, restore_prefix, filename, cast_dtype,
                       dtype_source)

    def load_dict(self, param_dict, ctx=None, allow_missing=False, ignore_extra=False, restore_prefix="",
                  filename=None, cast_dtype=False, dtype_source="current"):
        """Loads parameters from a dict of name -> NDArray (``arg:``/``aux:``
        prefixes are stripped)."""
        lprefix = len(restore_prefix)
        items = param_dict.items() if isinstance(param_dict, dict) else param_dict
        loaded = [(k[4:] if k.startswith("arg:") or k.startswith("aux:") else k, v) for k, v in items]
        arg_dict = {restore_prefix + k: v for k, v in loaded}
        where = "file: %s" % filename if filename else "param_dict"
        if not allow_missing:
            for name in self.keys():
                if name not in arg_dict:
                    raise ParameterLoadError(
                        "Parameter '%s' is missing in %s, which contains parameters: %s. Please make sure "
                        "source and target networks have the same prefix. Set allow_missing=True to ignore "
                        "missing parameters." % (name[lprefix:], where, _brief_print_list(arg_dict.keys())))
        for name in arg_dict:
            if name not in self._params:
                if not ignore_extra:
                    raise ParameterLoadError(
                        "Parameter '%s' loaded from %s is not present in ParameterDict, choices are: %s. Set "
                        "ignore_extra to True to ignore. Please make sure source and target networks have "
                        "the same prefix." % (name[lprefix:], where, _brief_print_list(self._params.keys())))
                continue
            self[name]._load_init(arg_dict[name], ctx, cast_dtype=cast_dtype, dtype_source=dtype_source)
