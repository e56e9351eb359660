"""CTCLoss: values and gradients against committed MXNet 1.9.1 outputs (tests/data/ctc), a brute-force
NumPy reference that enumerates every alignment, a log-space NumPy recursion (hypothesis sweep), and
the error cases."""
import itertools
import os

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import gluonx as mx
from gluonx._core import ndarray as _c
from gluonx.base import MXNetError

nd = mx.nd
DATA = np.load(os.path.join(os.path.dirname(__file__), "..", "data", "ctc", "ctc_mxnet.npz"))
OP_CASES = sorted({k.split("/")[0] for k in DATA.files if not k.startswith("g_")})


# ---- NumPy references ----------------------------------------------------------------------------

def _log_softmax(x):
    m = x.max(-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(-1, keepdims=True))


def _label_of(row, blank_first, length=None):
    row = [int(v) for v in row]
    if length is not None:
        return row[:int(length)]
    out = []
    for v in row:
        if v == (0 if blank_first else -1) or (blank_first and v == -1):
            break
        out.append(v)
    return out


def brute_force(x, label, blank):
    """(loss, grad) of one sequence x (T, A) by enumerating all A**T alignments."""
    T, A = x.shape
    p = np.exp(_log_softmax(x.astype(np.float64)))
    total, acc = 0.0, np.zeros((T, A))
    for path in itertools.product(range(A), repeat=T):
        collapsed = [k for i, k in enumerate(path) if k != blank and (i == 0 or path[i - 1] != k)]
        if collapsed != list(label):
            continue
        pr = np.prod([p[t, k] for t, k in enumerate(path)])
        total += pr
        for t, k in enumerate(path):
            acc[t, k] += pr
    if total == 0:
        return 0.0, np.zeros((T, A))
    return -np.log(total), p - acc / total


def recursion(x, label, blank):
    """Loss of one sequence by the log-space forward recursion (an independent implementation)."""
    lp = _log_softmax(x.astype(np.float64))
    ext = [blank]
    for v in label:
        ext += [v, blank]
    S, T = len(ext), len(x)
    a = np.full(S, -np.inf)
    a[0] = lp[0, blank]
    if S > 1:
        a[1] = lp[0, ext[1]]
    for t in range(1, T):
        prev = a.copy()
        for s in range(S):
            c = [prev[s]] + ([prev[s - 1]] if s else []) + \
                ([prev[s - 2]] if s > 1 and ext[s] != blank and ext[s] != ext[s - 2] else [])
            a[s] = np.logaddexp.reduce(c) + lp[t, ext[s]]
    ll = np.logaddexp.reduce(a[-2:]) if S > 1 else a[-1]
    return 0.0 if ll == -np.inf else -ll


# ---- MXNet data ------------------------------------------------------------------------------------

def _feasible(label, T):
    return len(label) + sum(a == b for a, b in zip(label, label[1:])) <= T


@pytest.mark.parametrize("case", OP_CASES)
def test_matches_mxnet(case):
    g = lambda k: DATA[case + "/" + k]  # noqa: E731
    use_dl, use_ll, last = (bool(v) for v in g("flags"))
    x = nd.array(g("data"))
    args = [x, nd.array(g("label"))]
    kw = dict(blank_label="last" if last else "first")
    if use_dl:
        kw.update(data_lengths=nd.array(g("data_lengths")), use_data_lengths=True)
    if use_ll:
        kw.update(label_lengths=nd.array(g("label_lengths")), use_label_lengths=True)
    x.attach_grad()
    with mx.autograd.record():
        loss = nd.CTCLoss(*args, **kw)
    loss.backward(nd.array(g("head")))
    np.testing.assert_allclose(loss.asnumpy(), g("loss"), rtol=1e-5, atol=1e-5)
    # MXNet leaves the gradient of an impossible alignment uninitialised (gluonx: 0)
    T = g("data").shape[0]
    for n in range(g("data").shape[1]):
        lab = _label_of(g("label")[n], not last, g("label_lengths")[n] if use_ll else None)
        Tn = int(g("data_lengths")[n]) if use_dl else T
        if _feasible(lab, Tn):
            np.testing.assert_allclose(x.grad.asnumpy()[:, n], g("grad")[:, n], rtol=1e-4, atol=1e-5)
        else:
            assert loss.asnumpy()[n] == 0 and not x.grad.asnumpy()[:, n].any()


# ---- brute force ------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype,tol", [("float64", 1e-10), ("float32", 2e-5)])
@pytest.mark.parametrize("T,A,labels,blank_label", [
    (4, 3, [[1, 2], [1, 1], [2, 0], [0, 0]], "first"),
    (5, 3, [[0, 0, 1], [1, -1, 0], [0, 1, 0], [-1, 0, 0]], "last"),
    (3, 4, [[3, 3], [1, 2], [2, 0]], "first"),      # [3, 3] needs 3 steps: exactly fits
    (3, 3, [[1, 1, 1], [2, 1, 2]], "first"),        # both impossible in 3 steps -> 0
])
def test_brute_force(T, A, labels, blank_label, dtype, tol):
    rng = np.random.RandomState(T * 10 + A)
    N = len(labels)
    x = rng.randn(T, N, A) * 1.5
    xa = nd.array(x, dtype=dtype)
    xa.attach_grad()
    with mx.autograd.record():
        loss = nd.CTCLoss(xa, nd.array(labels, dtype=dtype), blank_label=blank_label)
    loss.backward()
    assert loss.dtype == np.dtype(dtype) and xa.grad.dtype == np.dtype(dtype)
    blank = 0 if blank_label == "first" else A - 1
    for n in range(N):
        ref_l, ref_g = brute_force(x[:, n], _label_of(labels[n], blank_label == "first"), blank)
        np.testing.assert_allclose(loss.asnumpy()[n], ref_l, rtol=tol, atol=tol)
        np.testing.assert_allclose(xa.grad.asnumpy()[:, n], ref_g, rtol=tol * 10, atol=tol * 10)


def test_data_and_label_lengths_brute_force():
    rng = np.random.RandomState(5)
    x = rng.randn(5, 3, 3)
    labels = np.array([[1, 2, 2], [2, 1, 1], [1, 1, 1]])
    dl, ll = np.array([5, 3, 4]), np.array([2, 1, 3])
    xa = nd.array(x, dtype="float64")
    xa.attach_grad()
    with mx.autograd.record():
        loss = nd.CTCLoss(xa, nd.array(labels, dtype="int32"), nd.array(dl, dtype="int64"),
                          nd.array(ll, dtype="int32"), use_data_lengths=True, use_label_lengths=True)
    loss.backward()
    for n in range(3):
        ref_l, ref_g = brute_force(x[:dl[n], n], list(labels[n, :ll[n]]), 0)
        np.testing.assert_allclose(loss.asnumpy()[n], ref_l, rtol=1e-10)
        np.testing.assert_allclose(xa.grad.asnumpy()[:dl[n], n], ref_g, rtol=1e-9, atol=1e-12)
        assert not xa.grad.asnumpy()[dl[n]:, n].any()


@settings(max_examples=25, deadline=None)
@given(T=st.integers(1, 12), N=st.integers(1, 4), A=st.integers(2, 6), L=st.integers(0, 5),
       last=st.booleans(), seed=st.integers(0, 2 ** 31 - 1))
def test_recursion_sweep(T, N, A, L, last, seed):
    L = min(L, T)
    rng = np.random.RandomState(seed)
    x = rng.randn(T, N, A) * 2
    lo, hi = (0, A - 1) if last else (1, A)
    labels = rng.randint(lo, hi, (N, L))
    lens = rng.randint(0, L + 1, N)
    for n in range(N):
        labels[n, lens[n]:] = -1 if last else 0
    loss = nd.CTCLoss(nd.array(x, dtype="float64"), nd.array(labels), blank_label="last" if last else "first")
    blank = A - 1 if last else 0
    for n in range(N):
        lab = list(labels[n, :lens[n]])
        want = recursion(x[:, n], lab, blank) if _feasible(lab, T) else 0.0
        np.testing.assert_allclose(loss.asnumpy()[n], want, rtol=1e-9, atol=1e-9)


# ---- views, dtypes, conventions --------------------------------------------------------------------

def test_strided_data_and_label_views():
    rng = np.random.RandomState(1)
    ntc = rng.randn(3, 6, 4).astype(np.float32)
    x = nd.array(ntc).transpose((1, 0, 2))          # (T, N, A) view of an NTC array
    lab_tn = nd.array([[1, 3, 2], [2, 0, 1], [0, 0, 3]])  # (L, N)
    lab = lab_tn.T
    got = nd.CTCLoss(x, lab).asnumpy()
    want = nd.CTCLoss(nd.array(ntc.transpose(1, 0, 2).copy()), nd.array(lab_tn.asnumpy().T.copy())).asnumpy()
    np.testing.assert_allclose(got, want, rtol=1e-6)
    # an as_strided view with a reversed alphabet axis
    base = nd.array(rng.randn(6, 3, 4))
    rev = _c.as_strided(base, (6, 3, 4), (12, 4, -1), 3)
    np.testing.assert_allclose(nd.CTCLoss(rev, nd.array([[1, 2, 0], [3, 3, 0], [1, 0, 0]])).asnumpy(),
                               nd.CTCLoss(nd.array(base.asnumpy()[:, :, ::-1].copy()),
                                          nd.array([[1, 2, 0], [3, 3, 0], [1, 0, 0]])).asnumpy(), rtol=1e-6)


def test_padding_rules():
    x = nd.array(np.random.RandomState(2).randn(6, 1, 4))
    one = nd.CTCLoss(x, nd.array([[2, 3]])).asnumpy()
    # blank first: 0 ends the label (what follows is ignored); gluonx also ends it at -1
    for lab in ([[2, 3, 0, 1]], [[2, 3, -1, 1]]):
        np.testing.assert_allclose(nd.CTCLoss(x, nd.array(lab)).asnumpy(), one, rtol=1e-6)
    # blank last: -1 ends it; 0 is a label
    a = nd.CTCLoss(x, nd.array([[0, 1, -1, 2]]), blank_label="last").asnumpy()
    np.testing.assert_allclose(a, [recursion(x.asnumpy()[:, 0], [0, 1], 3)], rtol=1e-5)
    # label lengths win over padding
    b = nd.CTCLoss(x, nd.array([[2, 3, 0]]), nd.array([2]), use_label_lengths=True).asnumpy()
    np.testing.assert_allclose(b, one, rtol=1e-6)


def test_label_dtypes_and_truncation():
    x = nd.array(np.random.RandomState(3).randn(5, 2, 4))
    want = nd.CTCLoss(x, nd.array([[1, 2], [3, 0]])).asnumpy()
    for lab in (nd.array([[1, 2], [3, 0]], dtype="int32"), nd.array([[1, 2], [3, 0]], dtype="int64"),
                nd.array([[1.7, 2.2], [3.9, 0.5]], dtype="float64"), nd.array([[1, 2], [3, 0]], dtype="uint8")):
        np.testing.assert_allclose(nd.CTCLoss(x, lab).asnumpy(), want, rtol=1e-6)


def test_positional_label_lengths_like_mxnet():
    """With use_label_lengths alone, MXNet takes the third input as the label lengths."""
    x = nd.array(np.random.RandomState(4).randn(5, 2, 4))
    lab = nd.array([[1, 2, 3], [3, 1, 2]])
    a = nd.CTCLoss(x, lab, nd.array([2, 1]), use_label_lengths=True).asnumpy()
    b = nd.CTCLoss(x, lab, label_lengths=nd.array([2, 1]), use_label_lengths=True).asnumpy()
    np.testing.assert_allclose(a, b)
    np.testing.assert_allclose(a, nd.CTCLoss(x, nd.array([[1, 2, 0], [3, 0, 0]])).asnumpy(), rtol=1e-6)


def test_aliases_out_and_empty_batch():
    x = nd.array(np.random.RandomState(6).randn(4, 2, 3))
    lab = nd.array([[1, 2], [2, 2]])
    want = nd.CTCLoss(x, lab).asnumpy()
    for fn in (nd.ctc_loss, nd._contrib_CTCLoss, nd._contrib_ctc_loss, nd.contrib_CTCLoss):
        np.testing.assert_allclose(fn(x, lab).asnumpy(), want)
    o = nd.zeros((2,))
    assert nd.CTCLoss(x, lab, out=o) is o
    np.testing.assert_allclose(o.asnumpy(), want)
    assert nd.CTCLoss(nd.zeros((4, 0, 3)), nd.zeros((0, 2))).shape == (0,)
    # zero-length data and an empty label: probability 1, loss 0
    np.testing.assert_allclose(nd.CTCLoss(x, nd.zeros((2, 2)), nd.array([0, 4]), use_data_lengths=True)
                               .asnumpy(), [0.0, recursion(x.asnumpy()[:, 1], [], 0)], rtol=1e-6)


def test_parallel_batch_matches_per_sequence():
    rng = np.random.RandomState(7)
    T, N, A, L = 60, 48, 20, 12       # enough work for the OpenMP path
    x = rng.randn(T, N, A).astype(np.float32)
    labels = rng.randint(1, A, (N, L)).astype(np.float32)
    dl = rng.randint(L * 2, T + 1, N)
    loss = nd.CTCLoss(nd.array(x), nd.array(labels), nd.array(dl), use_data_lengths=True).asnumpy()
    for n in range(0, N, 7):
        one = nd.CTCLoss(nd.array(x[:dl[n], n:n + 1]), nd.array(labels[n:n + 1])).asnumpy()
        np.testing.assert_allclose(loss[n], one[0], rtol=1e-5)


# ---- errors ----------------------------------------------------------------------------------------

def _err(exc, fn, match=None):
    with pytest.raises(exc, match=match) as ei:
        fn()
    assert isinstance(ei.value, MXNetError)


def test_errors():
    x = nd.array(np.random.RandomState(8).randn(4, 2, 3))
    lab = nd.array([[1, 2], [2, 1]])
    _err(ValueError, lambda: nd.CTCLoss(x[0], lab), "3-D")
    _err(ValueError, lambda: nd.CTCLoss(x, nd.array([1, 2])), "label")
    _err(ValueError, lambda: nd.CTCLoss(x, nd.zeros((3, 2))), "batch_size")
    _err(ValueError, lambda: nd.CTCLoss(x, nd.ones((2, 5))), "cannot exceed")
    _err(ValueError, lambda: nd.CTCLoss(x, lab, blank_label="middle"), "blank_label")
    _err(TypeError, lambda: nd.CTCLoss(nd.array(x.asnumpy(), dtype="float16"), lab), "float32 or float64")
    _err(TypeError, lambda: nd.CTCLoss(nd.array(x.asnumpy(), dtype="int32"), lab), "float32 or float64")
    _err(TypeError, lambda: nd.CTCLoss(x, nd.array([[1, 2], [2, 1]], dtype="bool")), "numeric")
    _err(ValueError, lambda: nd.CTCLoss(x, nd.array([[1, 3], [2, 1]])), r"label\[0, 1\] = 3")
    _err(ValueError, lambda: nd.CTCLoss(x, nd.array([[1, -2], [2, 1]])), "not a valid label")
    _err(ValueError, lambda: nd.CTCLoss(x, nd.array([[1, 3], [2, 1]]), blank_label="last"), "blank_label='last'")
    _err(ValueError, lambda: nd.CTCLoss(x, lab, nd.array([5, 2]), use_data_lengths=True), r"data_lengths\[0\] = 5")
    _err(ValueError, lambda: nd.CTCLoss(x, lab, nd.array([-1, 2]), use_data_lengths=True), "out of range")
    _err(ValueError, lambda: nd.CTCLoss(x, lab, label_lengths=nd.array([3, 1]), use_label_lengths=True),
         r"label_lengths\[0\] = 3")
    _err(ValueError, lambda: nd.CTCLoss(x, lab, use_data_lengths=True), "needs the data_lengths")
    _err(ValueError, lambda: nd.CTCLoss(x, lab, nd.array([4, 4])), "use_data_lengths is False")
    _err(ValueError, lambda: nd.CTCLoss(x, lab, nd.array([4, 4, 4]), use_data_lengths=True), "shape")
    _err(TypeError, lambda: nd.CTCLoss(x, [[1, 2], [2, 1]]), "NDArray")


def test_contrib_namespace():
    """MXNet scripts call the CTC loss as mx.nd.contrib.CTCLoss / ctc_loss."""
    from gluonx.ndarray import contrib
    assert mx.nd.contrib is contrib
    x = mx.nd.array(np.random.RandomState(0).randn(4, 1, 3))
    lab = mx.nd.array([[1, 0]])
    want = mx.nd.CTCLoss(x, lab).asnumpy()
    np.testing.assert_allclose(mx.nd.contrib.CTCLoss(x, lab).asnumpy(), want)
    np.testing.assert_allclose(mx.nd.contrib.ctc_loss(x, lab).asnumpy(), want)
