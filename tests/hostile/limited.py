"""Run a Python program in this process and note its peak resident memory at exit:

    python3 limited.py PROGRAM [ARG...]      (PROGRAM: a .py file, a .pyz, or -c CODE)

The peak (VmHWM of /proc/self/status: the pages of this process since its exec, not those of the
test process it was forked from, which getrusage would count) goes to the file named by
$KBCHECK_PEAK_FILE, however the program ends."""
import os
import runpy
import sys


def peak_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main():
    where = os.environ.pop("KBCHECK_PEAK_FILE", None)
    sys.argv = sys.argv[1:]
    try:
        if sys.argv[0] == "-c":
            code, sys.argv = sys.argv[1], ["-c"] + sys.argv[2:]
            exec(compile(code, "<string>", "exec"), {"__name__": "__main__"})
        else:
            runpy.run_path(sys.argv[0], run_name="__main__")
    finally:
        if where:
            with open(where, "w") as f:
                f.write("%d\n" % peak_kib())


main()
