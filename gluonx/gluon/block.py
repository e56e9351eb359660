"""Gluon :class:`Block` and :class:`HybridBlock`: layers and models.

A Block owns Parameters and child Blocks (registered by assigning them as
attributes), names them with MXNet's automatic prefixes (``dense0_``,
``hybridsequential0_dense1_`` ...) and saves / loads them in MXNet's
``.params`` format with structural keys (``0.weight``)::

    >>> import gluonx as mx
    >>> class Scale(mx.gluon.HybridBlock):
    ...     def __init__(self, **kw):
    ...         super().__init__(**kw)
    ...         with self.name_scope():
    ...             self.w = self.params.get('w', shape=(1,))
    ...     def hybrid_forward(self, F, x, w):
    ...         return F.broadcast_mul(x, w)
    >>> net = Scale(prefix='scale_')
    >>> net.w.name
    'scale_w'
"""
from __future__ import annotations

import copy
import re
import threading
import weakref
import warnings
from collections import OrderedDict, defaultdict

from gluonx import name as _name
from gluonx import ndarray, symbol
from gluonx.base import MXNetError, MXNetValueError
from gluonx.gluon import block_io
from gluonx.gluon.hybrid_utils import flatten, regroup, trace_block, write_export
from gluonx.gluon.parameter import Parameter, ParameterDict, DeferredInitializationError, ParameterLoadError
from gluonx.gluon.utils import _indent, _brief_print_list, HookHandle
from gluonx.ndarray import NDArray
from gluonx.symbol import Symbol
from gluonx.symbol.cached_op import CachedGraph

__all__ = ["Block", "HybridBlock", "SymbolBlock"]


class _BlockScope:
    """The scope a Block's children are created in: their prefixes nest
    under the Block's and are numbered per class name."""

    _current = threading.local()

    def __init__(self, block):
        # weak: the block owns its scope; a strong link back would put every Block in a
        # reference cycle and keep a dropped network's arrays until a full gc pass
        # (any other owner, like MXNet's tests' stand-in objects, is held strongly)
        self._block_ref = weakref.ref(block) if isinstance(block, Block) else (lambda: block)
        self._counter = {}
        self._old_scope = None

    @property
    def _block(self):
        return self._block_ref()

    @staticmethod
    def create(prefix, params, hint):
        """The prefix and ParameterDict of a new Block."""
        current = getattr(_BlockScope._current, "value", None)
        if current is None:
            if prefix is None:
                prefix = _name.current().get(None, hint) + "_"
            if params is None:
                params = ParameterDict(prefix)
            else:
                params = ParameterDict(params.prefix, params)
            return prefix, params
        if prefix is None:
            count = current._counter.get(hint, 0)
            prefix = "%s%d_" % (hint, count)
            current._counter[hint] = count + 1
        if params is None:
            parent = current._block.params
            params = ParameterDict(parent.prefix + prefix, parent._shared)
        else:
            params = ParameterDict(params.prefix, params)
        return current._block.prefix + prefix, params

    def __enter__(self):
        if self._block._empty_prefix:
            return self
        self._old_scope = getattr(_BlockScope._current, "value", None)
        _BlockScope._current.value = self
        # graph nodes made inside (hybrid_forward with F = mx.sym) are named under the prefix
        self._name_scope = _name.Prefix(self._block.prefix)
        self._name_scope.__enter__()
        return self

    def __exit__(self, ptype, value, trace):
        if self._block._empty_prefix:
            return
        self._name_scope.__exit__(ptype, value, trace)
        self._name_scope = None
        _BlockScope._current.value = self._old_scope


def _shape_str(args):
    """The shapes of the (nested) arrays in `args`, as Block.summary prints them."""
    def shapes(a):
        if isinstance(a, (list, tuple)):
            return [shapes(i) for i in a]
        return a.shape if isinstance(a, NDArray) else a
    s = shapes(args)
    s = str(s)[1:-1] if isinstance(s, list) else str(s)
    return s.replace("L", "")


class Block:
    """Base class of all layers and models.

    Subclasses create Parameters and child Blocks in ``__init__`` (inside
    ``with self.name_scope():`` for nested names) and define ``forward``.
    `prefix` names this Block's parameters (automatic when None); `params`
    shares another Block's ParameterDict.
    """

    def __init__(self, prefix=None, params=None):
        self._empty_prefix = prefix == ""
        self._prefix, self._params = _BlockScope.create(prefix, params, self._alias())
        self._name = self._prefix[:-1] if self._prefix.endswith("_") else self._prefix
        self._scope = _BlockScope(self)
        self._children = OrderedDict()
        self._reg_params = {}
        self._forward_hooks = OrderedDict()
        self._forward_pre_hooks = OrderedDict()

    def __repr__(self):
        modstr = "\n".join(["  ({key}): {block}".format(key=key, block=_indent(block.__repr__(), 2))
                            for key, block in self.__dict__.items() if isinstance(block, Block)])
        return "{name}(\n{modstr}\n)".format(name=self.__class__.__name__, modstr=modstr)

    def __setattr__(self, name, value):
        """Registers child Blocks and Parameters assigned as attributes."""
        if hasattr(self, name):
            existing = getattr(self, name)
            if isinstance(existing, (Parameter, Block)) and not isinstance(value, type(existing)):
                raise TypeError("Changing attribute type for {name} from {type1} to {type2} is not allowed."
                                .format(name=name, type1=type(existing), type2=type(value)))
        if isinstance(value, Block):
            self.register_child(value, name)
        elif isinstance(value, Parameter):
            if name in self._reg_params:
                raise MXNetValueError("Overriding Parameter attribute %s is not allowed. If you want to share "
                                      "parameters between blocks, please set 'params' at Block construction "
                                      "instead." % name)
            self._reg_params[name] = value
        super().__setattr__(name, value)

    def _check_container_with_block(self):
        children = set(id(c) for c in self._children.values())

        def unregistered(data):
            if isinstance(data, (list, tuple)):
                return any(unregistered(e) for e in data)
            if isinstance(data, dict):
                return any(unregistered(v) for v in data.values())
            if isinstance(data, Block):
                return id(data) not in children
            return False

        for k, v in self.__dict__.items():
            if isinstance(v, (list, tuple, dict)) and not (k.startswith("__") or k == "_children"):
                if unregistered(v):
                    warnings.warn('"{name}" is an unregistered container with Blocks. Note that Blocks inside '
                                  'the list, tuple or dict will not be registered automatically. Make sure to '
                                  'register them using register_child() or switching to '
                                  'nn.Sequential/nn.HybridSequential instead. '
                                  .format(name=self.__class__.__name__ + "." + k), stacklevel=3)

    def _alias(self):
        return self.__class__.__name__.lower()

    @property
    def prefix(self):
        """Prefix of this Block's names (``dense0_``)."""
        return self._prefix

    @property
    def name(self):
        """Name of this Block (the prefix without its trailing ``_``)."""
        return self._name

    def name_scope(self):
        """``with self.name_scope():`` nests the names of Blocks created inside."""
        return self._scope

    @property
    def params(self):
        """This Block's own ParameterDict (not its children's)."""
        return self._params

    def collect_params(self, select=None):
        """A ParameterDict of this Block's and all descendants' Parameters;
        `select` is a regular expression matched against full names, e.g.
        ``'.*weight|.*bias'``."""
        self._check_container_with_block()
        ret = ParameterDict(self._params.prefix)
        if not select:
            ret.update(self.params)
        else:
            pattern = re.compile(select)
            ret.update({name: value for name, value in self.params.items() if pattern.match(name)})
        for cld in self._children.values():
            ret.update(cld.collect_params(select=select))
        return ret

    def _collect_params_with_prefix(self, prefix=""):
        if prefix:
            prefix += "."
        ret = {prefix + key: val for key, val in self._reg_params.items()}
        for name, child in self._children.items():
            ret.update(child._collect_params_with_prefix(prefix + name))
        return ret

    # ---- save / load ------------------------------------------------------------
    def save_parameters(self, filename, deduplicate=False):
        """Saves the parameters in MXNet's .params format with structural
        keys (``0.weight``, ``body.1.bias``); `deduplicate` saves a shared
        Parameter once."""
        params = self._collect_params_with_prefix()
        if deduplicate:
            reverse = {id(v): (k, v) for k, v in params.items()}
            keep = {k for k, _ in reverse.values()}
            params = {k: v for k, v in params.items() if k in keep}
        arg_dict = {key: val._reduce() for key, val in params.items()}
        ndarray.save(filename, arg_dict)

    def save_params(self, filename):
        """Deprecated: saves with full names minus this Block's prefix."""
        warnings.warn("save_params is deprecated. Please use save_parameters. Note that if you want load "
                      "from SymbolBlock later, please use export instead.")
        self.collect_params().save(filename, strip_prefix=self.prefix)

    def load_parameters(self, filename, ctx=None, allow_missing=False, ignore_extra=False, cast_dtype=False,
                        dtype_source="current"):
        """Loads a file written by :meth:`save_parameters` (here or by MXNet).

        Missing parameters raise unless `allow_missing`; names in the file
        that this Block lacks raise unless `ignore_extra`; a shape mismatch
        raises naming the parameter and both shapes."""
        loaded = ndarray.load(filename)
        if not isinstance(loaded, dict):
            raise ParameterLoadError("load_parameters: '%s' holds an unnamed list of arrays, expected "
                                     "named parameters" % filename)
        params = self._collect_params_with_prefix()
        if not loaded and not params:
            return
        if not any("." in k for k in loaded.keys()):
            # a file written by save_params / ParameterDict.save: full names
            del loaded
            self.collect_params().load(filename, ctx, allow_missing, ignore_extra, self.prefix,
                                       cast_dtype=cast_dtype, dtype_source=dtype_source)
            return
        if not allow_missing:
            params_inv = defaultdict(list)
            for k, v in params.items():
                params_inv[id(v)].append(k)
            for name, param in params.items():
                if not any(p in loaded for p in params_inv[id(param)]):
                    raise ParameterLoadError(
                        "Parameter '%s' is missing in file '%s', which contains parameters: %s. Set "
                        "allow_missing=True to ignore missing parameters."
                        % (name, filename, _brief_print_list(loaded.keys())))
        for name in loaded:
            if not ignore_extra and name not in params:
                raise ParameterLoadError(
                    "Parameter '%s' loaded from file '%s' is not present in ParameterDict, which contains "
                    "parameters %s. Set ignore_extra=True to ignore. "
                    % (name, filename, _brief_print_list(params.keys())))
            if name in params:
                try:
                    params[name]._load_init(loaded[name], ctx, cast_dtype=cast_dtype, dtype_source=dtype_source)
                except ParameterLoadError as e:
                    raise ParameterLoadError("%s (key '%s' in file '%s')" % (e, name, filename)) from None

    def save(self, prefix) -> None:
        """Saves the structure (``<prefix>-model.json``: Block names, children
        keys and, for hybridized blocks, their traced graphs) and the
        parameters (``<prefix>-model.params``) in MXNet 1.9.1's layout.

        >>> net.save("model")              # model-model.json, model-model.params
        >>> net2 = build_net(); net2.load("model")
        """
        block_io.save_model(self, prefix, HybridBlock)

    def load(self, prefix) -> None:
        """Loads what :meth:`save` wrote into this Block, which must be built by
        the same code in the same order: names and graphs are restored, then
        the parameters."""
        block_io.load_model(self, prefix, HybridBlock)

    def load_params(self, filename, ctx=None, allow_missing=False, ignore_extra=False):
        """Deprecated alias of :meth:`load_parameters`."""
        warnings.warn("load_params is deprecated. Please use load_parameters.")
        self.load_parameters(filename, ctx, allow_missing, ignore_extra)

    # ---- children, hooks -----------------------------------------------------------
    def register_child(self, block, name=None):
        """Registers `block` as a child (named by its index if `name` is None)."""
        if name is None:
            name = str(len(self._children))
        self._children[name] = block

    def register_forward_pre_hook(self, hook):
        """``hook(block, inputs)`` runs before forward; returns a handle
        whose ``detach()`` removes it."""
        handle = HookHandle()
        handle.attach(self._forward_pre_hooks, hook)
        return handle

    def register_forward_hook(self, hook):
        """``hook(block, inputs, outputs)`` runs after forward; returns a
        handle whose ``detach()`` removes it."""
        handle = HookHandle()
        handle.attach(self._forward_hooks, hook)
        return handle

    def apply(self, fn):
        """Calls ``fn(block)`` on every descendant, then on this Block."""
        for cld in self._children.values():
            cld.apply(fn)
        fn(self)
        return self

    def initialize(self, init=None, ctx=None, verbose=False, force_reinit=False):
        """Initializes all Parameters (``Uniform(0.07)`` unless `init` or a
        Parameter's own initializer says otherwise)."""
        self.collect_params().initialize(init, ctx, verbose, force_reinit)

    def hybridize(self, active=True, **kwargs):
        """Marks HybridBlocks to run as graphs (accepted; runs imperatively for now)."""
        for cld in self._children.values():
            cld.hybridize(active, **kwargs)

    def cast(self, dtype):
        """Casts every Parameter to `dtype`."""
        for child in self._children.values():
            child.cast(dtype)
        for _, param in self.params.items():
            param.cast(dtype)

    def zero_grad(self):
        """Sets all gradients to 0."""
        self.collect_params().zero_grad()

    def reset_ctx(self, ctx):
        self.collect_params().reset_ctx(ctx)

    def __call__(self, *args):
        for hook in list(self._forward_pre_hooks.values()):
            hook(self, args)
        out = self.forward(*args)
        for hook in list(self._forward_hooks.values()):
            hook(self, args, out)
        return out

    def forward(self, *args):
        raise NotImplementedError

    def register_op_hook(self, callback, monitor_all=False):
        for cld in self._children.values():
            cld.register_op_hook(callback, monitor_all)

    def summary(self, *inputs):
        """Runs `inputs` through the Block and prints MXNet's table of
        output shapes and parameter counts per layer."""
        summary = OrderedDict()
        seen = set()
        hooks = []

        def _register_summary_hook(block):
            def _summary_hook(block, _, outputs):
                m_key = "%s-%i" % (block.__class__.__name__, len(summary))
                entry = summary[m_key] = OrderedDict()
                entry["output_shape"] = _shape_str(outputs)
                params = 0
                entry["trainable"] = 0
                entry["shared"] = 0
                for p in block.params.values():
                    n = p.data().size
                    params += n
                    entry["trainable"] += 0 if p.grad_req == "null" else n
                    if id(p) in seen:
                        entry["shared"] += n
                    else:
                        seen.add(id(p))
                entry["n_params"] = params

            if not getattr(block, "_container", False):
                hooks.append(block.register_forward_hook(_summary_hook))

        summary["Input"] = OrderedDict(output_shape=_shape_str(inputs), n_params=0, trainable=0, shared=0)
        try:
            self.apply(_register_summary_hook)
            self(*inputs)
            line_format = "{:>20}  {:>42} {:>15}"
            print("-" * 80)
            print(line_format.format("Layer (type)", "Output Shape", "Param #"))
            print("=" * 80)
            total_params = trainable_params = shared_params = 0
            for layer in summary:
                print(line_format.format(layer, str(summary[layer]["output_shape"]), summary[layer]["n_params"]))
                total_params += summary[layer]["n_params"]
                trainable_params += summary[layer]["trainable"]
                shared_params += summary[layer]["shared"]
            print("=" * 80)
            print("Parameters in forward computation graph, duplicate included")
            print("   Total params: " + str(total_params))
            print("   Trainable params: " + str(trainable_params))
            print("   Non-trainable params: " + str(total_params - trainable_params))
            print("Shared params in forward computation graph: " + str(shared_params))
            print("Unique parameters in model: " + str(total_params - shared_params))
            print("-" * 80)
        finally:
            for h in hooks:
                h.detach()


class HybridBlock(Block):
    """A Block whose computation is written once in
    ``hybrid_forward(F, x, *args, **params)``, for arrays and for graphs.

    Called on NDArrays, `F` is ``mx.nd`` and each registered Parameter
    arrives as a keyword argument holding its data on the input's context.
    After :meth:`hybridize`, the first call per input signature traces
    ``hybrid_forward`` with ``F = mx.sym`` into a graph, which later calls
    run as one compiled operation (gluonx/symbol/cached_op.py).

    Deferred initialization: parameters whose shapes depend on the input
    (``in_units=0`` ...) get them on the first call from the graph's shape
    inference, the operators' own rules.
    """

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._cached_graph = ()
        self._cached_op = None
        self._cached_op_args = None
        self._out_format = None
        self._in_format = None
        self._active = False
        self._flags = {}
        self._callback = None
        self._monitor_all = False

    def __setattr__(self, name, value):
        super().__setattr__(name, value)
        if isinstance(value, HybridBlock):
            self._clear_cached_op()

    def _clear_cached_op(self):
        self._cached_graph = ()
        self._cached_op = None
        self._cached_op_args = None

    def register_child(self, block, name=None):
        if not isinstance(block, HybridBlock):
            raise MXNetValueError("Children of HybridBlock must also be HybridBlock, but %s has type %s. If you "
                                  "are using Sequential, please try HybridSequential instead."
                                  % (str(block), str(type(block))))
        super().register_child(block, name)
        self._clear_cached_op()

    def hybridize(self, active=True, backend=None, clear=True, static_alloc=False, static_shape=False,
                  inline_limit=2, forward_bulk_size=None, backward_bulk_size=None, **kwargs):
        """Runs this block (and its children) as a compiled graph from the next
        call on.  `static_alloc` keeps the planned memory between calls;
        `static_shape` is accepted (a plan is made per input shape anyway)."""
        if backend is not None:
            raise MXNetValueError("hybridize(backend=%r): gluonx has no subgraph backends" % (backend,))
        self._active = active
        self._flags = {"static_alloc": static_alloc, "static_shape": static_shape}
        if clear:
            self._clear_cached_op()
        if active and (self._forward_hooks or self._forward_pre_hooks):
            warnings.warn('"{block}" is being hybridized while still having forward hook/pre-hook. If '
                          '"{block}" is a child of HybridBlock, the hooks will not take effect.'
                          .format(block=self))
        super().hybridize(active, static_alloc=static_alloc, static_shape=static_shape,
                          inline_limit=inline_limit, forward_bulk_size=forward_bulk_size,
                          backward_bulk_size=backward_bulk_size)

    def cast(self, dtype):
        self._clear_cached_op()
        super().cast(dtype)

    # ---- the graph -------------------------------------------------------------------
    def _get_graph(self, *args):
        """(input variables, output Symbol): hybrid_forward traced with mx.sym (once)."""
        if not self._cached_graph:
            flat, self._in_format = flatten(args, "input")
            if len(flat) > 1:
                inputs = [symbol.var("data%d" % i) if a is not None else None for i, a in enumerate(flat)]
            else:
                inputs = [symbol.var("data") if flat[0] is not None else None]
            grouped, _ = regroup(inputs, self._in_format)
            params = {i: j.var() for i, j in self._reg_params.items()}
            with self.name_scope():
                out = trace_block(self, self.hybrid_forward, symbol, *grouped, **params) \
                    if isinstance(grouped, list) else \
                    trace_block(self, self.hybrid_forward, symbol, grouped, **params)
            out, self._out_format = flatten(out, "output")
            self._cached_graph = [i for i in inputs if i is not None], symbol.Group(out)
        return self._cached_graph

    def _build_cache(self, *args):
        data, out = self._get_graph(*args)
        data_index = {d.name: i for i, d in enumerate(data)}
        params = self.collect_params()
        args_spec = []
        for name in out.list_inputs():
            if name in data_index:
                args_spec.append((True, data_index[name]))
            elif name in params:
                args_spec.append((False, params[name]))
            else:
                raise MXNetValueError("hybridize: the graph of %s takes an input '%s' that is neither one of its "
                                      "inputs nor a parameter of the block" % (self.name, name))
        self._cached_op_args = args_spec
        self._cached_op = CachedGraph(out, static_alloc=self._flags.get("static_alloc", False),
                                      static_shape=self._flags.get("static_shape", False))

    def _call_cached_op(self, *args):
        if self._cached_op is None:
            self._build_cache(*args)
        flat, fmt = flatten(args, "input")
        if fmt != self._in_format:
            raise MXNetValueError("The argument structure of HybridBlock does not match the cached version. "
                                  "Stored format = %s, input format = %s" % (self._in_format, fmt))
        flat = [a for a in flat if a is not None]
        ctx = flat[0].context
        try:
            cargs = [flat[i] if is_arg else i.data(ctx) for is_arg, i in self._cached_op_args]
        except DeferredInitializationError:
            self._deferred_infer_shape(*args)
            for p in self.collect_params().values():
                p._finish_deferred_init()
            cargs = [flat[i] if is_arg else i.data(ctx) for is_arg, i in self._cached_op_args]
        outs = self._cached_op(cargs)
        return regroup(list(outs), self._out_format)[0]

    def infer_shape(self, *args):
        """Sets the shapes of this block's parameters from the inputs' (the
        graph's shape inference)."""
        self._infer_attrs("infer_shape", "shape", *args)

    def infer_type(self, *args):
        """Sets the dtypes of this block's parameters from the inputs'."""
        self._infer_attrs("infer_type", "dtype", *args)

    def _infer_attrs(self, infer_fn, attr, *args):
        inputs, out = self._get_graph(*args)
        flat = [a for a in flatten(args, "input")[0] if a is not None]
        arg_attrs, _, aux_attrs = getattr(out, infer_fn)(**{i.name: getattr(j, attr)
                                                            for i, j in zip(inputs, flat)})
        if arg_attrs is None:
            raise MXNetValueError("%s: cannot infer the %ss of %s's parameters from input %ss %s"
                                  % (infer_fn, attr, self.name, attr, [getattr(a, attr) for a in flat]))
        sdict = dict(zip(out.list_arguments(), arg_attrs))
        sdict.update(zip(out.list_auxiliary_states(), aux_attrs))
        for p in self.collect_params().values():
            if p.name in sdict:
                setattr(p, attr, sdict[p.name])

    def _deferred_params(self):
        return [p for p in self.collect_params().values() if p._deferred_init]

    def _deferred_infer_shape(self, *args):
        try:
            self.infer_shape(*args)
        except Exception as e:
            raise MXNetValueError("Deferred initialization failed because shape cannot be inferred. %s" % e) from e

    # ---- export ---------------------------------------------------------------------------
    def export(self, path, epoch=0, remove_amp_cast=True):
        """Writes ``path-symbol.json`` and ``path-%04d.params`` (``arg:``/``aux:``
        keys), which MXNet's ``SymbolBlock.imports`` and
        ``mx.model.load_checkpoint`` load; returns the two file names."""
        if not self._cached_graph:
            raise MXNetError("Please first call block.hybridize() and then run forward with this block at "
                             "least once before calling export.")
        sym = self._cached_graph[1]
        arg_names = set(sym.list_arguments())
        aux_names = set(sym.list_auxiliary_states())
        arg_dict = {}
        for name, param in self.collect_params().items():
            if name in arg_names:
                arg_dict["arg:%s" % name] = param._reduce()
            elif name in aux_names:
                arg_dict["aux:%s" % name] = param._reduce()
        return write_export(path, epoch, sym, arg_dict)

    def optimize_for(self, x, *args, backend=None, **kwargs):
        raise MXNetValueError("optimize_for(backend=%r): gluonx has no subgraph backends; hybridize() compiles "
                              "the graph itself" % (backend,))

    def register_op_hook(self, callback, monitor_all=False):
        self._callback = callback
        self._monitor_all = monitor_all
        for cld in self._children.values():
            cld._callback = callback
            cld._monitor_all = monitor_all

    # ---- calling ------------------------------------------------------------------------
    def forward(self, x, *args):
        """NDArrays: runs the compiled graph when hybridized, else
        ``hybrid_forward(mx.nd, ...)`` (finishing deferred initialization
        first).  Symbols: composes ``hybrid_forward(mx.sym, ...)``."""
        ctx = _first_context((x,) + args)
        if ctx is None:
            if isinstance(x, Symbol):
                params = {i: j.var() for i, j in self._reg_params.items()}
                with self.name_scope():
                    return trace_block(self, self.hybrid_forward, symbol, x, *args, **params)
            raise MXNetValueError("In HybridBlock, there must be one NDArray or one Symbol in the input. "
                                  "Please check the type of the args.\n")
        with ctx:
            if self._active:
                return self._call_cached_op(x, *args)
            try:
                params = {k: v.data(ctx) for k, v in self._reg_params.items()}
            except DeferredInitializationError:
                self._deferred_infer_shape(x, *args)
                for p in self._deferred_params():
                    p._finish_deferred_init()
                params = {k: v.data(ctx) for k, v in self._reg_params.items()}
            return self.hybrid_forward(ndarray, x, *args, **params)

    def hybrid_forward(self, F, x, *args, **kwargs):
        """Override: the computation, written with ``F.<op>``."""
        raise NotImplementedError


def _first_context(args):
    for a in args:
        if isinstance(a, NDArray):
            return a.context
        if isinstance(a, (list, tuple)):
            c = _first_context(a)
            if c is not None:
                return c
    return None


def _common_prefix(names):
    if not names:
        return ""
    prefix = names[0]
    for s in names:
        while not s.startswith(prefix):
            prefix = prefix[:-1]
    return prefix


class SymbolBlock(HybridBlock):
    """A block made of a Symbol graph: ``SymbolBlock(outputs, inputs,
    params)`` or :meth:`imports` of exported files.  Its parameters are the
    graph's arguments and auxiliary states that are not inputs.

    >>> net = mx.gluon.SymbolBlock.imports('model-symbol.json', ['data'], 'model-0000.params')
    """

    def __init__(self, outputs, inputs, params=None):
        super().__init__(prefix=None, params=None)
        self._prefix = ""
        self._params = ParameterDict("", params)
        if isinstance(inputs, Symbol) and len(inputs.list_outputs()) == 1:
            inputs = [inputs]
        if isinstance(outputs, (list, tuple)) and len(outputs) == 1:
            outputs = outputs[0]
        syms, self._in_format = flatten(inputs, "input")
        out, self._out_format = flatten(outputs, "output")
        out = symbol.Group(out)
        input_names = set()
        for i in syms:
            if len(i.get_internals().list_outputs()) != 1:
                raise MXNetValueError("Input symbols must be variable, but %s is an output of operators" % str(i))
            input_names.add(i.name)
        for i in out.list_arguments():
            if i not in input_names:
                self.params.get(i, allow_deferred_init=True)
        for i in out.list_auxiliary_states():
            if i not in input_names:
                self.params.get(i, grad_req="null", allow_deferred_init=True)
        self._cached_graph = syms, out
        len_prefix = len(_common_prefix(list(self._params.keys())))
        self._reg_params = {key[len_prefix:]: val for key, val in self._params.items()}

    @staticmethod
    def imports(symbol_file, input_names, param_file=None, ctx=None, allow_missing=False, ignore_extra=False):
        """A SymbolBlock from ``export`` files (gluonx's or MXNet's)."""
        sym = symbol.load(symbol_file)
        if isinstance(input_names, str):
            input_names = [input_names]
        inputs = [symbol.var(i) for i in input_names]
        ret = SymbolBlock(sym, inputs)
        if param_file is not None:
            ret.collect_params().load(param_file, ctx=ctx, allow_missing=allow_missing, ignore_extra=ignore_extra,
                                      cast_dtype=True, dtype_source="saved")
        return ret

    def forward(self, x, *args):
        ctx = _first_context((x,) + args)
        if ctx is not None:
            with ctx:
                return self._call_cached_op(x, *args)
        if not isinstance(x, Symbol):
            raise MXNetValueError("SymbolBlock takes NDArrays or Symbols, got %s" % type(x).__name__)
        flat, in_fmt = flatten([x] + list(args), "input")
        if in_fmt != self._in_format:
            raise MXNetValueError("Invalid input format")
        ret = copy.copy(self._cached_graph[1])
        ret._compose(**{k.name: v for k, v in zip(self._cached_graph[0], flat)})
        return regroup(list(ret), self._out_format)[0]

    def _clear_cached_op(self):
        tmp = self._cached_graph
        super()._clear_cached_op()
        self._cached_graph = tmp

    def cast(self, dtype):
        self._clear_cached_op()
        super().cast(dtype)

    def hybrid_forward(self, F, x, *args, **kwargs):
        raise NotImplementedError
