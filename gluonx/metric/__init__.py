"""Evaluation metrics (``mx.metric``): MXNet 1.9.1's classes, names and arithmetic.

>>> m = mx.metric.create('acc')
>>> m.update([mx.nd.array([0, 1, 1])], [mx.nd.array([[0.3, 0.7], [0, 1.], [0.4, 0.6]])])
>>> m.get()
('accuracy', 0.6666666666666666)

The package's parts: ``base`` (EvalMetric, the registry behind ``create``, composite and
custom metrics), ``classification`` (Accuracy, TopKAccuracy, F1, MCC, PCC), ``regression``
(MAE, MSE, RMSE, PearsonCorrelation) and ``losses`` (Perplexity, CrossEntropy,
NegativeLogLikelihood, Loss, Torch, Caffe).
"""
from gluonx.metric.base import (CompositeEvalMetric, CustomMetric, EvalMetric, alias,
                                check_label_shapes, create, np, register)
from gluonx.metric.classification import (F1, MCC, PCC, Accuracy, TopKAccuracy,
                                          _BinaryClassificationMetrics)
from gluonx.metric.losses import (Caffe, CrossEntropy, Loss, NegativeLogLikelihood, Perplexity,
                                  Torch)
from gluonx.metric.regression import MAE, MSE, RMSE, PearsonCorrelation

__all__ = ["EvalMetric", "CompositeEvalMetric", "Accuracy", "TopKAccuracy", "F1", "MCC",
           "Perplexity", "MAE", "MSE", "RMSE", "CrossEntropy", "NegativeLogLikelihood",
           "PearsonCorrelation", "PCC", "Loss", "Torch", "Caffe", "CustomMetric", "create", "np",
           "register", "alias", "check_label_shapes"]
