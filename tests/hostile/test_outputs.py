"""Outputs written safely: a link planted at the temporary name is never followed, the temporary
file goes on every way out (an error, Ctrl-C, SIGTERM in the middle of the write), names that are
not UTF-8 never raise, in any format, to a file or to a terminal whose encoding cannot carry them."""
import os
import signal
import time

import pytest

from hostile import gen, harness

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKS = os.path.join(os.path.dirname(os.path.dirname(HERE)), "checks")


def test_a_link_planted_at_the_old_temporary_name_is_not_followed(pyz, work):
    """--output wrote `.NAME.PID.tmp` with open(tmp, "w"): a link planted there by another user of
    a shared collector folder made kbcheck (as root) overwrite the file it points to."""
    victim = os.path.join(work, "victim")
    with open(victim, "w") as f:
        f.write("precious\n")
    out_dir = os.path.join(work, "collector")
    os.makedirs(out_dir)
    target = os.path.join(out_dir, "kbcheck.prom")
    tmp = os.path.join(work, "tmp")
    os.makedirs(tmp)
    o_path, e_path = os.path.join(work, "o"), os.path.join(work, "e")
    with open(o_path, "wb") as fo, open(e_path, "wb") as fe:
        t0 = time.time()
        p = harness.start([pyz, "--root", gen.EXAMPLE, "--format", "prometheus", "--output", target],
                          tmp, stdout=fo, stderr=fe)
        os.symlink(victim, os.path.join(out_dir, ".kbcheck.prom.%d.tmp" % p.pid))  # the name it used to write
    o = harness.finish("link at the temporary name", p, t0, tmp, o_path, e_path, files=[target]).check((0, 1, 3))
    with open(victim) as f:
        assert f.read() == "precious\n"
    assert "kbcheck_result{" in o.texts()[2]
    assert sorted(os.listdir(out_dir)) == sorted(["kbcheck.prom", ".kbcheck.prom.%d.tmp" % p.pid])
    assert oct(os.stat(target).st_mode & 0o777) == oct(0o666 & ~_umask())  # what a new file gets: a collector reads it


def _umask():
    mask = os.umask(0o22)
    os.umask(mask)
    return mask


WRITER = r"""
import os, signal, sys
sys.path.insert(0, %(checks)r)
from kbcheck import atomic, interrupts
interrupts.install()
real = os.write
def write(fd, data):
    n = real(fd, data[:4096])
    os.kill(os.getpid(), signal.%(sig)s)   # in the middle of the write
    return n
os.write = write
try:
    atomic.write(%(target)r, "x" * (8 << 20))
except KeyboardInterrupt as e:
    sys.stderr.write("kbcheck: %%s\n" %% getattr(e, "what", "interrupted"))
    sys.exit(128 + getattr(e, "signum", 2))
"""


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT", "SIGHUP"])
def test_a_signal_in_the_middle_of_a_write_leaves_no_temporary_file(work, sig):
    target = os.path.join(work, "out", "report.json")
    os.makedirs(os.path.dirname(target))
    code = WRITER % {"checks": CHECKS, "sig": sig, "target": target}
    o = harness.run("%s in the middle of --output" % sig, None, work, python_argv=["-c", code])
    o.check(128 + getattr(signal, sig), exact_lines=1)
    assert os.listdir(os.path.dirname(target)) == []


def test_an_unwritable_output_is_one_line(kbcheck, work):
    o = kbcheck("output into a missing folder", "--root", gen.EXAMPLE, "--output", os.path.join(work, "no", "such", "f"))
    o.check(2)
    assert o.err.startswith("kbcheck: cannot write ")


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "prometheus"])
def test_names_that_are_not_utf8_never_raise(kbcheck, work, fmt):
    """Non-UTF-8 names gave a UnicodeEncodeError traceback with --output (and a 0-byte temporary
    file left), and for junit and prometheus too; and on a terminal that is not UTF-8."""
    root = gen.root(os.path.join(work, "root"), {b"/etc/libvirt/qemu/caf\xe9-\xff.xml": b"<domain><name>x",
                                                  "/etc/hostname": "h\u00e9\n"})
    out = os.path.join(work, "r.out")
    kbcheck("non-UTF-8 names to a file, %s" % fmt, "--root", root, "--format", fmt, "--output", out,
            files=[out]).check((0, 1, 3))
    with open(out, "rb") as f:
        data = f.read().decode("utf-8")
    if fmt != "prometheus":
        assert "caf\\xe9-\\xff" in data or "caf\\\\xe9-\\\\xff" in data
    o = kbcheck("non-UTF-8 names to an ASCII terminal, %s" % fmt, "--root", root, "--format", fmt,
                env={"PYTHONIOENCODING": "ascii", "LC_ALL": "C"}).check((0, 1, 3))
    assert "caf" in o.out
    assert not [n for n in os.listdir(work) if n.endswith(".tmp")]
