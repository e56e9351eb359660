"""``mx.nd.save`` / ``mx.nd.load`` / ``mx.nd.load_frombuffer``: MXNet's binary
``.params`` format (an NDArray list), byte for byte as MXNet 1.9.1 writes it.

Layout (all little-endian)::

    file    := u64 0x112 (list magic) | u64 0 (reserved)
               | u64 n | array * n | u64 m | name * m        (m == 0 or m == n)
    name    := u64 len | len bytes (UTF-8)
    array   := u32 magic (0xF993FAC9 "V2"; 0xF993FACA "V3": NumPy shape semantics)
               | i32 stype (0 dense, 1 row_sparse, 2 csr)
               | [shape storage_shape]                      (sparse only)
               | shape | i32 dev_type | i32 dev_id | i32 dtype flag
               | [(i32 aux dtype flag | shape aux_shape) * naux] (sparse only)
               | data bytes | [aux data bytes * naux]
    shape   := i32 ndim | i64 dim * ndim

Older layouts that MXNet still loads are read as well: "V1" (magic 0xF993FAC8,
no storage type) and the pre-V1 layout (no magic: u32 ndim | u32 dims).  Sparse
arrays are loaded as dense arrays (gluonx has no sparse storage).  Arrays are
always loaded into CPU memory.  gluonx writes V2 records, as ``mx.nd.save``
does, except that a list holding a 0-d array (which only NumPy shape semantics
can express) is written with V3 records, as ``mx.npx.save`` does; MXNet loads
such a file under ``mx.npx.set_np()``.

>>> import gluonx as mx
>>> mx.nd.save('/tmp/x.params', {'w': mx.nd.ones((2, 2))})
>>> mx.nd.load('/tmp/x.params')['w'].shape
(2, 2)
"""
from __future__ import annotations

import struct

import numpy as np

from gluonx._core import ndarray as _c
from gluonx._core.ndarray import NDArray
from gluonx._fileio import MXNetFileNotFoundError, MXNetIOError, fspath, open_regular, write_atomic
from gluonx.base import MXNetError, MXNetTypeError, MXNetValueError

__all__ = ["save", "load", "load_frombuffer", "MXNetFileNotFoundError", "MXNetIOError"]

LIST_MAGIC = 0x112
V1_MAGIC = 0xF993FAC8
V2_MAGIC = 0xF993FAC9
V3_MAGIC = 0xF993FACA

# MXNet type flags (mshadow): the first eight are gluonx's own dtype flags.
_FLAG_DTYPES = {0: np.dtype("<f4"), 1: np.dtype("<f8"), 2: np.dtype("<f2"), 3: np.dtype("u1"),
                4: np.dtype("<i4"), 5: np.dtype("i1"), 6: np.dtype("<i8"), 7: np.dtype("?")}
_DTYPE_FLAGS = {dt.newbyteorder("="): flag for flag, dt in _FLAG_DTYPES.items()}
_MXNET_ONLY_FLAGS = {8: "int16", 9: "uint16", 10: "uint32", 11: "uint64", 12: "bfloat16"}
_STYPES = {0: "default", 1: "row_sparse", 2: "csr"}
_MAX_NDIM = 16                      # GX_MAX_NDIM
_MAX_DIM_PRODUCT = 1 << 62          # keeps element strides inside int64
_MAX_SPARSE_DENSE_BYTES = 1 << 30   # a sparse record is densified: bound what a tiny file may ask for

_U32 = struct.Struct("<I")
_I32 = struct.Struct("<i")
_U64 = struct.Struct("<Q")
_HEAD = struct.Struct("<QQ")


class _SaveArgumentError(MXNetTypeError, ValueError):
    """save() got data of the wrong kind.  MXNet raises TypeError for a bad list or
    dict and ValueError for any other type: this error is both."""


# ---- load ------------------------------------------------------------------------

class _Reader:
    """Bounds-checked little-endian reader over a bytes-like object or over a
    regular file of known size, read incrementally: every length is checked
    against the bytes that remain before anything is read or allocated."""

    __slots__ = ("buf", "f", "size", "pos", "src")

    def __init__(self, src: str, buf=None, f=None, size: int = 0):
        self.buf = buf
        self.f = f
        self.size = len(buf) if buf is not None else size
        self.pos = 0
        self.src = src

    def error(self, what: str, at: int | None = None) -> MXNetValueError:
        return MXNetValueError("load: %s is not a valid MXNet .params file: at offset %d, %s"
                               % (self.src, self.pos if at is None else at, what))

    def remaining(self) -> int:
        return self.size - self.pos

    def _check(self, n: int, what: str) -> None:
        if n < 0 or n > self.remaining():
            raise self.error("expected %d bytes of %s, but only %d bytes remain" % (n, what, self.remaining()))

    def _short(self, got: int, n: int, what: str) -> MXNetValueError:
        return self.error("read %d of the %d bytes of %s: the file changed size while being read"
                          % (got, n, what))

    def take(self, n: int, what: str):
        self._check(n, what)
        if self.f is None:
            out = self.buf[self.pos:self.pos + n]
        else:
            out = self.f.read(n)
            if len(out) != n:
                raise self._short(len(out), n, what)
        self.pos += n
        return out

    def take_into(self, n: int, what: str) -> np.ndarray:
        """The next n bytes as a uint8 NumPy array (read straight into it from a file)."""
        self._check(n, what)
        if self.f is None:
            out = np.frombuffer(self.buf[self.pos:self.pos + n], dtype=np.uint8)
        else:
            out = np.empty(n, dtype=np.uint8)
            got = self.f.readinto(memoryview(out))
            if got != n:
                raise self._short(got or 0, n, what)
        self.pos += n
        return out

    def u32(self, what: str) -> int:
        return _U32.unpack(self.take(4, what))[0]

    def i32(self, what: str) -> int:
        return _I32.unpack(self.take(4, what))[0]

    def u64(self, what: str) -> int:
        return _U64.unpack(self.take(8, what))[0]

    def count(self, what: str, min_item_bytes: int) -> int:
        at = self.pos
        n = self.u64(what)
        if n * min_item_bytes > self.remaining():
            raise self.error("%s is %d, but only %d bytes remain (at least %d bytes per item)"
                             % (what, n, self.remaining(), min_item_bytes), at)
        return n

    def dims(self, ndim: int, wide: bool, what: str) -> tuple:
        """ndim dims: int64 (wide) or uint32 (pre-V1)."""
        fmt = "<%d%s" % (ndim, "q" if wide else "I")
        return struct.unpack(fmt, self.take(ndim * (8 if wide else 4), what))

    def shape(self, what: str, allow_unknown: bool = False) -> tuple | None:
        """An int32 ndim then int64 dims (MXNet's TShape); None for the unknown
        shape of NumPy semantics (ndim -1 or a dim of -1) when allow_unknown."""
        at = self.pos
        ndim = self.i32(what + " ndim")
        if ndim == -1 and allow_unknown:
            return None
        self.check_ndim(ndim, what, at)
        dims = self.dims(ndim, True, what)
        if allow_unknown and -1 in dims:
            return None
        self.check_dims(dims, what, at)
        return dims

    def check_ndim(self, ndim: int, what: str, at: int) -> None:
        if not 0 <= ndim <= _MAX_NDIM:
            raise self.error("expected the number of dimensions of %s (0 to %d), got %d"
                             % (what, _MAX_NDIM, ndim), at)

    def check_dims(self, dims: tuple, what: str, at: int) -> None:
        p = 1
        for d in dims:
            if d < 0:
                raise self.error("expected non-negative dimensions for %s, got %s" % (what, dims), at)
            p *= max(d, 1)
        if p > _MAX_DIM_PRODUCT:
            raise self.error("the %s %s is too large" % (what, dims), at)

    def dtype(self, what: str) -> np.dtype:
        at = self.pos
        flag = self.i32(what)
        if flag in _FLAG_DTYPES:
            return _FLAG_DTYPES[flag]
        if flag in _MXNET_ONLY_FLAGS:
            raise self.error("%s is %d (%s), which gluonx does not support"
                             % (what, flag, _MXNET_ONLY_FLAGS[flag]), at)
        raise self.error("expected a known %s (0 to 7), got %d" % (what, flag), at)

    def values(self, dims: tuple, dt: np.dtype, what: str) -> np.ndarray:
        """A NumPy array over the next prod(dims) items (size checked first)."""
        n = 1
        for d in dims:
            n *= d
        raw = self.take_into(n * dt.itemsize, what)
        try:
            return raw.view(dt).reshape(dims)
        except ValueError:   # an empty array whose other dimensions NumPy cannot represent
            raise self.error("the shape %s of %s is too large" % (dims, what), self.pos) from None


def _read_array(r: _Reader, i: int):
    at = r.pos
    what = "array %d" % i
    magic = r.u32(what + " magic")
    if magic in (V2_MAGIC, V3_MAGIC):
        return _read_v2(r, i, magic == V3_MAGIC, at)
    # V1 (int64 dims, no storage type) or pre-V1: the "magic" is then the uint32 ndim.
    if magic == V1_MAGIC:
        dims = r.shape(what + " shape")
    else:
        if magic > _MAX_NDIM:
            raise r.error("expected an array record (magic 0x%08X, 0x%08X or 0x%08X, or a legacy "
                          "ndim <= %d), got 0x%08X" % (V2_MAGIC, V3_MAGIC, V1_MAGIC, _MAX_NDIM, magic), at)
        dims_at = r.pos
        dims = r.dims(magic, False, what + " shape")
        r.check_dims(dims, what + " shape", dims_at)
    if len(dims) == 0:
        raise r.error("%s is an uninitialized array (no shape), which gluonx cannot load" % what, at)
    r.take(8, what + " context")
    dt = r.dtype(what + " dtype flag")
    return _to_ndarray(r.values(dims, dt, what + " data"))


def _read_v2(r: _Reader, i: int, np_shape: bool, at: int):
    what = "array %d" % i
    st_at = r.pos
    stype = r.i32(what + " storage type")
    if stype not in _STYPES:
        raise r.error("expected a storage type 0 (default), 1 (row_sparse) or 2 (csr) for %s, got %d"
                      % (what, stype), st_at)
    if np_shape and stype != 0:
        raise r.error("%s is saved with NumPy shape semantics (V3) but is %s; V3 allows only dense arrays"
                      % (what, _STYPES[stype]), st_at)
    sshape = r.shape(what + " storage shape") if stype else None
    sh_at = r.pos
    dims = r.shape(what + " shape", allow_unknown=np_shape)
    if dims is None:
        raise r.error("%s has an unknown shape (an uninitialized array), which gluonx cannot load" % what, sh_at)
    # MXNet 1.9.1 writes a 0-d array as a V2 record with ndim 0 followed by its
    # data (and then cannot read it back); gluonx reads it as the scalar it is.
    r.take(8, what + " context")
    dt = r.dtype(what + " dtype flag")
    if stype == 0:
        return _to_ndarray(r.values(dims, dt, what + " data"))
    naux = 1 if stype == 1 else 2
    aux = []
    for k in range(naux):
        aux.append((r.dtype("%s aux %d dtype flag" % (what, k)), r.shape("%s aux %d shape" % (what, k))))
    data = r.values(sshape, dt, what + " data")
    aux_vals = [r.values(shp, adt, "%s aux %d data" % (what, k)) for k, (adt, shp) in enumerate(aux)]
    return _to_ndarray(_densify(r, what, stype, dims, dt, data, aux_vals, at))


def _densify(r, what, stype, dims, dt, data, aux, at) -> np.ndarray:
    """The dense values of a row_sparse (aux: row indices) or csr (aux: indptr,
    indices) record, after checking that its parts fit together."""
    size = 1
    for d in dims:
        size *= d
    if size * dt.itemsize > _MAX_SPARSE_DENSE_BYTES:
        raise r.error("%s is %s of shape %s; gluonx loads it as a dense array, which would take %d bytes "
                      "(more than the %d allowed)" % (what, _STYPES[stype], dims, size * dt.itemsize,
                                                      _MAX_SPARSE_DENSE_BYTES), at)
    for a in aux:
        if a.dtype.kind not in "iu":
            raise r.error("%s: sparse index arrays must be integers, got %s" % (what, a.dtype), at)
    out = np.zeros(dims, dtype=dt)
    if stype == 1:
        idx = aux[0]
        if (len(dims) < 1 or idx.ndim != 1 or data.shape != (idx.shape[0],) + tuple(dims[1:])
                or (idx.size and (idx.min() < 0 or idx.max() >= dims[0]))):
            raise r.error("%s: row_sparse parts do not fit: shape %s, data %s, indices %s"
                          % (what, dims, data.shape, idx.shape), at)
        out[idx.astype(np.int64)] = data
        return out
    indptr, indices = aux
    ok = (len(dims) == 2 and indptr.shape == (dims[0] + 1,) and indices.ndim == 1
          and data.shape == indices.shape)
    if ok:
        ip = indptr.astype(np.int64)
        ok = (ip[0] == 0 and ip[-1] == indices.size and bool(np.all(np.diff(ip) >= 0))
              and (indices.size == 0 or (indices.min() >= 0 and indices.max() < dims[1])))
    if not ok:
        raise r.error("%s: csr parts do not fit: shape %s, data %s, indptr %s, indices %s"
                      % (what, dims, data.shape, indptr.shape, indices.shape), at)
    rows = np.repeat(np.arange(dims[0]), np.diff(ip))
    out[rows, indices.astype(np.int64)] = data
    return out


def _to_ndarray(a: np.ndarray) -> NDArray:
    a = a.astype(a.dtype.newbyteorder("="), copy=False)
    if a.ndim == 0:  # array_from_numpy makes (1,) of a 0-d source, as mx.nd.array does
        return _c.reshape(_c.array_from_numpy(a.reshape(1)), ())
    return _c.array_from_numpy(a)


def _parse(buf, src: str):
    mv = memoryview(buf)
    if not mv.c_contiguous:
        mv = memoryview(mv.tobytes())
    return _parse_reader(_Reader(src, buf=mv.cast("B")))


def _parse_reader(r: _Reader):
    header, _reserved = _HEAD.unpack(r.take(16, "the file header (list magic and reserved word)"))
    if header != LIST_MAGIC:
        raise r.error("expected the NDArray list magic 0x%X, got 0x%X" % (LIST_MAGIC, header), 0)
    n = r.count("the number of arrays", 4)
    arrays = [_read_array(r, i) for i in range(n)]
    at = r.pos
    m = r.count("the number of names", 8)
    if m not in (0, n):
        raise r.error("expected 0 or %d names (one per array), got %d" % (n, m), at)
    names = []
    for i in range(m):
        at = r.pos
        length = r.count("the length of name %d" % i, 1)
        raw = bytes(r.take(length, "name %d" % i))
        try:
            names.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise r.error("name %d is not valid UTF-8: %r" % (i, raw[:40]), at) from None
    if not names:
        return arrays
    return dict(zip(names, arrays))


def load(fname):
    """Loads arrays saved by :func:`save` (or by MXNet's ``mx.nd.save``): a list,
    or a dict ``str -> NDArray`` when names were saved, in file order.

    >>> import gluonx as mx
    >>> mx.nd.save('/tmp/y.params', [mx.nd.arange(3)])
    >>> mx.nd.load('/tmp/y.params')[0].asnumpy()
    array([0., 1., 2.], dtype=float32)
    """
    path = fspath(fname, "load")
    f, size = open_regular(path, "load")
    with f:
        try:
            return _parse_reader(_Reader(repr(path), f=f, size=size))
        except OSError as e:
            if isinstance(e, MXNetError):
                raise
            raise MXNetIOError(e.errno, "load: cannot read %r: %s" % (path, e.strerror or e), path) from None


def load_frombuffer(buf):
    """Like :func:`load`, from the bytes of a ``.params`` file (any bytes-like object)."""
    if isinstance(buf, str):
        raise MXNetTypeError("load_frombuffer: buf must be bytes-like, got str")
    try:
        view = memoryview(buf)
    except TypeError:
        raise MXNetTypeError("load_frombuffer: buf must be bytes-like, got %s" % type(buf).__name__) from None
    return _parse(view, "the buffer")


# ---- save ------------------------------------------------------------------------

def _records(data):
    """(arrays, names) from save()'s data argument, by MXNet's rules."""
    if isinstance(data, NDArray):
        return [data], []
    if isinstance(data, dict):
        for k, v in data.items():
            if not isinstance(k, str) or not isinstance(v, NDArray):
                raise _SaveArgumentError("save: a dict must map str -> NDArray, got %s -> %s"
                                         % (type(k).__name__, type(v).__name__))
        return list(data.values()), list(data.keys())
    if isinstance(data, (list, tuple)):
        for i, v in enumerate(data):
            if not isinstance(v, NDArray):
                raise _SaveArgumentError("save: item %d of the list is a %s, not an NDArray"
                                         % (i, type(v).__name__))
        return list(data), []
    raise _SaveArgumentError("save: data must be an NDArray, a list of NDArrays or a dict str -> NDArray, "
                             "got %s" % type(data).__name__)


def _array_parts(a: NDArray, magic: int):
    """(header bytes, data buffer) of one array record."""
    ctx = a.context
    if ctx.device_typeid in (1, 3, 5) and a.is_contiguous and a.size:
        host = _c.numpy_view(a)      # no copy
    else:
        host = a.asnumpy()           # device or strided view: a contiguous host copy
    flag = _DTYPE_FLAGS[host.dtype.newbyteorder("=")]
    host = host.astype(host.dtype.newbyteorder("<"), copy=False)   # a no-op on little-endian hosts
    shape = a.shape
    head = struct.pack("<Iii%dqiii" % len(shape), magic, 0, len(shape),
                       *shape, ctx.device_typeid, ctx.device_id, flag)
    return head, np.ascontiguousarray(host).reshape(-1).view(np.uint8).data


def _write_all(write, arrays, names) -> None:
    write(_HEAD.pack(LIST_MAGIC, 0))
    write(_U64.pack(len(arrays)))
    # A 0-d array exists only in NumPy shape semantics (V3); MXNet cannot load a file
    # mixing V2 and V3 records under mx.npx.set_np(), so such a file is all V3 (as
    # mx.npx.save writes it).  Otherwise V2, as mx.nd.save writes it.
    magic = V3_MAGIC if any(a.ndim == 0 for a in arrays) else V2_MAGIC
    for a in arrays:
        head, body = _array_parts(a, magic)
        write(head)
        write(body)
    write(_U64.pack(len(names)))
    for k in names:
        raw = k.encode("utf-8")
        write(_U64.pack(len(raw)))
        write(raw)


def save(fname, data) -> None:
    """Saves an NDArray, a list of NDArrays or a dict ``str -> NDArray`` to
    `fname` in MXNet's ``.params`` format (MXNet loads it with ``mx.nd.load``).

    Written through :func:`gluonx._fileio.write_atomic`: a temporary file in the
    same folder, fsynced and renamed over `fname`, so an error never leaves a
    partial file; only a regular file may be replaced (a symlink, device, FIFO
    or directory at `fname` is refused), and it keeps its permission bits.

    >>> import gluonx as mx
    >>> mx.nd.save('/tmp/z.params', {'a': mx.nd.zeros((2,))})
    """
    path = fspath(fname, "save")
    arrays, names = _records(data)
    write_atomic(path, lambda write: _write_all(write, arrays, names), "save")
