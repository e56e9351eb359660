"""The built-in CPU backend: a C + OpenMP plugin library (backends/cpu/).

It is registered through the same path a third-party plugin uses: this
entry point loads the shared library, whose ``gluonx_plugin_init`` registers
its kernels through the plugin ABI.
"""
from __future__ import annotations

import ctypes
import glob
import os


def _preload_openblas() -> None:
    # The library links against the scipy-openblas32 wheel's OpenBLAS; load
    # it globally first so that the dynamic linker finds it by soname.
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
