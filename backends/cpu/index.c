/* CPU kernels: index family (see include/gluonx/attrs.h for the contracts). */
#include "gx_cpu.h"

int gx_cpu_register_index(gx_registry *r)
{
    (void)r;
    return GX_OK;
}
