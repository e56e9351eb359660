"""Random test data: arrays, shapes, coordinates, and matrices with known spectra.

Everything draws from NumPy's global generator (``np.random.seed`` makes it
repeatable), as MXNet's helpers do.  Sparse storage does not exist in
gluonx: the sparse generators raise MXNetNotImplementedError.

>>> import numpy as np
>>> np.random.seed(0); random_arrays((2, 3)).shape
(2, 3)
>>> len(rand_shape_nd(4, dim=5))
4
"""
from __future__ import annotations

from typing import Callable, Optional, Sequence

import numpy as np

from gluonx.base import MXNetNotImplementedError, MXNetValueError
from gluonx.ndarray import NDArray, array

from gluonx.test_utils.compare import default_dtype
from gluonx.test_utils.misc import default_context

__all__ = ["random_arrays", "random_uniform_arrays", "random_sample", "rand_ndarray", "rand_sparse_ndarray",
           "create_sparse_array", "create_sparse_array_zd", "shuffle_csr_column_indices", "rand_shape_2d",
           "rand_shape_3d", "rand_shape_nd", "rand_coord_2d", "assign_each", "assign_each2", "create_2d_tensor",
           "create_vector", "get_identity_mat", "get_identity_mat_batch", "new_matrix_with_real_eigvals_2d",
           "new_matrix_with_real_eigvals_nd", "new_orthonormal_matrix_2d", "new_sym_matrix_with_real_eigvals_2d",
           "new_sym_matrix_with_real_eigvals_nd"]

_SPARSE = ("csr", "row_sparse")


def _no_sparse(fn: str, stype) -> MXNetNotImplementedError:
    return MXNetNotImplementedError("%s: storage type %r is not available: gluonx has dense arrays only "
                                    "(stype='default'); sparse storage is not implemented" % (fn, stype))


def random_arrays(*shapes):
    """Standard-normal float32 NumPy arrays, one per shape (a ``()`` shape gives a 0-d array);
    a single shape returns the array itself, several a list.

    >>> [a.shape for a in random_arrays((2,), ())]
    [(2,), ()]
    """
    arrays = [np.array(np.random.randn(), dtype=default_dtype()) if len(s) == 0
              else np.random.randn(*s).astype(default_dtype()) for s in shapes]
    return arrays[0] if len(arrays) == 1 else arrays


def random_uniform_arrays(*shapes, low: float = 0.0, high: float = 1.0, dtype=None) -> list:
    """A list of uniform [low, high) NumPy arrays, one per shape (float32 unless `dtype`).

    >>> random_uniform_arrays((2,), low=1, high=2)[0].dtype
    dtype('float32')
    """
    dtype = default_dtype() if dtype is None else dtype
    return [np.random.uniform(low, high, size=s).astype(dtype) for s in shapes]


def random_sample(population: Sequence, k: int) -> list:
    """`k` distinct elements of `population` in random order.

    >>> sorted(random_sample([1, 2, 3], 3))
    [1, 2, 3]
    """
    if not 0 <= k <= len(population):
        raise MXNetValueError("random_sample: k=%d must lie in [0, %d] (the population's size)" % (k, len(population)))
    pool = list(population)
    np.random.shuffle(pool)
    return pool[:k]


def rand_ndarray(shape, stype: str = "default", density: Optional[float] = None, dtype=None,
                 modifier_func: Optional[Callable] = None, shuffle_csr_indices: bool = False,
                 distribution: Optional[str] = None, ctx=None) -> NDArray:
    """An NDArray of standard-normal values (float32 unless `dtype`) on `ctx` (the default context).

    Only ``stype='default'`` exists in gluonx; 'csr' and 'row_sparse' raise
    MXNetNotImplementedError.

    >>> rand_ndarray((2, 3)).shape
    (2, 3)
    """
    if stype != "default":
        if stype in _SPARSE:
            raise _no_sparse("rand_ndarray", stype)
        raise MXNetValueError("rand_ndarray: unknown storage type %r (expected 'default')" % (stype,))
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    return array(random_arrays(shape), ctx=ctx or default_context(), dtype=dtype)


def rand_sparse_ndarray(shape, stype: str, density=None, dtype=None, distribution=None, data_init=None,
                        rsp_indices=None, modifier_func=None, shuffle_csr_indices=False, ctx=None):
    """Not available: gluonx has no sparse storage (MXNetNotImplementedError)."""
    raise _no_sparse("rand_sparse_ndarray", stype)


def create_sparse_array(shape, stype: str, data_init=None, rsp_indices=None, dtype=None, modifier_func=None,
                        density=.5, shuffle_csr_indices=False):
    """Not available: gluonx has no sparse storage (MXNetNotImplementedError)."""
    raise _no_sparse("create_sparse_array", stype)


def create_sparse_array_zd(shape, stype: str, density, data_init=None, rsp_indices=None, dtype=None,
                           modifier_func=None, shuffle_csr_indices=False):
    """Not available: gluonx has no sparse storage (MXNetNotImplementedError)."""
    raise _no_sparse("create_sparse_array_zd", stype)


def shuffle_csr_column_indices(csr):
    """Not available: gluonx has no CSR arrays (MXNetNotImplementedError)."""
    raise _no_sparse("shuffle_csr_column_indices", "csr")


def _dims(low: int, *highs: int) -> tuple:
    return tuple(np.random.randint(low, h + 1) for h in highs)


def rand_shape_2d(dim0: int = 10, dim1: int = 10, allow_zero_size: bool = False) -> tuple:
    """A random 2-d shape with sizes in [1, dim] ([0, dim] if `allow_zero_size`)."""
    return _dims(0 if allow_zero_size else 1, dim0, dim1)


def rand_shape_3d(dim0: int = 10, dim1: int = 10, dim2: int = 10, allow_zero_size: bool = False) -> tuple:
    """A random 3-d shape with sizes in [1, dim] ([0, dim] if `allow_zero_size`)."""
    return _dims(0 if allow_zero_size else 1, dim0, dim1, dim2)


def rand_shape_nd(num_dim: int, dim: int = 10, allow_zero_size: bool = False) -> tuple:
    """A random `num_dim`-d shape with sizes in [1, dim] ([0, dim] if `allow_zero_size`).

    >>> all(1 <= d <= 3 for d in rand_shape_nd(5, 3))
    True
    """
    low = 0 if allow_zero_size else 1
    return tuple(int(d) for d in np.random.randint(low, dim + 1, size=num_dim))


def rand_coord_2d(x_low: int, x_high: int, y_low: int, y_high: int) -> tuple:
    """A random (x, y) with x in [x_low, x_high) and y in [y_low, y_high), as int64."""
    x = np.random.randint(x_low, x_high, dtype=np.int64)
    y = np.random.randint(y_low, y_high, dtype=np.int64)
    return x, y


def assign_each(the_input: np.ndarray, function: Optional[Callable]) -> np.ndarray:
    """`function` applied to every element (a float64 array), or a copy when it is None.

    >>> assign_each(np.array([1, 2]), lambda v: v * 10).tolist()
    [10.0, 20.0]
    """
    the_input = np.asarray(the_input)
    if function is None:
        return np.array(the_input)
    flat = [function(v) for v in the_input.reshape(-1)]
    return np.array(flat, dtype=np.float64).reshape(the_input.shape)


def assign_each2(input1: np.ndarray, input2: np.ndarray, function: Optional[Callable]) -> np.ndarray:
    """`function(a, b)` over paired elements of two same-shaped arrays (a copy of input1 when None)."""
    input1, input2 = np.asarray(input1), np.asarray(input2)
    if function is None:
        return np.array(input1)
    if input1.shape != input2.shape:
        raise MXNetValueError("assign_each2: shapes differ, %s and %s" % (input1.shape, input2.shape))
    flat = [function(x, y) for x, y in zip(input1.reshape(-1), input2.reshape(-1))]
    return np.array(flat, dtype=np.float64).reshape(input1.shape)


def create_2d_tensor(rows: int, columns: int, dtype=np.int64) -> NDArray:
    """A (rows, columns) NDArray whose row i holds i everywhere (for large-tensor tests)."""
    col = array(np.arange(rows).reshape(rows, 1), dtype=dtype)
    return col.broadcast_to((rows, columns))


def create_vector(size: int, dtype=np.int64) -> NDArray:
    """The NDArray 0, 1, ..., size - 1."""
    return array(np.arange(size), dtype=dtype)


def get_identity_mat(size: int) -> NDArray:
    """The (size, size) float32 identity matrix as an NDArray."""
    return array(np.eye(size, dtype=np.float32))


def get_identity_mat_batch(size: int) -> NDArray:
    """Two (size, size) identity matrices stacked: shape (2, size, size)."""
    eye = np.eye(size, dtype=np.float32)
    return array(np.stack([eye, eye]))


def _random_householder(n: int) -> np.ndarray:
    """I - 2 v v^T for a random unit vector v: orthogonal and symmetric."""
    v = np.random.uniform(-1.0, 1.0, (n, 1))
    v /= np.linalg.norm(v)
    return np.eye(n) - 2.0 * (v @ v.T)


def new_matrix_with_real_eigvals_2d(n: int) -> np.ndarray:
    """A random (n, n) matrix P^-1 D P with real eigenvalues D in [-10, 10) and a
    well-conditioned P (condition number below 3), so its eigenproblem is stable.

    >>> m = new_matrix_with_real_eigvals_2d(4); bool(np.all(np.isreal(np.linalg.eigvals(m))))
    True
    """
    # P = H S: H orthogonal, S diagonal with |s| in [0.5, 1), so cond(P) = max|s| / min|s| < 2
    scale = np.random.uniform(0.5, 1.0, n) * np.random.choice([-1.0, 1.0], n)
    p = _random_householder(n) @ np.diag(scale)
    eig = np.diag(np.random.uniform(-10.0, 10.0, n))
    return np.linalg.inv(p) @ eig @ p


def new_matrix_with_real_eigvals_nd(shape) -> np.ndarray:
    """A stack of :func:`new_matrix_with_real_eigvals_2d` matrices of the given (..., n, n) shape."""
    shape = tuple(shape)
    count = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return np.array([new_matrix_with_real_eigvals_2d(shape[-1]) for _ in range(count)]).reshape(shape)


def new_orthonormal_matrix_2d(n: int) -> np.ndarray:
    """A random (n, n) orthonormal matrix (Q of a QR factorisation).

    >>> q = new_orthonormal_matrix_2d(3); bool(np.allclose(q @ q.T, np.eye(3)))
    True
    """
    x = np.random.randn(n, n)
    q, _ = np.linalg.qr(x.T @ x)
    return q


def new_sym_matrix_with_real_eigvals_2d(n: int) -> np.ndarray:
    """A random symmetric (n, n) matrix Q^T D Q with eigenvalues D in [-10, 10)."""
    q = new_orthonormal_matrix_2d(n)
    return q.T @ np.diag(np.random.uniform(-10.0, 10.0, n)) @ q


def new_sym_matrix_with_real_eigvals_nd(shape) -> np.ndarray:
    """A stack of :func:`new_sym_matrix_with_real_eigvals_2d` matrices of the given (..., n, n) shape."""
    shape = tuple(shape)
    count = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return np.array([new_sym_matrix_with_real_eigvals_2d(shape[-1]) for _ in range(count)]).reshape(shape)
