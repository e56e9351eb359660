"""The inputs of io_mxnet.json's NDArrayIter cases (pure NumPy: shared by
gen_io_mxnet.py, run on MXNet, and test_ndarray_iter.py)."""
import numpy as np


def make(spec: dict):
    """(data, label) of a case: each a shape, a list of shapes or {name: shape},
    made into ``np.arange`` arrays (labels offset by 1000, the i-th array of a
    list or dict by i+1 times the offset, so no two arrays hold the same values)."""
    def arrs(d, offset):
        if d is None:
            return None
        if isinstance(d, list) and isinstance(d[0], list):  # a list of unnamed arrays
            return [np.arange(np.prod(s)).reshape(s) + offset * (i + 1) for i, s in enumerate(d)]
        if isinstance(d, dict):
            return {k: np.arange(np.prod(s)).reshape(s) + offset * (i + 1)
                    for i, (k, s) in enumerate(sorted(d.items()))}
        return np.arange(np.prod(d)).reshape(d) + offset
    return arrs(spec["data"], 0), arrs(spec.get("label"), 1000)
