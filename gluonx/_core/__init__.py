"""The Cython core: NDArray, the kernel dispatch table and the launch paths.

Everything lives in one extension module, :mod:`gluonx._core.ndarray`, so
that the hot paths call each other as plain C functions.
"""
