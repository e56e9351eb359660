"""pytest plugin of tools/mxnet_suite.py: one JSON line per collected test and per outcome,
written as they happen (a crash or a hang keeps what came before), and a per-test time limit."""
import json
import os
import signal

import pytest

_LOG = os.environ.get("MXNET_SUITE_LOG")
_LIMIT = int(os.environ.get("MXNET_SUITE_TEST_TIMEOUT", "0"))


def _write(record: dict) -> None:
    if _LOG:
        with open(_LOG, "a") as f:
            f.write(json.dumps(record) + "\n")


def pytest_collection_finish(session):
    for item in session.items:
        _write({"collected": item.nodeid})


def pytest_collectreport(report):
    if report.failed:
        _write({"nodeid": report.nodeid, "outcome": "error", "when": "collect",
                "message": str(report.longrepr)[-2000:]})


def pytest_runtest_logreport(report):
    if report.when == "call" or report.outcome != "passed":
        outcome = report.outcome
        if report.when != "call" and outcome == "failed":
            outcome = "error"
        if hasattr(report, "wasxfail"):
            outcome = "xfailed" if report.skipped else "xpassed"
        message = ""
        if report.longrepr is not None and outcome != "passed":
            message = str(report.longrepr)[-2000:]
        _write({"nodeid": report.nodeid, "outcome": outcome, "when": report.when,
                "duration": round(report.duration, 3), "message": message})


class TestTimeout(Exception):
    pass


def _alarm(signum, frame):
    raise TestTimeout("the test ran past mxnet_suite's %d s limit" % _LIMIT)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    if _LIMIT > 0 and hasattr(signal, "SIGALRM"):
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(_LIMIT)
        try:
            yield
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
    else:
        yield
