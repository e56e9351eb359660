"""Regenerates metric_cases.json with real MXNet 1.9.1 (not run by the tests):

    MXNET_SUBGRAPH_BACKEND=NONE /work/mx-ref/bin/python tests/metric/gen_metric_mxnet.py

Each case creates a metric (by a name, an alias, a list or a JSON string, with arguments),
then runs steps: ``update`` (labels and predictions, as lists or single arrays; ``"as":
"numpy"`` asks the replay to pass NumPy arrays instead of NDArrays), ``update_dict``,
``reset_local``, ``reset``.  After every step the case records what MXNet's ``get``,
``get_global``, ``get_name_value``, ``get_global_name_value``, ``num_inst``,
``global_num_inst`` and ``str`` gave.  ``test_metric_mxnet_values.py`` replays the cases on
gluonx.  The inputs are fixed by seeds, and stored in the file, so the replay never needs the
random generator.
"""
import copy
import json
import os

import mxnet as mx
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.RandomState(14)


# ------------------------------------------------------------------ inputs

def arr(values, dtype="float32"):
    """An input array: its values (short decimals; both sides cast them to dtype) and dtype."""
    values = np.asarray(values)
    data = values.round(6) if np.dtype(dtype).kind == "f" else values.astype(dtype)
    return {"data": data.tolist(), "dtype": dtype}


def probs(n, c, dtype="float32"):
    """Rows of class probabilities (rounded so JSON holds them exactly as float32)."""
    x = RNG.rand(n, c) + 0.05
    return arr(np.round(x / x.sum(1, keepdims=True), 4), dtype)


def classes(n, c, dtype="float32"):
    return arr(RNG.randint(0, c, size=n), dtype)


def reals(*shape, dtype="float32"):
    return arr(np.round(RNG.randn(*shape), 3), dtype)


def upd(labels, preds, single=False, as_="ndarray"):
    """One update(); ``single`` passes the first label and prediction without a list."""
    return {"op": "update", "labels": labels, "preds": preds, "single": single, "as": as_}


def upd_dict(labels, preds):
    """update_dict() with {name: array} dicts (ordered as given)."""
    return {"op": "update_dict", "labels": labels, "preds": preds}


RESET_LOCAL = {"op": "reset_local"}
RESET = {"op": "reset"}


def binary(n):
    """Binary labels (both classes present) and (n, 2) scores."""
    lab = RNG.randint(0, 2, size=n)
    lab[0], lab[1] = 0, 1
    return arr(lab), probs(n, 2)


# ------------------------------------------------------------------ custom evaluation functions
# the replay defines the same functions under the same names

def mean_abs(label, pred):
    return np.mean(np.abs(label - pred))


def sum_and_count(label, pred):
    return float(np.sum(label == pred.argmax(axis=1))), label.size


CUSTOM = {"mean_abs": mean_abs, "sum_and_count": sum_and_count}


# ------------------------------------------------------------------ the cases

def cases():
    out = []

    def case(cid, metric, steps, args=(), kwargs=None, note=None, check_global=True,
             config=True):
        out.append({"id": cid, "metric": metric, "args": list(args), "kwargs": kwargs or {},
                    "steps": copy.deepcopy(steps), "note": note, "check_global": check_global,
                    "config": config})

    # Accuracy -----------------------------------------------------------------------
    case("acc_multiclass_updates", "acc",
         [upd([classes(6, 4)], [probs(6, 4)]), upd([classes(5, 4)], [probs(5, 4)]), RESET_LOCAL,
          upd([classes(4, 4), classes(3, 4)], [probs(4, 4), probs(3, 4)]), RESET,
          upd([classes(3, 4)], [probs(3, 4)])])
    case("acc_axis0", "accuracy", [upd([classes(4, 3)], [probs(3, 4)])], kwargs={"axis": 0})
    case("acc_class_indices_int_labels", "Accuracy",
         [upd([classes(8, 5, "int32")], [classes(8, 5)]),
          upd([classes(8, 5, "int64")], [classes(8, 5, "int32")])])
    case("acc_2d_label", "acc", [upd([arr(RNG.randint(0, 2, (2, 3)))], [probs(6, 2)])])
    case("acc_float_labels_truncate", "acc",
         [upd([arr([0.0, 1.7, 2.2, 0.9])], [probs(4, 3)])])
    case("acc_numpy_inputs", "acc",
         [upd([classes(6, 3)], [probs(6, 3)], as_="numpy"),
          upd([classes(5, 3, "int32")], [probs(5, 3)], as_="numpy")])
    case("acc_single_arrays", "acc", [upd([classes(7, 3)], [probs(7, 3)], single=True)])
    case("acc_json_create", '["acc", {"axis": 1, "name": "my_acc"}]',
         [upd([classes(5, 3)], [probs(5, 3)])])
    # TopKAccuracy ---------------------------------------------------------------------
    case("topk2", "top_k_accuracy", [upd([classes(10, 5)], [probs(10, 5)]), RESET_LOCAL,
                                     upd([classes(6, 5)], [probs(6, 5)])], kwargs={"top_k": 2})
    case("topk3_int_labels", "top_k_acc",
         [upd([classes(9, 6, "int32"), classes(4, 6)], [probs(9, 6), probs(4, 6)])],
         kwargs={"top_k": 3})
    case("topk_equals_classes", "TopKAccuracy", [upd([classes(5, 3)], [probs(5, 3)])],
         kwargs={"top_k": 3})
    # F1 / MCC ---------------------------------------------------------------------------
    for avg in ("macro", "micro"):
        l1, p1 = binary(6)
        l2, p2 = binary(5)
        l3, p3 = binary(7)
        l4, p4 = binary(4)
        steps = [upd([l1, l2], [p1, p2]), upd([l3], [p3]), RESET_LOCAL, upd([l4], [p4]),
                 upd([l1], [p1], single=True)]
        case("f1_%s" % avg, "f1", steps, kwargs={"average": avg})
        case("mcc_%s" % avg, "mcc", steps, kwargs={"average": avg})
    case("f1_default_all_negative", "F1", [upd([arr([0, 0])], [arr([[0.9, 0.1], [0.8, 0.2]])])])
    case("mcc_default_int_labels", "MCC", [upd([arr([1, 0, 1, 1, 0], "int32")], [probs(5, 2)])])
    lab, pred = binary(9)
    case("f1_micro_numpy", "f1", [upd([lab], [pred], as_="numpy")], kwargs={"average": "micro"})
    # Perplexity -----------------------------------------------------------------------
    case("perplexity_no_ignore", "perplexity", [upd([classes(6, 4)], [probs(6, 4)]),
                                                upd([classes(3, 4)], [probs(3, 4)])],
         args=[None])
    case("perplexity_ignore_minus1", "perplexity",
         [upd([arr([0, -1, 2, 1, -1, 3])], [probs(6, 4)]), RESET_LOCAL,
          upd([arr([2, 2, -1])], [probs(3, 4)])], args=[-1])
    case("perplexity_ignore_0_kw", "Perplexity",
         [upd([classes(8, 3), classes(4, 3)], [probs(8, 3), probs(4, 3)])],
         kwargs={"ignore_label": 0})
    case("perplexity_axis0", "perplexity", [upd([classes(3, 3)], [probs(3, 3)])],
         kwargs={"ignore_label": None, "axis": 0})
    case("perplexity_out_of_range_clipped", "perplexity",
         [upd([arr([5, 0, 1])], [probs(3, 3)])], args=[None])
    # regression ---------------------------------------------------------------------
    for name in ("mae", "mse", "rmse"):
        case("%s_1d_and_2d" % name, name,
             [upd([reals(5)], [reals(5)]), upd([reals(4, 1)], [reals(4)]),
              RESET_LOCAL, upd([reals(3, 3), reals(2)], [reals(3, 3), reals(2)])])
        case("%s_broadcast_columns" % name, name.upper(), [upd([reals(4)], [reals(4, 3)])])
        case("%s_int_labels_numpy" % name, name,
             [upd([arr([1, 2, 3, 4], "int32")], [reals(4)], as_="numpy")])
        case("%s_single" % name, name, [upd([reals(1, 4)], [reals(1, 4)], single=True)])
    # CrossEntropy / NLL -----------------------------------------------------------------
    case("ce", "ce", [upd([classes(6, 4)], [probs(6, 4)]), RESET_LOCAL,
                      upd([classes(3, 4), classes(2, 4)], [probs(3, 4), probs(2, 4)])])
    case("ce_eps_int_labels", "CrossEntropy", [upd([classes(5, 3, "int32")], [probs(5, 3)])],
         kwargs={"eps": 1e-3})
    case("nll_loss", "nll_loss", [upd([classes(6, 4)], [probs(6, 4)]),
                                  upd([classes(2, 4)], [probs(2, 4)], as_="numpy")])
    case("nll_full_name", "negativeloglikelihood", [upd([arr([2, 1])],
                                                        [arr([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]])])])
    # PearsonCorrelation -----------------------------------------------------------------
    case("pearsonr_macro", "pearsonr",
         [upd([reals(6)], [reals(6)]), upd([reals(3, 2), reals(4)], [reals(3, 2), reals(4)]),
          RESET_LOCAL, upd([reals(5)], [reals(5)])])
    # MXNet's micro statistics ignore reset_local and its get_global() is 0: compared
    # without reset_local and without get_global
    case("pearsonr_micro", "PearsonCorrelation",
         [upd([reals(6)], [reals(6)]), upd([reals(3, 2), reals(4)], [reals(3, 2), reals(4)]),
          upd([reals(5)], [reals(5)], as_="numpy")],
         kwargs={"average": "micro"}, check_global=False)
    # PCC --------------------------------------------------------------------------------
    case("pcc_binary", "pcc", [upd([classes(12, 2, "int32")], [probs(12, 2)]), RESET_LOCAL,
                               upd([classes(8, 2)], [probs(8, 2)])])
    case("pcc_growing_classes", "PCC",
         [upd([classes(10, 3)], [probs(10, 3)]), upd([classes(10, 5)], [classes(10, 5)]),
          RESET_LOCAL, upd([arr([0, 1, 2, 3, 4, 5])], [arr([0, 1, 2, 3, 5, 5])])])
    # Loss / Torch / Caffe -----------------------------------------------------------------
    case("loss", "loss", [upd([], [reals(4), reals(2, 3)]), RESET_LOCAL,
                          upd([], [reals(3)], single=True)])
    case("torch", "torch", [upd([], [reals(5)])])
    case("caffe", "Caffe", [upd([], [reals(2, 2)], as_="numpy")])
    # custom metrics -----------------------------------------------------------------------
    case("custom_value", {"custom": "mean_abs"},
         [upd([reals(4)], [reals(4)]), upd([reals(3), reals(2)], [reals(3), reals(2)]),
          RESET_LOCAL, upd([reals(5)], [reals(5)])], config=False)
    case("custom_tuple_np", {"np": "sum_and_count"},
         [upd([classes(6, 3)], [probs(6, 3)]), upd([classes(4, 3)], [probs(4, 3)])],
         config=False)
    # composite, update_dict -----------------------------------------------------------------
    l1, p1 = binary(6)
    l2, p2 = binary(5)
    case("composite_list", ["acc", "f1", "ce"],
         [upd([l1], [p1]), RESET_LOCAL, upd([l2], [p2]), RESET, upd([l1, l2], [p1, p2])])
    case("composite_by_name", "composite", [upd([reals(4)], [reals(4)])],
         kwargs={"metrics": ["mse", "mae"]})
    case("composite_update_dict_names", "composite",
         [upd_dict({"lab": classes(5, 3), "other": classes(5, 3)},
                   {"out": probs(5, 3), "aux": probs(5, 3)})],
         kwargs={"metrics": [{"metric": "Accuracy", "output_names": ["out"],
                              "label_names": ["lab"]}, "ce"],
                 "output_names": ["out"], "label_names": ["lab"]})
    case("update_dict_names", "acc",
         [upd_dict({"a": classes(4, 3), "b": classes(4, 3)},
                   {"x": probs(4, 3), "y": probs(4, 3)})],
         kwargs={"output_names": ["y"], "label_names": ["b"]})
    case("update_dict_all", "mse",
         [upd_dict({"a": reals(4), "b": reals(3)}, {"x": reals(4), "y": reals(3)})])
    return out


# ------------------------------------------------------------------ running them on MXNet

def to_nd(a):
    return mx.nd.array(np.asarray(a["data"], dtype=a["dtype"]), dtype=a["dtype"])


def plain(v):
    """JSON-able Python values (numpy scalars as numbers, tuples as lists)."""
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, np.generic):
        return v.item()
    return v


def make(spec, args, kwargs):
    if isinstance(spec, dict) and "custom" in spec:
        return mx.metric.create(CUSTOM[spec["custom"]], *args, **kwargs)
    if isinstance(spec, dict) and "np" in spec:
        return mx.metric.np(CUSTOM[spec["np"]], *args, **kwargs)
    return mx.metric.create(spec, *args, **kwargs)


def snapshot(m):
    return plain({"get": m.get(), "get_global": m.get_global(),
                  "name_value": m.get_name_value(),
                  "global_name_value": m.get_global_name_value(),
                  "num_inst": getattr(m, "num_inst", None),
                  "global_num_inst": getattr(m, "global_num_inst", None),
                  "str": str(m)})


def run(c):
    m = make(c["metric"], c["args"], c["kwargs"])
    c["initial"] = snapshot(m)
    c["steps"] = [dict(step) for step in c["steps"]]     # a step object may recur in a case
    for step in c["steps"]:
        if step["op"] == "update":
            labels = [to_nd(a) for a in step["labels"]]
            preds = [to_nd(a) for a in step["preds"]]
            if step["single"]:
                m.update(labels[0] if labels else None, preds[0])
            else:
                m.update(labels, preds)
        elif step["op"] == "update_dict":
            m.update_dict({k: to_nd(a) for k, a in step["labels"].items()},
                          {k: to_nd(a) for k, a in step["preds"].items()})
        else:
            getattr(m, step["op"])()
        step["expect"] = snapshot(m)
    if c["config"]:
        c["get_config"] = plain(m.get_config())
    return c


def main():
    done = [run(c) for c in cases()]
    path = os.path.join(HERE, "metric_cases.json")
    with open(path, "w") as fh:          # one case per line: small, and diffs stay readable
        fh.write('{"mxnet_version": %s, "numpy_version": %s, "cases": [\n'
                 % (json.dumps(mx.__version__), json.dumps(np.__version__)))
        fh.write(",\n".join(json.dumps(c, sort_keys=True) for c in done))
        fh.write("\n]}\n")
    print("wrote %d cases to %s" % (len(done), path))


if __name__ == "__main__":
    main()
