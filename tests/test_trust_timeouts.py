"""Bounded in time: a read or a probe that never returns becomes an `error` result naming what hung,
the rest of the run is judged, and the whole run has a bound; and it costs nothing measurable."""
import os
import threading
import time

import pytest

from kbcheck import runner
from kbcheck.catalog import Entry
from kbcheck.facts import Host
from kbcheck.sources import with_layers
from kbcheck.sources.libvirt_live import LibvirtSource
from kbcheck.sources.root import RootSource
from kbgen import scenarios

FOREVER = threading.Event()  # never set: whoever waits on it waits for good (daemon threads)


def _entry(eid, code, scope="host"):
    return Entry({"id": eid, "title": eid, "area": "test", "scope": scope, "code": code, "file": "kb/test/%s.yaml" % eid,
                  "applies": {"hypervisors": ["kvm"], "roles": ["host"]}})


class HangingSource(RootSource):
    """A root whose read of one path blocks forever (a FIFO behind a regular-file check, a hung NFS)."""

    def __init__(self, root, hang):
        RootSource.__init__(self, root)
        self.hang = hang
        self.calls = []

    def read_text(self, path):
        self.calls.append(path)
        if path == self.hang:
            FOREVER.wait()
        return RootSource.read_text(self, path)


@pytest.fixture
def kvm_root(tmp_path):
    scenarios.materialise({"guests": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}, str(tmp_path))
    return str(tmp_path)


def test_a_blocked_read_is_an_error_naming_the_path_and_the_run_goes_on(kvm_root):
    src = HangingSource(kvm_root, "/srv/hung-nfs/image.qcow2")
    host = Host(with_layers(src, timeout=0.3))
    entries = [_entry("before", "return PASS('ok')"),
               _entry("reads-hung", "host.read('/srv/hung-nfs/image.qcow2')\nreturn PASS('never')"),
               _entry("again", "host.read('/srv/hung-nfs/image.qcow2')\nreturn PASS('never')"),
               _entry("after", "return PASS('still judged: %s' % host.sysctl('vm.swappiness'))")]
    t0 = time.time()
    out = runner.run(entries, host, timeout=0.3)
    took = time.time() - t0
    got = [(e.id, r.status, r.message) for e, r, _ in out]
    assert [g[:2] for g in got] == [("before", "pass"), ("reads-hung", "error"), ("again", "error"), ("after", "pass")]
    assert got[1][2] == "timed out reading /srv/hung-nfs/image.qcow2 (no answer within 0.3 s)"
    # the path is poisoned: the second read fails at once instead of waiting again
    assert "timed out reading it earlier" in got[2][2]
    assert src.calls.count("/srv/hung-nfs/image.qcow2") == 1
    assert took < 2.0


def test_a_hang_in_one_guest_leaves_the_other_guests_judged(kvm_root):
    src = HangingSource(kvm_root, "/images/b.qcow2")
    host = Host(with_layers(src, timeout=0.3))
    e = _entry("per-guest", "host.read('/images/%s.qcow2' % dom.name)\nreturn PASS('read')", scope="guest")
    out = runner.run([e, _entry("next", "return PASS('ok')")], host, timeout=0.3)
    got = [(e.id, r.subject, r.status) for e, r, _ in out]
    assert got == [("per-guest", "a", "pass"), ("per-guest", "b", "error"), ("per-guest", "c", "pass"),
                   ("next", None, "pass")]
    assert out[1][1].message.startswith("timed out reading /images/b.qcow2")


class StoppableRoot(RootSource):
    def __init__(self, root):
        RootSource.__init__(self, root)
        self.stop = threading.Event()


def test_a_probe_that_never_finishes_is_an_error(kvm_root):
    src = StoppableRoot(kvm_root)
    host = Host(src)
    # spins (no read at all) until the test ends; the source attribute only lets the test stop it
    waiter = _entry("stuck", "while not host.source.stop.is_set():\n    pass\n")
    try:
        out = runner.run([waiter, _entry("after", "return PASS('ok')")], host, timeout=0.3)
    finally:
        src.stop.set()
    assert [(e.id, r.status) for e, r, _ in out] == [("stuck", "error"), ("after", "pass")]
    assert out[0][1].message == "timed out: the probe did not finish within 0.3 s"


def test_the_whole_run_has_a_bound(kvm_root):
    """Many slow (not hung) probes: each one keeps within its deadline, the run as a whole does not."""
    host = Host(RootSource(kvm_root))
    slow = [_entry("slow-%d" % i, "x = 0\nfor _ in range(10 ** 9):\n    x += 1\n    if x %% 200000 == 0 and x > %d * 200000: break\nreturn PASS('done')" % 1) for i in range(30)]
    t0 = time.time()
    out = runner.run(slow, host, timeout=5, total_timeout=0.5)
    assert time.time() - t0 < 3
    assert len(out) == 30  # nothing dropped
    assert any(r.message.startswith("not judged: the run reached its time bound") for _, r, _ in out)


class HangingLibvirt(object):
    """A stand-in for the libvirt module whose daemon accepts and never answers listAllDomains.
    Used only to simulate the hang; the real behaviour is tested against libvirt itself."""

    class libvirtError(Exception):
        pass

    def registerErrorHandler(self, fn, ctx):
        pass

    def openReadOnly(self, uri):
        outer = self

        class Conn(object):
            def getCapabilities(self):
                return "<capabilities/>"

            def getInfo(self):
                return ["x86_64", 1024, 2, 2000, 1, 1, 2, 1]

            def listAllDomains(self, flags=0):
                FOREVER.wait()

            def close(self):
                pass
        outer.opened = uri
        return Conn()


def test_a_libvirt_call_that_never_returns_falls_back_to_files(kvm_root):
    fake = HangingLibvirt()
    src = LibvirtSource(RootSource(kvm_root), uri="qemu:///system", timeout=0.3, libvirt_module=fake)
    t0 = time.time()
    doms = src.domains()
    assert time.time() - t0 < 2
    assert sorted(d[0] for d in doms) == ["a", "b", "c"]  # from /etc/libvirt/qemu
    assert src.notices == ["libvirt unreachable (qemu:///system: no answer within 0.3 s); guests read from /etc/libvirt"]
    # the run still judges the guests
    host = Host(src)
    e = _entry("per-guest", "return PASS(dom.name)", scope="guest")
    assert [r.status for _, r, _ in runner.run([e], host, timeout=1)] == ["pass"] * 3


def test_fifo_in_a_snapshot_is_refused_not_read(tmp_path):
    root = str(tmp_path)
    os.makedirs(os.path.join(root, "proc/sys/vm"))
    os.mkfifo(os.path.join(root, "proc/sys/vm/swappiness"))
    host = Host(RootSource(root), assume={"role": "kvm_host"})
    out = runner.run([_entry("fifo", "return PASS(host.sysctl('vm.swappiness'))")], host, timeout=1,
                     total_timeout=5)
    (_, r, _), = out
    assert r.status == "error" and "not a regular file" in r.message


def test_the_deadline_costs_nothing_measurable(tmp_path):
    """1000 guests: the bounded run stays within 0.5 s and close to the inline run."""
    scenarios.materialise({"guests": [{"name": "g%04d" % i} for i in range(1000)]}, str(tmp_path))
    e = _entry("per-guest", "return PASS('%d vCPUs' % dom.vcpus) if dom.vcpus < 64 else FAIL('big')", scope="guest")

    def timed(timeout):
        host = Host(with_layers(RootSource(str(tmp_path)), timeout=timeout))
        assert host.domains  # parsing 1000 XML files is the source's cost, not the deadline's
        t0 = time.time()
        out = runner.run([e, e], host, timeout=timeout)
        assert len(out) == 2000
        return time.time() - t0
    inline = min(timed(None) for _ in range(3))
    bounded = min(timed(5) for _ in range(3))
    assert bounded < 0.5, "bounded run of 2000 probe calls took %.3f s" % bounded
    assert bounded < inline * 3 + 0.05


class SlowGuests(RootSource):
    """A root whose listing of the guest definitions takes `delay` seconds (a slow NFS /etc), or
    never answers (delay None)."""

    def __init__(self, root, delay):
        RootSource.__init__(self, root)
        self.delay = delay

    def domains(self):
        if self.delay is None:
            FOREVER.wait()
        time.sleep(self.delay)
        return RootSource.domains(self)


def test_a_host_probe_that_reads_the_guests_first_has_their_budget(kvm_root, monkeypatch):
    """Reading every guest definition may take longer than a probe's deadline, also when a
    host-scope probe (backup-before-changes) is the first to read them."""
    monkeypatch.setattr(runner, "GUESTS_BUDGET", 3.0)
    host = Host(with_layers(SlowGuests(kvm_root, 0.8), timeout=0.3))
    out = runner.run([_entry("counts-guests", "return PASS('%d guests' % len(host.domains))"),
                      _entry("per-guest", "return PASS('seen')", scope="guest")], host, timeout=0.3)
    assert [(e.id, r.status, r.message) for e, r, _ in out][:2] == [
        ("counts-guests", "pass", "3 guests"), ("per-guest", "pass", "seen")]


def test_the_step_that_read_the_guests_keeps_their_budget_after_the_read(kvm_root, monkeypatch):
    """The parse after the read is covered too: the step began to read them."""
    monkeypatch.setattr(runner, "GUESTS_BUDGET", 3.0)
    src = StoppableRoot(kvm_root)
    host = Host(with_layers(src, timeout=0.3))
    # (works 0.8 s after the read: waits on an event nobody sets, reached through the chain's base)
    spin = "n = len(host.domains)\nhost.source.base.stop.wait(0.8)\nreturn PASS('%d guests' % n)"
    out = runner.run([_entry("reads-then-works", spin)], host, timeout=0.3)
    assert [(r.status, r.message) for _, r, _ in out] == [("pass", "3 guests")]
    # an ordinary probe that reads no guests still has the ordinary deadline
    src = StoppableRoot(kvm_root)
    host = Host(with_layers(src, timeout=0.3))
    out = runner.run([_entry("just-works", spin.replace("len(host.domains)", "1"))], host, timeout=0.3)
    assert [r.status for _, r, _ in out] == ["error"]


def test_guests_that_never_come_time_out_after_their_budget(kvm_root, monkeypatch):
    monkeypatch.setattr(runner, "GUESTS_BUDGET", 1.0)
    host = Host(with_layers(SlowGuests(kvm_root, None), timeout=0.3))
    t0 = time.time()
    out = runner.run([_entry("counts-guests", "return PASS('%d guests' % len(host.domains))"),
                      _entry("after", "return PASS('ok')")], host, timeout=0.3)
    took = time.time() - t0
    got = [(e.id, r.status, r.message) for e, r, _ in out]
    assert got == [("counts-guests", "error", "timed out reading libvirt guests (no answer within 1 s)"),
                   ("after", "pass", "ok")]
    assert 0.9 < took < 10
