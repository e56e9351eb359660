"""``mx.gluon.utils``: splitting batches across devices, global-norm
clipping, file checks.

>>> import gluonx as mx
>>> parts = mx.gluon.utils.split_data(mx.nd.arange(6).reshape((3, 2)), 3)
>>> [p.shape for p in parts]
[(1, 2), (1, 2), (1, 2)]
"""
from __future__ import annotations

import hashlib
import os
import warnings
import weakref
from collections import OrderedDict

import numpy as np

from gluonx import ndarray  # noqa: E402

__all__ = ["split_data", "split_and_load", "clip_global_norm", "check_sha1", "download",
           "replace_file", "shape_is_known", "HookHandle"]


def split_data(data, num_slice, batch_axis=0, even_split=True):
    """Splits an NDArray into `num_slice` slices along `batch_axis`
    (uneven last slices allowed with ``even_split=False``)."""
    size = data.shape[batch_axis]
    if num_slice <= 0:
        raise ValueError("split_data: num_slice must be positive, got %d" % num_slice)
    if even_split and size % num_slice != 0:
        raise ValueError(
            "data with shape %s cannot be evenly split into %d slices along axis %d. "
            "Use a batch size that's multiple of %d or set even_split=False to allow "
            "uneven partitioning of data." % (str(data.shape), num_slice, batch_axis, num_slice))
    if size < num_slice:
        raise ValueError("split_data: too many slices (%d) for data with shape %s along axis %d"
                         % (num_slice, str(data.shape), batch_axis))
    n_each_section, extras = divmod(size, num_slice)
    section_sizes = [0] + (extras * [n_each_section + 1] + (num_slice - extras) * [n_each_section])
    div_points = np.array(section_sizes).cumsum()
    nd = ndarray
    if batch_axis != 0:
        return [nd.slice_axis(data, axis=batch_axis, begin=int(div_points[i]), end=int(div_points[i + 1]))
                for i in range(num_slice)]
    return [data[int(div_points[i]):int(div_points[i + 1])] for i in range(num_slice)]


def split_and_load(data, ctx_list, batch_axis=0, even_split=True):
    """Splits `data` along `batch_axis` and loads each slice onto one context."""
    nd = ndarray
    if not isinstance(data, nd.NDArray):
        data = nd.array(data, ctx=ctx_list[0])
    if len(ctx_list) == 1:
        return [data.as_in_context(ctx_list[0])]
    slices = split_data(data, len(ctx_list), batch_axis, even_split)
    return [s.as_in_context(ctx) for s, ctx in zip(slices, ctx_list)]


def clip_global_norm(arrays, max_norm, check_isfinite=True):
    """Rescales `arrays` in place so that the 2-norm of their concatenation
    is at most `max_norm`; returns that norm (before clipping): a float when
    `check_isfinite`, else a 1-element NDArray."""
    nd = ndarray
    if len(arrays) == 0:
        raise ValueError("clip_global_norm: no arrays given")
    ctx = arrays[0].context
    total = None
    for arr in arrays:
        x = arr.reshape((-1,))
        sq = nd.dot(x, x).reshape((1,)).as_in_context(ctx)
        if sq.dtype != np.float32 and sq.dtype != np.float64:
            sq = sq.astype("float32")
        total = sq if total is None else total + sq
    total_norm = nd.sqrt(total)
    if check_isfinite:
        if not np.isfinite(total_norm.asscalar()):
            warnings.warn(UserWarning("nan or inf is detected. Clipping results will be undefined."),
                          stacklevel=2)
    scale = max_norm / (total_norm + 1e-8)
    scale = nd.minimum(scale, 1.0)
    for arr in arrays:
        arr *= scale.as_in_context(arr.context).astype(arr.dtype)
    if check_isfinite:
        return total_norm.asscalar()
    return total_norm


def _indent(s_, num_spaces):
    s = s_.split("\n")
    if len(s) == 1:
        return s_
    first = s.pop(0)
    return "\n".join([first] + [(num_spaces * " ") + line for line in s])


def check_sha1(filename, sha1_hash):
    """True when the SHA-1 of the file's content equals `sha1_hash`."""
    sha1 = hashlib.sha1()
    with open(filename, "rb") as f:
        while True:
            data = f.read(1048576)
            if not data:
                break
            sha1.update(data)
    return sha1.hexdigest() == sha1_hash


def replace_file(src, dst):
    """Atomically moves `src` onto `dst`."""
    os.replace(src, dst)


def download(url, path=None, overwrite=False, sha1_hash=None, retries=5, verify_ssl=True):
    """Downloads `url` to `path` (returns the file name).  An existing file
    with a matching hash is not downloaded again.  ``verify_ssl=False`` skips
    the certificate check for this request only (with a warning)."""
    if path is None:
        fname = url.split("/")[-1]
        if not fname:
            raise ValueError("Can't construct file-name from this URL. Please set the `path` option manually.")
    else:
        path = os.path.expanduser(path)
        fname = os.path.join(path, url.split("/")[-1]) if os.path.isdir(path) else path
    if retries < 0:
        raise ValueError("Number of retries should be at least 0, currently it's %d" % retries)
    if not overwrite and os.path.exists(fname) and (not sha1_hash or check_sha1(fname, sha1_hash)):
        return fname
    import urllib.request
    import uuid
    dirname = os.path.dirname(os.path.abspath(os.path.expanduser(fname)))
    os.makedirs(dirname, exist_ok=True)
    context = None
    if not verify_ssl:
        import ssl
        warnings.warn("Unverified HTTPS request is being made (verify_ssl=False). "
                      "Adding certificate verification is strongly advised.")
        # a context for this call only: the process-wide default stays verified
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    while True:
        try:
            print("Downloading %s from %s..." % (fname, url))
            tmp = "%s.%s" % (fname, uuid.uuid4())
            with urllib.request.urlopen(url, context=context) as r, open(tmp, "wb") as f:
                while True:
                    chunk = r.read(1 << 16)
                    if not chunk:
                        break
                    f.write(chunk)
            replace_file(tmp, fname)
            if sha1_hash and not check_sha1(fname, sha1_hash):
                raise UserWarning("File %s is downloaded but the content hash does not match." % fname)
            return fname
        except Exception:
            retries -= 1
            if retries <= 0:
                raise


def _brief_print_list(lst, limit=7):
    lst = list(lst)
    if len(lst) > limit:
        return _brief_print_list(lst[:limit // 2], limit) + ", ..., " + \
            _brief_print_list(lst[-limit // 2:], limit)
    return ", ".join(["'%s'" % str(i) for i in lst])


def shape_is_known(shape):
    """True when `shape` is set and has no unknown (0 or -1) dimension."""
    if shape is None:
        return False
    for d in shape:
        if d <= 0:
            return False
    return True


class HookHandle:
    """Returned by ``register_forward_hook``: ``detach()`` removes the hook."""

    _next_id = 0

    def __init__(self):
        self._hooks_dict_ref = None
        self._id = None

    def attach(self, hooks_dict, hook):
        if self._hooks_dict_ref is not None:
            raise RuntimeError("The same handle cannot be attached twice.")
        self._id = HookHandle._next_id
        HookHandle._next_id += 1
        hooks_dict[self._id] = hook
        self._hooks_dict_ref = weakref.ref(hooks_dict)

    def detach(self):
        hooks_dict = self._hooks_dict_ref() if self._hooks_dict_ref is not None else None
        if hooks_dict is not None and self._id in hooks_dict:
            del hooks_dict[self._id]

    def __getstate__(self):
        return (self._hooks_dict_ref() if self._hooks_dict_ref is not None else None, self._id)

    def __setstate__(self, state):
        if state[0] is None:
            self._hooks_dict_ref = weakref.ref(OrderedDict())
        else:
            self._hooks_dict_ref = weakref.ref(state[0])
        self._id = state[1]

    def __enter__(self):
        return self

    def __exit__(self, ptype, value, trace):
        self.detach()
