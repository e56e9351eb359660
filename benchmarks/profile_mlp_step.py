"""Where the time of an eager MLP 784-256-256-10 training step goes (SGD, softmax
cross-entropy): forward, backward and update of the whole step, then the main
products and elementwise passes alone.  Best of 7 repeats, in ms / us.

    python benchmarks/profile_mlp_step.py            # batch 64 and 512
    python benchmarks/profile_mlp_step.py --batch 512
"""
import argparse
import os
import sys
import timeit

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gluonx as mx  # noqa: E402
from gluonx import autograd, gluon  # noqa: E402
from _models import build  # noqa: E402


def best_ms(fn, number: int) -> float:
    fn()
    return min(timeit.repeat(fn, number=number, repeat=7)) / number * 1e3


def profile(batch: int) -> None:
    net = build(mx, "mlp")
    net.initialize(mx.init.Xavier())
    rng = np.random.default_rng(0)
    x = mx.nd.array(rng.random((batch, 784), dtype=np.float32))
    y = mx.nd.array(rng.integers(0, 10, batch).astype(np.float32))
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.01})

    def forward():
        with autograd.record():
            return loss_fn(net(x), y)

    def forward_backward():
        forward().backward()

    def step():
        forward_backward()
        trainer.step(batch)

    t_f, t_fb, t_s = best_ms(forward, 20), best_ms(forward_backward, 20), best_ms(step, 20)
    print("batch %d: step %.3f ms = forward %.3f + backward %.3f + update %.3f"
          % (batch, t_s, t_f, t_fb - t_f, t_s - t_fb))
    w1, b1 = net[0].weight.data(), net[0].bias.data()
    h = mx.nd.array(rng.random((batch, 256), dtype=np.float32))
    o = mx.nd.array(rng.random((batch, 10), dtype=np.float32))
    g = mx.nd.array(rng.random(w1.shape, dtype=np.float32))
    w = w1.copy()
    parts = [
        ("FullyConnected 784->256 (GEMM + bias)", lambda: mx.nd.FullyConnected(x, w1, b1, num_hidden=256)),
        ("dW1 = dy^T x (256 x B x 784 GEMM)", lambda: mx.nd.dot(h, x, transpose_a=True)),
        ("relu (B x 256)", lambda: mx.nd.relu(h)),
        ("relu gradient dy * (y > 0)", lambda: h * (h > 0)),
        ("bias gradient (sum over the batch)", lambda: mx.nd.sum(h, axis=0)),
        ("log_softmax (B x 10)", lambda: mx.nd.log_softmax(o)),
        ("sgd_update of a 256 x 784 weight", lambda: mx.nd.sgd_update(w, g, lr=0.01, out=w)),
    ]
    for name, fn in parts:
        print("  %-40s %9.1f us" % (name, best_ms(lambda: fn().wait_to_read(), 50) * 1e3))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--batch", type=int, nargs="*", default=[64, 512])
    for b in p.parse_args(argv).batch:
        profile(b)
    return 0


if __name__ == "__main__":
    sys.exit(main())
