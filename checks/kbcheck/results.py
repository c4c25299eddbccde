"""Results and the statuses a probe may return."""

STATUSES = ("pass", "fail", "warn", "info", "skip", "error")
# how bad a status is, for sorting and for the exit code
RANK = {"error": 5, "fail": 4, "warn": 3, "info": 2, "pass": 1, "skip": 0}


class Result(object):
    __slots__ = ("status", "message", "subject", "facts")

    def __init__(self, status, message, subject=None, facts=None):
        if status not in STATUSES:
            raise ValueError("unknown status %r" % (status,))
        self.status = status
        self.message = str(message)
        self.subject = None if subject is None else str(subject)
        self.facts = facts

    def __repr__(self):
        return "Result(%s, %r, subject=%r)" % (self.status, self.message, self.subject)


def _maker(status):
    def make(message, subject=None, **facts):
        return Result(status, message, subject, facts or None)
    make.__name__ = status.upper()
    return make


PASS = _maker("pass")
FAIL = _maker("fail")
WARN = _maker("warn")
INFO = _maker("info")
SKIP = _maker("skip")
ERROR = _maker("error")
