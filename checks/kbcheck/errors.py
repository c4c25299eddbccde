"""The exceptions that facts raise when evidence is missing, and that the runner turns into results.

Four states of evidence are kept apart:
  * a real value (returned),
  * collected but absent (the file does not exist on the host: facts return None),
  * never collected by this source (NotCollected: the check is skipped with the reason),
  * unreadable or garbled (NeedsRoot: skip "needs root"; Unreadable: error with the reason).
"""


class Evidence(Exception):
    """Base class: evidence a probe asked for could not be had."""

    status = "error"

    def __init__(self, path, reason):
        Exception.__init__(self, "%s: %s" % (path, reason))
        self.path = path
        self.reason = reason


class NotCollected(Evidence):
    """The source (an archive) never collected this file or command."""

    status = "skip"


class CommandFailed(Evidence):
    """The archive says the command that would have produced this failed on the host."""

    status = "skip"


class NeedsRoot(Evidence):
    """Permission denied: the run lacks the privileges to read this."""

    status = "skip"


class Unreadable(Evidence):
    """The file exists but could not be read or parsed (I/O error, garbage, too large, timed out)."""

    status = "error"


class ParseError(ValueError):
    """A parser was handed text it cannot make sense of."""


class UsageError(Exception):
    """Bad command-line usage or an unusable input: exit code 2."""
