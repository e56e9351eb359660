from gluonx.gluon import data  # noqa: F401
