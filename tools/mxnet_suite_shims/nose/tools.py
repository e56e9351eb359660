"""``nose.tools``: assertion helpers in nose's names, and the decorators it offered."""
import functools
import re
import time
import unittest

__all__ = ["ok_", "eq_", "raises", "make_decorator", "with_setup", "timed", "istest", "nottest",
           "TimeExpired"]

_case = unittest.TestCase("__init__")
_case.maxDiff = None

# assert_equal, assert_true, assert_raises, assert_almost_equal, ... as nose exported them:
# every camelCase assert method of unittest.TestCase under its snake_case name.
for _name in dir(unittest.TestCase):
    if _name.startswith("assert") and "_" not in _name and not _name.endswith("s_") \
            and _name not in ("assertDictContainsSubset",):
        _snake = re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), _name)
        globals()[_snake] = getattr(_case, _name)
        __all__.append(_snake)


def ok_(expr, msg=None):
    """Fails unless ``expr`` is true."""
    if not expr:
        raise AssertionError(msg)


def eq_(a, b, msg=None):
    """Fails unless ``a == b``."""
    if not a == b:
        raise AssertionError(msg or "%r != %r" % (a, b))


def make_decorator(func):
    """A decorator that copies ``func``'s name and attributes onto the wrapper."""
    def decorate(newfunc):
        functools.update_wrapper(newfunc, func)
        return newfunc
    return decorate


def raises(*exceptions):
    """The test passes only if it raises one of ``exceptions``."""
    names = " or ".join(e.__name__ for e in exceptions)

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            try:
                func(*args, **kwargs)
            except exceptions:
                return
            raise AssertionError("%s() did not raise %s" % (func.__name__, names))
        return wrapper
    return decorate


def with_setup(setup=None, teardown=None):
    """Runs ``setup`` before and ``teardown`` after the test."""
    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if setup is not None:
                setup()
            try:
                return func(*args, **kwargs)
            finally:
                if teardown is not None:
                    teardown()
        return wrapper
    return decorate


class TimeExpired(AssertionError):
    pass


def timed(limit):
    """Fails when the test takes longer than ``limit`` seconds."""
    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            start = time.time()
            result = func(*args, **kwargs)
            if time.time() - start > limit:
                raise TimeExpired("Time limit (%s) exceeded" % limit)
            return result
        return wrapper
    return decorate


def istest(func):
    func.__test__ = True
    return func


def nottest(func):
    func.__test__ = False
    return func
