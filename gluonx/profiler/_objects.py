"""The profiling objects of mx.profiler: Domain, Task, Frame, Event, Counter,
Marker (MXNet 1.9.1's classes).  They record only while the profiler runs
and is not paused; their records join the operators' in the same trace.
"""
from __future__ import annotations

import numbers
import threading
import time
from typing import Callable

from gluonx._core import ndarray as _c
from gluonx.base import MXNetRuntimeError, MXNetTypeError, MXNetValueError
from gluonx.profiler._records import EV_COUNTER, EV_MARK, EV_SPAN

recording: Callable[[], bool] = lambda: False     # set by gluonx.profiler
_kvstore_handle = None

# MXNet's marker scopes -> the Chrome trace's instant-event scope
_MARKER_SCOPES = {"global": "g", "process": "p", "thread": "t", "task": "t", "marker": "t"}


def set_kvstore_handle(handle) -> None:
    """Kept for MXNet's API: the kvstore whose server would be profiled (gluonx
    has no kvstore server process)."""
    global _kvstore_handle
    _kvstore_handle = handle


def _check_name(what: str, name) -> str:
    if not isinstance(name, str):
        raise MXNetTypeError("profiler.%s: name must be a str, got %s" % (what, type(name).__name__))
    return name


def _check_domain(what: str, domain) -> "Domain":
    if not isinstance(domain, Domain):
        raise MXNetTypeError("profiler.%s: domain must be a profiler.Domain, got %s"
                             % (what, type(domain).__name__))
    return domain


class Domain:
    """A group of tasks, frames, counters and markers: a category (and a
    process) in the trace.

    >>> dom = profiler.Domain('data')
    >>> with dom.new_task('decode'):
    ...     pass
    """

    def __init__(self, name: str):
        self.name = _check_name("Domain", name)

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return "Domain(%r)" % self.name

    def new_task(self, name: str) -> "Task":
        return Task(self, name)

    def new_frame(self, name: str) -> "Frame":
        return Frame(self, name)

    def new_counter(self, name: str, value=None) -> "Counter":
        return Counter(self, name, value)

    def new_marker(self, name: str) -> "Marker":
        return Marker(self, name)


class _Span:
    """A timed region: start() ... stop(), per thread (also a context manager)."""

    _what = "Span"

    def __init__(self, name: str, category: str):
        self.name = _check_name(self._what, name)
        self._category = category
        self._starts: dict = {}

    def start(self) -> None:
        """Starts timing in this thread (a second start restarts it)."""
        self._starts[threading.get_ident()] = time.monotonic_ns()

    def stop(self) -> None:
        """Stops timing; the region is recorded if the profiler is running."""
        t1 = time.monotonic_ns()
        tid = threading.get_ident()
        t0 = self._starts.pop(tid, None)
        if t0 is None:
            raise MXNetRuntimeError("profiler.%s %r: stop() without a start() in this thread"
                                    % (self._what, self.name))
        if recording():
            _c.prof_add((EV_SPAN, self.name, self._category, _c.prof_thread_id(), t0, t1, None, None, 0, 0, 0, None))

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __str__(self) -> str:
        return self.name


class Task(_Span):
    """A unit of work in a domain; every pass adds to one statistic.

    >>> task = profiler.Task(profiler.Domain('io'), 'read')
    >>> task.start(); ...; task.stop()
    """

    _what = "Task"

    def __init__(self, domain: Domain, name: str):
        self.domain = _check_domain("Task", domain)
        super().__init__(name, domain.name)


class Frame(_Span):
    """A frame in a domain (category '<domain>,frame'), e.g. one training step.

    >>> with profiler.Frame(profiler.Domain('train'), 'step'):
    ...     pass
    """

    _what = "Frame"

    def __init__(self, domain: Domain, name: str):
        self.domain = _check_domain("Frame", domain)
        super().__init__(name, domain.name + ",frame")


class Event(_Span):
    """A timed region outside any domain (category 'event').

    >>> ev = profiler.Event('load'); ev.start(); ev.stop()
    """

    _what = "Event"

    def __init__(self, name: str):
        super().__init__(name, "event")


def _int_value(what: str, value) -> int:
    if type(value) is int:            # the common case, without the ABC checks
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise MXNetTypeError("profiler.Counter %s: the value must be a number, got %s"
                             % (what, type(value).__name__))
    return int(value)


class Counter:
    """A value tracked over time (a 'C' event per change in the trace).

    >>> c = profiler.Counter(profiler.Domain('data'), 'queue', 5)
    >>> c += 2; c.decrement(); c.value
    6
    """

    def __init__(self, domain: Domain, name: str, value=None):
        self.domain = _check_domain("Counter", domain)
        self.name = _check_name("Counter", name)
        self._category = domain.name
        self._value = 0
        self._lock = threading.Lock()
        if value is not None:
            self.set_value(value)

    @property
    def value(self) -> int:
        return self._value

    def _record(self, value: int) -> None:
        if recording():
            t = time.monotonic_ns()
            _c.prof_add((EV_COUNTER, self.name, self._category, _c.prof_thread_id(), t, t, None, None,
                         0, 0, value, None))

    def set_value(self, value) -> None:
        """Sets the counter."""
        v = _int_value(self.name, value)
        with self._lock:
            self._value = v
            self._record(v)

    def increment(self, delta=1) -> None:
        """Adds `delta`."""
        d = _int_value(self.name, delta)
        with self._lock:
            self._value += d
            self._record(self._value)

    def decrement(self, delta=1) -> None:
        """Subtracts `delta`."""
        d = _int_value(self.name, delta)
        with self._lock:
            self._value -= d
            self._record(self._value)

    def __iadd__(self, delta):
        self.increment(delta)
        return self

    def __isub__(self, delta):
        self.decrement(delta)
        return self

    def __str__(self) -> str:
        return self.name


class Marker:
    """An instant in time ('i' event), e.g. the start of an epoch.

    >>> profiler.Marker(profiler.Domain('train'), 'epoch 1').mark('process')
    """

    def __init__(self, domain: Domain, name: str):
        self.domain = _check_domain("Marker", domain)
        self.name = _check_name("Marker", name)

    def mark(self, scope: str = "process") -> None:
        """Records the marker; `scope` is 'global', 'process', 'thread',
        'task' or 'marker'."""
        s = _MARKER_SCOPES.get(scope) if isinstance(scope, str) else None
        if s is None:
            raise MXNetValueError("profiler.Marker %r: scope must be one of %s, got %r"
                                  % (self.name, ", ".join(_MARKER_SCOPES), scope))
        if recording():
            t = time.monotonic_ns()
            _c.prof_add((EV_MARK, self.name, self.domain.name + ",instant_marker", _c.prof_thread_id(),
                         t, t, s, None, 0, 0, 0, None))

    def __str__(self) -> str:
        return self.name
