/* Entry points of the CPU backend plugin (see include/gluonx/plugin.h). */
#include "gx_cpu.h"

int32_t gluonx_plugin_abi_version(void) { return GX_ABI_VERSION; }

int gluonx_plugin_init(gx_registry *r)
{
    int (*families[])(gx_registry *) = {
        gx_cpu_register_elemwise, gx_cpu_register_reduce, gx_cpu_register_linalg,
        gx_cpu_register_index, gx_cpu_register_random, gx_cpu_register_scatter,
        gx_cpu_register_conv,
        gx_cpu_register_nn,
        gx_cpu_register_softmax,
        gx_cpu_register_optimizer,
        gx_cpu_register_ctc,
        gx_cpu_register_fused,
    };
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
        int st = families[i](r);
        if (st != GX_OK)
            return st;
    }
    return GX_OK;
}
