"""Replays metric_cases.json (written by gen_metric_mxnet.py on real MXNet 1.9.1) on gluonx:
after every step, get/get_global/name-value pairs/instance counts as MXNet gave them, and the
configuration get_config() returns."""
import json
import math
import os

import numpy as np
import pytest

import gluonx as mx

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "metric_cases.json")) as _fh:
    CASES = json.load(_fh)["cases"]

# constructor arguments gluonx writes into get_config() that MXNet 1.9.1 dropped (so that
# create(**get_config()) rebuilds the same metric)
CONFIG_EXTRAS = {"F1": {"average"}, "MCC": {"average"}, "PearsonCorrelation": {"average"},
                 "Perplexity": {"axis"}}


def mean_abs(label, pred):
    return np.mean(np.abs(label - pred))


def sum_and_count(label, pred):
    return float(np.sum(label == pred.argmax(axis=1))), label.size


CUSTOM = {"mean_abs": mean_abs, "sum_and_count": sum_and_count}


def _make(spec, args, kwargs):
    if isinstance(spec, dict) and "custom" in spec:
        return mx.metric.create(CUSTOM[spec["custom"]], *args, **kwargs)
    if isinstance(spec, dict) and "np" in spec:
        return mx.metric.np(CUSTOM[spec["np"]], *args, **kwargs)
    return mx.metric.create(spec, *args, **kwargs)


def _array(a, as_):
    x = np.asarray(a["data"], dtype=a["dtype"])
    return x if as_ == "numpy" else mx.nd.array(x, dtype=a["dtype"])


def _close(got, want, where):
    if isinstance(want, list):
        assert isinstance(got, (list, tuple)) and len(got) == len(want), (where, got, want)
        for g, w in zip(got, want):
            _close(g, w, where)
    elif isinstance(want, str) or want is None:
        assert got == want, (where, got, want)
    elif isinstance(want, float) and math.isnan(want):
        assert math.isnan(got), (where, got, want)
    else:
        assert got == pytest.approx(want, rel=1e-5, abs=1e-6), (where, got, want)


def _check(m, want, where, check_global):
    _close(list(m.get()), want["get"], where + " get")
    _close([list(p) for p in m.get_name_value()], want["name_value"], where + " get_name_value")
    if want["num_inst"] is not None:
        _close(m.num_inst, want["num_inst"], where + " num_inst")
    names = [n for n, _ in m.get_name_value()]
    assert names == [n for n, _ in want["name_value"]]
    assert str(m) == "EvalMetric: {}".format(dict(m.get_name_value()))
    assert str(m).split(":")[0] == want["str"].split(":")[0]
    if check_global:
        _close(list(m.get_global()), want["get_global"], where + " get_global")
        _close([list(p) for p in m.get_global_name_value()], want["global_name_value"],
               where + " get_global_name_value")
        if want["global_num_inst"] is not None:
            _close(m.global_num_inst, want["global_num_inst"], where + " global_num_inst")


def _check_config(got, want):
    extras = CONFIG_EXTRAS.get(want["metric"], set())
    assert set(got) == set(want) | extras, (got, want)
    for key, value in want.items():
        if key == "metrics":
            assert len(got[key]) == len(value)
            for g, w in zip(got[key], value):
                _check_config(g, w)
        else:
            assert got[key] == value, (key, got[key], value)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case):
    m = _make(case["metric"], case["args"], case["kwargs"])
    _check(m, case["initial"], "initial", case["check_global"])
    for i, step in enumerate(case["steps"]):
        where = "step %d (%s)" % (i, step["op"])
        if step["op"] == "update":
            labels = [_array(a, step["as"]) for a in step["labels"]]
            preds = [_array(a, step["as"]) for a in step["preds"]]
            if step["single"]:
                m.update(labels[0] if labels else None, preds[0])
            else:
                m.update(labels, preds)
        elif step["op"] == "update_dict":
            m.update_dict({k: _array(a, "ndarray") for k, a in step["labels"].items()},
                          {k: _array(a, "ndarray") for k, a in step["preds"].items()})
        else:
            getattr(m, step["op"])()
        _check(m, step["expect"], where, case["check_global"])
    if case["config"]:
        config = m.get_config()
        _check_config(config, case["get_config"])
        # the configuration (and its JSON) rebuilds an equal metric
        assert mx.metric.create(json.dumps(config)).get_config() == config
        assert mx.metric.create(**config).get_config() == config


def test_cases_cover_every_metric_and_alias():
    used = set()
    for c in CASES:
        spec = c["metric"]
        if isinstance(spec, str) and not spec.startswith("["):
            used.add(spec.lower())
        if c["config"]:
            used.add(c["get_config"]["metric"].lower())
    for name in ("acc", "accuracy", "top_k_accuracy", "top_k_acc", "topkaccuracy", "f1", "mcc",
                 "perplexity", "mae", "mse", "rmse", "ce", "crossentropy", "nll_loss",
                 "negativeloglikelihood", "pearsonr", "pearsoncorrelation", "pcc", "loss",
                 "torch", "caffe", "composite", "compositeevalmetric"):
        assert name in used, name
