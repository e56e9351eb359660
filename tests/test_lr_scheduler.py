"""lr schedulers against MXNet 1.9.1 sequences (tests/data/optimizer/reference.npz)."""
import os
import sys

import numpy as np
import pytest

import gluonx as mx

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "optimizer"))
import scenarios as S  # noqa: E402

REF = np.load(os.path.join(os.path.dirname(__file__), "data", "optimizer", "reference.npz"))


def test_sequences_match_mxnet():
    got = S.run_schedulers(mx)
    for k, v in got.items():
        np.testing.assert_allclose(v, REF["sched/" + k], rtol=1e-12, atol=1e-15, err_msg=k)


def test_factor_decays_only_past_step_and_is_stateful():
    s = mx.lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=1.0)
    assert [s(i) for i in (1, 2, 3)] == [1.0, 1.0, 0.5]
    assert s(1) == 0.5  # state kept: going back does not undo the decay
    assert s.count == 2


def test_errors():
    L = mx.lr_scheduler
    with pytest.raises(ValueError):
        L.FactorScheduler(step=0)
    with pytest.raises(ValueError):
        L.FactorScheduler(step=2, factor=1.5)
    with pytest.raises(ValueError):
        L.MultiFactorScheduler(step=[3, 2])
    with pytest.raises(ValueError):
        L.PolyScheduler(max_update=0)
    with pytest.raises(ValueError):
        L.CosineScheduler(max_update=10, warmup_mode="cubic")
    with pytest.raises(ValueError):
        L.LRScheduler(base_lr=0.1, warmup_begin_lr=0.5)
    with pytest.raises(NotImplementedError):
        L.LRScheduler()(1)
