from libc.stdint cimport int64_t
from gluonx._core.abi cimport *


cdef class NDArray:
    cdef char *_data            # element (0, 0, ...)
    cdef object _base           # owner of the memory when this is a view (or external)
    cdef void *_alloc_ptr       # memory this array must free (NULL for views)
    cdef size_t _alloc_nbytes
    cdef int _ndim
    cdef int _dtype             # gx_dtype
    cdef int _dev_type
    cdef int _dev_id
    cdef bint _contig
    cdef int64_t _size
    cdef int64_t _shape[GX_MAX_NDIM]
    cdef int64_t _strides[GX_MAX_NDIM]   # in elements
    cdef public object _ag      # autograd state; None when untouched by autograd
    cdef object __weakref__


cdef NDArray new_array(int ndim, const int64_t *shape, int dtype, int dev_type, int dev_id)
cdef NDArray new_view(NDArray base, int ndim, const int64_t *shape, const int64_t *strides, char *data)
cdef void fill_tensor(gx_tensor *t, NDArray a) noexcept
