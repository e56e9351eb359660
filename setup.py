"""Builds gluonx's two native parts:

* ``gluonx._core.ndarray`` - the Cython core (NDArray, dispatch table, tape hooks);
* ``gluonx._backends.libgluonx_cpu`` - the C + OpenMP CPU backend, a plain
  plugin library that the core dlopens through the plugin ABI, exactly as it
  would a third-party backend (it has no Python module init).
"""
import glob
import os
import sys

import numpy
import scipy_openblas32
from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
INCLUDE = [os.path.join(HERE, "include")]
OPT = ["-O3", "-fno-math-errno", "-fno-trapping-math", "-Wall", "-Wno-unused-function"]
LINK = []

# GLUONX_SANITIZE=address,undefined builds both native parts with ASan + UBSan
# (.ci/sanitize runs the op tests and the fuzz suite on such a build).  Python
# itself is not instrumented, so the runtime is preloaded: see .ci/sanitize.
SANITIZE = os.environ.get("GLUONX_SANITIZE", "").strip()
if SANITIZE:
    OPT = ["-O1", "-g", "-fno-omit-frame-pointer", "-fsanitize=" + SANITIZE,
           "-fno-sanitize-recover=all", "-Wall", "-Wno-unused-function"]
    LINK = ["-fsanitize=" + SANITIZE]


class BuildExt(build_ext):
    """The CPU backend is a plain shared library: no PyInit_ symbol to export."""

    def get_export_symbols(self, ext):
        if ext.name.endswith("libgluonx_cpu"):
            return []
        return super().get_export_symbols(ext)


core = Extension(
    "gluonx._core.ndarray",
    sources=["gluonx/_core/ndarray.pyx", "gluonx/_core/core_support.c"],
    include_dirs=INCLUDE + ["gluonx/_core"],
    extra_compile_args=OPT + ["-Wno-unused-variable"],
    libraries=["dl"],
    extra_link_args=LINK,
)

blas_lib_dir = scipy_openblas32.get_lib_dir()
cpu_backend = Extension(
    "gluonx._backends.libgluonx_cpu",
    sources=sorted(glob.glob("backends/cpu/*.c")),
    include_dirs=INCLUDE + ["backends/cpu", scipy_openblas32.get_include_dir()],
    extra_compile_args=OPT + ["-fopenmp", "-std=gnu11"],
    extra_link_args=["-fopenmp"] + LINK,
    library_dirs=[blas_lib_dir],
    libraries=[scipy_openblas32.get_library(), "m"],
    # The Python side preloads OpenBLAS from the wheel; the rpath is a fallback.
    runtime_library_dirs=[blas_lib_dir],
)

setup(
    ext_modules=cythonize([core], language_level=3,
                          compiler_directives={"embedsignature": True}) + [cpu_backend],
    cmdclass={"build_ext": BuildExt},
)
