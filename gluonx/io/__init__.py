"""``mx.io``: data iterators (MXNet 1.9.1's API).

>>> import gluonx as mx
>>> batch = mx.io.DataBatch(data=[mx.nd.ones((2, 3))], pad=0)
>>> mx.io.DataDesc('data', (2, 3)).name
'data'
"""
from gluonx.io.io import (DataDesc, DataBatch, DataIter, ResizeIter, PrefetchingIter, NDArrayIter,
                          MXDataIter)
from gluonx.io.csv_iter import CSVIter
from gluonx.io import io, utils  # noqa: F401

__all__ = ["DataDesc", "DataBatch", "DataIter", "ResizeIter", "PrefetchingIter", "NDArrayIter", "MXDataIter", "CSVIter"]
