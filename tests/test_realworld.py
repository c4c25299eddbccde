"""The CSIT capture of ../shared/corpus/realworld (a real Ubuntu 16.04 KVM host, as a root tree and
as a sosreport): the verdicts its README states as right."""
import os

import pytest

from conftest import CORPUS, needs_corpus

BASE = os.path.join(CORPUS, "realworld")
LAYOUTS = ("csit-kvm-host", "csit-kvm-host-sosreport")
pytestmark = needs_corpus


@pytest.fixture(scope="module")
def judged(catalog_data):
    """{layout: (summary, [(id, subject, covers, status, message)])}"""
    from kbcheck import detect
    from kbcheck.catalog import Entry
    from kbcheck.facts import Host
    from kbcheck.runner import run
    from kbcheck.sources.root import RootSource
    from kbcheck.sources.sosreport import SosreportSource
    entries = [Entry(d) for d in catalog_data["entries"]]
    out = {}
    for name in LAYOUTS:
        source = (SosreportSource if name.endswith("sosreport") else RootSource)(os.path.join(BASE, name))
        try:
            host = Host(source)
            rows = [(e.id, r.subject, tuple(r.covers or ()), r.status, r.message) for e, r, _ in run(entries, host)]
            out[name] = (detect.summary(host), rows)
        finally:
            source.close()
    return out


def _get(rows, eid, subject=None):
    return [r for r in rows if r[0] == eid and r[1] == subject]


@pytest.mark.parametrize("name", LAYOUTS)
def test_detection_says_it_is_judged_by_the_sle12_rules(name, judged):
    summary, _ = judged[name]
    assert summary["roles"] == ["kvm_host"]
    assert (summary["cpus"], summary["cores"], summary["sockets"], summary["numa_nodes"], summary["guests"]) == (36, 36, 2, 2, 4)
    notes = [u for u in summary["unsure"] if "not SUSE Linux Enterprise" in u]
    assert len(notes) == 1 and "Ubuntu 16.04.1" in notes[0] and "SLE 12 rules" in notes[0], summary["unsure"]
    assert not any("no virtualization role detected" in u for u in summary["unsure"])


@pytest.mark.parametrize("name", LAYOUTS)
def test_the_readme_verdicts(name, judged):
    _, rows = judged[name]
    assert [r for r in rows if r[3] == "error"] == []
    assert [r[3] for r in _get(rows, "numa-balancing")] == ["pass"]
    (sw,) = _get(rows, "swappiness-persistent")
    assert sw[3] == "pass" and "vm.swappiness is 0" in sw[4] and "90-csit.conf" in sw[4]
    over = dict((r[2], r[3]) for r in _get(rows, "cpu-overcommit"))
    assert over == {("R4.5.1a",): "pass", ("R4.5.1b",): "pass"}
    fails = sorted(r[1] for r in rows if r[0] == "guest-cpu-model" and r[3] == "fail")
    assert fails == ["05-s00c06h0"]
    for guest, cpus in (("05-s00c06h0", "3, 4"), ("instance-000008d6", "13, 14"), ("instance-000008d7", "13, 14")):
        (loc,) = _get(rows, "guest-numa-locality", guest)
        assert loc[3] == "fail" and "guest cell 1" in loc[4] and "host CPUs %s (node 0)" % cpus in loc[4], loc
        assert "bound to node 1" in loc[4] and "allowed on" not in loc[4]
    assert [r[3] for r in _get(rows, "guest-numa-locality", "rhel7.4")] == ["info"]
    (mig,) = _get(rows, "guest-cpu-migration", "rhel7.4")
    assert "E5-2699 v3" in mig[4]
    (io,) = _get(rows, "guest-io-devices", "05-s00c06h0")
    (pt,) = _get(rows, "pci-passthrough-limit", "05-s00c06h0")
    assert "2 assigned PCI devices" in io[4] and pt[4].startswith("2 assigned PCI devices")
    # what the capture lacks is said as such
    for eid in ("ksm-sleep-millisecs", "ksm-merge-across-nodes", "ksm-swap-reserve", "transparent-hugepages",
                "host-swap-configured", "host-io-scheduler", "io-scheduler-persistent", "loop-nbd-detached"):
        got = _get(rows, eid)
        assert got and all(r[3] == "skip" for r in got), (eid, got)
        assert all("not in this copy" in r[4] or "did not collect" in r[4] or "not available" in r[4] for r in got), got
        assert not any("this kernel has no" in r[4] or "no block devices under" in r[4] for r in got), got
    lv = _get(rows, "libvirtd-enabled")
    assert [r[3] for r in lv] == ["skip"] and "not in this copy" in lv[0][4]


def test_the_sosreport_reads_ps_ef(judged):
    _, rows = judged["csit-kvm-host-sosreport"]
    (r,) = _get(rows, "no-guests-outside-libvirt")
    assert r[3] == "pass" and "no QEMU process" in r[4]


def test_root_tree_and_sosreport_agree_where_both_hold_the_data(judged):
    a = dict(((r[0], r[1], r[2]), r[3]) for r in judged[LAYOUTS[0]][1])
    b = dict(((r[0], r[1], r[2]), r[3]) for r in judged[LAYOUTS[1]][1])
    differ = sorted((k, a[k], b[k]) for k in set(a) & set(b) if "skip" not in (a[k], b[k]) and a[k] != b[k])
    assert differ == []
    assert len([k for k in set(a) & set(b) if a[k] != "skip" and b[k] != "skip"]) > 60
