"""What mx.profiler does with the core's records: operator names as MXNet
writes them, Chrome-trace events, and MXNet's aggregate statistics.

A record is the tuple the core appends (gluonx/_core/_profile.pxi):
``(kind, name, kernel, thread id, start ns, end ns, input shapes, dtype,
device type, device id, bytes or value, custom operator type)``.  Kinds 0-3
come from the core, 4-6 from the profiling objects of this package.
"""
from __future__ import annotations

import json
from typing import Optional

EV_OP, EV_KERNEL, EV_GRAPH, EV_MEM, EV_SPAN, EV_COUNTER, EV_MARK = range(7)

DEVICE_NAMES = {1: "cpu", 2: "gpu", 3: "cpu pinned", 5: "cpu shared", 6: "ext1", 7: "ext2"}
MEMORY_CATEGORY = "Device Storage"
CUSTOM_CATEGORY = "Custom Operator"

# MXNet's name of an operator with a number operand: (number on the right, on the left)
_SCALAR_NAMES = {
    "broadcast_add": ("_plus_scalar", "_plus_scalar"),
    "broadcast_sub": ("_minus_scalar", "_rminus_scalar"),
    "broadcast_mul": ("_mul_scalar", "_mul_scalar"),
    "broadcast_div": ("_div_scalar", "_rdiv_scalar"),
    "broadcast_mod": ("_mod_scalar", "_rmod_scalar"),
    "broadcast_power": ("_power_scalar", "_rpower_scalar"),
    "broadcast_equal": ("_equal_scalar", "_equal_scalar"),
    "broadcast_not_equal": ("_not_equal_scalar", "_not_equal_scalar"),
    "broadcast_greater": ("_greater_scalar", "_lesser_scalar"),
    "broadcast_greater_equal": ("_greater_equal_scalar", "_lesser_equal_scalar"),
    "broadcast_lesser": ("_lesser_scalar", "_greater_scalar"),
    "broadcast_lesser_equal": ("_lesser_equal_scalar", "_greater_equal_scalar"),
}
# creation operators MXNet registers under an underscore name (not in graph files)
_EXTRA_NAMES = {"zeros": "_zeros", "ones": "_ones", "full": "_full", "empty": "_empty", "arange": "_arange",
                "copy": "_copy", "copyto": "_copyto", "eye": "_eye", "linspace": "_linspace"}
_name_table: Optional[dict] = None


def mxnet_name(name: str, shapes) -> str:
    """MXNet's name for a gluonx operator call (``a + 1`` is ``_plus_scalar``)."""
    global _name_table
    if shapes and len(shapes) == 2 and name in _SCALAR_NAMES and (shapes[0] is None) != (shapes[1] is None):
        return _SCALAR_NAMES[name][1 if shapes[0] is None else 0]
    if _name_table is None:
        from gluonx.symbol.mxnet_names import MXNET_NAME   # data only; loaded at the first dump
        _name_table = dict(MXNET_NAME)
        _name_table.update(_EXTRA_NAMES)
    return _name_table.get(name, name)


def device_name(dev_type: int, dev_id: int) -> str:
    return "%s/%d" % (DEVICE_NAMES.get(dev_type, "device%d" % dev_type), dev_id)


def op_identity(rec: tuple) -> tuple:
    """(category, name) under which an operator or kernel record is shown."""
    kind, name, kernel, custom = rec[0], rec[1], rec[2], rec[11]
    if kind == EV_KERNEL:
        return "kernel", kernel
    shown = mxnet_name(name, rec[6])
    if custom is not None:
        return CUSTOM_CATEGORY, "%s::%s" % (custom, shown)
    return "operator", shown


# ---- Chrome trace --------------------------------------------------------------------

def _shape_list(shapes) -> list:
    return [list(s) if s is not None else "scalar" for s in shapes]


class TraceWriter:
    """Chrome-trace text (JSON Object Format) built incrementally: each record
    is serialized once, so continuous dumps cost the new records only.
    Devices and profiling domains are processes, Python threads are threads;
    ``ts``/``dur`` are microseconds with nanosecond decimals.
    """

    def __init__(self, base_ns: int, producer: str = "gluonx"):
        self.base_ns = base_ns
        self.producer = producer
        self.chunks: list = []      # one JSON object per event, as str
        self._pids: dict = {}
        self._tids: dict = {}
        self._threads: set = set()
        self._strs: dict = {}       # str -> its JSON literal
        self._args: dict = {}       # operator record key -> its "args" JSON

    def _q(self, text: str) -> str:
        j = self._strs.get(text)
        if j is None:
            j = self._strs[text] = json.dumps(text)
        return j

    def _pid(self, key, label: str) -> int:
        p = self._pids.get(key)
        if p is None:
            p = self._pids[key] = len(self._pids)
            self.chunks.append('{"ph":"M","name":"process_name","pid":%d,"tid":0,"args":{"name":%s}}'
                               % (p, self._q(label)))
            self.chunks.append('{"ph":"M","name":"process_sort_index","pid":%d,"tid":0,"args":{"sort_index":%d}}'
                               % (p, p))
        return p

    def _tid(self, pid: int, ident: int, names: dict) -> int:
        t = self._tids.setdefault(ident, len(self._tids) + 1)
        if (pid, t) not in self._threads:
            self._threads.add((pid, t))
            self.chunks.append('{"ph":"M","name":"thread_name","pid":%d,"tid":%d,"args":{"name":%s}}'
                               % (pid, t, self._q(names.get(ident, "thread %d" % t))))
        return t

    def _op_args(self, rec: tuple, name: str, dev: str) -> str:
        key = rec[:3] + rec[6:11]
        j = self._args.get(key)
        if j is None:
            kind = rec[0]
            args = {"inputs": _shape_list(rec[6]), "dtype": rec[7], "device": dev}
            if kind == EV_KERNEL:
                args["operator"] = mxnet_name(rec[1], rec[6])
            elif rec[2] is not None:
                args["kernel"] = rec[2]
            if kind == EV_GRAPH:
                args["graph"] = True
            if kind == EV_OP and rec[10]:
                args["bytes_allocated"] = rec[10]
            if kind != EV_KERNEL and name != rec[1]:
                args["gluonx_op"] = rec[1]
            if len(self._args) > 65536:
                self._args.clear()
            j = self._args[key] = json.dumps(args, separators=(",", ":"))
        return j

    def add(self, records: list, thread_names: dict) -> None:
        """Serializes `records` (in start order) after those added before."""
        base, q, out = self.base_ns, self._q, self.chunks
        for rec in sorted(records, key=lambda r: r[4]):
            kind = rec[0]
            ts = (rec[4] - base) / 1000.0
            if kind in (EV_OP, EV_KERNEL, EV_GRAPH):
                dev = device_name(rec[8], rec[9])
                pid = self._pid(("dev", rec[8], rec[9]), dev)
                cat, name = op_identity(rec)
                out.append('{"name":%s,"cat":%s,"ph":"X","ts":%.3f,"dur":%.3f,"pid":%d,"tid":%d,"args":%s}'
                           % (q(name), q(cat), ts, (rec[5] - rec[4]) / 1000.0, pid,
                              self._tid(pid, rec[3], thread_names), self._op_args(rec, name, dev)))
            elif kind == EV_MEM:
                label = q("Memory: " + device_name(rec[8], rec[9]))
                pid = self._pid(("cat", MEMORY_CATEGORY), MEMORY_CATEGORY)
                out.append('{"name":%s,"cat":%s,"ph":"C","ts":%.3f,"pid":%d,"tid":0,"args":{%s:%d}}'
                           % (label, q(MEMORY_CATEGORY), ts, pid, label, rec[10]))
            elif kind == EV_SPAN:
                pid = self._pid(("cat", rec[2]), rec[2])
                out.append('{"name":%s,"cat":%s,"ph":"X","ts":%.3f,"dur":%.3f,"pid":%d,"tid":%d}'
                           % (q(rec[1]), q(rec[2]), ts, (rec[5] - rec[4]) / 1000.0, pid,
                              self._tid(pid, rec[3], thread_names)))
            elif kind == EV_COUNTER:
                pid = self._pid(("cat", rec[2]), rec[2])
                out.append('{"name":%s,"cat":%s,"ph":"C","ts":%.3f,"pid":%d,"tid":0,"args":{%s:%d}}'
                           % (q(rec[1]), q(rec[2]), ts, pid, q(rec[1]), rec[10]))
            elif kind == EV_MARK:
                pid = self._pid(("cat", rec[2]), rec[2])
                out.append('{"name":%s,"cat":%s,"ph":"i","s":"%s","ts":%.3f,"pid":%d,"tid":%d}'
                           % (q(rec[1]), q(rec[2]), rec[6], ts, pid, self._tid(pid, rec[3], thread_names)))

    def render(self) -> bytes:
        """The whole trace file."""
        tail = ('],"displayTimeUnit":"ns","otherData":{"producer":%s,"clock":"CLOCK_MONOTONIC",'
                '"ts_unit":"us"}}\n' % self._q(self.producer))
        return ('{"traceEvents":[' + ",\n".join(self.chunks) + tail).encode()


# ---- aggregate statistics ----------------------------------------------------------------
# per category, per name: [kind, count, total, min, max, last]; durations in ns,
# counters (user counters, device memory) in their own unit.

DURATION, COUNTER, OTHER = 0, 1, 2


def _add(agg: dict, cat: str, name: str, kind: int, value: int) -> None:
    s = agg.setdefault(cat, {}).get(name)
    if s is None:
        agg[cat][name] = [kind, 1, value, value, value, value]
        return
    s[1] += 1
    s[2] = s[2] + value if kind == DURATION else value
    s[3] = min(s[3], value)
    s[4] = max(s[4], value)
    s[5] = value


def aggregate(agg: dict, records: list) -> None:
    """Folds records into `agg` (MXNet's categories: operator, the domains,
    '<domain>,frame', 'event', 'Device Storage', 'Custom Operator', and
    'kernel' for the launches inside an operator)."""
    for rec in records:
        kind = rec[0]
        if kind in (EV_OP, EV_KERNEL, EV_GRAPH):
            cat, name = op_identity(rec)
            _add(agg, cat, name, DURATION, rec[5] - rec[4])
        elif kind == EV_SPAN:
            _add(agg, rec[2], rec[1], DURATION, rec[5] - rec[4])
        elif kind == EV_COUNTER:
            _add(agg, rec[2], rec[1], COUNTER, rec[10])
        elif kind == EV_MEM:
            _add(agg, MEMORY_CATEGORY, "Memory: " + device_name(rec[8], rec[9]), COUNTER, rec[10])
        elif kind == EV_MARK:
            agg.setdefault(rec[2], {})        # MXNet lists the category, with no rows


def _is_memory(cat: str) -> bool:
    return cat in (MEMORY_CATEGORY, "Pool Memory")


def _time_unit(kind: int, value) -> float:
    # durations are ns -> ms; MXNet prints counters in time tables as value / 1000
    return value / 1e6 if kind == DURATION else value / 1000.0


def _avg(s: list) -> float:
    if s[0] == COUNTER:
        return ((s[4] - s[3]) // 2) / 1000.0
    return s[2] / s[1] / 1e6


def _sorted_rows(rows: dict, sort_by: str, ascending: bool) -> list:
    def key(item):
        s = item[1]
        unit = 1000.0 if s[0] == DURATION else 1.0     # in the unit shown (a counter as a duration in us)
        if sort_by == "total":
            v = s[2] / unit
        elif sort_by == "avg":
            v = (s[4] - s[3]) // 2 if s[0] == COUNTER else s[2] / s[1] / unit
        elif sort_by == "min":
            v = s[3] / unit
        elif sort_by == "max":
            v = s[4] / unit
        else:
            v = s[1]
        return (-v if ascending else v, item[0])
    return sorted(((n, s) for n, s in rows.items() if s[0] != OTHER), key=key, reverse=True)


def table(agg: dict, sort_by: str, ascending: bool) -> str:
    """MXNet's aggregate table: one section per category, sorted by name,
    rows by `sort_by`."""
    out = ["", "Profile Statistics:", "\tNote the difference in units for different entries."]
    for cat in sorted(agg):
        mem = _is_memory(cat)
        out += [cat, "================="]
        if mem:
            out.append("%-25s%16s %16s %16s %16s" % ("Name", "Total Count", "Min Use  (kB)", "Max Use  (kB)",
                                                    "Avg Use  (kB)"))
            out.append("%-25s%16s %16s %16s %16s" % ("----", "-----------", "-------------", "-------------",
                                                    "-------------"))
        else:
            out.append("%-25s%16s %16s %16s %16s %16s" % ("Name", "Total Count", "Time (ms)", "Min Time (ms)",
                                                         "Max Time (ms)", "Avg Time (ms)"))
            out.append("%-25s%16s %16s %16s %16s %16s" % ("----", "-----------", "---------", "-------------",
                                                         "-------------", "-------------"))
        for name, s in _sorted_rows(agg[cat], sort_by, ascending):
            if mem:
                out.append("%-25s%16d %16.4f %16.4f %16.4f" % (name, s[1], s[3] / 1000.0, s[4] / 1000.0, _avg(s)))
            else:
                out.append("%-25s%16d %16.4f %16.4f %16.4f %16.4f"
                           % (name, s[1], _time_unit(s[0], s[2]), _time_unit(s[0], s[3]),
                              _time_unit(s[0], s[4]), _avg(s)))
        out.append("")
    return "\n".join(out) + "\n"


def _num(x: float):
    return float("%.4g" % x)


def table_json(agg: dict, sort_by: str, ascending: bool) -> str:
    """The aggregate as JSON: {"Time": {category: {name: {Count, Total, Min,
    Max, Avg}}}, "Memory": {...without Total}, "Unit": {"Time": "ms",
    "Memory": "kB"}}, rows in `sort_by` order."""
    time_part: dict = {}
    mem_part: dict = {}
    for cat in sorted(agg):
        mem = _is_memory(cat)
        rows = {}
        for name, s in _sorted_rows(agg[cat], sort_by, ascending):
            if mem:
                rows[name] = {"Count": s[1], "Min": _num(s[3] / 1000.0), "Max": _num(s[4] / 1000.0),
                              "Avg": _num(_avg(s))}
            else:
                rows[name] = {"Count": s[1], "Total": _num(_time_unit(s[0], s[2])),
                              "Min": _num(_time_unit(s[0], s[3])), "Max": _num(_time_unit(s[0], s[4])),
                              "Avg": _num(_avg(s))}
        (mem_part if mem else time_part)[cat] = rows
    return json.dumps({"Time": time_part, "Memory": mem_part, "Unit": {"Time": "ms", "Memory": "kB"}},
                      indent=4) + "\n"
