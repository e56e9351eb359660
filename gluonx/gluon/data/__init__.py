"""gluon.data: datasets, samplers and the DataLoader (MXNet 1.x API)."""
from gluonx.gluon.data.dataset import Dataset, SimpleDataset, ArrayDataset  # noqa: F401
from gluonx.gluon.data.sampler import Sampler, SequentialSampler, RandomSampler, BatchSampler, \
    FilterSampler, IntervalSampler  # noqa: F401
from gluonx.gluon.data.dataloader import DataLoader, default_batchify_fn  # noqa: F401
