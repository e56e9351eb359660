"""mx.profiler's API: configuration, state, dumps to file, the profiling
objects, and the errors for bad input or a wrong state (MXNet's leniency
kept where its own tests rely on it)."""
import json
import os
import warnings

import pytest

import gluonx as mx
from gluonx import profiler
from gluonx.base import MXNetError


def test_mxnet_names_exist():
    for name in ("set_config", "profiler_set_config", "set_state", "profiler_set_state", "pause", "resume",
                 "dump", "dump_profile", "dumps", "Domain", "Task", "Frame", "Event", "Counter", "Marker",
                 "set_kvstore_handle"):
        assert callable(getattr(profiler, name)), name
    assert mx.profiler is profiler
    from gluonx.profiler import Task  # noqa: F401  (the MXNet import style)


def test_state_attribute():
    assert profiler.state == "stop"
    profiler.set_state("run")
    assert profiler.state == "run"
    profiler.set_state("stop")
    assert profiler.state == "stop"
    with pytest.raises(AttributeError):
        profiler.no_such_name


@pytest.mark.parametrize("bad", ["bogus", "RUN", 1, None])
def test_set_state_rejects_unknown_states(bad):
    with pytest.raises(MXNetError, match="'run' or 'stop'") as e:
        profiler.set_state(bad)
    assert isinstance(e.value, ValueError)
    assert profiler.state == "stop"


def test_set_config_rejects_unknown_keys_and_bad_values():
    with pytest.raises(MXNetError, match="unknown key 'profile_everything'.*profile_all") as e:
        profiler.set_config(profile_everything=True)
    assert isinstance(e.value, TypeError)
    with pytest.raises(ValueError, match="profile_memory must be a bool.*'maybe'"):
        profiler.set_config(profile_memory="maybe")
    with pytest.raises(TypeError, match="filename must be a str"):
        profiler.set_config(filename=3)
    with pytest.raises(ValueError, match="dump_period must be > 0"):
        profiler.set_config(dump_period=0)
    with pytest.raises(ValueError, match="dump_period must be a number"):
        profiler.set_config(dump_period="soon")
    with pytest.raises(ValueError, match="'worker' or 'server'"):
        profiler.set_config(profile_process="client")
    with pytest.raises(NotImplementedError, match="kvstore server"):
        profiler.set_config(profile_process="server")
    with pytest.raises(TypeError):
        profiler.set_config("profile.json")          # keyword arguments only, as in MXNet


def test_set_config_values_as_mxnet_parses_them(trace_file):
    # MXNet passes str(value) to its parser: 'True', '1', 'false' ... all work
    profiler.set_config(profile_all="True", aggregate_stats=1, continuous_dump="false", filename=trace_file)
    cfg = profiler._config
    assert cfg["profile_all"] is True and cfg["aggregate_stats"] is True and cfg["continuous_dump"] is False
    # keys not given go back to their defaults
    profiler.set_config(filename=trace_file)
    assert profiler._config["profile_all"] is False and profiler._config["profile_symbolic"] is True


def test_dump_before_any_run_raises():
    with pytest.raises(MXNetError, match="has not run.*set_state\\('run'\\)") as e:
        profiler.dump()
    assert isinstance(e.value, RuntimeError)
    profiler.set_config(filename="x.json")
    with pytest.raises(RuntimeError):
        profiler.dump()
    assert not os.path.exists("x.json")


def test_dump_finished_ends_output(trace_file):
    profiler.set_config(profile_all=True, filename=trace_file)
    profiler.set_state("run")
    mx.nd.ones((2,)).exp()
    profiler.set_state("stop")
    profiler.dump()
    with open(trace_file) as f:
        assert any(e.get("name") == "exp" for e in json.load(f)["traceEvents"])
    with pytest.raises(RuntimeError, match="since its last finished dump"):
        profiler.dump()
    profiler.set_state("run")            # running again allows a new dump
    profiler.dump()


def test_continuous_dump_rewrites_a_whole_growing_file(tmp_path, trace_file):
    profiler.set_config(profile_all=True, filename=trace_file, continuous_dump=True)
    profiler.set_state("run")
    sizes = []
    x = mx.nd.ones((3,))
    for i in range(4):
        x = x + i
        profiler.dump(False)
        with open(trace_file) as f:
            trace = json.load(f)           # valid JSON after every dump
        assert len([e for e in trace["traceEvents"] if e["ph"] == "X"]) >= i + 1
        sizes.append(os.path.getsize(trace_file))
    assert sizes == sorted(sizes) and sizes[-1] > sizes[0]
    profiler.dump(True)
    profiler.set_state("stop")
    assert os.listdir(str(tmp_path)) == ["trace.json"]       # no temporary files left


def test_dump_false_without_continuous_dump_finishes(trace_file):
    profiler.set_config(profile_all=True, filename=trace_file, continuous_dump=False)
    profiler.set_state("run")
    profiler.dump(False)
    with pytest.raises(RuntimeError):
        profiler.dump(False)


def test_dump_to_a_directory_is_a_clear_error(tmp_path):
    os.mkdir("adir")
    profiler.set_config(profile_all=True, filename="adir")
    profiler.set_state("run")
    with pytest.raises(MXNetError, match="directory") as e:
        profiler.dump()
    assert isinstance(e.value, OSError)


def test_mxnet_leniency_pause_resume_and_reconfigure_in_any_state(trace_file):
    profiler.pause()                      # never run: MXNet accepts it
    profiler.resume()
    profiler.set_state("stop")
    profiler.set_config(profile_all=True, filename=trace_file)
    profiler.set_state("run")
    profiler.set_config(profile_symbolic=True, filename=trace_file)     # while running
    profiler.set_state("run")
    profiler.set_state("stop")
    profiler.resume()                     # after stop (MXNet's test_profile_tune_pause_resume)
    profiler.pause()
    profiler.set_state("stop")


def test_deprecated_aliases(trace_file):
    with pytest.warns(UserWarning, match="deprecated"):
        profiler.profiler_set_config(mode="all", filename=trace_file)
    assert profiler._config["profile_all"] is True
    with pytest.raises(ValueError, match="mode"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            profiler.profiler_set_config(mode="everything")
    with pytest.warns(UserWarning, match="deprecated"):
        profiler.profiler_set_state("run")
    assert profiler.state == "run"
    mx.nd.ones((2,)).sqrt()
    with pytest.warns(UserWarning, match="deprecated"):
        profiler.dump_profile()
    with open(trace_file) as f:
        assert any(e.get("name") == "sqrt" for e in json.load(f)["traceEvents"])


def test_profile_process_server_is_not_available():
    for call in (lambda: profiler.set_state("run", "server"), lambda: profiler.pause("server"),
                 lambda: profiler.dump(True, "server")):
        with pytest.raises(NotImplementedError, match="server"):
            call()


# ---- profiling objects --------------------------------------------------------------------

def test_objects_reject_bad_arguments():
    dom = profiler.Domain("D")
    with pytest.raises(TypeError, match="name must be a str"):
        profiler.Domain(3)
    for cls in (profiler.Task, profiler.Frame, profiler.Marker, profiler.Counter):
        with pytest.raises(MXNetError, match="domain must be a profiler.Domain, got str") as e:
            cls("D", "x")
        assert isinstance(e.value, TypeError)
    c = profiler.Counter(dom, "c")
    with pytest.raises(TypeError, match="must be a number, got str"):
        c.set_value("5")
    with pytest.raises(TypeError):
        c += None
    with pytest.raises(MXNetError, match="scope must be one of global, process, thread.*'galaxy'") as e:
        profiler.Marker(dom, "m").mark("galaxy")
    assert isinstance(e.value, ValueError)


def test_stop_without_start_raises():
    task = profiler.Task(profiler.Domain("D"), "t")
    with pytest.raises(MXNetError, match="Task 't': stop\\(\\) without a start\\(\\)") as e:
        task.stop()
    assert isinstance(e.value, RuntimeError)
    task.start()
    task.stop()
    with pytest.raises(RuntimeError):
        task.stop()


def test_counter_arithmetic():
    dom = profiler.Domain("D")
    c = dom.new_counter("c", 5)
    c += 3
    c -= 1
    c.increment()
    c.decrement(4)
    assert c.value == 4
    c.set_value(10)
    assert c.value == 10 and str(c) == "c"


def test_objects_record_into_the_trace(trace_file):
    dom = profiler.Domain("PythonDomain")
    assert str(dom) == "PythonDomain"
    profiler.set_config(profile_all=True, filename=trace_file, aggregate_stats=True)
    profiler.set_state("run")
    task, frame, event = dom.new_task("task"), dom.new_frame("frame"), profiler.Event("event")
    for obj in (task, frame, event):
        obj.start()
        obj.stop()
    with dom.new_task("task"):
        pass
    counter = dom.new_counter("counter", 1)
    counter += 2
    for scope in ("global", "process", "thread", "task", "marker"):
        dom.new_marker("m-" + scope).mark(scope)
    profiler.set_state("stop")
    profiler.dump()
    with open(trace_file) as f:
        events = json.load(f)["traceEvents"]
    spans = [(e["cat"], e["name"]) for e in events if e["ph"] == "X"]
    assert sorted(spans) == [("PythonDomain", "task"), ("PythonDomain", "task"),
                             ("PythonDomain,frame", "frame"), ("event", "event")]
    assert [e["args"] for e in events if e["ph"] == "C"] == [{"counter": 1}, {"counter": 3}]
    marks = {e["name"]: e["s"] for e in events if e["ph"] == "i"}
    assert marks == {"m-global": "g", "m-process": "p", "m-thread": "t", "m-task": "t", "m-marker": "t"}


def test_bench_profiler_runs():
    """benchmarks/bench_profiler.py runs (its figures are measured, not checked)."""
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    r = subprocess.run([sys.executable, os.path.join(root, "benchmarks", "bench_profiler.py"), "--n", "2000",
                        "--repeat", "1"], capture_output=True, text=True, timeout=120, cwd=root)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "never enabled" in r.stdout and "recording (imperative + memory)" in r.stdout
