/* CPU kernels: fused optimizer updates (sgd_update, adam_update, ...).
 *
 * Each kernel walks contiguous arrays of one element count (the op makes
 * them so): inputs (weight, grad[, r1, r2]); outputs (out, state...), the
 * states read and written in place.  Formulas and their evaluation order
 * follow MXNet 1.9.1's optimizer_op-inl.h; parameters are cast to the
 * compute type first, as MXNet casts them to DType (via float: MXNet's
 * parameter structs hold float).  float16 computes in
 * float.  The mp_* kernels keep float32 states (a float32 master weight is
 * the last state) for weights of any float type. */
#include <math.h>

#include "gx_cpu.h"

#define OPT_CLIP(x, b) ((b) >= 0 ? ((x) > (b) ? (b) : ((x) < -(b) ? -(b) : (x))) : (x))
#define OPT_SQRT(x) ((C)sqrt((double)(x)))
#define OPT_FN2(a, b) opt_##a##_##b
#define OPT_FN(a, b) OPT_FN2(a, b)
#define OPT_SIGN(x) ((C)(((x) > 0) - ((x) < 0)))

static int opt_check(gx_context *c, const gx_tensor *in, int32_t nin, gx_tensor *out,
                     int32_t nout, int32_t want_in, int32_t want_out, int mp,
                     const void *attrs, const char *name)
{
    if (nin != want_in || nout != want_out || !attrs) {
        c->set_error(c, "%s: expected %d inputs, %d outputs and attributes, got %d, %d",
                     name, (int)want_in, (int)want_out, (int)nin, (int)nout);
        return GX_ERR_INTERNAL;
    }
    int64_t n = gx_numel(&in[0]);
    for (int k = 0; k < nin + nout; k++) {
        const gx_tensor *t = k < nin ? &in[k] : &out[k - nin];
        int want_dtype = (mp && k >= nin + 1) ? GX_FLOAT32 : in[0].dtype;
        if (want_in == 4 && (k == 2 || k == 3))
            continue; /* lamb phase2 norms: checked below */
        if (!gx_is_contiguous(t) || gx_numel(t) != n || t->dtype != want_dtype) {
            c->set_error(c, "%s: operand %d must be contiguous with %lld elements of dtype %d",
                         name, k, (long long)n, want_dtype);
            return GX_ERR_VALUE;
        }
    }
    if (want_in == 4) {
        for (int k = 2; k < 4; k++)
            if (gx_numel(&in[k]) != 1 || in[k].dtype != in[0].dtype) {
                c->set_error(c, "%s: r1 and r2 must be one-element arrays of the weight's dtype", name);
                return GX_ERR_VALUE;
            }
    }
    return GX_OK;
}

/* Defines kernel NAME for one dtype.  In the body: w, g (compute type C,
 * read), s1..s3 (states, compute type, read and written back), res (the
 * output value), the attribute values as C constants, and r1, r2. */
#define OPT_KERNEL(NAME, NIN, NOUT, MP, ST, BODY)                                      \
    static int OPT_FN(NAME, FLAG)(gx_context *c, const gx_tensor *in, int32_t nin,  \
                                   gx_tensor *out, int32_t nout, const void *attrs)   \
    {                                                                                 \
        int st_ = opt_check(c, in, nin, out, nout, NIN, NOUT, MP, attrs, #NAME);      \
        if (st_ != GX_OK) return st_;                                                 \
        const gx_optim_attrs *a = (const gx_optim_attrs *)attrs;                      \
        const C lr = (C)(float)a->lr, wd = (C)(float)a->wd, rg = (C)(float)a->rescale_grad;                \
        const C cg = (C)(float)a->clip_gradient, momentum = (C)(float)a->momentum;                  \
        const C beta1 = (C)(float)a->beta1, beta2 = (C)(float)a->beta2, eps = (C)(float)a->epsilon;        \
        const C gamma1 = (C)(float)a->gamma1, gamma2 = (C)(float)a->gamma2, cw = (C)(float)a->clip_weights; \
        const C lamda1 = (C)(float)a->lamda1, beta = (C)(float)a->beta, wd_lh = (C)(float)a->wd_lh;        \
        const C t = (C)a->t, lb = (C)(float)a->lower_bound, ub = (C)(float)a->upper_bound;          \
        const int bias_correction = a->bias_correction;                               \
        (void)lr; (void)wd; (void)rg; (void)cg; (void)momentum; (void)beta1;          \
        (void)beta2; (void)eps; (void)gamma1; (void)gamma2; (void)cw; (void)lamda1;   \
        (void)beta; (void)wd_lh; (void)t; (void)lb; (void)ub; (void)bias_correction;  \
        C r1 = 0, r2 = 0;                                                             \
        if (NIN == 4) {                                                               \
            r1 = (C) * (const T *)in[2].data;                                         \
            r2 = (C) * (const T *)in[3].data;                                         \
        }                                                                             \
        (void)r1; (void)r2;                                                           \
        const int64_t n = gx_numel(&in[0]);                                           \
        const T *W = (const T *)in[0].data;                                           \
        const T *G = (const T *)in[1].data;                                           \
        T *O = (T *)out[0].data;                                                      \
        ST *S1 = NOUT > 1 ? (ST *)out[1].data : NULL;                                 \
        ST *S2 = NOUT > 2 ? (ST *)out[2].data : NULL;                                 \
        ST *S3 = NOUT > 3 ? (ST *)out[3].data : NULL;                                 \
        _Pragma("omp parallel for if(n > GX_OMP_MIN_ELEMS)")                          \
        for (int64_t i = 0; i < n; i++) {                                             \
            C w = (C)W[i], g = (C)G[i], res = 0;                                      \
            C s1 = S1 ? (C)S1[i] : 0, s2 = S2 ? (C)S2[i] : 0, s3 = S3 ? (C)S3[i] : 0; \
            (void)w; (void)s1; (void)s2; (void)s3;                                          \
            BODY;                                                                     \
            if (S1) S1[i] = (ST)s1;                                                   \
            if (S2) S2[i] = (ST)s2;                                                   \
            if (S3) S3[i] = (ST)s3;                                                   \
            O[i] = (T)res;                                                            \
        }                                                                             \
        return GX_OK;                                                                 \
    }

/* ---- the update rules ---------------------------------------------------- */
#define BODY_SGD                                                                      \
    res = cg >= 0 ? (1.f - lr * wd) * w - lr * OPT_CLIP(rg * g, cg)                  \
                  : (1.f - lr * wd) * w - (lr * rg) * g

#define BODY_SGD_MOM                                                                  \
    s1 = cg >= 0 ? momentum * s1 - lr * wd * w - lr * OPT_CLIP(rg * g, cg)           \
                 : momentum * s1 - lr * wd * w - lr * rg * g;                         \
    res = w + s1

/* mp: s_last is the float32 master weight */
#define BODY_MP_SGD                                                                   \
    s1 = cg >= 0 ? (1.f - lr * wd) * s1 - lr * OPT_CLIP(rg * g, cg)                  \
                 : (1.f - lr * wd) * s1 - (lr * rg) * g;                              \
    res = s1

#define BODY_MP_SGD_MOM                                                               \
    s1 = cg >= 0 ? momentum * s1 - lr * wd * s2 - lr * OPT_CLIP(rg * g, cg)          \
                 : momentum * s1 - lr * wd * s2 - lr * rg * g;                        \
    s2 = s2 + s1;                                                                     \
    res = s2

/* MXNet computes the new weight first and then the momentum from
 * weight_data, which already holds the new weight when out aliases weight
 * (the optimizer's out=weight): kept for identical trajectories. */
#define BODY_NAG                                                                      \
    {                                                                                 \
        C m0 = momentum * s1, gw = OPT_CLIP(rg * g, cg);                              \
        res = w - m0 + (momentum + 1) * (m0 - lr * (gw + wd * w));                    \
        C wv = (const void *)O == (const void *)W ? (C)(T)res : w;                    \
        s1 = m0 - lr * (gw + wd * wv);                                                \
    }

/* as BODY_NAG; the master weight is always updated in place */
#define BODY_MP_NAG                                                                   \
    {                                                                                 \
        C m0 = momentum * s1, gw = OPT_CLIP(rg * g, cg);                              \
        s2 = s2 - m0 + (momentum + 1) * (m0 - lr * (gw + wd * s2));                   \
        s1 = m0 - lr * (gw + wd * s2);                                                \
        res = s2;                                                                     \
    }

#define BODY_ADAM                                                                     \
    {                                                                                 \
        C gr = OPT_CLIP(g * rg + w * wd, cg);                                         \
        s1 = beta1 * s1 + (1.f - beta1) * gr;                                         \
        s2 = beta2 * s2 + (1.f - beta2) * gr * gr;                                    \
        res = w - lr * s1 / (OPT_SQRT(s2) + eps);                                         \
    }

#define BODY_RMSPROP                                                                  \
    {                                                                                 \
        C gr = OPT_CLIP(rg * g + wd * w, cg);                                         \
        s1 = (1.f - gamma1) * gr * gr + gamma1 * s1;                                  \
        res = w - lr * gr / OPT_SQRT(s1 + eps);                                           \
        res = OPT_CLIP(res, cw);                                                      \
    }

#define BODY_RMSPROPALEX                                                              \
    {                                                                                 \
        C gr = OPT_CLIP(rg * g + wd * w, cg);                                         \
        s1 = (1.f - gamma1) * gr * gr + gamma1 * s1;                                  \
        s2 = (1.f - gamma1) * gr + gamma1 * s2;                                       \
        s3 = gamma2 * s3 - lr * gr / OPT_SQRT(s1 - s2 * s2 + eps);                        \
        res = OPT_CLIP(w + s3, cw);                                                   \
    }

/* s1 = z, s2 = n */
#define BODY_FTRL                                                                     \
    {                                                                                 \
        C gr = OPT_CLIP(rg * g, cg);                                                  \
        s1 += gr - (OPT_SQRT(s2 + gr * gr) - OPT_SQRT(s2)) * w / lr;                          \
        s2 += gr * gr;                                                                \
        res = (OPT_SIGN(s1) * lamda1 - s1) / ((beta + OPT_SQRT(s2)) / lr + wd) *          \
              (C)(fabs((double)s1) > (double)lamda1);                                 \
    }

/* s1 = d, s2 = v, s3 = z */
#define BODY_FTML                                                                     \
    {                                                                                 \
        C gr = OPT_CLIP(rg * g + wd * w, cg);                                         \
        s2 = beta2 * s2 + (1.f - beta2) * gr * gr;                                    \
        C d_t = (1.f - (C)pow((double)beta1, (double)t)) / lr *                       \
                ((C)OPT_SQRT(s2 / (1.f - (C)pow((double)beta2, (double)t))) + eps);       \
        s3 = beta1 * s3 + (1.f - beta1) * gr - (d_t - beta1 * s1) * w;                \
        s1 = d_t;                                                                     \
        res = -s3 / d_t;                                                              \
    }

#define BODY_SIGNSGD res = (1.f - lr * wd) * w - lr * OPT_SIGN(g)

#define BODY_SIGNUM                                                                   \
    s1 = cg >= 0 ? momentum * s1 - (1.f - momentum) * wd * w -                        \
                       (1.f - momentum) * OPT_CLIP(rg * g, cg)                        \
                 : momentum * s1 - (1.f - momentum) * wd * w - (1.f - momentum) * rg * g; \
    res = (1.f - lr * wd_lh) * w + lr * OPT_SIGN(s1)

/* out = g (the direction); s1 = mean, s2 = var */
#define BODY_LAMB1                                                                    \
    {                                                                                 \
        C gr = OPT_CLIP(rg * g, cg);                                                  \
        s1 = beta1 * s1 + (1.f - beta1) * gr;                                         \
        s2 = beta2 * s2 + (1.f - beta2) * gr * gr;                                    \
        if (bias_correction) {                                                        \
            C mh = s1 / (1.f - (C)pow((double)beta1, (double)t));                     \
            C vh = s2 / (1.f - (C)pow((double)beta2, (double)t));                     \
            res = mh / (OPT_SQRT(vh) + eps) + wd * w;                                     \
        } else {                                                                      \
            res = s1 / (OPT_SQRT(s2) + eps) + wd * w;                                     \
        }                                                                             \
    }

#define BODY_LAMB2                                                                    \
    {                                                                                 \
        C q1 = r1;                                                                    \
        if (lb >= 0 && q1 < lb) q1 = lb;                                              \
        if (ub >= 0 && q1 > ub) q1 = ub;                                              \
        C ratio = (q1 == 0 || r2 == 0) ? (C)1 : q1 / r2;                              \
        res = w - lr * ratio * g;                                                     \
    }

#define OPT_ALL()                                                        \
    OPT_KERNEL(sgd_update, 2, 1, 0, T, BODY_SGD)                                      \
    OPT_KERNEL(sgd_mom_update, 2, 2, 0, T, BODY_SGD_MOM)                              \
    OPT_KERNEL(nag_mom_update, 2, 2, 0, T, BODY_NAG)                                  \
    OPT_KERNEL(adam_update, 2, 3, 0, T, BODY_ADAM)                                    \
    OPT_KERNEL(rmsprop_update, 2, 2, 0, T, BODY_RMSPROP)                              \
    OPT_KERNEL(rmspropalex_update, 2, 4, 0, T, BODY_RMSPROPALEX)                      \
    OPT_KERNEL(ftrl_update, 2, 3, 0, T, BODY_FTRL)                                    \
    OPT_KERNEL(ftml_update, 2, 4, 0, T, BODY_FTML)                                    \
    OPT_KERNEL(signsgd_update, 2, 1, 0, T, BODY_SIGNSGD)                              \
    OPT_KERNEL(signum_update, 2, 2, 0, T, BODY_SIGNUM)                                \
    OPT_KERNEL(lamb_update_phase1, 2, 3, 0, T, BODY_LAMB1)                            \
    OPT_KERNEL(lamb_update_phase2, 4, 1, 0, T, BODY_LAMB2)

/* float types; C is the compute type (float for float16) */
#define FLAG GX_FLOAT32
#define T float
#define C float
OPT_ALL()
#undef C
#define C float
#define MPT float
OPT_KERNEL(mp_sgd_update, 2, 2, 1, float, BODY_MP_SGD)
OPT_KERNEL(mp_sgd_mom_update, 2, 3, 1, float, BODY_MP_SGD_MOM)
OPT_KERNEL(mp_nag_mom_update, 2, 3, 1, float, BODY_MP_NAG)
#undef MPT
#undef C
#undef T
#undef FLAG

#define FLAG GX_FLOAT64
#define T double
#define C double
OPT_ALL()
#undef C
#define C float
OPT_KERNEL(mp_sgd_update, 2, 2, 1, float, BODY_MP_SGD)
OPT_KERNEL(mp_sgd_mom_update, 2, 3, 1, float, BODY_MP_SGD_MOM)
OPT_KERNEL(mp_nag_mom_update, 2, 3, 1, float, BODY_MP_NAG)
#undef C
#undef T
#undef FLAG

#define FLAG GX_FLOAT16
#define T gx_half
#define C float
OPT_ALL()
OPT_KERNEL(mp_sgd_update, 2, 2, 1, float, BODY_MP_SGD)
OPT_KERNEL(mp_sgd_mom_update, 2, 3, 1, float, BODY_MP_SGD_MOM)
OPT_KERNEL(mp_nag_mom_update, 2, 3, 1, float, BODY_MP_NAG)
#undef C
#undef T
#undef FLAG

#define OPT_REG_ONE(F, NAME) GX_REG(r, #NAME, F, OPT_FN(NAME, F));
#define OPT_REG(F)                                                                   \
    OPT_REG_ONE(F, sgd_update) OPT_REG_ONE(F, sgd_mom_update)                        \
    OPT_REG_ONE(F, nag_mom_update) OPT_REG_ONE(F, adam_update)                       \
    OPT_REG_ONE(F, rmsprop_update) OPT_REG_ONE(F, rmspropalex_update)                \
    OPT_REG_ONE(F, ftrl_update) OPT_REG_ONE(F, ftml_update)                          \
    OPT_REG_ONE(F, signsgd_update) OPT_REG_ONE(F, signum_update)                     \
    OPT_REG_ONE(F, lamb_update_phase1) OPT_REG_ONE(F, lamb_update_phase2)            \
    OPT_REG_ONE(F, mp_sgd_update) OPT_REG_ONE(F, mp_sgd_mom_update)                  \
    OPT_REG_ONE(F, mp_nag_mom_update)

int gx_cpu_register_optimizer(gx_registry *r)
{
    OPT_REG(GX_FLOAT32)
    OPT_REG(GX_FLOAT64)
    OPT_REG(GX_FLOAT16)
    return GX_OK;
}
