"""The network, starting values and data of module_mxnet.json (shared by
gen_module_mxnet.py, run on MXNet, and the tests, run on gluonx)."""
import numpy as np


def net(mx):
    """The network, built with `mx` (mxnet or gluonx)."""
    data = mx.sym.var("data")
    h = mx.sym.FullyConnected(data, num_hidden=6, name="fc1")
    h = mx.sym.BatchNorm(h, name="bn", fix_gamma=False)
    h = mx.sym.Activation(h, act_type="relu", name="relu1")
    h = mx.sym.FullyConnected(h, num_hidden=3, name="fc2")
    return mx.sym.SoftmaxOutput(h, name="softmax")


def start_params():
    rs = np.random.RandomState(0)
    arg = {"fc1_weight": rs.uniform(-0.5, 0.5, (6, 4)), "fc1_bias": rs.uniform(-0.1, 0.1, (6,)),
           "bn_gamma": rs.uniform(0.5, 1.5, (6,)), "bn_beta": rs.uniform(-0.1, 0.1, (6,)),
           "fc2_weight": rs.uniform(-0.5, 0.5, (3, 6)), "fc2_bias": rs.uniform(-0.1, 0.1, (3,))}
    aux = {"bn_moving_mean": np.zeros(6), "bn_moving_var": np.ones(6)}
    return arg, aux


def dataset():
    rs = np.random.RandomState(1)
    x = rs.normal(size=(22, 4)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.float32) + (x[:, 1] > 0.5)
    return x, y
