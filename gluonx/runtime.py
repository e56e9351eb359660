"""``mx.runtime``: which features this gluonx build has, in MXNet's names.

The answers are honest for gluonx: there is no CUDA backend yet, no sparse
storage, no MKL-DNN, no LAPACK calls; the CPU backend is C + OpenMP on OpenBLAS,
dispatching at run time to the vector instructions the CPU has.

>>> import gluonx as mx
>>> mx.runtime.Features().is_enabled('CUDA')
False
"""
from __future__ import annotations

import collections

from gluonx.base import MXNetRuntimeError

__all__ = ["Feature", "Features", "feature_list"]

# MXNet 1.9.1's feature names, in its order.
_NAMES = ["CUDA", "CUDNN", "NCCL", "CUDA_RTC", "TENSORRT", "CPU_SSE", "CPU_SSE2", "CPU_SSE3",
          "CPU_SSE4_1", "CPU_SSE4_2", "CPU_SSE4A", "CPU_AVX", "CPU_AVX2", "OPENMP", "SSE", "F16C",
          "JEMALLOC", "BLAS_OPEN", "BLAS_ATLAS", "BLAS_MKL", "BLAS_APPLE", "LAPACK", "MKLDNN",
          "OPENCV", "CAFFE", "PROFILER", "DIST_KVSTORE", "CXX14", "INT64_TENSOR_SIZE",
          "SIGNAL_HANDLER", "DEBUG", "TVM_OP"]

# /proc/cpuinfo flag of each CPU_* feature (the kernels pick vector code at run time).
_CPU_FLAGS = {"CPU_SSE": "sse", "CPU_SSE2": "sse2", "CPU_SSE3": "pni", "CPU_SSE4_1": "sse4_1",
              "CPU_SSE4_2": "sse4_2", "CPU_SSE4A": "sse4a", "CPU_AVX": "avx", "CPU_AVX2": "avx2",
              "SSE": "sse", "F16C": "f16c"}


def _cpu_flags() -> set:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def _enabled() -> dict:
    flags = _cpu_flags()
    on = {name: False for name in _NAMES}
    for name, flag in _CPU_FLAGS.items():
        on[name] = flag in flags
    on.update(OPENMP=True, BLAS_OPEN=True, INT64_TENSOR_SIZE=True)
    try:
        import gluonx.profiler  # noqa: F401
        on["PROFILER"] = True
    except ImportError:
        pass
    return on


class Feature:
    """One feature: ``name`` and ``enabled``; prints as ``✔ NAME`` or ``✖ NAME``."""

    def __init__(self, name: str, enabled: bool):
        self._name, self._enabled = name, bool(enabled)

    @property
    def name(self) -> str:
        return self._name

    @property
    def enabled(self) -> bool:
        return self._enabled

    def __repr__(self) -> str:
        return ("✔ " if self._enabled else "✖ ") + self._name


def feature_list() -> list:
    """Every feature of this build, as :class:`Feature` objects."""
    return [Feature(name, on) for name, on in _enabled().items()]


class Features(collections.OrderedDict):
    """The (single) ordered dict of feature name -> :class:`Feature`."""
    instance = None

    def __new__(cls):
        if cls.instance is None:
            cls.instance = super().__new__(cls)
            collections.OrderedDict.__init__(cls.instance, [(f.name, f) for f in feature_list()])
        return cls.instance

    def __init__(self):
        pass  # filled once in __new__

    def __repr__(self) -> str:
        return str(list(self.values()))

    def is_enabled(self, feature_name: str) -> bool:
        """Whether ``feature_name`` (any case) is enabled; unknown names raise RuntimeError."""
        name = feature_name.upper()
        if name not in self:
            raise MXNetRuntimeError("Feature '%s' is unknown, known features are: %s"
                                    % (name, list(self.keys())))
        return self[name].enabled
