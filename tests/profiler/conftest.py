import os

import pytest

from gluonx import profiler


@pytest.fixture(autouse=True)
def fresh_profiler(tmp_path, monkeypatch):
    """Each test starts from a fresh profiler, in its own folder (trace files)."""
    monkeypatch.chdir(tmp_path)
    profiler._reset()
    yield
    profiler._reset()


@pytest.fixture
def trace_file(tmp_path):
    return os.path.join(str(tmp_path), "trace.json")
