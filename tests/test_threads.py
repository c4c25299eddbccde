"""kbcheck.threads: the lock, flag and daemon thread the deadlines run on (kbcheck.timeouts)."""
import os
import subprocess
import sys

from kbcheck import threads

HERE = os.path.dirname(os.path.abspath(__file__))


def test_flag_waits_until_set_and_stays_set():
    f = threads.Flag()
    assert not f.is_set()
    assert f.wait(0) is False
    assert f.wait(0.01) is False
    f.set()
    f.set()  # a second set changes nothing
    assert f.is_set()
    assert f.wait(0) is True and f.wait(None) is True and f.wait(5) is True  # every later waiter passes


def test_flag_set_by_another_thread_wakes_the_waiter():
    f = threads.Flag()
    gate = threads.Lock()
    gate.acquire()

    def setter():
        gate.acquire()
        f.set()
    threads.Thread(setter)
    assert not f.wait(0.01)
    gate.release()
    assert f.wait(30)


def test_an_enormous_timeout_is_clamped():
    f = threads.Flag()
    f.set()
    assert f.wait(1e300)  # threading.TIMEOUT_MAX would overflow the lock otherwise


def test_thread_runs_its_function_with_its_arguments_and_its_own_ident():
    got = {}

    def work(a, b):
        got["sum"] = a + b
        got["ident"] = threads.get_ident()
    t = threads.Thread(work, 2, 3)
    t.join(30)
    assert not t.is_alive()
    assert got["sum"] == 5
    assert got["ident"] == t.ident != threads.get_ident()
    assert t.error is None


def test_thread_keeps_what_it_raises():
    t = threads.Thread(lambda: 1 / 0)
    t.join(30)
    assert isinstance(t.error, ZeroDivisionError)


def test_a_thread_left_behind_is_alive_and_does_not_hold_the_exit():
    """join(timeout) returns on time; the interpreter exits while the thread still waits."""
    code = ("import sys, time; sys.path.insert(0, %r)\n"
            "from kbcheck import threads\n"
            "never = threads.Lock(); never.acquire()\n"
            "t = threads.Thread(never.acquire)\n"
            "t0 = time.time(); t.join(0.2); waited = time.time() - t0\n"
            "print(t.is_alive(), 0.15 < waited < 20)\n" % os.path.join(os.path.dirname(HERE), "checks"))
    out = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "True"]
    assert out.stderr == ""
