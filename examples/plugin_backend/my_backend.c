/* A minimal gluonx backend plugin: the template for backend authors.
 *
 * It overrides one kernel ("negative" for float32 on the CPU) to show the
 * whole path: export the ABI version and an init function, register
 * kernels by (name, device type, dtype), report errors through the context.
 *
 * Build:  gcc -O2 -shared -fPIC -I<gluonx>/include my_backend.c -o libmy_backend.so
 * Load:   from gluonx._core.ndarray import Registry
 *         Registry("my_backend").load_library("./libmy_backend.so")
 * or, in a package, declare an entry point in the group "gluonx.backends"
 * whose callable does the same (see DEVELOPERS.md).
 */
#include <gluonx/plugin.h>

static int negative_f32(gx_context *ctx, const gx_tensor *in, int32_t nin,
                        gx_tensor *out, int32_t nout, const void *attrs)
{
    (void)attrs;
    if (nin != 1 || nout != 1) {
        ctx->set_error(ctx, "negative expects 1 input and 1 output, got %d and %d", nin, nout);
        return GX_ERR_VALUE;
    }
    /* The core coalesces contiguous arrays to one dimension; this template
     * handles only that case and says so for anything else. */
    if (in[0].ndim != 1 || in[0].strides[0] != 1 || out[0].strides[0] != 1) {
        ctx->set_error(ctx, "my_backend handles contiguous arrays only");
        return GX_ERR_UNSUPPORTED;
    }
    const float *x = (const float *)in[0].data;
    float *y = (float *)out[0].data;
    for (int64_t i = 0; i < in[0].shape[0]; i++)
        y[i] = -x[i] + 0.0f; /* + 0.0f: no negative zeros, so a test can tell it ran */
    return GX_OK;
}

int32_t gluonx_plugin_abi_version(void) { return GX_ABI_VERSION; }

int gluonx_plugin_init(gx_registry *reg)
{
    return reg->register_kernel(reg, "negative", GX_DEV_CPU, GX_FLOAT32, negative_f32);
}
