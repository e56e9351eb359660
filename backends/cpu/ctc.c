/* CPU kernel: connectionist temporal classification loss (ctc_loss).
 *
 * One pass per sequence, as warp-ctc does: log-softmax of the activations,
 * the forward (alpha) recursion over the blank-extended label in log space,
 * then the backward (beta) recursion, which at each time step also writes
 * the gradient of the loss w.r.t. the unnormalised activations:
 *
 *     grad[t, k] = softmax(x_t)[k]
 *                  - sum_{s: ext[s] == k} alpha_t(s) beta_t(s) / (p * y_t(k))
 *
 * (alpha and beta both include the emission at t; p the label's
 * probability).  Only one row of beta is live at a time; alpha is kept
 * whole (T x S floats per sequence, S = 2L + 1).
 *
 * Views (see include/gluonx/attrs.h): data (T, N, A) float32/float64 with
 * any strides; label (N, L) int64; optional data_lengths (N,) and
 * label_lengths (N,) int64 (present per the attrs' use_* flags, in that
 * order); outputs loss (N,) and grad (T, N, A) contiguous, data's dtype.
 * Time steps >= a sequence's length get grad 0.  A label that cannot be
 * aligned within the sequence (L + repeats > T) gets loss 0 and grad 0
 * (MXNet 1.9.1's result).  Labels and lengths are validated serially before
 * the (OpenMP) loop over the batch, so a bad value is an error, never a
 * read outside the arrays. */
#include <math.h>
#include <stdlib.h>
#include <tgmath.h> /* exp/log/log1p pick the float versions for float */

#include "gx_cpu.h"

/* Sequences run in parallel when the batch's work (T * N * (S + A) log-space
 * updates, each an exp or log) exceeds this. */
#define CTC_OMP_MIN_WORK (1 << 16)

typedef struct {
    const char *name;
    int64_t T, N, A, L;
    const int64_t *lab;   /* label base */
    int64_t lab_s0, lab_s1;
    const int64_t *dlen;  /* NULL: T for every sequence */
    int64_t dlen_s;
    const int64_t *llen;  /* NULL: scan for the padding value */
    int64_t llen_s;
} ctc_problem;

/* Length of sequence n's label (validated values). */
static int64_t ctc_label_len(const ctc_problem *p, const gx_ctc_attrs *a, int64_t n)
{
    if (p->llen)
        return p->llen[n * p->llen_s];
    const int64_t *l = p->lab + n * p->lab_s0;
    for (int64_t i = 0; i < p->L; i++) {
        int64_t v = l[i * p->lab_s1];
        if (v == a->padding || (a->padding == 0 && v == -1))
            return i;
    }
    return p->L;
}

static int ctc_validate(gx_context *c, const ctc_problem *p, const gx_ctc_attrs *a)
{
    for (int64_t n = 0; n < p->N; n++) {
        if (p->dlen) {
            int64_t d = p->dlen[n * p->dlen_s];
            if (d < 0 || d > p->T) {
                c->set_error(c, "data_lengths[%lld] = %lld is out of range: a sequence length must be in "
                             "[0, %lld] (the data's time axis)", (long long)n, (long long)d, (long long)p->T);
                return GX_ERR_VALUE;
            }
        }
        if (p->llen) {
            int64_t d = p->llen[n * p->llen_s];
            if (d < 0 || d > p->L) {
                c->set_error(c, "label_lengths[%lld] = %lld is out of range: a label length must be in "
                             "[0, %lld] (the label's second axis)", (long long)n, (long long)d, (long long)p->L);
                return GX_ERR_VALUE;
            }
        }
        int64_t len = ctc_label_len(p, a, n);
        const int64_t *l = p->lab + n * p->lab_s0;
        for (int64_t i = 0; i < len; i++) {
            int64_t v = l[i * p->lab_s1];
            /* the blank's own index is accepted as a label, as MXNet does (its emission is the
             * blank's, and the alpha/beta steps never skip into it: ext[s] != blank below) */
            if (v < 0 || v >= p->A) {
                c->set_error(c, "label[%lld, %lld] = %lld is not a valid label: with blank_label='%s' and "
                             "alphabet size %lld, labels are 0..%lld%s", (long long)n, (long long)i,
                             (long long)v, a->padding == 0 ? "first" : "last", (long long)p->A,
                             (long long)(p->A - 1),
                             p->llen ? "" : (a->padding == 0 ? " (0 or -1 ends a label)" : " (-1 ends a label)"));
                return GX_ERR_VALUE;
            }
        }
    }
    return GX_OK;
}

#define CTC_IMPL(SUF, T_, C)                                                                       \
    static inline C ctc_lse2_##SUF(C a, C b)                                                       \
    {                                                                                              \
        if (a < b) { C t = a; a = b; b = t; }                                                      \
        if (b == -INFINITY) return a;                                                              \
        return a + (C)log1p(exp(b - a));                                                           \
    }                                                                                              \
                                                                                                   \
    /* One sequence; work: (T * (S + 1) + A) C's.  Returns 0 or -1 (no memory). */                 \
    static int ctc_seq_##SUF(const ctc_problem *p, const gx_ctc_attrs *at, int64_t n,             \
                             const T_ *X, int64_t xs0, int64_t xs1, int64_t xs2, T_ *loss,          \
                             T_ *G, C *work)                                                       \
    {                                                                                              \
        const int64_t A = p->A, N = p->N, blank = at->blank;                                       \
        int64_t Tn = p->dlen ? p->dlen[n * p->dlen_s] : p->T;                                      \
        int64_t Ln = ctc_label_len(p, at, n);                                                      \
        const int64_t *lab = p->lab + n * p->lab_s0;                                               \
        int64_t S = 2 * Ln + 1, rep = 0;                                                           \
        for (int64_t t = 0; t < p->T; t++) /* grad rows past the length stay 0 */                 \
            for (int64_t k = 0; k < A; k++) G[(t * N + n) * A + k] = (T_)0;                        \
        for (int64_t i = 1; i < Ln; i++) rep += lab[i * p->lab_s1] == lab[(i - 1) * p->lab_s1];    \
        if (Tn == 0 || Ln + rep > Tn) { /* no alignment: MXNet's loss 0, grad 0 */                 \
            *loss = (T_)0;                                                                         \
            return 0;                                                                              \
        }                                                                                          \
        C *logz = work;              /* (Tn) log-partition per step */                            \
        C *alpha = logz + Tn;        /* (Tn, S) */                                                \
        C *beta = alpha + Tn * S;    /* (S) current row */                                        \
        C *nb = beta + S;            /* (S) next row */                                           \
        C *acc = nb + S;             /* (A) per-symbol sum of alpha*beta */                        \
        int64_t *ext = (int64_t *)malloc((size_t)S * sizeof(int64_t));                            \
        if (!ext) return -1;                                                                       \
        for (int64_t s = 0; s < S; s++) ext[s] = (s & 1) ? lab[(s >> 1) * p->lab_s1] : blank;     \
        for (int64_t t = 0; t < Tn; t++) {                                                         \
            const T_ *x = X + t * xs0 + n * xs1;                                                   \
            C m = -INFINITY, z = 0;                                                                \
            for (int64_t k = 0; k < A; k++) { C v = (C)x[k * xs2]; m = v > m ? v : m; }           \
            if (m == -INFINITY || m != m) m = 0;                                                   \
            for (int64_t k = 0; k < A; k++) z += (C)exp((C)x[k * xs2] - m);                        \
            logz[t] = m + (C)log(z);                                                               \
        }                                                                                          \
        /* alpha */                                                                                \
        for (int64_t s = 0; s < S; s++) alpha[s] = -INFINITY;                                      \
        alpha[0] = (C)X[n * xs1 + blank * xs2] - logz[0];                                          \
        if (S > 1) alpha[1] = (C)X[n * xs1 + ext[1] * xs2] - logz[0];                              \
        for (int64_t t = 1; t < Tn; t++) {                                                         \
            const T_ *x = X + t * xs0 + n * xs1;                                                   \
            const C *pa = alpha + (t - 1) * S;                                                     \
            C *ca = alpha + t * S;                                                                 \
            int64_t lo = S - 2 * (Tn - t); /* states below lo cannot reach the end */              \
            if (lo < 0) lo = 0;                                                                    \
            for (int64_t s = 0; s < lo; s++) ca[s] = -INFINITY;                                    \
            for (int64_t s = lo; s < S; s++) {                                                     \
                C v = pa[s];                                                                       \
                if (s > 0) v = ctc_lse2_##SUF(v, pa[s - 1]);                                       \
                if (s > 1 && ext[s] != blank && ext[s] != ext[s - 2])                              \
                    v = ctc_lse2_##SUF(v, pa[s - 2]);                                              \
                ca[s] = v == -INFINITY ? v : v + (C)x[ext[s] * xs2] - logz[t];                     \
            }                                                                                      \
        }                                                                                          \
        const C *la = alpha + (Tn - 1) * S;                                                        \
        C ll = S > 1 ? ctc_lse2_##SUF(la[S - 1], la[S - 2]) : la[S - 1];                           \
        *loss = ll == 0 ? (T_)0 : (T_)(-ll); /* no -0 */                                          \
        /* beta, with the gradient of each step */                                                 \
        for (int64_t t = Tn - 1; t >= 0; t--) {                                                    \
            const T_ *x = X + t * xs0 + n * xs1;                                                   \
            T_ *g = G + (t * N + n) * A;                                                           \
            int64_t hi = 2 * t + 2; /* states above hi are unreachable from the start */           \
            if (hi > S) hi = S;                                                                    \
            for (int64_t s = 0; s < S; s++) {                                                      \
                C v;                                                                               \
                if (t == Tn - 1) {                                                                 \
                    v = s >= S - 2 ? (C)0 : -INFINITY;                                             \
                } else if (s >= hi) {                                                              \
                    v = -INFINITY;                                                                 \
                } else {                                                                           \
                    v = nb[s];                                                                     \
                    if (s + 1 < S) v = ctc_lse2_##SUF(v, nb[s + 1]);                               \
                    if (s + 2 < S && ext[s] != blank && ext[s] != ext[s + 2])                      \
                        v = ctc_lse2_##SUF(v, nb[s + 2]);                                          \
                }                                                                                  \
                beta[s] = v == -INFINITY ? v : v + (C)x[ext[s] * xs2] - logz[t];                   \
            }                                                                                      \
            const C *ca = alpha + t * S;                                                           \
            C mx = -INFINITY;                                                                      \
            for (int64_t s = 0; s < S; s++) {                                                      \
                C v = ca[s] + beta[s];                                                             \
                mx = v > mx ? v : mx;                                                              \
            }                                                                                      \
            for (int64_t k = 0; k < A; k++) acc[k] = 0;                                            \
            if (mx != -INFINITY)                                                                   \
                for (int64_t s = 0; s < S; s++) acc[ext[s]] += (C)exp(ca[s] + beta[s] - mx);       \
            /* grad = y - acc * exp(mx - ll) / y  with y = exp(lp) */                              \
            for (int64_t k = 0; k < A; k++) {                                                      \
                C lp = (C)x[k * xs2] - logz[t];                                                    \
                C r = acc[k] > 0 ? acc[k] * (C)exp(mx - ll - lp) : (C)0;                           \
                g[k] = (T_)((C)exp(lp) - r);                                                       \
            }                                                                                      \
            C *tmp = nb; nb = beta; beta = tmp;                                                    \
        }                                                                                          \
        free(ext);                                                                                 \
        return 0;                                                                                  \
    }                                                                                              \
                                                                                                   \
    static void ctc_run_##SUF(const ctc_problem *p, const gx_ctc_attrs *at, const gx_tensor *d,    \
                              T_ *loss, int64_t loss_s, T_ *G, int64_t S_max, int *nomem)          \
    {                                                                                              \
        const T_ *X = (const T_ *)d->data;                                                         \
        int64_t xs0 = d->strides[0], xs1 = d->strides[1], xs2 = d->strides[2];                     \
        size_t nwork = (size_t)(p->T * (S_max + 1) + 2 * S_max + p->A);                            \
        int64_t work = p->T * p->N * (S_max + p->A);                                               \
        _Pragma("omp parallel if(p->N > 1 && work > CTC_OMP_MIN_WORK)")                            \
        {                                                                                          \
            C *buf = (C *)malloc(nwork * sizeof(C));                                               \
            _Pragma("omp for schedule(dynamic)")                                                   \
            for (int64_t n = 0; n < p->N; n++) {                                                   \
                if (!buf || ctc_seq_##SUF(p, at, n, X, xs0, xs1, xs2, loss + n * loss_s, G, buf))  \
                    *nomem = 1;                                                                    \
            }                                                                                      \
            free(buf);                                                                             \
        }                                                                                          \
    }

CTC_IMPL(f32, float, float)
CTC_IMPL(f64, double, double)

static int ctc_loss_kernel(gx_context *c, const gx_tensor *in, int32_t nin, gx_tensor *out, int32_t nout,
                           const void *attrs)
{
    const gx_ctc_attrs *a = (const gx_ctc_attrs *)attrs;
    if (!a || nout != 2 || nin != 2 + (a->use_data_lengths != 0) + (a->use_label_lengths != 0)) {
        c->set_error(c, "ctc_loss: expects data, label (+ data_lengths, label_lengths per the attrs) and "
                        "outputs loss, grad with gx_ctc_attrs");
        return GX_ERR_VALUE;
    }
    const gx_tensor *d = &in[0], *lab = &in[1];
    if (d->ndim != 3 || lab->ndim != 2 || lab->dtype != GX_INT64 || lab->shape[0] != d->shape[1]) {
        c->set_error(c, "ctc_loss: data must be (T, N, A) and label an int64 (N, L) array");
        return GX_ERR_VALUE;
    }
    ctc_problem p = {"ctc_loss", d->shape[0], d->shape[1], d->shape[2], lab->shape[1],
                     (const int64_t *)lab->data, lab->strides[0], lab->strides[1], NULL, 0, NULL, 0};
    int k = 2;
    for (int which = 0; which < 2; which++) {
        if (!(which == 0 ? a->use_data_lengths : a->use_label_lengths))
            continue;
        const gx_tensor *t = &in[k++];
        if (t->ndim != 1 || t->dtype != GX_INT64 || t->shape[0] != p.N) {
            c->set_error(c, "ctc_loss: %s must be an int64 (N,) array", which == 0 ? "data_lengths" : "label_lengths");
            return GX_ERR_VALUE;
        }
        if (which == 0) { p.dlen = (const int64_t *)t->data; p.dlen_s = t->strides[0]; }
        else { p.llen = (const int64_t *)t->data; p.llen_s = t->strides[0]; }
    }
    if (out[0].ndim != 1 || out[0].shape[0] != p.N || out[0].dtype != d->dtype || out[1].ndim != 3 ||
        !gx_is_contiguous(&out[1]) || out[1].dtype != d->dtype)
        goto bad_out;
    for (int i = 0; i < 3; i++)
        if (out[1].shape[i] != d->shape[i])
            goto bad_out;
    if (a->blank != 0 && a->blank != p.A - 1) {
        c->set_error(c, "ctc_loss: blank must be 0 or A-1 = %lld, got %d", (long long)(p.A - 1), a->blank);
        return GX_ERR_VALUE;
    }
    int st = ctc_validate(c, &p, a);
    if (st != GX_OK)
        return st;
    int64_t S_max = 2 * p.L + 1;
    int nomem = 0;
    if (d->dtype == GX_FLOAT32)
        ctc_run_f32(&p, a, d, (float *)out[0].data, out[0].strides[0], (float *)out[1].data, S_max, &nomem);
    else
        ctc_run_f64(&p, a, d, (double *)out[0].data, out[0].strides[0], (double *)out[1].data, S_max, &nomem);
    if (nomem) {
        c->set_error(c, "ctc_loss: out of memory for the alpha table");
        return GX_ERR_MEMORY;
    }
    return GX_OK;
bad_out:
    c->set_error(c, "ctc_loss: outputs must be loss (N,) and a contiguous grad (T, N, A) of the data's dtype");
    return GX_ERR_VALUE;
}

int gx_cpu_register_ctc(gx_registry *r)
{
    GX_REG(r, "ctc_loss", GX_FLOAT32, ctc_loss_kernel);
    GX_REG(r, "ctc_loss", GX_FLOAT64, ctc_loss_kernel);
    return GX_OK;
}
