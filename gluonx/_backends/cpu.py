"""The built-in CPU backend: a C + OpenMP plugin library (backends/cpu/).

It is registered through the same path a third-party plugin uses: this
entry point loads the shared library, whose ``gluonx_plugin_init`` registers
its kernels through the plugin ABI.
"""
from __future__ import annotations

import ctypes
import glob
import os


_AVX512 = ("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl")


def _cpu_vendor_and_flags() -> tuple:
    """(vendor_id, set of flags) of the first CPU in /proc/cpuinfo; ("", set()) elsewhere."""
    vendor, flags = "", set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if not line.strip():
                    break  # the first processor's block is enough
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "vendor_id":
                    vendor = value.strip()
                elif key == "flags":
                    flags = set(value.split())
    except OSError:
        pass
    return vendor, flags


def _choose_openblas_core() -> None:
    # OpenBLAS (DYNAMIC_ARCH) picks its kernels by CPU model and falls back to
    # the AVX2 "Haswell" kernels on AMD models it does not know yet (Zen 5 in
    # 0.3.x), although they run AVX-512: its SkylakeX kernels measured 1.9x
    # faster sgemm there (benchmarks/bench_core.py).  Intel models it knows
    # are left to its own choice; OPENBLAS_CORETYPE set by the user wins.
    if "OPENBLAS_CORETYPE" in os.environ:
        return
    vendor, flags = _cpu_vendor_and_flags()
    if vendor != "GenuineIntel" and all(f in flags for f in _AVX512):
        os.environ["OPENBLAS_CORETYPE"] = "SkylakeX"


def _preload_openblas() -> None:
    # The library links against the scipy-openblas32 wheel's OpenBLAS; load
    # it globally first so that the dynamic linker finds it by soname.
    # Importing scipy_openblas32 loads it: OpenBLAS reads its settings then.
    _choose_openblas_core()
    # OpenBLAS's idle workers spin for 2^28 cycles (~0.1 s) after each call,
    # taking a core from the OpenMP loops that follow (convolution, pooling):
    # a LeNet training step ran 14 ms with that default and 9 ms with 2^16
    # cycles (~20 us) of spinning.  A user's setting wins.
    os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "16")
    import scipy_openblas32
    path = os.path.join(scipy_openblas32.get_lib_dir(), "lib%s.so" % scipy_openblas32.get_library())
    if os.path.exists(path):
        ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)


def library_path() -> str:
    here = os.path.dirname(os.path.abspath(__file__))
    found = sorted(glob.glob(os.path.join(here, "libgluonx_cpu*.so")))
    if not found:
        raise ImportError("gluonx's CPU backend library is not built; run "
                          "`pip install -e .` (or `python setup.py build_ext --inplace`)")
    return found[0]


def register(registry) -> None:
    _preload_openblas()
    registry.load_library(library_path())
