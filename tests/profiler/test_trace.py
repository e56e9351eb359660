"""mx.profiler fed from the dispatch path: what each launch records, the
Chrome trace's structure, memory, threads, compiled graphs, the off path."""
import json
import os
import threading

import numpy as np
import pytest

import gluonx as mx
from gluonx import profiler
from gluonx._core import ndarray as _c


def run_profiled(fn, trace_file, **config):
    cfg = dict(profile_all=True, filename=trace_file, aggregate_stats=True)
    cfg.update(config)
    profiler.set_config(**cfg)
    profiler.set_state("run")
    try:
        fn()
    finally:
        profiler.set_state("stop")
    profiler.dump()
    with open(trace_file) as f:
        return json.load(f)


def xs(trace, cat=None, name=None):
    return [e for e in trace["traceEvents"] if e["ph"] == "X" and (cat is None or e["cat"] == cat)
            and (name is None or e["name"] == name)]


def test_records_real_ops_with_shapes_dtypes_device(trace_file):
    a = mx.nd.array(np.arange(15).reshape(3, 5), dtype="float64")
    b = mx.nd.ones((3, 5), dtype="float64")
    w = mx.nd.ones((5, 2), dtype="float64")

    def work():
        (a + b).wait_to_read()           # the binary fast path
        a + 1                            # a number operand: MXNet's _plus_scalar
        2 - a                            # number on the left: _rminus_scalar
        mx.nd.sqrt(b)
        mx.nd.dot(a, w)                  # an operator (run_op) around its gemm kernel

    trace = run_profiled(work, trace_file)
    ops = {e["name"]: e for e in xs(trace, "operator")}
    assert set(ops) == {"broadcast_add", "_plus_scalar", "_rminus_scalar", "sqrt", "dot"}
    add = ops["broadcast_add"]["args"]
    assert add["inputs"] == [[3, 5], [3, 5]] and add["dtype"] == "float64" and add["device"] == "cpu/0"
    assert add["kernel"] == "add"
    assert ops["_plus_scalar"]["args"]["inputs"] == [[3, 5], "scalar"]
    assert ops["_plus_scalar"]["args"]["gluonx_op"] == "broadcast_add"
    assert ops["_rminus_scalar"]["args"]["inputs"] == ["scalar", [3, 5]]
    assert ops["dot"]["args"]["inputs"] == [[3, 5], [5, 2]]
    # the kernel of dot is its own event, inside the operator's span, on the same thread
    (gemm,) = xs(trace, "kernel", "gemm")
    assert gemm["args"]["operator"] == "dot" and gemm["tid"] == ops["dot"]["tid"]
    dot = ops["dot"]
    assert dot["ts"] <= gemm["ts"] and gemm["ts"] + gemm["dur"] <= dot["ts"] + dot["dur"] + 1e-3
    for e in ops.values():
        assert e["dur"] >= 0 and e["ts"] >= 0


def test_event_order_and_durations_follow_the_calls(trace_file):
    x = mx.nd.ones((64, 64))

    def work():
        for _ in range(5):
            x.sqrt()
            x.exp()

    trace = run_profiled(work, trace_file)
    ops = sorted(xs(trace, "operator"), key=lambda e: e["ts"])
    assert [e["name"] for e in ops] == ["sqrt", "exp"] * 5
    # one thread runs them one after the other: spans do not overlap
    for p, q in zip(ops, ops[1:]):
        assert p["ts"] + p["dur"] <= q["ts"] + 1e-3


def test_chrome_trace_structure(trace_file):
    dom = profiler.Domain("Data")

    def work():
        with profiler.Task(dom, "load"):
            mx.nd.ones((4, 4)) * 3
        counter = profiler.Counter(dom, "queue", 2)
        counter += 1
        profiler.Marker(dom, "epoch").mark("global")

    trace = run_profiled(work, trace_file)
    assert set(trace) >= {"traceEvents", "displayTimeUnit"} and trace["displayTimeUnit"] == "ns"
    events = trace["traceEvents"]
    assert {e["ph"] for e in events} == {"M", "X", "C", "i"}
    procs = {e["pid"]: e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "process_name"}
    threads = {(e["pid"], e["tid"]) for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
    for e in events:
        assert isinstance(e["pid"], int) and isinstance(e["tid"], int) and e["pid"] in procs
        if e["ph"] == "X":
            assert isinstance(e["ts"], (int, float)) and isinstance(e["dur"], (int, float)) and e["dur"] >= 0
            assert (e["pid"], e["tid"]) in threads and e["cat"] and e["name"]
        elif e["ph"] == "C":
            assert isinstance(e["args"], dict) and all(isinstance(v, (int, float)) for v in e["args"].values())
        elif e["ph"] == "i":
            assert e["s"] in ("g", "p", "t")
    assert set(procs.values()) >= {"cpu/0", "Data", "Data,instant_marker", "Device Storage"}
    (task,) = xs(trace, "Data", "load")
    (mul,) = xs(trace, "operator", "_mul_scalar")
    assert task["ts"] <= mul["ts"] and mul["ts"] + mul["dur"] <= task["ts"] + task["dur"] + 1e-3
    counts = [e["args"]["queue"] for e in events if e["ph"] == "C" and e["name"] == "queue"]
    assert counts == [2, 3]
    (mark,) = [e for e in events if e["ph"] == "i"]
    assert mark["name"] == "epoch" and mark["s"] == "g"


def test_memory_bytes_per_op_and_device_counter(trace_file):
    a = mx.nd.ones((3, 5), dtype="float64")

    def work():
        b = a + a                      # 15 float64: 120 bytes for the output
        c = mx.nd.zeros((7,), dtype="int32")
        del b, c

    trace = run_profiled(work, trace_file)
    (add,) = xs(trace, "operator", "broadcast_add")
    (zeros,) = xs(trace, "operator", "_zeros")
    assert add["args"]["bytes_allocated"] == 120
    assert zeros["args"]["bytes_allocated"] == 28
    mem = [e["args"]["Memory: cpu/0"] for e in trace["traceEvents"] if e["ph"] == "C"
           and e["name"] == "Memory: cpu/0"]
    # two allocations, then both freed: the gauge goes up by 120 and 28 and back
    assert np.diff(mem).tolist() == [28, -120, -28]


def test_no_memory_records_without_profile_memory(trace_file):
    a = mx.nd.ones((3, 5))
    trace = run_profiled(lambda: a + a, trace_file, profile_all=False, profile_memory=False)
    (add,) = xs(trace, "operator", "broadcast_add")
    assert "bytes_allocated" not in add["args"]
    assert not [e for e in trace["traceEvents"] if e["ph"] == "C"]


def test_autograd_backward_and_optimizer_updates_are_recorded(trace_file):
    x = mx.nd.array([1.0, 2.0, 3.0])
    x.attach_grad()
    w = mx.nd.ones((3,))
    g = mx.nd.ones((3,))

    def work():
        with mx.autograd.record():
            y = (x * x).sum()
        y.backward()
        mx.nd.sgd_update(w, g, lr=0.1, out=w)

    trace = run_profiled(work, trace_file)
    names = [e["name"] for e in xs(trace, "operator")]
    assert "broadcast_mul" in names and "sum" in names
    assert len(names) > 3                # the backward's operators follow the forward's
    assert "sgd_update" in names
    np.testing.assert_allclose(x.grad.asnumpy(), [2, 4, 6])


def test_ops_from_two_threads(trace_file):
    n = 40
    shapes = {"worker-a": (2, 3), "worker-b": (5,)}
    errors = []

    def worker(shape):
        try:
            x = mx.nd.ones(shape)
            for _ in range(n):
                x = x + 1
        except Exception as e:        # pragma: no cover - reported below
            errors.append(e)

    def work():
        threads = [threading.Thread(target=worker, args=(s,), name=name) for name, s in shapes.items()]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    trace = run_profiled(work, trace_file)
    assert not errors
    names = {(e["pid"], e["tid"]): e["args"]["name"] for e in trace["traceEvents"]
             if e["ph"] == "M" and e["name"] == "thread_name"}
    adds = xs(trace, "operator", "_plus_scalar")
    assert len(adds) == 2 * n
    by_thread = {}
    for e in adds:
        by_thread.setdefault(names[(e["pid"], e["tid"])], []).append(e)
    assert set(by_thread) == set(shapes)
    for name, evs in by_thread.items():
        assert len(evs) == n
        assert all(e["args"]["inputs"][0] == list(shapes[name]) for e in evs)
        evs.sort(key=lambda e: e["ts"])
        for p, q in zip(evs, evs[1:]):
            assert p["ts"] + p["dur"] <= q["ts"] + 1e-3


def test_pause_and_resume_exclude_what_runs_paused(trace_file):
    x = mx.nd.ones((3,))
    dom = profiler.Domain("D")

    def work():
        x.sqrt()
        profiler.pause()
        x.exp()
        profiler.Task(dom, "hidden").start()
        profiler.Counter(dom, "hidden_counter", 1)
        profiler.resume()
        x.log()

    trace = run_profiled(work, trace_file)
    names = [e["name"] for e in xs(trace)]
    assert "sqrt" in names and "log" in names
    assert "exp" not in names and "hidden" not in names
    assert not [e for e in trace["traceEvents"] if e["name"] == "hidden_counter"]


def test_off_path_records_nothing():
    assert _c.prof_flags() == (False, False, False)
    x = mx.nd.ones((4, 4))
    for _ in range(3):
        (x + x).sqrt().sum()
    assert _c.prof_drain() == []
    profiler.set_config(profile_all=True, filename="unused.json")
    profiler.set_state("run")
    assert _c.prof_flags() == (True, True, True)
    profiler.set_state("stop")
    assert _c.prof_flags() == (False, False, False)
    x + x
    assert _c.prof_drain() == []
    profiler.set_state("run")
    profiler.pause()
    assert _c.prof_flags() == (False, False, False)
    x + x
    assert _c.prof_drain() == []


def test_mode_flags_select_what_is_recorded(trace_file):
    profiler.set_config(profile_imperative=False, profile_symbolic=True, profile_memory=False,
                        filename=trace_file)
    assert _c.prof_flags() == (False, False, False)
    profiler.set_state("run")
    assert _c.prof_flags() == (False, True, False)
    profiler.set_config(profile_imperative=True, profile_symbolic=False, profile_memory=False,
                        filename=trace_file)
    assert _c.prof_flags() == (True, False, False)


def _hybrid_net():
    net = mx.gluon.nn.HybridSequential()
    net.add(mx.gluon.nn.Dense(4, activation="relu"), mx.gluon.nn.Dense(2))
    net.initialize()
    net.hybridize()
    x = mx.nd.ones((3, 5))
    net(x)                     # compiles outside the profiled part
    return net, x


def test_compiled_graph_launches_are_symbolic(trace_file):
    net, x = _hybrid_net()
    trace = run_profiled(lambda: net(x).wait_to_read(), trace_file, profile_all=False,
                         profile_imperative=False, profile_symbolic=True, profile_memory=False)
    graph = xs(trace, "operator")
    assert graph and all(e["args"].get("graph") for e in graph)
    assert all(e["args"]["kernel"] and e["args"]["device"] == "cpu/0" for e in graph)
    assert any(e["args"]["inputs"] and e["args"]["inputs"][0] == [3, 5] for e in graph)


def test_imperative_only_skips_compiled_graphs(trace_file):
    net, x = _hybrid_net()
    trace = run_profiled(lambda: (net(x), x.sqrt()), trace_file, profile_all=False,
                         profile_imperative=True, profile_symbolic=False, profile_memory=False)
    names = [e["name"] for e in xs(trace, "operator")]
    assert names == ["sqrt"]


def test_custom_operator_scope_names_ops_as_mxnet(trace_file):
    def work():
        with profiler.custom_operator_scope("MySigmoid"):
            mx.nd.zeros((10, 10))
        with profiler.custom_operator_scope("MySigmoid", backward=True):
            mx.nd.ones((2,)) + 1

    trace = run_profiled(work, trace_file)
    names = {e["name"] for e in xs(trace, "Custom Operator")}
    assert names == {"MySigmoid::_zeros", "MySigmoid::pure_python", "_backward_MySigmoid::_ones",
                     "_backward_MySigmoid::_plus_scalar", "_backward_MySigmoid::pure_python"}
    assert _c.prof_get_custom() is None


def test_profiler_does_not_change_results():
    x = mx.nd.array(np.random.RandomState(0).rand(4, 6))
    expect = ((x * 2 + 1).exp().sum(axis=1)).asnumpy()
    profiler.set_config(profile_all=True, filename="t.json")
    profiler.set_state("run")
    got = ((x * 2 + 1).exp().sum(axis=1)).asnumpy()
    profiler.set_state("stop")
    np.testing.assert_array_equal(got, expect)
    assert os.path.basename(profiler._config["filename"]) == "t.json"


def _check_nesting(events):
    """Perfetto's rule for complete events: on one (pid, tid) track, spans
    either nest or follow each other, never overlap partly."""
    tracks = {}
    for e in events:
        if e["ph"] == "X":
            tracks.setdefault((e["pid"], e["tid"]), []).append((e["ts"], e["ts"] + e["dur"], e["name"]))
    for spans in tracks.values():
        spans.sort(key=lambda s: (s[0], -s[1]))
        open_ends = []
        for start, end, name in spans:
            while open_ends and open_ends[-1][0] <= start + 1e-3:
                open_ends.pop()
            if open_ends:
                assert end <= open_ends[-1][0] + 1e-3, (name, "overlaps", open_ends[-1][1])
            open_ends.append((end, name))


def test_spans_nest_on_each_thread(trace_file):
    net, x = _hybrid_net()
    w = mx.nd.ones((4, 4))
    w.attach_grad()

    def work():
        with mx.autograd.record():
            y = (mx.nd.dot(w, w) * 2).softmax().sum()
        y.backward()
        net(x)
        mx.nd.ones((3, 3)) + 1

    trace = run_profiled(work, trace_file)
    _check_nesting(trace["traceEvents"])
    assert len(xs(trace, "kernel")) > 0 and len(xs(trace, "operator")) > 5


def test_a_running_profiler_writes_its_trace_at_exit(tmp_path):
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    code = ("import gluonx as mx\nfrom gluonx import profiler\n"
            "profiler.set_config(profile_all=True, filename='atexit.json')\n"
            "profiler.set_state('run')\nmx.nd.ones((2,)) + 1\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]))
    subprocess.run([sys.executable, "-c", code], cwd=str(tmp_path), env=env, check=True, timeout=120)
    with open(os.path.join(str(tmp_path), "atexit.json")) as f:
        names = [e["name"] for e in json.load(f)["traceEvents"] if e["ph"] == "X"]
    assert "_plus_scalar" in names and "_ones" in names
