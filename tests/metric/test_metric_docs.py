"""The examples in mx.metric's docstrings run and give what they show."""
import doctest
import importlib
import warnings

import numpy
import pytest

import gluonx as mx


@pytest.mark.parametrize("module", ["gluonx.metric", "gluonx.metric.base",
                                    "gluonx.metric.classification", "gluonx.metric.regression",
                                    "gluonx.metric.losses"])
def test_docstring_examples(module):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # the examples register classes again
        result = doctest.testmod(importlib.import_module(module),
                                 extraglobs={"mx": mx, "numpy": numpy})
    assert result.attempted > 0 and result.failed == 0, result
