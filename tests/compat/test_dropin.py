"""The ``mxnet`` drop-in (dropin/mxnet): same module objects, MXNet's version, refusal to shadow."""
import os
import subprocess
import sys
import textwrap

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DROPIN = os.path.join(REPO, "dropin")


def run_python(code: str, extra_path=(), env_extra=None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([DROPIN, *extra_path, REPO, env.get("PYTHONPATH", "")])
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                          capture_output=True, text=True, timeout=120)


def test_same_module_objects_and_version():
    r = run_python("""
        import mxnet as mx, gluonx
        import mxnet.gluon.nn as nn
        from mxnet.gluon import nn as nn2
        from mxnet.base import MXNetError
        import mxnet.ndarray as nd
        assert mx.__version__ == "1.9.1" and mx.is_gluonx
        assert mx.__gluonx_version__ == gluonx.__version__ != "1.9.1"
        assert nn is gluonx.gluon.nn is nn2 and nd is gluonx.ndarray and mx.nd is gluonx.nd
        assert MXNetError is gluonx.base.MXNetError
        assert mx.nd.NDArray is gluonx.nd.NDArray
        print((mx.nd.ones((2,)) * 3).asnumpy().tolist())
        """)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[3.0, 3.0]"


def test_missing_module_is_a_plain_import_error():
    r = run_python("""
        try:
            import mxnet.no_such_module
        except ModuleNotFoundError as e:
            print("missing", e.name)
        try:
            import mxnet as mx; mx.no_such_attribute
        except AttributeError as e:
            print("attr", e)
        """)
    assert r.returncode == 0, r.stderr
    assert "missing mxnet.no_such_module" in r.stdout
    assert "gluonx has no gluonx.no_such_attribute" in r.stdout


def test_subprocesses_see_the_dropin():
    r = run_python("""
        import subprocess, sys
        out = subprocess.run([sys.executable, "-c", "import mxnet; print(mxnet.is_gluonx)"],
                             capture_output=True, text=True)
        print(out.stdout.strip(), out.returncode)
        """)
    assert r.stdout.split() == ["True", "0"], r.stderr


def test_refuses_to_shadow_a_real_mxnet(tmp_path):
    # a directory that looks like a real MXNet install later on the path
    fake = tmp_path / "site" / "mxnet"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise SystemExit('the real one was imported')\n")
    (fake / "libmxnet.so").write_bytes(b"")
    r = run_python("import mxnet", extra_path=[str(tmp_path / "site")])
    assert r.returncode != 0
    assert "will not stand in for the real MXNet" in r.stderr
    assert str(fake) in r.stderr
    ok = run_python("import mxnet; print(mxnet.is_gluonx)", extra_path=[str(tmp_path / "site")],
                    env_extra={"GLUONX_DROPIN_ALLOW_REAL_MXNET": "1"})
    assert ok.stdout.strip() == "True", ok.stderr


def test_gluonx_import_errors_are_not_hidden(tmp_path):
    # a broken gluonx first on the path: its own error must surface, not "no module mxnet"
    broken = tmp_path / "gluonx"
    broken.mkdir()
    (broken / "__init__.py").write_text("import this_dependency_is_missing\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([DROPIN, str(tmp_path)]))
    r = subprocess.run([sys.executable, "-c", "import mxnet"], env=env, capture_output=True,
                       text=True, timeout=60, cwd=str(tmp_path))   # cwd: not the repo's gluonx
    assert r.returncode != 0
    assert "No module named 'this_dependency_is_missing'" in r.stderr


@pytest.mark.parametrize("name", ["base", "util", "runtime", "engine", "context", "test_utils",
                                  "numpy", "numpy_extension", "symbol", "gluon.data"])
def test_mxnet_submodules_import(name):
    r = run_python("import importlib, gluonx; m = importlib.import_module('mxnet.%s'); "
                   "assert m is importlib.import_module('gluonx.%s')" % (name, name))
    assert r.returncode == 0, r.stderr
