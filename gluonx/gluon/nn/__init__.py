"""``mx.gluon.nn``: neural-network layers."""
# pylint: disable=wildcard-import
from gluonx.gluon.block import *  # noqa: F401,F403
from gluonx.gluon.nn.basic_layers import *  # noqa: F401,F403
from gluonx.gluon.nn.activations import *  # noqa: F401,F403
from gluonx.gluon.nn.conv_layers import *  # noqa: F401,F403
from gluonx.gluon.nn.norm_layers import *  # noqa: F401,F403
