"""Generates random_mxnet.json with the real MXNet 1.9.1 (run with its venv):

    MXNET_SUBGRAPH_BACKEND=NONE /tmp/mx/bin/python tests/data/gen_random_mxnet.py

Each case is a call sequence; results of arrays above BIG elements are stored
as a SHA-256 of their bytes plus a few values.
"""
import hashlib
import json
import os
import subprocess
import sys

BIG = 4096
CASES = {
    "noseed": [["uniform", 0, 1, [5], "float32"], ["normal", 0, 1, [7], "float32"],
               ["uniform", -1, 3, [1000], "float32"], ["normal", 0, 1, [130], "float32"]],
    "seed0": [["seed", 0], ["uniform", 0, 1, [5], "float32"], ["uniform", -1, 3, [1000], "float32"],
              ["normal", 0, 1, [7], "float32"], ["normal", 2, 0.5, [300, 5], "float32"],
              ["uniform", 0, 1, [10], "float64"], ["normal", 0, 1, [9], "float64"],
              ["uniform", -2, 5, [20], "float16"], ["normal", 1, 3, [20], "float16"],
              ["uniform", 0.1, 0.7, [130], "float64"], ["normal", 0.1, 0.3, [130], "float64"]],
    "seed42": [["seed", 42], ["normal", 0, 1, [7], "float32"], ["uniform", 0, 1, [70000], "float32"],
               ["normal", -1, 2, [100000], "float32"], ["uniform", 0, 1, [65537], "float32"],
               ["uniform", 0, 1, [5], "float32"], ["normal", 0, 1, [64 * 1024 * 3 + 7], "float64"],
               ["uniform", -1, 3, [1000], "float32"]],
    "seed12345": [["seed", 12345], ["uniform", 0, 1, [5], "float32"], ["randint", 0, 10, [50], "int32"],
                  ["randint", -1000, 10 ** 12, [40], "int64"], ["normal", 2, 0.5, [300, 5], "float32"],
                  ["exponential", 2.0, [200], "float32"], ["exponential", 0.5, [100], "float64"],
                  ["uniform", 3, 3, [4], "float32"], ["uniform", -1, 3, [1000], "float32"],
                  ["gamma", 2.5, 1.5, [100], "float32"], ["gamma", 0.5, 2.0, [100], "float32"],
                  ["poisson", 3.0, [100], "float32"], ["poisson", 30.0, [100], "float32"],
                  ["normal", 0, 1, [7], "float32"]],
    "seed_negative": [["seed", -7], ["uniform", 0, 1, [300], "float32"], ["normal", 0, 1, [300], "float32"]],
    "seed_wrap": [["seed", 2 ** 32 + 3], ["uniform", 0, 1, [100], "float32"]],
}


def call(mx, step):
    kind = step[0]
    if kind == "seed":
        mx.random.seed(step[1])
        return None
    r = mx.nd.random
    if kind == "uniform":
        a = r.uniform(step[1], step[2], shape=tuple(step[3]), dtype=step[4])
    elif kind == "normal":
        a = r.normal(step[1], step[2], shape=tuple(step[3]), dtype=step[4])
    elif kind == "randint":
        a = r.randint(step[1], step[2], shape=tuple(step[3]), dtype=step[4])
    elif kind == "exponential":
        a = r.exponential(step[1], shape=tuple(step[2]), dtype=step[3])
    elif kind == "gamma":
        a = r.gamma(step[1], step[2], shape=tuple(step[3]), dtype=step[4])
    elif kind == "poisson":
        a = r.poisson(step[1], shape=tuple(step[2]), dtype=step[3])
    else:
        raise ValueError(kind)
    return a.asnumpy()


def encode(x):
    flat = x.ravel()
    vals = [int(v) for v in flat] if x.dtype.kind == "i" else [float(v) for v in flat]
    if x.size <= BIG:
        return {"dtype": x.dtype.name, "shape": list(x.shape), "values": vals}
    idx = [0, 1, 63, 64, 65, x.size // 2, x.size - 2, x.size - 1]
    return {"dtype": x.dtype.name, "shape": list(x.shape),
            "sha256": hashlib.sha256(x.tobytes()).hexdigest(),
            "probe": [[i, vals[i]] for i in idx]}


def run_case(mx, steps):
    return [None if (o := call(mx, s)) is None else encode(o) for s in steps]


if __name__ == "__main__":
    if len(sys.argv) == 2:  # one case in a fresh process
        import mxnet as mx
        print(json.dumps(run_case(mx, CASES[sys.argv[1]])))
        sys.exit(0)
    out = {"mxnet": "1.9.1", "cases": {}}
    for name, steps in CASES.items():
        res = subprocess.run([sys.executable, __file__, name], check=True, capture_output=True, text=True)
        out["cases"][name] = {"steps": steps, "results": json.loads(res.stdout.strip().splitlines()[-1])}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "random_mxnet.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print("wrote", path, os.path.getsize(path), "bytes")
