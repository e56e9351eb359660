"""The dispatch table and the plugin ABI, exercised as a third-party backend would."""
import os
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import gluonx as mx
from gluonx._core import ndarray as _c
from gluonx.base import MXNetError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INCLUDE = os.path.join(ROOT, "include")
EXAMPLE = os.path.join(ROOT, "examples", "plugin_backend", "my_backend.c")

needs_cc = pytest.mark.skipif(shutil.which("gcc") is None, reason="needs a C compiler")


def _build(src_text_or_path, tmp_path, name):
    if os.path.exists(src_text_or_path):
        src = src_text_or_path
    else:
        src = str(tmp_path / (name + ".c"))
        with open(src, "w") as f:
            f.write(src_text_or_path)
    lib = str(tmp_path / ("lib%s.so" % name))
    subprocess.run(["gcc", "-O2", "-shared", "-fPIC", "-I" + INCLUDE, src, "-o", lib], check=True)
    return lib


def _run(code):
    """Runs code in a fresh interpreter: overriding kernels changes global state."""
    r = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_builtin_cpu_backend_is_loaded_through_the_plugin_path():
    libs = _c.loaded_libraries()
    assert any(name == "cpu" and "libgluonx_cpu" in path for name, path in libs)
    cov = _c.kernel_coverage()
    assert "float32" in cov["copy"]["cpu"] and "bool" in cov["fill"]["cpu"]
    assert mx._backends.loaded_backends()[0] == "cpu"


def test_kernel_ids_are_stable_integers():
    assert _c.kernel_id("copy") == _c.kernel_id("copy")
    assert _c.kernel_name(_c.kernel_id("fill")) == "fill"


@needs_cc
def test_third_party_plugin_overrides_a_kernel(tmp_path):
    lib = _build(EXAMPLE, tmp_path, "my_backend")
    out = _run("""
        import numpy as np, gluonx as mx
        from gluonx._core.ndarray import Registry, providers_of
        x = mx.nd.array([0.0, 1.0, -2.0])
        Registry("my_backend").load_library(%r)
        y = -x
        print(providers_of("negative")[("cpu", "float32")], y.asnumpy().tolist(), np.signbit(y.asnumpy()[0]))
    """ % lib)
    assert out.split() == ["my_backend", "[0.0,", "-1.0,", "2.0]", "False"]


@needs_cc
def test_plugin_error_message_reaches_python(tmp_path):
    lib = _build(EXAMPLE, tmp_path, "my_backend")
    out = _run("""
        import gluonx as mx
        from gluonx._core.ndarray import Registry
        Registry("my_backend").load_library(%r)
        x = mx.nd.array([[1.0, 2.0], [3.0, 4.0]])
        v = x[:, 0:1] if False else None
        from gluonx._core import ndarray as _c
        try:
            -_c.as_strided(x, (2,), (2,), 0)
        except NotImplementedError as e:
            print(type(e).__name__, isinstance(e, mx.base.MXNetError), e)
    """ % lib)
    assert "MXNetNotImplementedError True" in out
    assert "contiguous arrays only" in out and "negative" in out


@needs_cc
def test_abi_version_mismatch_is_refused(tmp_path):
    lib = _build("""
        #include <gluonx/plugin.h>
        int32_t gluonx_plugin_abi_version(void) { return GX_ABI_VERSION + 41; }
        int gluonx_plugin_init(gx_registry *r) { return GX_OK; }
    """, tmp_path, "old_backend")
    with pytest.raises(ImportError) as e:
        _c.Registry("old_backend").load_library(lib)
    assert isinstance(e.value, MXNetError)
    assert "ABI" in str(e.value)


@needs_cc
def test_plugin_without_entry_points_is_refused(tmp_path):
    lib = _build("int unrelated(void) { return 0; }", tmp_path, "not_a_backend")
    with pytest.raises(MXNetError, match="gluonx_plugin_init"):
        _c.Registry("not_a_backend").load_library(lib)


def test_missing_library_is_refused(tmp_path):
    with pytest.raises(ImportError):
        _c.Registry("ghost").load_library(str(tmp_path / "nope.so"))


def test_python_backend_registers_a_kernel():
    out = _run("""
        import numpy as np, gluonx as mx
        from gluonx._core import ndarray as _c
        def twice(inputs, outputs, attrs):
            # a Python kernel sees NDArrays; write through a NumPy view
            _c.numpy_view(outputs[0])[...] = 2 * _c.numpy_view(inputs[0])
        _c.Registry("pyback").register_kernel("twice", 1, "float32", twice)
        x = mx.nd.array([1.0, 2.0])
        y = _c.empty_like(x)
        _c.launch("twice", [x], [y])
        print(y.asnumpy().tolist(), _c.providers_of("twice"))
    """)
    assert "[2.0, 4.0]" in out and "pyback" in out


def test_unknown_kernel_names_which_backends_have_it():
    x = mx.nd.array([1.0])
    with pytest.raises(NotImplementedError) as e:
        _c.launch("no_such_kernel", [x], [x])
    assert isinstance(e.value, MXNetError)
    assert "no_such_kernel" in str(e.value) and "float32" in str(e.value)
