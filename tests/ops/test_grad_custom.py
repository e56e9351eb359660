"""Numeric gradient check of the Custom operator (read by tests/ops/test_gradients.py's
coverage test and the gradient fuzzer): a Python operator with two arguments and two
outputs whose backward is written by hand, against central differences.  The rest of the
custom-op tests are in tests/operator/."""
import gluonx as mx
from gradcheck import gradient_tests

nd = mx.nd


class _ProductAndSquare(mx.operator.CustomOp):
    """outputs a*b and a + b**2 (backward: the chain rule by hand, honouring req)."""

    def forward(self, is_train, req, in_data, out_data, aux):
        a, b = in_data
        self.assign(out_data[0], req[0], a * b)
        self.assign(out_data[1], req[1], a + b * b)

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        a, b = in_data
        g0, g1 = out_grad
        self.assign(in_grad[0], req[0], g0 * b + g1)
        self.assign(in_grad[1], req[1], g0 * a + 2 * b * g1)


@mx.operator.register("_gradcheck_product_and_square")
class _ProductAndSquareProp(mx.operator.CustomOpProp):
    def list_arguments(self):
        return ["a", "b"]

    def list_outputs(self):
        return ["product", "square"]

    def create_operator(self, ctx, in_shapes, in_dtypes):
        return _ProductAndSquare()


def U(lo, hi, shape=(2, 3)):
    return lambda rng: rng.uniform(lo, hi, shape)


def _case(a, b):
    p, s = nd.Custom(a, b, op_type="_gradcheck_product_and_square")
    return [p * nd.array([[1.0, 0.5, 2.0]], dtype=a.dtype), s]   # a head gradient that is not all ones


CASES = {"Custom": (_case, [U(-2, 2), U(-2, 2)])}

test_gradient_float64, test_gradient_float32 = gradient_tests(CASES)
