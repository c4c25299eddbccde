import sys

if sys.version_info < (3, 6):  # before anything that Python 2 or an old Python 3 cannot read
    sys.stderr.write("kbcheck needs Python 3.6 or newer; this is Python %d.%d\n" % tuple(sys.version_info[:2]))
    sys.exit(2)

from kbcheck.cli import command  # noqa: E402

if __name__ == "__main__":
    sys.exit(command())
