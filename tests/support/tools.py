"""Finding a command-line tool a test needs: on PATH, or installed beside the interpreter that runs
the tests (a virtual environment used without activating it puts its scripts there)."""
import os
import shutil
import sys


def tool(name):
    """-> the path of the executable `name`, or None when it is not installed."""
    found = shutil.which(name)
    if found:
        return found
    beside = os.path.join(os.path.dirname(sys.executable), name)
    return beside if os.path.isfile(beside) and os.access(beside, os.X_OK) else None
