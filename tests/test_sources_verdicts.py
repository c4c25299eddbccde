"""The same host read three ways (plain root, sosreport, supportconfig of each collector era)
gets the same verdicts. Where an archive never collected a fact, the check must say so (skip
or error naming the missing data), never pass or fail on a guess."""
import glob
import os
import re

import pytest

from conftest import EXAMPLES
from support import archives


def RUNNING(snap):
    """Archives know guest states; a plain root does not. Say every guest runs, as on the live host."""
    names = []
    for d in ("qemu", "libxl"):
        names += [f[:-4] for f in os.listdir(os.path.join(snap, "etc", "libvirt", d))
                  if f.endswith(".xml")] if os.path.isdir(os.path.join(snap, "etc", "libvirt", d)) else []
    return dict((n, "running") for n in names)


SNAPSHOTS = sorted(p for p in glob.glob(os.path.join(EXAMPLES, "*")) if os.path.isdir(p))


def verdicts(source, catalog_data):
    from kbcheck.catalog import Entry
    from kbcheck.facts import Host
    from kbcheck.runner import run
    try:
        host = Host(source)
        out = {}
        for e, r, _ in run([Entry(d) for d in catalog_data["entries"]], host):
            out.setdefault((e.id, r.subject), []).append((r.status, r.message))
        return out
    finally:
        source.close()


def plain(root, catalog_data):
    from kbcheck.sources.root import RootSource
    return verdicts(RootSource(root), catalog_data)


# (entry, source) -> why the archive may not give the plain root's verdict: it honestly lacks the
# data (the result is then a skip naming what is missing), or holds more of it. source: "sos3",
# "sos4" or a supportconfig era of support.archives.ERAS. Anything else that differs is a bug.
_SCC = ("sle11", "sle12", "current")
LEGIT = {}
for _entry, _sources, _why in (
    ("host-io-scheduler", _SCC, "supportconfig keeps /sys/block only as `ls -l` (3.1: the schedulers, not the "
     "queues, rotational or holders)"),
    ("host-io-scheduler", ("sos3", "sos4"), "sos never copies /usr/lib/udev: whether SUSE's shipped rule gives "
     "bfq is not in the copy"),
    ("io-scheduler-persistent", _SCC + ("sos3", "sos4"), "as host-io-scheduler"),
    ("guest-io-scheduler", ("sle11", "sle12"), "supportutils before 3.1 keeps no disk's scheduler"),
    ("guest-virtio-drivers", _SCC, "supportconfig keeps neither /sys/class/net nor the schedulers (before 3.1)"),
    ("guest-virtio-rng-in-use", _SCC, "supportconfig never keeps /sys/devices/virtual/misc/hw_random"),
    ("ksm-heterogeneous-guests", _SCC, "supportutils never collects /sys/kernel/mm/ksm"),
    ("ksm-merge-across-nodes", _SCC, "as ksm-heterogeneous-guests"),
    ("ksm-multi-tenant", _SCC, "as ksm-heterogeneous-guests"),
    ("ksm-pages-to-scan", _SCC, "as ksm-heterogeneous-guests"),
    ("ksm-sleep-millisecs", _SCC, "as ksm-heterogeneous-guests"),
    ("ksm-swap-reserve", _SCC, "as ksm-heterogeneous-guests"),
    ("hugepage-pool-for-guests", _SCC, "supportconfig never keeps /sys/kernel/mm/hugepages (1 GiB pools)"),
    ("hugepages-1g-at-boot", _SCC, "as hugepage-pool-for-guests: a warning saying the runtime pool is not in the copy"),
    ("loop-nbd-detached", _SCC, "supportconfig never keeps /sys/block/loop*/loop/backing_file"),
    ("minimal-services", _SCC, "supportconfig keeps no default.target"),
    ("nfs-retransmissions", _SCC, "no supportconfig keeps /proc/net/rpc/nfs"),
    ("numa-memory-policy", _SCC, "supportconfig never keeps /sys/fs/cgroup/cpuset"),
    ("libvirtd-enabled", ("sle11", "current"), "an SLE 12 host's units are not in an SLE 11 collector's output, nor an "
     "SLE 11 host's chkconfig --list in 3.1's"),
    ("one-virtualization-technology", ("sle11",), "an SLE 11 collector keeps no systemd units (container runtimes)"),
    ("swappiness-persistent", ("sle12",), "supportutils 3.0 has no tuned.txt (tuned's profiles)"),
    ("xenstore-tmpfs", _SCC, "the archive knows which guests run (virsh list), the plain root does not: it holds "
     "more, and judges by the running ones"),
):
    for _s in _sources:
        LEGIT[(_entry, _s)] = _why


def compare(base, other, label, source=None):
    """-> problems: a verdict that differs, unless (entry, source) is in LEGIT and the archive's
    result says what it lacked (or, listed, that it holds more)."""
    problems = []
    for key, want in sorted(base.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        got = other.get(key)
        legit = (key[0], source) in LEGIT
        if got is None:
            # a subject the archive cannot enumerate (e.g. disks) must come with a host-wide skip
            host_wide = other.get((key[0], None), [])
            if legit and host_wide and all(s in ("skip", "error") for s, _ in host_wide):
                continue
            problems.append("%s %s: %s in the plain root, missing from the %s" % (key[0], key[1], want, label))
            continue
        if [s for s, _ in got] == [s for s, _ in want]:
            continue
        if legit and (all(s == "skip" and ("collect" in m or "not in this copy" in m or "cannot decide" in m)
                          for s, m in got) or key[0] in ("xenstore-tmpfs", "hugepages-1g-at-boot")):
            continue
        problems.append("%s [%s]: plain root %s, %s %s" % (key[0], key[1], want, label, got))
    return problems


def _os_release(snap):
    p = os.path.join(snap, "etc", "os-release")
    if not os.path.exists(p):
        return ""
    with open(p) as f:
        return f.read()


@pytest.mark.parametrize("snap", SNAPSHOTS, ids=[os.path.basename(s) for s in SNAPSHOTS])
@pytest.mark.parametrize("sos", ("3", "4"))
def test_sosreport_gives_the_same_verdicts(snap, sos, tmp_path, catalog_data):
    from kbcheck.sources.sosreport import SosreportSource
    dest = str(tmp_path / "sosreport-host-2026-11-25")
    archives.write_sosreport(snap, dest, states=RUNNING(snap), sos=sos)
    assert compare(plain(snap, catalog_data), verdicts(SosreportSource(dest), catalog_data), "sosreport %s.x" % sos,
                   "sos" + sos) == []


@pytest.mark.parametrize("era", archives.ERAS)
@pytest.mark.parametrize("snap", SNAPSHOTS, ids=[os.path.basename(s) for s in SNAPSHOTS])
def test_supportconfig_gives_the_same_verdicts(snap, era, tmp_path, catalog_data):
    from kbcheck.sources.supportconfig import SupportconfigSource
    if era == "sle11" and 'VERSION_ID="15' in _os_release(snap):
        pytest.skip("SLE 11's supportconfig (2.25) never ran on SLE 15")
    path = archives.write_supportconfig(snap, str(tmp_path / ("scc_kvmhost_261125_1200" + (".txz" if era == "current" else ""))),
                                        era=era, tarball=(era == "current"), states=RUNNING(snap))
    assert compare(plain(snap, catalog_data), verdicts(SupportconfigSource(path), catalog_data),
                   "supportconfig (%s)" % era, era) == []


def test_every_legitimate_difference_names_an_entry_and_a_source(catalog_data):
    ids = set(e["id"] for e in catalog_data["entries"])
    assert set(e for e, _ in LEGIT) <= ids
    assert set(s for _, s in LEGIT) <= set(("sos3", "sos4") + archives.ERAS)


# The bar: on a supportconfig of a KVM host with guests, the verdicts other than skip are
# at least 95% of what the root tree of the same data gives. The same data: the snapshot without
# what no supportutils version collects (read in its bin/supportconfig: no /sys/kernel/mm/ksm or
# /sys/kernel/mm/hugepages, no cgroup, /sys/class/net, hw_random or loop backing files, no
# /proc/net/rpc, no default.target; what /usr holds, rpm.txt and the unit list tell), so that the figure
# measures how fully kbcheck reads what the archive holds. supportutils 3.1 (SLE 15, 2022 on)
# meets the bar; 3.0 never kept a disk's scheduler nor tuned's profiles (LEGIT names those pairs).
BAR = {"current": 0.95, "sle12": 0.93}
NEVER_IN_A_SUPPORTCONFIG = re.compile(r"^/(sys/kernel/mm/(ksm|hugepages)/|sys/fs/cgroup/|sys/class/net/|"
                                      r"sys/devices/virtual/misc/|sys/block/[^/]+/loop/|proc/net/rpc/|"
                                      r"etc/systemd/system/default\.target|"
                                      r"usr/lib/systemd/system/default\.target)")


def _not_skipped(v):
    return sum(1 for rs in v.values() for s, _ in rs if s != "skip")


def same_data(snap):
    """The snapshot as a supportconfig can hold it: {path: text}."""
    files = archives.load_snapshot(snap)
    return dict((p, t) for p, t in files.items() if not NEVER_IN_A_SUPPORTCONFIG.match(p))


@pytest.mark.parametrize("snap,era", [("sle12-kvm-untuned", "sle12"), ("sle12-kvm-untuned", "current"),
                                      ("sle15-kvm-tuned", "current")])   # (3.0 never ran on SLE 15)
def test_a_kvm_hosts_supportconfig_keeps_the_verdicts_of_its_root_tree(snap, era, tmp_path, catalog_data):
    from kbcheck.sources.root import RootSource
    from kbcheck.sources.supportconfig import SupportconfigSource
    root = os.path.join(EXAMPLES, snap)
    data = same_data(root)
    tree = str(tmp_path / "root")
    for p, text in data.items():
        dest = os.path.join(tree, p.lstrip("/"))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "w") as f:
            f.write(text)
    path = archives.write_supportconfig(data, str(tmp_path / "scc"), era=era, states=RUNNING(root))
    base = _not_skipped(verdicts(RootSource(tree), catalog_data))
    full = _not_skipped(plain(root, catalog_data))
    got = _not_skipped(verdicts(SupportconfigSource(path), catalog_data))
    figure = "%s, supportconfig (%s): %d verdicts, %d on the root tree of the same data (%.1f%%), %d on the whole " \
        "snapshot (%.1f%%)" % (snap, era, got, base, 100.0 * got / base, full, 100.0 * got / full)
    print(figure)
    assert base > 100 and got >= BAR[era] * base, figure
