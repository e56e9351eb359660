"""profiler.dumps(): MXNet's aggregate table and JSON (layout checked against
the output of MXNet 1.9.1 in mxnet_layout.json, made by gen_mxnet_layout.py),
counts, sorting, reset."""
import json
import os
import re
from collections import OrderedDict

import pytest

import gluonx as mx
from gluonx import profiler

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "mxnet_layout.json")) as _f:
    MXNET = json.load(_f)

SORT_FIELDS = {"total": "Total", "avg": "Avg", "min": "Min", "max": "Max", "count": "Count"}


def session(trace_file, **config):
    cfg = dict(profile_all=True, aggregate_stats=True, continuous_dump=False, filename=trace_file)
    cfg.update(config)
    profiler.set_config(**cfg)
    profiler.set_state("run")
    a = mx.nd.ones((10, 10))
    mx.nd.sqrt(a)
    c = a + 1
    c = c + 1
    dom = profiler.Domain("Dom")
    counter = profiler.Counter(dom, "ctr", 5)
    counter += 3
    task = profiler.Task(dom, "task")
    task.start()
    task.stop()
    profiler.Marker(dom, "mark").mark("process")
    profiler.set_state("stop")


def test_counts_match_mxnet(trace_file):
    session(trace_file)
    got = json.loads(profiler.dumps(format="json"))
    for cat, rows in MXNET["json_counts"].items():
        for name, count in rows.items():
            if name == "ResourceParallelRandomSetSeed":     # MXNet's engine, not an operator call
                continue
            assert got["Time"][cat][name]["Count"] == count, (cat, name)


def test_json_structure_matches_mxnet(trace_file):
    session(trace_file)
    got = json.loads(profiler.dumps(format="json"))
    assert list(got) == MXNET["json_top_keys"] and got["Unit"] == MXNET["json_unit"]
    for part in ("Time", "Memory"):
        for cat, rows in MXNET["json_structure"][part].items():
            if cat == "MXNET_C_API":                       # gluonx has no C API
                continue
            assert cat in got[part], (part, cat)
            for name, keys in rows.items():
                if name in got[part][cat]:
                    assert sorted(got[part][cat][name]) == keys
    assert got["Time"]["Dom,instant_marker"] == {}
    assert set(got["Memory"]["Device Storage"]) == {"Memory: cpu/0"}


def _layout_lines(text):
    """The lines that do not carry numbers: preamble, section titles, headers."""
    return [ln for ln in text.split("\n") if not re.search(r"\d+\.\d{4}\s*$", ln)]


def test_table_layout_matches_mxnet(trace_file):
    session(trace_file)
    ours = profiler.dumps()
    theirs = MXNET["table"]
    assert ours.startswith("\nProfile Statistics:\n\tNote the difference in units for different entries.\n")
    # every header/separator line MXNet prints for a time or memory section, ours prints the same
    mx_lines = _layout_lines(theirs)
    for line in set(_layout_lines(ours)):
        if line and line not in ("kernel",):
            assert line in mx_lines or line in ("operator", "Dom", "Device Storage"), repr(line)
    for header in ("Device Storage", "Dom", "Dom,instant_marker", "operator"):
        assert "\n%s\n=================\n" % header in ours
    # rows: the name in 25 columns, then right-aligned fields of 16 with 4 decimals
    row = re.compile(r"^(.{25})\s*(\d+) (?: *\d+\.\d{4} ){2,4} *\d+\.\d{4}$")
    mx_rows = {m.group(1).strip(): ln for ln in theirs.split("\n") for m in [row.match(ln)] if m}
    our_rows = {m.group(1).strip(): ln for ln in ours.split("\n") for m in [row.match(ln)] if m}
    for name in ("sqrt", "_plus_scalar", "_ones", "task", "ctr", "Memory: cpu/0"):
        assert len(our_rows[name]) == len(mx_rows[name]), name
        # the columns end where MXNet's end
        ends = lambda s: [m.end() for m in re.finditer(r"\S+", s[25:])]   # noqa: E731
        assert ends(our_rows[name]) == ends(mx_rows[name]), name
    assert ours.endswith("\n\n")


def test_counter_rows_follow_mxnet_units(trace_file):
    session(trace_file)
    got = json.loads(profiler.dumps(format="json"))
    # MXNet prints a counter in a time table as value / 1000 and its Avg as (max - min) // 2 / 1000
    assert got["Time"]["Dom"]["ctr"] == {"Count": 2, "Total": 0.008, "Min": 0.005, "Max": 0.008, "Avg": 0.001}


def _check_sorted(debug_str, sort_by, ascending):
    target = json.loads(debug_str, object_pairs_hook=OrderedDict)
    for part in ("Time", "Memory"):
        if part == "Memory" and sort_by == "total":
            continue                                   # memory rows have no Total
        for rows in target[part].values():
            vals = [item[SORT_FIELDS[sort_by]] for item in rows.values()]
            assert vals == sorted(vals, reverse=not ascending), (part, sort_by, ascending, vals)


@pytest.mark.parametrize("sort_by", sorted(SORT_FIELDS))
@pytest.mark.parametrize("ascending", [False, True])
def test_sorting(trace_file, sort_by, ascending):
    session(trace_file)
    x = mx.nd.ones((50, 50))
    profiler.set_state("run")
    for i in range(6):
        x.exp()
        if i % 2:
            mx.nd.dot(x, x)
    profiler.set_state("stop")
    _check_sorted(profiler.dumps(format="json", sort_by=sort_by, ascending=ascending), sort_by, ascending)
    table = profiler.dumps(sort_by=sort_by, ascending=ascending)
    section = table.split("\noperator\n")[1].split("\n\n")[0].split("\n")[3:]
    col = {"count": 1, "total": 2, "min": 3, "max": 4, "avg": 5}[sort_by]
    vals = [float(ln[25:].split()[col - 1]) for ln in section]
    assert vals == sorted(vals, reverse=not ascending)


def test_default_sort_is_total_descending(trace_file):
    session(trace_file)
    ops = json.loads(profiler.dumps(format="json"), object_pairs_hook=OrderedDict)["Time"]["operator"]
    totals = [v["Total"] for v in ops.values()]
    assert totals == sorted(totals, reverse=True)


def test_reset_clears_the_statistics_and_counts_are_not_duplicated(trace_file):
    profiler.set_config(profile_all=True, aggregate_stats=True, continuous_dump=True, filename=trace_file)
    profiler.set_state("run")
    profiler.dumps(reset=True)
    inp = mx.nd.zeros((100, 100))
    mx.nd.sqrt(inp)
    inp = inp + 1
    inp = inp + 1
    profiler.dump(False)
    first = json.loads(profiler.dumps(format="json"))["Time"]["operator"]
    assert first["sqrt"]["Count"] == 1 and first["_plus_scalar"]["Count"] == 2 and first["_zeros"]["Count"] == 1
    again = json.loads(profiler.dumps(format="json", reset=True))["Time"]["operator"]
    assert again["_plus_scalar"]["Count"] == 2           # a dump or dumps does not count twice
    empty = json.loads(profiler.dumps(format="json"))
    assert empty["Time"] == {} and empty["Memory"] == {}
    profiler.set_state("stop")


def test_dumps_without_aggregate_stats_is_empty_with_a_warning(trace_file):
    profiler.set_config(profile_all=True, filename=trace_file)
    profiler.set_state("run")
    mx.nd.ones((2,)) + 1
    with pytest.warns(UserWarning, match="aggregate_stats=True"):
        assert profiler.dumps() == ""


def test_dumps_rejects_bad_arguments():
    with pytest.raises(ValueError, match="format must be 'table' or 'json'.*'xml'"):
        profiler.dumps(format="xml")
    with pytest.raises(ValueError, match="sort_by must be one of total, avg, min, max, count.*'median'"):
        profiler.dumps(sort_by="median")
    with pytest.raises(TypeError, match="ascending must be True or False"):
        profiler.dumps(ascending="yes")
    with pytest.raises(TypeError, match="reset must be True or False"):
        profiler.dumps(reset=1)


def test_memory_section(trace_file):
    session(trace_file)
    mem = json.loads(profiler.dumps(format="json"))["Memory"]["Device Storage"]["Memory: cpu/0"]
    assert mem["Count"] >= 4 and mem["Max"] >= mem["Min"] >= 0
    # kB: the 10x10 float32 arrays are 0.4 kB each; three of them were alive together
    assert mem["Max"] - mem["Min"] >= 0.8 - 1e-9
    assert mem["Avg"] == pytest.approx((mem["Max"] - mem["Min"]) / 2, abs=1e-3)
