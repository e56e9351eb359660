"""Generates tests/data/ops/nn_mxnet.npz with MXNet 1.9.1:
MXNET_SUBGRAPH_BACKEND=NONE /tmp/mx/bin/python tests/data/gen_nn_mxnet.py"""
import numpy as np
import mxnet as mx

nd = mx.nd
rng = np.random.RandomState(0)
out = {}
x = rng.randn(4, 3, 2, 3).astype(np.float32)
g, b = rng.rand(3).astype(np.float32) + 0.5, rng.randn(3).astype(np.float32)
out["x"], out["g"], out["b"] = x, g, b
mm0, mv0 = rng.randn(3).astype(np.float32), rng.rand(3).astype(np.float32) + 0.5
out["mm0"], out["mv0"] = mm0, mv0
for fix in (0, 1):
    mm, mv = nd.array(mm0), nd.array(mv0)
    xa = nd.array(x)
    xa.attach_grad()
    with mx.autograd.record():
        y = nd.BatchNorm(xa, nd.array(g), nd.array(b), mm, mv, fix_gamma=bool(fix), momentum=0.8)
    y.backward(nd.array(x * 0.5))
    out["bn_train_fix%d" % fix] = y.asnumpy()
    out["bn_train_fix%d_mm" % fix] = mm.asnumpy()
    out["bn_train_fix%d_mv" % fix] = mv.asnumpy()
    out["bn_train_fix%d_dx" % fix] = xa.grad.asnumpy()
    out["bn_infer_fix%d" % fix] = nd.BatchNorm(nd.array(x), nd.array(g), nd.array(b), nd.array(mm0),
                                               nd.array(mv0), fix_gamma=bool(fix)).asnumpy()
mm, mv = nd.array(mm0), nd.array(mv0)
with mx.autograd.record():
    out["bn_global"] = nd.BatchNorm(nd.array(x), nd.array(g), nd.array(b), mm, mv, fix_gamma=False,
                                    use_global_stats=True).asnumpy()
xt = x.transpose(0, 2, 3, 1).copy()
out["bn_axis_last"] = nd.BatchNorm(nd.array(xt), nd.array(g), nd.array(b), nd.array(mm0), nd.array(mv0),
                                   fix_gamma=False, axis=-1).asnumpy()
v = np.array([-3, -1, -0.2, 0, 0.3, 2, 30], np.float32)
out["v"] = v
for t in ("relu", "sigmoid", "tanh", "softrelu", "softsign"):
    out["act_" + t] = nd.Activation(nd.array(v), act_type=t).asnumpy()
for t in ("leaky", "elu", "selu", "gelu"):
    out["leaky_" + t] = nd.LeakyReLU(nd.array(v), act_type=t, slope=0.3).asnumpy()
out["rrelu_infer"] = nd.LeakyReLU(nd.array(v), act_type="rrelu")[0].asnumpy()
out["prelu"] = nd.LeakyReLU(nd.array(x), nd.array(g), act_type="prelu").asnumpy()
out["ln_gamma"] = rng.rand(3).astype(np.float32)
out["layernorm"] = nd.LayerNorm(nd.array(x), nd.array(out["ln_gamma"]), nd.array(b), axis=1).asnumpy()
out["layernorm_last"] = nd.LayerNorm(nd.array(x), nd.array(g), nd.array(b), axis=-1).asnumpy() if False else nd.LayerNorm(nd.array(xt), nd.array(g), nd.array(b)).asnumpy()
out["instancenorm"] = nd.InstanceNorm(nd.array(x), nd.array(g), nd.array(b)).asnumpy()
x6 = rng.randn(2, 6, 5).astype(np.float32)
out["x6"] = x6
out["groupnorm"] = nd.GroupNorm(nd.array(x6), nd.array([0.5, 1.0, 2.0]), nd.array([0.1, 0.2, 0.3]), num_groups=3).asnumpy()
for m in ("instance", "channel", "spatial"):
    out["l2_" + m] = nd.L2Normalization(nd.array(x), mode=m).asnumpy()
out["lrn"] = nd.LRN(nd.array(x), nsize=3, alpha=0.1, beta=0.6, knorm=1.5).asnumpy()
out["up_nearest"] = nd.UpSampling(nd.array(x), scale=2, sample_type="nearest").asnumpy()
out["bilinear"] = nd.contrib.BilinearResize2D(nd.array(x), height=5, width=4).asnumpy()
out["bilinear_noalign"] = nd.contrib.BilinearResize2D(nd.array(x), height=5, width=7, align_corners=False).asnumpy()
out["emb"] = nd.Embedding(nd.array([[0, 7], [-2, 1]]), nd.array(x6[0]), input_dim=6, output_dim=5).asnumpy()
np.savez_compressed("tests/data/ops/nn_mxnet.npz", **out)
