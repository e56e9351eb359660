"""Devices (``mx.cpu()``, ``mx.gpu()``, ``mx.context``)."""
from __future__ import annotations

import threading

from gluonx.base import MXNetValueError

__all__ = ["Context", "cpu", "gpu", "cpu_pinned", "current_context", "num_gpus", "gpu_memory_info"]


class Context:
    """A device: ``mx.cpu()``, ``mx.gpu(1)``.  Usable as a ``with`` block
    that sets the default device of array creation.

    >>> import gluonx as mx
    >>> with mx.cpu(0):
    ...     a = mx.nd.zeros((2,))
    >>> a.context
    cpu(0)
    """

    devtype2str = {1: "cpu", 2: "gpu", 3: "cpu_pinned", 5: "cpu_shared"}
    devstr2type = {"cpu": 1, "gpu": 2, "cpu_pinned": 3, "cpu_shared": 5}
    _default = threading.local()

    def __init__(self, device_type, device_id: int = 0):
        if isinstance(device_type, Context):
            self.device_typeid = device_type.device_typeid
            self.device_id = device_type.device_id
        else:
            if isinstance(device_type, str):
                if "(" in device_type:  # "gpu(1)"
                    name, _, rest = device_type.partition("(")
                    device_type, device_id = name, int(rest.rstrip(")"))
                if device_type not in self.devstr2type:
                    raise MXNetValueError("unknown device type %r; expected one of %s"
                                          % (device_type, sorted(self.devstr2type)))
                self.device_typeid = self.devstr2type[device_type]
            else:
                self.device_typeid = int(device_type)
            self.device_id = int(device_id)
        self._old = None

    @property
    def device_type(self) -> str:
        return self.devtype2str.get(self.device_typeid, "dev%d" % self.device_typeid)

    def __hash__(self):
        return hash((self.device_typeid, self.device_id))

    def __eq__(self, other):
        return (isinstance(other, Context) and self.device_typeid == other.device_typeid
                and self.device_id == other.device_id)

    def __repr__(self):
        return "%s(%d)" % (self.device_type, self.device_id)

    __str__ = __repr__

    def __enter__(self):
        self._old = getattr(Context._default, "value", None)
        Context._default.value = self
        return self

    def __exit__(self, *exc):
        Context._default.value = self._old

    def empty_cache(self) -> None:
        """Returns memory cached by gluonx's allocator to the system."""
        from gluonx._core.ndarray import host_cache_release
        if self.device_typeid in (1, 3, 5):
            host_cache_release()

    @classmethod
    def default_ctx(cls) -> "Context":
        return current_context()


_CPU0 = Context("cpu", 0)


def current_context() -> Context:
    """The default device of array creation (``mx.cpu()`` unless a ``with``
    block says otherwise)."""
    return getattr(Context._default, "value", None) or _CPU0


def cpu(device_id: int = 0) -> Context:
    return Context("cpu", device_id)


def cpu_pinned(device_id: int = 0) -> Context:
    return Context("cpu_pinned", device_id)


def gpu(device_id: int = 0) -> Context:
    """A GPU device.  Creating arrays on it needs a GPU backend (the CUDA
    backend and a visible device); without one that raises a clear error."""
    return Context("gpu", device_id)


def num_gpus() -> int:
    """Number of GPUs a loaded GPU backend sees (0 without one)."""
    import sys
    from gluonx import _backends
    for name in _backends.loaded_backends():
        mod = sys.modules.get(getattr(_backends._loaded[name], "__module__", ""), None)
        count = getattr(mod, "num_gpus", None)
        if callable(count):
            return int(count())
    return 0


def gpu_memory_info(device_id: int = 0) -> tuple:
    """(free, total) bytes of GPU ``device_id``, from the loaded GPU backend.

    Without a GPU backend or with no such device it raises MXNetValueError
    naming the device and how many GPUs there are (MXNet raised its generic
    error there too).
    """
    import sys
    from gluonx import _backends
    from gluonx.base import MXNetValueError
    count = num_gpus()
    if not 0 <= int(device_id) < count:
        raise MXNetValueError("gpu_memory_info: there is no gpu(%d): this process sees %d GPU(s)%s"
                              % (device_id, count, "" if count else
                                 " (no GPU backend is loaded; gluonx's CUDA backend is not "
                                 "part of this build yet)"))
    for name in _backends.loaded_backends():
        mod = sys.modules.get(getattr(_backends._loaded[name], "__module__", ""), None)
        info = getattr(mod, "gpu_memory_info", None)
        if callable(info):
            return tuple(info(int(device_id)))
    raise MXNetValueError("gpu_memory_info: the GPU backend does not report memory")
