"""Regenerates tests/profiler/mxnet_layout.json with MXNet 1.9.1: the text of
``profiler.dumps()`` (table) and the structure of ``dumps(format='json')``
after a small session (the layout gluonx's dumps must follow; the timings
themselves are not compared).

    MXNET_SUBGRAPH_BACKEND=NONE /work/mx-ref/bin/python tests/profiler/gen_mxnet_layout.py
"""
import json
import os
import tempfile

import mxnet as mx
from mxnet import profiler

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mxnet_layout.json")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        profiler.set_config(profile_all=True, aggregate_stats=True, continuous_dump=False,
                            filename=os.path.join(tmp, "trace.json"))
        profiler.set_state("run")
        a = mx.nd.ones((10, 10))
        b = mx.nd.sqrt(a)
        c = a + 1
        c = c + 1
        dom = profiler.Domain("Dom")
        counter = profiler.Counter(dom, "ctr", 5)
        counter += 3
        with_task = profiler.Task(dom, "task")
        with_task.start()
        with_task.stop()
        profiler.Marker(dom, "mark").mark("process")
        mx.nd.waitall()
        profiler.set_state("stop")
        table = profiler.dumps()
        as_json = json.loads(profiler.dumps(format="json"))
    shape = {part: {cat: {name: sorted(stat) for name, stat in rows.items()}
                    for cat, rows in as_json[part].items()} for part in ("Time", "Memory")}
    counts = {cat: {name: stat["Count"] for name, stat in rows.items()}
              for cat, rows in as_json["Time"].items() if cat in ("operator", "Dom")}
    with open(OUT, "w") as f:
        json.dump({"table": table, "json_structure": shape, "json_unit": as_json["Unit"],
                   "json_counts": counts, "json_top_keys": list(as_json)}, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
