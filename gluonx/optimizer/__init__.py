"""Optimizers (MXNet 1.9.1's ``mx.optimizer``).

>>> import gluonx as mx
>>> type(mx.optimizer.create('Adam', learning_rate=0.1)).__name__
'Adam'
"""
from gluonx.optimizer.optimizer import Optimizer, Updater, create, get_updater, register
from gluonx.optimizer.optimizers import (SGD, NAG, Signum, Adam, AdaGrad, RMSProp, AdaDelta, Ftrl,
                                         Adamax, Nadam, FTML, LAMB, LARS, DCASGD, SGLD, Test, ccSGD)
from gluonx.optimizer import optimizer  # noqa: F401

__all__ = ["Optimizer", "Updater", "create", "get_updater", "register", "SGD", "NAG", "Signum",
           "Adam", "AdaGrad", "RMSProp", "AdaDelta", "Ftrl", "Adamax", "Nadam", "FTML", "LAMB",
           "LARS", "DCASGD", "SGLD", "Test", "ccSGD"]
