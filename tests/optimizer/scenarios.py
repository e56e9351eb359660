"""Scenarios run identically under MXNet 1.9.1 (to generate the committed
reference data, see gen_reference.py) and under gluonx (the tests).  Each
function takes the framework module ``mx`` and returns a dict of arrays."""
import numpy as np

SHAPE = (3, 4)
STEPS = 6


def _data(seed, shape=SHAPE, steps=STEPS):
    rs = np.random.RandomState(seed)
    w0 = rs.uniform(-1, 1, shape).astype(np.float32)
    grads = [rs.uniform(-2, 2, shape).astype(np.float32) for _ in range(steps)]
    return w0, grads


# name -> (optimizer name, kwargs); all with wd, rescale_grad and clip_gradient
OPTIMIZERS = {
    "sgd": ("sgd", dict(learning_rate=0.1, wd=0.01, rescale_grad=0.5, clip_gradient=0.6)),
    "sgd_mom": ("sgd", dict(learning_rate=0.1, momentum=0.9, wd=0.01, rescale_grad=0.5,
                            clip_gradient=0.6)),
    "nag": ("nag", dict(learning_rate=0.1, momentum=0.9, wd=0.01, rescale_grad=0.5,
                        clip_gradient=0.6)),
    "nag_nomom": ("nag", dict(learning_rate=0.1, wd=0.01)),
    "adam": ("adam", dict(learning_rate=0.01, wd=0.01, rescale_grad=0.5, clip_gradient=0.6)),
    "adagrad": ("adagrad", dict(learning_rate=0.1, wd=0.01, rescale_grad=0.5, clip_gradient=0.6)),
    "rmsprop": ("rmsprop", dict(learning_rate=0.01, wd=0.01, rescale_grad=0.5, clip_gradient=0.6)),
    "rmsprop_centered": ("rmsprop", dict(learning_rate=0.01, wd=0.01, centered=True,
                                         clip_weights=0.9, rescale_grad=0.5)),
    "adadelta": ("adadelta", dict(wd=0.01, rescale_grad=0.5, clip_gradient=0.6)),
    "ftrl": ("ftrl", dict(learning_rate=0.1, wd=0.01, rescale_grad=0.5, clip_gradient=0.6)),
    "adamax": ("adamax", dict(learning_rate=0.01, wd=0.01, rescale_grad=0.5, clip_gradient=0.6)),
    "nadam": ("nadam", dict(learning_rate=0.01, wd=0.01, rescale_grad=0.5, clip_gradient=0.6)),
    "signum": ("signum", dict(learning_rate=0.01, wd=0.01, wd_lh=0.01, rescale_grad=0.5,
                              clip_gradient=0.6)),
    "signsgd": ("signum", dict(learning_rate=0.01, momentum=0.0, wd=0.01)),
    "ftml": ("ftml", dict(learning_rate=0.01, wd=0.01, rescale_grad=0.5, clip_gradient=0.6)),
    "lamb": ("lamb", dict(learning_rate=0.01, wd=0.01, rescale_grad=0.5, clip_gradient=0.6)),
    "lamb_bounds": ("lamb", dict(learning_rate=0.01, wd=0.01, lower_bound=0.5, upper_bound=2.0,
                                 bias_correction=False)),
    "lars": ("lars", dict(learning_rate=0.1, momentum=0.9, wd=0.01, rescale_grad=0.5,
                          clip_gradient=0.6)),
    "dcasgd": ("dcasgd", dict(learning_rate=0.1, wd=0.01, rescale_grad=0.5,
                              clip_gradient=0.6)),
    "test": ("test", dict(rescale_grad=0.5)),
}

# parameter names for the idx2name / mult scenario: index 0 gets weight decay,
# index 1 (a bias) gets none; lr_mult / wd_mult by index and by name
NAMES = {0: "fc_weight", 1: "fc_bias", 2: "bn_gamma"}


def run_optimizer(mx, key, dtype="float32", multi_precision=False, steps=STEPS, names=False):
    name, kw = OPTIMIZERS[key]
    kw = dict(kw)
    if multi_precision:
        kw["multi_precision"] = True
    if names:
        kw["param_idx2name"] = dict(NAMES)
    opt = mx.optimizer.create(name, **kw)
    if names:
        opt.set_lr_mult({0: 0.5, "bn_gamma": 2.0})
        opt.set_wd_mult({"bn_gamma": 3.0})
    upd = mx.optimizer.get_updater(opt)
    n = 3 if names else 1
    ws = []
    datas = []
    for i in range(n):
        w0, grads = _data(10 + i, steps=steps)
        ws.append(mx.nd.array(w0, dtype=dtype))
        datas.append(grads)
    out = {}
    for s in range(steps):
        for i in range(n):
            upd(i, mx.nd.array(datas[i][s], dtype=dtype), ws[i])
            out["w%d_step%d" % (i, s)] = ws[i].asnumpy()
    return out


# fused update ops: (op name, number of state arrays, kwargs)
OPS = {
    "sgd_update": (0, dict(lr=0.1, wd=0.01, rescale_grad=0.5, clip_gradient=0.6)),
    "sgd_update_noclip": (0, dict(lr=0.1, wd=0.01, rescale_grad=0.5)),
    "sgd_mom_update": (1, dict(lr=0.1, momentum=0.9, wd=0.01, rescale_grad=0.5, clip_gradient=0.6)),
    "nag_mom_update": (1, dict(lr=0.1, momentum=0.9, wd=0.01, rescale_grad=0.5, clip_gradient=0.6)),
    "adam_update": (2, dict(lr=0.01, wd=0.01, rescale_grad=0.5, clip_gradient=0.6)),
    "rmsprop_update": (1, dict(lr=0.01, gamma1=0.9, wd=0.01, rescale_grad=0.5, clip_gradient=0.6,
                               clip_weights=0.8)),
    "rmspropalex_update": (3, dict(lr=0.01, gamma1=0.9, gamma2=0.8, wd=0.01, rescale_grad=0.5,
                                   clip_gradient=0.6)),
    "ftrl_update": (2, dict(lr=0.1, lamda1=0.01, beta=1.0, wd=0.01, rescale_grad=0.5,
                            clip_gradient=0.6)),
    "ftml_update": (3, dict(lr=0.01, beta1=0.6, beta2=0.999, wd=0.01, rescale_grad=0.5,
                            clip_grad=0.6)),
    "signsgd_update": (0, dict(lr=0.01, wd=0.01)),
    "signum_update": (1, dict(lr=0.01, momentum=0.9, wd=0.01, wd_lh=0.01, rescale_grad=0.5,
                              clip_gradient=0.6)),
}


def run_op(mx, key, dtype="float32", steps=STEPS):
    nstates, kw = OPS[key]
    opname = key.replace("_noclip", "")
    fn = getattr(mx.nd, opname)
    w0, grads = _data(20, steps=steps)
    w = mx.nd.array(w0, dtype=dtype)
    states = [mx.nd.zeros(SHAPE, dtype=dtype) for _ in range(nstates)]
    out = {}
    for s in range(steps):
        extra = dict(kw)
        if opname == "ftml_update":
            extra["t"] = s + 1
        fn(w, mx.nd.array(grads[s], dtype=dtype), *states, out=w, **extra)
        out["w_step%d" % s] = w.asnumpy()
        for k, st in enumerate(states):
            out["s%d_step%d" % (k, s)] = st.asnumpy()
    return out


def run_mp_ops(mx, steps=STEPS):
    """mp_sgd_update / mp_sgd_mom_update / mp_nag_mom_update on float16 weights."""
    out = {}
    for opname, mom in (("mp_sgd_update", False), ("mp_sgd_mom_update", True),
                        ("mp_nag_mom_update", True)):
        w0, grads = _data(30, steps=steps)
        w = mx.nd.array(w0, dtype="float16")
        w32 = mx.nd.array(w0, dtype="float32")
        m = mx.nd.zeros(SHAPE, dtype="float32")
        kw = dict(lr=0.1, wd=0.01, rescale_grad=0.5, clip_gradient=0.6)
        if mom:
            kw["momentum"] = 0.9
        for s in range(steps):
            g = mx.nd.array(grads[s], dtype="float16")
            args = (w, g, m, w32) if mom else (w, g, w32)
            getattr(mx.nd, opname)(*args, out=w, **kw)
            out["%s_w_step%d" % (opname, s)] = w.asnumpy()
            out["%s_w32_step%d" % (opname, s)] = w32.asnumpy()
    return out


def run_lamb_ops(mx):
    w0, grads = _data(40, steps=2)
    w = mx.nd.array(w0)
    mean = mx.nd.zeros(SHAPE)
    var = mx.nd.zeros(SHAPE)
    out = {}
    for s in range(2):
        g = mx.nd.lamb_update_phase1(w, mx.nd.array(grads[s]), mean, var, t=s + 1, wd=0.01,
                                     rescale_grad=0.5, clip_gradient=0.6)
        out["g_step%d" % s] = g.asnumpy()
        mx.nd.lamb_update_phase2(w, g, w.norm(), g.norm(), lr=0.01, lower_bound=0.1,
                                 upper_bound=5.0, out=w)
        out["w_step%d" % s] = w.asnumpy()
    return out


def run_schedulers(mx):
    S = mx.lr_scheduler
    cases = {
        "factor": lambda: S.FactorScheduler(step=3, factor=0.5, base_lr=1.0),
        "factor_stop": lambda: S.FactorScheduler(step=2, factor=0.1, stop_factor_lr=1e-3,
                                                 base_lr=1.0),
        "factor_warmup": lambda: S.FactorScheduler(step=4, factor=0.9, base_lr=0.5,
                                                   warmup_steps=5, warmup_begin_lr=0.1),
        "multifactor": lambda: S.MultiFactorScheduler(step=[3, 7, 12], factor=0.3, base_lr=2.0),
        "multifactor_warmup": lambda: S.MultiFactorScheduler(step=[6, 9], factor=0.5, base_lr=1.0,
                                                             warmup_steps=4,
                                                             warmup_mode="constant",
                                                             warmup_begin_lr=0.2),
        "poly": lambda: S.PolyScheduler(max_update=15, base_lr=1.0, pwr=2, final_lr=0.01),
        "poly_warmup": lambda: S.PolyScheduler(max_update=15, base_lr=1.0, pwr=1.5,
                                               warmup_steps=3),
        "cosine": lambda: S.CosineScheduler(max_update=15, base_lr=1.0, final_lr=0.05),
        "cosine_warmup": lambda: S.CosineScheduler(max_update=15, base_lr=0.8, warmup_steps=4,
                                                   warmup_begin_lr=0.1),
    }
    out = {}
    for k, make in cases.items():
        s = make()
        out[k] = np.array([s(i) for i in range(0, 20)], dtype=np.float64)
    # an optimizer driven by a scheduler: lr as seen by the optimizer over updates
    opt = mx.optimizer.create("sgd", lr_scheduler=S.FactorScheduler(step=2, factor=0.5,
                                                                      base_lr=0.4))
    upd = mx.optimizer.get_updater(opt)
    w = mx.nd.ones((2,))
    lrs = []
    for _ in range(7):
        upd(0, mx.nd.ones((2,)), w)
        lrs.append(opt.learning_rate)
    out["optimizer_lr"] = np.array(lrs)
    out["optimizer_w"] = w.asnumpy()
    return out


def run_initializers(mx):
    out = {}
    I = mx.init
    for key, init, shape in (("uniform", I.Uniform(), (3, 4)), ("uniform05", I.Uniform(0.5), (3, 4)),
                             ("normal", I.Normal(), (3, 4)), ("normal08", I.Normal(0.8), (3, 4)),
                             ("xavier", I.Xavier(), (3, 4)),
                             ("xavier_gauss_in", I.Xavier("gaussian", "in", 2), (4, 3, 2, 2)),
                             ("xavier_out", I.Xavier(factor_type="out", magnitude=1), (5, 6)),
                             ("msraprelu", I.MSRAPrelu(), (4, 5)),
                             ("orthogonal", I.Orthogonal(), (3, 4)),
                             ("orthogonal_n", I.Orthogonal(rand_type="normal"), (5, 2)),
                             ("bilinear", I.Bilinear(), (2, 1, 4, 4)),
                             ("lstmbias", I.LSTMBias(forget_bias=2.0), (8,)),
                             ("constant", I.Constant(0.3), (2, 3)),
                             ("one", I.One(), (2, 2)), ("zero", I.Zero(), (2, 2))):
        mx.random.seed(7)
        a = mx.nd.zeros(shape)
        init(I.InitDesc("layer_weight"), a)
        out[key] = a.asnumpy()
    return out


DUMPS = [
    ("Normal(0.8)", lambda I: I.Normal(0.8)),
    ("Xavier()", lambda I: I.Xavier()),
    ("Uniform()", lambda I: I.Uniform()),
    ("Zero()", lambda I: I.Zero()),
    ("One()", lambda I: I.One()),
    ("Constant(2)", lambda I: I.Constant(2)),
    ("MSRAPrelu()", lambda I: I.MSRAPrelu()),
    ("Orthogonal()", lambda I: I.Orthogonal()),
    ("Bilinear()", lambda I: I.Bilinear()),
    ("LSTMBias()", lambda I: I.LSTMBias()),
    ("Xavier('gaussian','in',2)", lambda I: I.Xavier("gaussian", "in", 2)),
]
