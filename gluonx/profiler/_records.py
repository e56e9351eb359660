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

def _us(ns: int, base: int) -> float:
    return round((ns - base) / 1000.0, 3)


def _shape_list(shapes) -> list:
    return [list(s) if s is not None else "scalar" for s in shapes]


def chrome_trace(records: list, thread_names: dict, base_ns: int, producer: str) -> dict:
    """The Chrome-trace object (JSON Object Format) of `records`: devices and
    profiling domains are processes, Python threads are threads."""
    pids: dict = {}
    tids: dict = {}
    events: list = []

    def pid_of(key, label: str) -> int:
        p = pids.get(key)
        if p is None:
            p = pids[key] = len(pids)
            events.append({"ph": "M", "name": "process_name", "pid": p, "tid": 0, "args": {"name": label}})
            events.append({"ph": "M", "name": "process_sort_index", "pid": p, "tid": 0,
                           "args": {"sort_index": p}})
        return p

    def tid_of(pid: int, ident: int) -> int:
        t = tids.setdefault(ident, len(tids) + 1)
        if (pid, t) not in seen_threads:
            seen_threads.add((pid, t))
            events.append({"ph": "M", "name": "thread_name", "pid": pid, "tid": t,
                           "args": {"name": thread_names.get(ident, "thread %d" % t)}})
        return t

    seen_threads: set = set()
    for rec in sorted(records, key=lambda r: r[4]):
        kind = rec[0]
        if kind in (EV_OP, EV_KERNEL, EV_GRAPH):
            dev = device_name(rec[8], rec[9])
            pid = pid_of(("dev", rec[8], rec[9]), dev)
            cat, name = op_identity(rec)
            args = {"inputs": _shape_list(rec[6]), "dtype": rec[7], "device": dev}
            if kind == EV_KERNEL:
                args["operator"] = mxnet_name(rec[1], rec[6])
            elif rec[2] is not None:
                args["kernel"] = rec[2]
            if kind == EV_GRAPH:
                args["graph"] = True
            if kind == EV_OP and rec[10]:
                args["bytes_allocated"] = rec[10]
            if name != rec[1] and kind != EV_KERNEL:
                args["gluonx_op"] = rec[1]
            events.append({"name": name, "cat": cat, "ph": "X", "ts": _us(rec[4], base_ns),
                           "dur": _us(rec[5], rec[4]), "pid": pid, "tid": tid_of(pid, rec[3]), "args": args})
        elif kind == EV_MEM:
            label = "Memory: " + device_name(rec[8], rec[9])
            pid = pid_of(("cat", MEMORY_CATEGORY), MEMORY_CATEGORY)
            events.append({"name": label, "cat": MEMORY_CATEGORY, "ph": "C", "ts": _us(rec[4], base_ns),
                           "pid": pid, "tid": 0, "args": {label: rec[10]}})
        elif kind == EV_SPAN:
            pid = pid_of(("cat", rec[2]), rec[2])
            events.append({"name": rec[1], "cat": rec[2], "ph": "X", "ts": _us(rec[4], base_ns),
                           "dur": _us(rec[5], rec[4]), "pid": pid, "tid": tid_of(pid, rec[3])})
        elif kind == EV_COUNTER:
            pid = pid_of(("cat", rec[2]), rec[2])
            events.append({"name": rec[1], "cat": rec[2], "ph": "C", "ts": _us(rec[4], base_ns),
                           "pid": pid, "tid": 0, "args": {rec[1]: rec[10]}})
        elif kind == EV_MARK:
            pid = pid_of(("cat", rec[2]), rec[2])
            events.append({"name": rec[1], "cat": rec[2], "ph": "i", "s": rec[6], "ts": _us(rec[4], base_ns),
                           "pid": pid, "tid": tid_of(pid, rec[3])})
    return {"traceEvents": events, "displayTimeUnit": "ns",
            "otherData": {"producer": producer, "clock": "CLOCK_MONOTONIC", "time_unit_of_ts": "us"}}


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
