"""Hypothesis profiles of the fuzz suites, picked by GLUONX_FUZZ_PROFILE:
``ci`` (default: bounded and derandomized, so CI runs are repeatable) or
``long`` (many more examples, failures kept in tests/fuzz/.hypothesis-db).

    GLUONX_FUZZ_PROFILE=long python -m pytest tests/fuzz
"""
import os

from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True, database=None,
                          suppress_health_check=_SLOW)
settings.register_profile("long", max_examples=5000, deadline=None, suppress_health_check=_SLOW,
                          database=DirectoryBasedExampleDatabase(
                              os.path.join(os.path.dirname(__file__), ".hypothesis-db")))
settings.load_profile(os.environ.get("GLUONX_FUZZ_PROFILE", "ci"))
