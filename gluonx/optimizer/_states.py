"""The pickle-free optimizer-states format of ``Updater.get_states`` and
``Trainer.save_states``, and its validating reader.

Layout::

    blob := b"GXUPDATER1\\n" | u64 n | n bytes of UTF-8 JSON (meta) | .params bytes (the arrays)
    meta := {"states": [[key, state], ...], "num_update": int,
             "counts": [[device key, [[key, int], ...]], ...],
             "optimizer": {...}}                         (only with dump_optimizer)
    key  := ["s", str] | ["i", int]
    state := null | {"a": array name} | {"t": [state, ...]} (tuple) | {"l": [state, ...]} | {"v": JSON}

MXNet pickles ``(states, optimizer)`` here; gluonx writes JSON plus arrays
instead, so a file can restore only what it declares: counters, states, and
the optimizer's own known hyperparameters (never arbitrary attributes).
"""
from __future__ import annotations

import inspect
import io
import json
import struct
import warnings

from gluonx._core.ndarray import NDArray
from gluonx.base import MXNetError, MXNetValueError

MAGIC = b"GXUPDATER1\n"
_U64 = struct.Struct("<Q")
_MAX_DEPTH = 32          # nesting of one state (tuples of tuples): real states nest 2 deep
_SKIP = ("param_dict", "sym_info", "lr_scheduler", "_index_update_count", "_all_index_update_counts",
         "idx2name", "lr_mult", "wd_mult")


def jsonable(v) -> bool:
    """Whether `v` survives a JSON round trip as itself (tuples become lists)."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return True
    if isinstance(v, (list, tuple)):
        return all(jsonable(x) for x in v)
    if isinstance(v, dict):
        return all(isinstance(k, (str, int)) and jsonable(x) for k, x in v.items())
    return False


def enc_key(k):
    return ["s", k] if isinstance(k, str) else ["i", int(k)]


def enc_dict(d: dict) -> list:
    return [[enc_key(k), v] for k, v in d.items()]


def optimizer_config(opt) -> dict:
    """The JSON-able part of an optimizer (hyperparameters, counters, scheduler)."""
    cfg = {k: v for k, v in opt.__dict__.items() if k not in _SKIP and jsonable(v) and not isinstance(v, dict)}
    out = {"name": type(opt).__name__.lower(), "attrs": cfg, "idx2name": enc_dict(opt.idx2name),
           "lr_mult": enc_dict(opt.lr_mult), "wd_mult": enc_dict(opt.wd_mult)}
    sched = opt.lr_scheduler
    if sched is not None:
        out["lr_scheduler"] = {"class": type(sched).__name__,
                               "attrs": {k: v for k, v in sched.__dict__.items() if jsonable(v)}}
    return out


def encode(states: dict, opt, dump_optimizer: bool) -> bytes:
    """The blob of an Updater's `states` and `opt`'s counters."""
    from gluonx.ndarray import serialization as _ser
    arrays = {}

    def enc(s):
        if s is None:
            return None
        if isinstance(s, NDArray):
            key = "s%d" % len(arrays)
            arrays[key] = s
            return {"a": key}
        if isinstance(s, (list, tuple)):
            return {"t" if isinstance(s, tuple) else "l": [enc(x) for x in s]}
        if jsonable(s):
            return {"v": s}
        raise MXNetValueError("Updater.save_states: cannot serialize a state of type %s" % type(s).__name__)

    meta = {"states": [[enc_key(k), enc(v)] for k, v in states.items()], "num_update": opt.num_update,
            "counts": [[enc_key(dev), enc_dict(c)] for dev, c in opt._all_index_update_counts.items()]}
    if dump_optimizer:
        meta["optimizer"] = optimizer_config(opt)
    head = json.dumps(meta).encode("utf-8")
    buf = io.BytesIO()
    names = list(arrays)
    _ser._write_all(buf.write, [arrays[k] for k in names], names)
    return MAGIC + _U64.pack(len(head)) + head + buf.getvalue()


# ---- reading -------------------------------------------------------------------------

class _Decoder:
    """Checks each part of a blob's meta as it decodes it; every error names
    the source and the part."""

    def __init__(self, src: str, arrays: dict):
        self.src = src
        self.arrays = arrays

    def fail(self, msg: str) -> MXNetValueError:
        return MXNetValueError("load_states: %s is not a valid optimizer-states file: %s" % (self.src, msg))

    def integer(self, v, what: str, lo: int = 0) -> int:
        if type(v) is not int or v < lo:
            raise self.fail("%s must be an integer >= %d, got %r" % (what, lo, _brief(v)))
        return v

    def listof(self, v, what: str) -> list:
        if not isinstance(v, list):
            raise self.fail("%s must be a list, got %s" % (what, type(v).__name__))
        return v

    def pair(self, v, what: str) -> list:
        if not isinstance(v, list) or len(v) != 2:
            raise self.fail("%s must be a [key, value] pair, got %r" % (what, _brief(v)))
        return v

    def key(self, k, what: str):
        if isinstance(k, list) and len(k) == 2 and k[0] == "s" and isinstance(k[1], str):
            return k[1]
        if isinstance(k, list) and len(k) == 2 and k[0] == "i" and type(k[1]) is int:
            return k[1]
        raise self.fail("%s must be [\"s\", str] or [\"i\", int], got %r" % (what, _brief(k)))

    def mapping(self, items, what: str, check) -> dict:
        out = {}
        for i, it in enumerate(self.listof(items, what)):
            k, v = self.pair(it, "%s item %d" % (what, i))
            out[self.key(k, "%s item %d key" % (what, i))] = check(v, "%s item %d value" % (what, i))
        return out

    def state(self, s, what: str, depth: int = 0):
        if s is None:
            return None
        if depth > _MAX_DEPTH:
            raise self.fail("%s nests deeper than %d levels" % (what, _MAX_DEPTH))
        if not isinstance(s, dict) or len(s) != 1:
            raise self.fail("%s must be null or an object with one key (a, t, l or v), got %r" % (what, _brief(s)))
        (tag, v), = s.items()
        if tag == "a":
            if not isinstance(v, str) or v not in self.arrays:
                raise self.fail("%s refers to array %r, which the file does not hold" % (what, _brief(v)))
            return self.arrays[v]
        if tag in ("t", "l"):
            items = [self.state(x, "%s[%d]" % (what, i), depth + 1) for i, x in enumerate(self.listof(v, what))]
            return tuple(items) if tag == "t" else items
        if tag == "v":
            return v
        raise self.fail("%s has the unknown tag %r" % (what, _brief(tag)))


def _brief(v) -> str:
    r = repr(v)
    return r if len(r) <= 80 else r[:77] + "..."


def decode(data, src: str) -> dict:
    """The validated contents of a blob: ``states``, ``num_update``, ``counts``
    and ``optimizer`` (the raw config, checked by :func:`rebuild_optimizer`)."""
    from gluonx.ndarray.serialization import load_frombuffer
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise MXNetValueError("load_states: expected the bytes of Updater.get_states / Trainer.save_states, "
                              "got %s" % type(data).__name__)
    data = bytes(data)
    if data[:len(MAGIC)] != MAGIC:
        raise MXNetValueError("load_states: %s is not a gluonx optimizer-states file: expected it to start "
                              "with %r, got %r" % (src, MAGIC, data[:len(MAGIC)]))
    p = len(MAGIC)
    if len(data) < p + _U64.size:
        raise MXNetValueError("load_states: %s is truncated: at offset %d, expected the 8-byte header "
                              "length, but only %d bytes remain" % (src, p, len(data) - p))
    (n,) = _U64.unpack_from(data, p)
    p += _U64.size
    if n > len(data) - p:
        raise MXNetValueError("load_states: %s is truncated: at offset %d, the header declares %d bytes, "
                              "but only %d bytes remain" % (src, p, n, len(data) - p))
    try:
        meta = json.loads(data[p:p + n].decode("utf-8"))
    except (ValueError, RecursionError) as e:   # UnicodeDecodeError is a ValueError
        raise MXNetValueError("load_states: %s has a corrupt header at offset %d: %s" % (src, p, e)) from None
    rest = data[p + n:]
    arrays = {}
    if rest:
        try:
            arrays = load_frombuffer(rest)
        except MXNetError as e:
            raise MXNetValueError("load_states: %s: the arrays after offset %d: %s" % (src, p + n, e)) from None
        if isinstance(arrays, list):
            if arrays:
                raise MXNetValueError("load_states: %s: the arrays after offset %d have no names" % (src, p + n))
            arrays = {}
    d = _Decoder(src, arrays)
    if not isinstance(meta, dict):
        raise d.fail("the header must be a JSON object, got %s" % type(meta).__name__)
    missing = [k for k in ("states", "num_update", "counts") if k not in meta]
    if missing:
        raise d.fail("the header lacks %s" % ", ".join(missing))
    extra = sorted(set(meta) - {"states", "num_update", "counts", "optimizer"})
    if extra:
        raise d.fail("the header has unknown keys %s" % ", ".join(map(repr, extra)))
    counts = d.mapping(meta["counts"], "counts",
                       lambda v, w: d.mapping(v, w, lambda c, w2: d.integer(c, w2)))
    return {"states": d.mapping(meta["states"], "states", d.state),
            "num_update": d.integer(meta["num_update"], "num_update"),
            "counts": counts, "optimizer": meta.get("optimizer"), "decoder": d}


def _compatible(old, new) -> bool:
    """Whether `new` (from a file) may replace the attribute value `old`."""
    scalar = (type(None), int, float, str)
    if isinstance(old, bool):
        return isinstance(new, bool)
    if isinstance(new, bool):
        return False
    if isinstance(old, (int, float)):
        return new is None or isinstance(new, (int, float))
    if isinstance(old, str):
        return isinstance(new, str)
    if old is None:
        return isinstance(new, scalar)
    if isinstance(old, (list, tuple)):
        return isinstance(new, list) and all(isinstance(x, scalar) and not isinstance(x, bool) for x in new)
    return False


def _set_known(obj, attrs, what: str, d: _Decoder) -> None:
    """Sets on `obj` only the attributes it already has, of a compatible type."""
    if not isinstance(attrs, dict):
        raise d.fail("%s attrs must be an object" % what)
    ignored = []
    for k, v in attrs.items():
        if k in _SKIP or k not in obj.__dict__ or not jsonable(obj.__dict__[k]):
            ignored.append(k)
            continue
        old = obj.__dict__[k]
        if not _compatible(old, v):
            raise d.fail("%s attribute %r must be like %r, got %r" % (what, k, _brief(old), _brief(v)))
        setattr(obj, k, tuple(v) if isinstance(old, tuple) else v)
    if ignored:
        warnings.warn("load_states: %s: ignored %s attributes the %s does not have: %s"
                      % (d.src, what, what, ", ".join(sorted(map(repr, ignored)))[:300]))


def rebuild_optimizer(cfg, current, registry: dict, d: _Decoder):
    """The optimizer a dumped config describes: the registered class, built
    with its defaults (or copied from `current` when of that class), then
    given the file's values of the attributes it already has."""
    from gluonx import lr_scheduler as _lrs
    if not isinstance(cfg, dict) or not isinstance(cfg.get("name"), str):
        raise d.fail("'optimizer' must be an object with a 'name'")
    klass = registry.get(cfg["name"])
    if klass is None:
        raise d.fail("unknown optimizer %r" % _brief(cfg["name"]))
    if current is not None and type(current) is klass:
        opt = klass.__new__(klass)
        opt.__dict__.update(current.__dict__)
    else:
        opt = klass()
    _set_known(opt, cfg.get("attrs", {}), "optimizer", d)
    opt.idx2name = d.mapping(cfg.get("idx2name", []), "idx2name", _typed(d, str))
    opt.lr_mult = d.mapping(cfg.get("lr_mult", []), "lr_mult", _typed(d, (int, float)))
    opt.wd_mult = d.mapping(cfg.get("wd_mult", []), "wd_mult", _typed(d, (int, float)))
    sc = cfg.get("lr_scheduler")
    if sc is not None:
        if not isinstance(sc, dict) or not isinstance(sc.get("class"), str) or not isinstance(sc.get("attrs"), dict):
            raise d.fail("'lr_scheduler' must be an object with a 'class' and 'attrs'")
        sk = getattr(_lrs, sc["class"], None)
        if not (isinstance(sk, type) and issubclass(sk, _lrs.LRScheduler)):
            raise d.fail("unknown lr_scheduler %r" % _brief(sc["class"]))
        # build it from the arguments its constructor takes, then restore its counters
        params = inspect.signature(sk.__init__).parameters
        kwargs = {k: v for k, v in sc["attrs"].items() if k in params and k != "self"}
        try:
            sched = sk(**kwargs)
        except Exception as e:
            raise d.fail("cannot rebuild the %s: %s" % (sc["class"], e)) from None
        _set_known(sched, sc["attrs"], "lr_scheduler", d)
        opt.lr_scheduler = sched
    if current is not None and hasattr(current, "param_dict"):
        opt.param_dict = current.param_dict
    elif not hasattr(opt, "param_dict"):
        opt.param_dict = {}
    return opt


def _typed(d: _Decoder, types):
    def check(v, what):
        if isinstance(v, bool) or not isinstance(v, types):
            raise d.fail("%s has the wrong type (%s)" % (what, type(v).__name__))
        return v
    return check


def _layout(s) -> str:
    if isinstance(s, NDArray):
        return "array %s %s" % (s.shape, s.dtype.__name__ if hasattr(s.dtype, "__name__") else s.dtype)
    if isinstance(s, (list, tuple)):
        return "(%s)" % ", ".join(_layout(x) for x in s)
    return type(s).__name__


def check_state(loaded, fresh, index) -> None:
    """Raises MXNetValueError when a loaded state's layout (nesting, array
    shapes and dtypes) differs from the one the optimizer creates."""
    if _layout(loaded) != _layout(fresh):
        raise MXNetValueError("Updater: the loaded optimizer state of parameter %r is %s, but this optimizer "
                              "keeps %s for it (were the states saved with another optimizer, other "
                              "settings or other parameter shapes?)" % (index, _layout(loaded), _layout(fresh)))
