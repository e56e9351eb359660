"""mx.profiler: MXNet 1.9.1's profiler API, fed from gluonx's dispatch path.

Every kernel launch (eager, and the launches a compiled graph replays) and
every operator call is recorded with its operator and kernel names, input
shapes, dtype, device, start and duration (monotonic nanoseconds) and, with
``profile_memory``, the bytes it allocated.  :func:`dump` writes a Chrome
trace that chrome://tracing and Perfetto open; :func:`dumps` returns MXNet's
aggregate table (or its JSON).  When the profiler is not running, each hook
in the core costs one test of a C flag.

>>> import gluonx as mx
>>> from gluonx import profiler
>>> profiler.set_config(profile_all=True, aggregate_stats=True, filename='profile.json')
>>> profiler.set_state('run')
>>> y = mx.nd.ones((2, 3)) + 1
>>> profiler.set_state('stop')
>>> print(profiler.dumps())          # doctest: +SKIP
>>> profiler.dump()                  # writes profile.json

Differences from MXNet: the trace file is rewritten whole (atomically) at each
:func:`dump`, so it is valid JSON after every call; ``continuous_dump`` keeps
the events for the next dump instead of appending on a timer; gluonx has no C
API, so ``profile_api`` records nothing; kvstore server profiling is not
available.
"""
from __future__ import annotations

import atexit
import contextlib
import os
import threading
import time
import warnings
from typing import Iterator, Optional

from gluonx._core import ndarray as _c
from gluonx.base import (MXNetError, MXNetNotImplementedError, MXNetRuntimeError, MXNetTypeError,
                         MXNetValueError)
from gluonx.profiler import _objects, _records as _rec
from gluonx.profiler._objects import Counter, Domain, Event, Frame, Marker, Task, set_kvstore_handle

__all__ = ["set_config", "profiler_set_config", "set_state", "profiler_set_state", "pause", "resume",
           "dump", "dump_profile", "dumps", "Domain", "Task", "Frame", "Event", "Counter", "Marker",
           "set_kvstore_handle"]

_DEFAULTS = {"profile_all": False, "profile_symbolic": True, "profile_imperative": True,
             "profile_memory": True, "profile_api": True, "filename": "profile.json",
             "continuous_dump": True, "dump_period": 1.0, "aggregate_stats": False,
             "profile_process": "worker"}
_BOOL_KEYS = ("profile_all", "profile_symbolic", "profile_imperative", "profile_memory", "profile_api",
              "continuous_dump", "aggregate_stats")
_SORT_KEYS = ("total", "avg", "min", "max", "count")

_lock = threading.RLock()
_config = dict(_DEFAULTS)
_running = False        # set_state('run') .. set_state('stop')
_paused = False         # pause() .. resume()
_output = False         # a dump may be written: set by run, cleared by a finishing dump
_events: list = []      # records drained from the core, waiting for the trace file
_writer: Optional[_rec.TraceWriter] = None    # the trace written so far (continuous dumps)
_agg: Optional[dict] = None
_BASE_NS = time.monotonic_ns()      # trace timestamps count from gluonx's import


# ---- configuration and state --------------------------------------------------------------

def _parse_bool(key: str, value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    raise MXNetValueError("profiler.set_config: %s must be a bool (True/False, 1/0), got %r" % (key, value))


def _apply() -> None:
    """Switches the core's hooks from the state and the configuration."""
    on = _running and not _paused
    every = _config["profile_all"]
    _c.prof_configure(on and (every or _config["profile_imperative"]),
                      on and (every or _config["profile_symbolic"]),
                      on and (every or _config["profile_memory"]))


def recording() -> bool:
    """Whether profiling objects (Task, Counter ...) record now: running, not paused."""
    return _running and not _paused


_objects.recording = recording


def set_config(**kwargs) -> None:
    """Configures the profiler (keyword arguments only); keys not given take
    their defaults, as in MXNet.

    Keys: ``profile_all`` (False), ``profile_symbolic`` (True: launches of
    compiled graphs), ``profile_imperative`` (True: eager operators),
    ``profile_memory`` (True: bytes per operator, device memory counters),
    ``profile_api`` (True; gluonx has no C API to record), ``filename``
    ('profile.json'), ``continuous_dump`` (True: ``dump(False)`` keeps the
    profiler writable), ``dump_period`` (1.0, seconds; must be > 0),
    ``aggregate_stats`` (False: keep the statistics :func:`dumps` prints),
    ``profile_process`` ('worker').

    >>> profiler.set_config(profile_all=True, filename='trace.json', aggregate_stats=True)
    """
    global _agg
    cfg = dict(_DEFAULTS)
    for key, value in kwargs.items():
        if key not in _DEFAULTS:
            raise MXNetTypeError("profiler.set_config: unknown key %r; the keys are %s"
                                 % (key, ", ".join(sorted(_DEFAULTS))))
        if key in _BOOL_KEYS:
            cfg[key] = _parse_bool(key, value)
        elif key == "filename":
            if not isinstance(value, (str, os.PathLike)):
                raise MXNetTypeError("profiler.set_config: filename must be a str or os.PathLike, got %s"
                                     % type(value).__name__)
            cfg[key] = os.fspath(value)
        elif key == "dump_period":
            try:
                cfg[key] = float(value)
            except (TypeError, ValueError):
                raise MXNetValueError("profiler.set_config: dump_period must be a number of seconds, got %r"
                                      % (value,)) from None
        else:
            cfg[key] = _check_process(value, "set_config")
    if cfg["continuous_dump"] and not cfg["dump_period"] > 0:
        raise MXNetValueError("profiler.set_config: dump_period must be > 0 with continuous_dump, got %r"
                              % cfg["dump_period"])
    with _lock:
        _config.clear()
        _config.update(cfg)
        if cfg["aggregate_stats"]:
            if _agg is None:
                _agg = {}
        else:
            _agg = None
        _apply()


def _check_process(profile_process, fn: str) -> str:
    if profile_process == "worker":
        return profile_process
    if profile_process == "server":
        raise MXNetNotImplementedError("profiler.%s: profiling a kvstore server is not available in gluonx "
                                       "(there is no distributed kvstore server process)" % fn)
    raise MXNetValueError("profiler.%s: profile_process must be 'worker' or 'server', got %r"
                          % (fn, profile_process))


def set_state(state: str = "stop", profile_process: str = "worker") -> None:
    """Starts ('run') or stops ('stop') the profiler.  Running enables
    :func:`dump`; stopping keeps what was recorded.

    >>> profiler.set_state('run'); y = x * 2; profiler.set_state('stop')
    """
    global _running, _paused, _output
    if state not in ("run", "stop"):
        raise MXNetValueError("profiler.set_state: state must be 'run' or 'stop', got %r" % (state,))
    _check_process(profile_process, "set_state")
    with _lock:
        _running = state == "run"
        _paused = not _running          # as MXNet: stop pauses, run resumes
        if _running:
            _output = True
        _apply()


def __getattr__(name: str):
    if name == "state":        # profiler.state: 'run' or 'stop'
        return "run" if _running else "stop"
    raise AttributeError("module 'gluonx.profiler' has no attribute %r" % name)


def pause(profile_process: str = "worker") -> None:
    """Stops recording until :func:`resume` (MXNet allows it in any state).

    >>> profiler.pause(); warmup(); profiler.resume()
    """
    global _paused
    _check_process(profile_process, "pause")
    with _lock:
        _paused = True
        _apply()


def resume(profile_process: str = "worker") -> None:
    """Resumes recording after :func:`pause` (takes effect while running).

    >>> profiler.resume()
    """
    global _paused
    _check_process(profile_process, "resume")
    with _lock:
        _paused = False
        _apply()


def profiler_set_config(mode: str = "symbolic", filename: str = "profile.json") -> None:
    """Deprecated: ``set_config(profile_<mode>=True, filename=filename)``."""
    warnings.warn("profiler.profiler_set_config() is deprecated. Please use profiler.set_config() instead",
                  stacklevel=2)
    if mode not in ("symbolic", "imperative", "memory", "api", "all"):
        raise MXNetValueError("profiler.profiler_set_config: mode must be 'symbolic' or 'all', got %r" % (mode,))
    set_config(**{"profile_" + mode: True, "filename": filename})


def profiler_set_state(state: str = "stop") -> None:
    """Deprecated: :func:`set_state`."""
    warnings.warn("profiler.profiler_set_state() is deprecated. Please use profiler.set_state() instead",
                  stacklevel=2)
    set_state(state)


# ---- output --------------------------------------------------------------------------------

def _drain() -> None:
    """Moves the core's records here (and into the aggregate when kept)."""
    new = _c.prof_drain()
    if new:
        _events.extend(new)
        if _agg is not None:
            _rec.aggregate(_agg, new)




def dump(finished: bool = True, profile_process: str = "worker") -> None:
    """Writes the Chrome trace of everything recorded to the configured file
    (atomically: the file is whole after every call).  ``finished=True`` (or
    ``continuous_dump=False``) ends this output: the events are let go and a
    further dump needs ``set_state('run')`` again.

    >>> profiler.dump()     # then open profile.json in Perfetto or chrome://tracing
    """
    global _events, _output, _writer
    from gluonx._fileio import write_atomic
    _check_process(profile_process, "dump")
    with _lock:
        if not _output:
            raise MXNetRuntimeError("profiler.dump: the profiler has not run since its last finished dump; "
                                    "call profiler.set_config(...) and profiler.set_state('run') first")
        _drain()
        if _writer is None:
            _writer = _rec.TraceWriter(_BASE_NS)
        _writer.add(_events, _c.prof_thread_names())
        _events = []
        write_atomic(_config["filename"], _writer.render(), "profiler.dump")
        if finished or not _config["continuous_dump"]:
            _writer = None
            _output = False


def dump_profile() -> None:
    """Deprecated: ``dump(True)``."""
    warnings.warn("profiler.dump_profile() is deprecated. Please use profiler.dump() instead", stacklevel=2)
    dump(True)


def dumps(reset: bool = False, format: str = "table", sort_by: str = "total", ascending: bool = False) -> str:
    """MXNet's aggregate statistics (needs ``set_config(aggregate_stats=True)``)
    as a table or JSON, each category's rows sorted by `sort_by` ('total',
    'avg', 'min', 'max', 'count'), descending unless `ascending`; `reset`
    clears the statistics afterwards.  Without aggregate_stats the result is
    '' (as in MXNet), with a warning.  Unlike MXNet's, it does not also write
    the trace file (that is :func:`dump`'s job).

    >>> print(profiler.dumps(sort_by='count'))      # doctest: +SKIP
    """
    if format not in ("table", "json"):
        raise MXNetValueError("profiler.dumps: format must be 'table' or 'json', got %r" % (format,))
    if sort_by not in _SORT_KEYS:
        raise MXNetValueError("profiler.dumps: sort_by must be one of %s, got %r" % (", ".join(_SORT_KEYS), sort_by))
    for name, v in (("ascending", ascending), ("reset", reset)):
        if not isinstance(v, bool):
            raise MXNetTypeError("profiler.dumps: %s must be True or False, got %r" % (name, v))
    with _lock:
        if _agg is None:
            warnings.warn("profiler.dumps: no aggregate statistics are kept; call "
                          "profiler.set_config(aggregate_stats=True, ...) before running", stacklevel=2)
            return ""
        _drain()
        text = (_rec.table if format == "table" else _rec.table_json)(_agg, sort_by, ascending)
        if reset:
            _agg.clear()
        return text


@atexit.register
def _dump_at_exit() -> None:
    # MXNet writes what it recorded when the process ends; so do we, quietly
    _c.prof_configure(False, False, False)
    with _lock:
        if _output:
            try:
                dump(True)
            except (MXNetError, OSError):
                pass


def _reset() -> None:
    """Back to the state of a fresh process, records dropped (for tests)."""
    global _running, _paused, _output, _events, _agg, _writer
    with _lock:
        _running = _paused = _output = False
        _config.clear()
        _config.update(_DEFAULTS)
        _events = []
        _writer = None
        _agg = None
        _apply()
        _c.prof_drain()


# ---- custom operators (mx.operator) ----------------------------------------------------------

@contextlib.contextmanager
def custom_operator_scope(op_type: str, backward: bool = False) -> Iterator[None]:
    """What mx.operator wraps a custom operator's forward (or backward) in:
    the operators it runs are recorded as ``'<op_type>::<op>'`` under
    'Custom Operator', and its own time as ``'<op_type>::pure_python'``
    (``'_backward_<op_type>::...'`` for the backward), as MXNet names them.

    >>> with profiler.custom_operator_scope('MySigmoid'):
    ...     y = mx.nd.zeros((2,))            # recorded as MySigmoid::_zeros
    """
    if not _c.prof_flags()[0]:
        yield
        return
    name = ("_backward_" if backward else "") + op_type
    prev = _c.prof_get_custom()
    _c.prof_set_custom(name)
    t0 = time.monotonic_ns()
    try:
        yield
    finally:
        t1 = time.monotonic_ns()
        _c.prof_set_custom(prev)
        if _c.prof_flags()[0]:
            _c.prof_add((_rec.EV_SPAN, name + "::pure_python", _rec.CUSTOM_CATEGORY, _c.prof_thread_id(),
                         t0, t1, None, None, 0, 0, 0, None))
