"""A stand-in for the parts of ``nose`` that MXNet 1.9.1's unit tests import.

nose does not import on current Python; these tests use only a handful of
its helpers (``nose.tools``) and call ``nose.runmodule()`` under
``if __name__ == '__main__'``.  Written for tools/mxnet_suite.py.
"""
from nose import tools  # noqa: F401


def runmodule(*args, **kwargs):
    """``python test_x.py`` runs the file's tests under pytest."""
    import sys
    import pytest
    sys.exit(pytest.main([sys.modules["__main__"].__file__]))
