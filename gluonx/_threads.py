"""How many threads gluonx's kernels may use, decided before OpenMP and
OpenBLAS load (they read their settings once, at load).

OpenMP's default follows the CPUs the process may run on (its affinity
mask), and OpenBLAS counts the machine's CPUs; neither looks at a cgroup
CPU quota (`docker run --cpus=1`, Kubernetes limits), so on a 16-CPU host
with a 2-CPU quota both would start 16 threads that then wait on each other
in time slices.  This module sets ``OMP_NUM_THREADS`` and
``OPENBLAS_NUM_THREADS`` to the smaller of the affinity mask and the quota,
unless the user set them; ``GLUONX_NUM_THREADS=n`` sets both.

Imports nothing of gluonx: it runs first.
"""
from __future__ import annotations

import math
import os
from typing import Optional


def cgroup_cpu_limit(root: str = "/sys/fs/cgroup") -> Optional[float]:
    """CPUs' worth of time the process's cgroup may use, or None without a
    limit.  Reads cgroup v2's ``cpu.max`` ("max 100000" or "150000 100000")
    or v1's ``cpu.cfs_quota_us`` / ``cpu.cfs_period_us``.

    >>> cgroup_cpu_limit("/nonexistent") is None
    True
    """
    try:
        with open(os.path.join(root, "cpu.max")) as f:
            quota, _, period = f.read().strip().partition(" ")
        if quota != "max" and float(period) > 0:
            return float(quota) / float(period)
        return None
    except (OSError, ValueError):
        pass
    try:
        with open(os.path.join(root, "cpu", "cpu.cfs_quota_us")) as f:
            quota = float(f.read())
        with open(os.path.join(root, "cpu", "cpu.cfs_period_us")) as f:
            period = float(f.read())
        return quota / period if quota > 0 and period > 0 else None
    except (OSError, ValueError):
        return None


def usable_cpus(cgroup_root: str = "/sys/fs/cgroup") -> int:
    """The CPUs this process can really use: its affinity mask, capped by
    its cgroup quota (rounded up), at least 1."""
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    limit = cgroup_cpu_limit(cgroup_root)
    if limit is not None:
        n = min(n, max(1, math.ceil(limit - 1e-9)))
    return max(1, n)


def configure(env=os.environ, cgroup_root: str = "/sys/fs/cgroup") -> int:
    """Sets the thread variables in `env` (see the module's docstring);
    returns the thread count chosen."""
    given = env.get("GLUONX_NUM_THREADS", "").strip()
    if given:
        try:
            n = int(given)
        except ValueError:
            raise ValueError("GLUONX_NUM_THREADS must be a positive integer, got %r" % given) from None
        if n < 1:
            raise ValueError("GLUONX_NUM_THREADS must be a positive integer, got %r" % given)
        env["OMP_NUM_THREADS"] = env["OPENBLAS_NUM_THREADS"] = str(n)
        return n
    if "OMP_NUM_THREADS" in env:
        try:
            return max(1, int(env["OMP_NUM_THREADS"].split(",")[0]))
        except ValueError:
            return usable_cpus(cgroup_root)
    n = usable_cpus(cgroup_root)
    if n < (os.cpu_count() or n):   # else the libraries' own defaults agree
        env["OMP_NUM_THREADS"] = str(n)
        env.setdefault("OPENBLAS_NUM_THREADS", str(n))
    return n
