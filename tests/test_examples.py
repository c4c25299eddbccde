"""The example snapshots under examples/ get the verdicts the guide implies.

Each snapshot is judged as the bundled runner judges a --root: kbcheck.runner over the compiled
catalog (the `catalog_data` fixture), plus one run of the built kbcheck.pyz per example. What is
pinned here:
  * detection (product, era, roles, CPUs, cores, NUMA nodes, guests) of every example;
  * no `error` result anywhere;
  * the sound hosts (the tuned SLE 12 and SLE 15 KVM hosts, the tuned SLE 12 Xen Domain-0, the
    docker-only host, the ordinary Xen PV guest): no `fail` and no `warn`, without any --assume;
  * the untuned KVM host, the SLE 11 Xen Domain-0, the KVM guest and the sound hosts: the main
    verdicts the guide implies, as (entry, subject, status).
A new entry that fails or warns on a sound host is a false verdict: fix the probe, not this test.
"""
import os
import subprocess
import sys

import pytest

from conftest import EXAMPLES

NAMES = ("sle12-kvm-untuned", "sle12-kvm-tuned", "sle11-xen-dom0", "sle12-kvm-guest", "sle15-kvm-tuned",
         "sle12-xen-dom0-tuned", "sle15-docker-host", "sle12-xen-pv-guest")
SOUND = ("sle12-kvm-tuned", "sle15-kvm-tuned", "sle12-xen-dom0-tuned", "sle15-docker-host", "sle12-xen-pv-guest")

DETECTION = {
    "sle12-kvm-untuned": {"hostname": "kvm01", "product": "sle12", "version": "12.5", "era": "sle12",
                          "roles": ["kvm_host"], "cpus": 16, "cores": 8, "sockets": 2, "numa_nodes": 2, "guests": 5},
    "sle12-kvm-tuned": {"hostname": "kvm02", "product": "sle12", "version": "12.5", "era": "sle12",
                        "roles": ["kvm_host"], "cpus": 16, "cores": 8, "sockets": 2, "numa_nodes": 2, "guests": 3},
    "sle11-xen-dom0": {"hostname": "xen01", "product": "sle11", "version": "11.4", "era": "sle11",
                       "roles": ["xen_dom0"], "cpus": 8, "cores": 8, "sockets": 2, "numa_nodes": 1, "guests": 5},
    "sle12-kvm-guest": {"hostname": "web03", "product": "sle12", "version": "12.5", "era": "sle12",
                        "roles": ["kvm_guest"], "cpus": 2, "cores": 2, "sockets": 1, "numa_nodes": 1, "guests": 0},
    "sle15-kvm-tuned": {"hostname": "kvm15", "product": "sle15", "version": "15.6", "era": "sle12",
                        "roles": ["kvm_host"], "cpus": 16, "cores": 8, "sockets": 2, "numa_nodes": 2, "guests": 3},
    # the machine, not Domain-0's own view (dom0_max_vcpus=4, one node): its capabilities hold 32
    # CPUs (16 cores) in 2 NUMA cells; sockets: not from Domain-0's view
    "sle12-xen-dom0-tuned": {"hostname": "xen02", "product": "sle12", "version": "12.5", "era": "sle12",
                             "roles": ["xen_dom0"], "cpus": 32, "cores": 16, "sockets": None, "numa_nodes": 2,
                             "guests": 3},
    # kvm_intel is loaded (a VT-x CPU), yet nothing uses KVM: a container host only
    "sle15-docker-host": {"hostname": "ci07", "product": "sle15", "version": "15.6", "era": "sle12",
                          "roles": ["container_host"], "cpus": 8, "cores": 4, "sockets": 1, "numa_nodes": 1, "guests": 0},
    "sle12-xen-pv-guest": {"hostname": "web05", "product": "sle12", "version": "12.5", "era": "sle12",
                           "roles": ["xen_guest"], "cpus": 2, "cores": 2, "sockets": 1, "numa_nodes": 1, "guests": 0},
}

# (entry, subject, status) the guide implies for the untuned host (section in the comment)
UNTUNED = [
    ("host-io-scheduler", "sda", "fail"),                     # 4.3.1 cfq on a host
    ("host-io-scheduler", "sdb", "fail"),
    ("io-scheduler-persistent", "sda", "fail"),               # 4.3.1 nothing sets deadline at boot
    ("ksm-sleep-millisecs", None, "fail"),                    # 4.1.4 20 ms
    ("ksm-merge-across-nodes", None, "warn"),                 # 4.1.4 two nodes, merging across: "if latencies are noticed"
    ("ksm-multi-tenant", None, "info"),                       # 4.1.4 undeclared tenancy
    ("numa-balancing", None, "fail"),                         # 4.6.1 off on a NUMA host
    ("swappiness-persistent", None, "fail"),                  # 4.2.1 10 now, 35 at boot
    ("aio-max-nr", None, "warn"),                             # 4.3.2 94 % used: "consider", undeclared
    ("hugepage-pool-for-guests", "hugepages-1048576kB", "fail"),  # 4.1.1 db01 wants 1 GiB pages, pool empty
    ("hugetlbfs-mounted", "hugepages-1048576kB", "fail"),         # 4.1.1 no hugetlbfs for 1 GiB pages
    ("hugepages-1g-at-boot", None, "fail"),                       # 4.1.1 nothing reserves them at boot
    ("nfs-image-mounts", "/var/lib/libvirt/images", "fail"),  # 4.4.1 soft, rsize 8 KiB
    ("nfs-retransmissions", None, "fail"),                    # 4.4.2 0.16 % retransmitted
    ("loop-nbd-detached", "/dev/loop0", "fail"),              # 5.3 loop device on app01's disk
    ("libvirtd-enabled", None, "fail"),                       # 3.1 installed, not enabled
    ("cpu-overcommit", None, "warn"),                         # 4.5.1 38 vCPUs on 16 CPUs (R4.5.1a)
    ("cpu-overcommit", None, "pass"),                         # 4.5.1 38 vCPUs on 8 cores, within 8x (R4.5.1b)
    ("guest-vcpus-within-host", "db01", "fail"),              # 4.5.1 24 vCPUs on 16 CPUs
    ("guest-vcpus-within-host", "web01", "pass"),
    ("guest-numa-topology", "db01", "warn"),                  # 4.6.3 spans nodes, no <numa>: "can often help"
    ("guest-numa-topology", "web01", "pass"),
    ("guest-numa-locality", "app01", "fail"),                 # 4.6.3 interleaved over both nodes
    ("memory-hotplug-numa-cell", "app01", "fail"),            # 4.1.5 maxMemory without a cell
    ("guest-memtune-limits", "web02", "fail"),                # 4.2.1 hard_limit
    ("guest-memtune-limits", "web01", "pass"),
    ("qemu-commandline-passthrough", "web02", "info"),        # 7.6 raw -k de
    ("guest-cpu-model", "web01", "fail"),                     # 4.5.2 generic CPU
    ("guest-cpu-model", "web02", "pass"),
    ("virtio-disk-bus", "db01", "fail"),                      # 6.1.1 IDE
    ("virtio-disk-bus", "legacy-sles11", "fail"),
    ("virtio-disk-bus", "web01", "pass"),
    ("virtio-nic-model", "db01", "fail"),                     # 6.1.2 e1000
    ("virtio-nic-model", "legacy-sles11", "fail"),            # rtl8139
    ("virtio-nic-model", "web01", "pass"),
    ("virtio-memballoon", "legacy-sles11", "fail"),           # 6.1.3 balloon none
    ("virtio-memballoon", "web01", "pass"),
    ("virtio-rng-device", "web01", "fail"),                   # 6.3 no RNG
    ("virtio-rng-device", "app01", "pass"),
    ("image-formats", "legacy-sles11", "fail"),               # 5.1 vmdk
    ("image-formats", "web01", "pass"),
    ("kvm-emulator-x86-64", "legacy-sles11", "fail"),         # 3.2 qemu-system-i386
    ("kvm-emulator-x86-64", "web01", "pass"),
    ("guest-acpi", "legacy-sles11", "fail"),                  # 7.1 no ACPI
    ("guest-acpi", "web01", "pass"),
    ("newest-machine-type", "web01", "fail"),                 # 6.5 pc-i440fx-2.11 < 3.1
    ("newest-machine-type", "app01", "fail"),                 # pc-q35-2.11 < 3.1
    ("newest-machine-type", "web02", "pass"),
    ("host-swap-configured", None, "pass"),                   # 4.2
    ("boot-config-applied", None, "pass"),                    # 7.5
    ("minimal-services", None, "info"),                       # 6.4 boots to graphical.target
]

XEN_DOM0 = [
    ("xen-dom0-mem", None, "fail"),                                 # 4.1.3.1 no dom0_mem on xen.gz
    ("xen-dom0-autoballoon", "/etc/xen/xl.conf", "fail"),           # 4.1.3.1 autoballoon left on
    ("xen-dom0-autoballoon", "/etc/libvirt/libxl.conf", "fail"),
    ("xen-dom0-autoballoon", "/etc/xen/xend-config.sxp", "fail"),   # enable-dom0-ballooning yes
    ("xenstore-tmpfs", None, "warn"),                               # 4.1.3.2 12 domains, no tmpfs, running unknown
    ("xen-guest-no-numa", "sles11-db", "fail"),                     # 4.6.3.1 KVM-only <numa>
    ("xen-guest-no-numa", "sles11-mail", "pass"),
    ("xen-hvm-device-model", "win2008-erp", "warn"),                # 3.2 qemu-dm
    ("xen-hvm-device-model", "sles11-db", "pass"),
    ("host-io-scheduler", "sda", "fail"),                           # 4.3.1
    ("transparent-hugepages", None, "info"),                        # 4.1.2 not for Xen guests
    ("libvirtd-enabled", None, "pass"),                             # 3.1 rc3.d/rc5.d links
    ("boot-config-applied", None, "pass"),                          # 7.5 menu.lst matches
    ("one-virtualization-technology", None, "pass"),                # 6.4
    ("minimal-services", None, "info"),                             # 6.4 runlevel 5
    ("ksm-sleep-millisecs", None, "skip"),                          # KVM-only advice
    ("numa-balancing", None, "skip"),                               # SLE 12, KVM only
    ("guest-cpu-model", None, "skip"),
]

KVM_GUEST = [
    ("guest-io-scheduler", "vda", "fail"),          # 4.3.1 mq-deadline inside a guest
    ("guest-io-scheduler", "vdb", "fail"),
    ("io-scheduler-persistent", "vda", "fail"),     # 4.3.1 nothing sets none at boot
    ("guest-virtio-drivers", "vda", "pass"),        # 6.1.4
    ("guest-virtio-drivers", "eth0", "pass"),
    ("guest-virtio-drivers", "eth1", "fail"),       # e1000
    ("guest-virtio-rng-in-use", None, "fail"),      # 6.3 rng-tools not enabled
    ("minimal-services", None, "info"),             # 6.4 text mode
    ("boot-config-applied", None, "pass"),          # 7.5
    ("host-io-scheduler", None, "skip"),            # host-only checks do not apply
    ("virtio-disk-bus", None, "skip"),
    ("ksm-sleep-millisecs", None, "skip"),
]


SLE15_KVM = [
    ("host-io-scheduler", "sda", "info"),           # 4.3.1 bfq from SUSE's shipped udev rule
    ("host-io-scheduler", "sdb", "pass"),           # mq-deadline, the kernel's default
    ("host-io-scheduler", "nvme0n1", "info"),       # none on 16 hardware queues
    ("io-scheduler-persistent", "sda", "info"),     # the shipped rule sets bfq at every boot
    ("io-scheduler-persistent", "nvme0n1", "pass"),
    ("libvirtd-enabled", None, "pass"),             # 3.1 virtqemud and its sockets
    ("no-guests-outside-libvirt", None, "pass"),    # 3.1 three QEMU processes, all libvirt's
    ("numa-balancing", None, "pass"),               # 4.6.1 as shipped
    ("swappiness-persistent", None, "pass"),        # 4.2.1 tuned's throughput-performance
    ("one-virtualization-technology", None, "pass"),
    ("guest-numa-locality", "web01", "pass"),
    ("guest-numatune", "db01", "pass"),
    ("newest-machine-type", "db01", "pass"),
]

XEN_DOM0_TUNED = [
    ("guest-vcpus-within-host", "sles12-db", "pass"),  # 4.5.1 8 vCPUs on a 32-CPU machine, Domain-0 has 4
    ("cpu-overcommit", None, "pass"),
    ("boot-config-applied", None, "pass"),             # 7.5 the XEN_REPLACE line is what runs
    ("io-scheduler-persistent", "sda", "pass"),        # elevator=deadline on the Domain-0 line
    ("xen-dom0-mem", None, "pass"),
    ("xen-dom0-autoballoon", "/etc/xen/xl.conf", "pass"),
    ("xenstore-tmpfs", None, "pass"),
    ("libvirtd-enabled", None, "pass"),
    ("converted-fv-guest-config", "win2016", "skip"),  # a native HVM guest, not a conversion
]

DOCKER = [
    ("one-virtualization-technology", None, "pass"),   # 6.4 containers only, despite kvm_intel
    ("containers-isolation", None, "info"),
    ("libvirtd-enabled", None, "skip"),                # not a KVM or Xen host
]

XEN_PV_GUEST = [
    ("guest-io-scheduler", "xvda", "pass"),
    ("io-scheduler-persistent", "xvda", "pass"),
    ("pv-fstab-stable-names", None, "skip"),           # 9 an ordinary PV guest, no conversion
    ("pv-initrd-fv-drivers", None, "skip"),
    ("pv-kernel-default", None, "skip"),
]


@pytest.fixture(scope="module")
def judged(catalog_data):
    """{example: (host summary, [(entry id, subject, status, message)])}, judged once."""
    from kbcheck import detect
    from kbcheck.catalog import Entry
    from kbcheck.facts import Host
    from kbcheck.runner import run
    from kbcheck.sources.root import RootSource
    entries = [Entry(d) for d in catalog_data["entries"]]
    out = {}
    for name in NAMES:
        source = RootSource(os.path.join(EXAMPLES, name))
        try:
            host = Host(source)
            results = [(e.id, r.subject, r.status, r.message) for e, r, _ in run(entries, host)]
            out[name] = (detect.summary(host), results)
        finally:
            source.close()
    return out


def _show(rows):
    return "\n".join("  %s [%s] %s: %s" % r for r in rows)


def test_every_example_is_here():
    have = sorted(n for n in os.listdir(EXAMPLES) if os.path.isdir(os.path.join(EXAMPLES, n)))
    assert have == sorted(NAMES)
    for n in NAMES:
        assert os.path.isfile(os.path.join(EXAMPLES, n, "README.md")), n


@pytest.mark.parametrize("name", NAMES)
def test_small_text_tree(name):
    files = []
    for d, _dirs, fs in os.walk(os.path.join(EXAMPLES, name)):
        files += [os.path.join(d, f) for f in fs]
    assert len(files) < 200
    for p in files:
        with open(p, "rb") as f:
            f.read().decode("utf-8")   # text only


@pytest.mark.parametrize("name", NAMES)
def test_detection(name, judged):
    summary, _ = judged[name]
    got = dict((k, summary[k]) for k in DETECTION[name])
    assert got == DETECTION[name]
    assert summary["unsure"] == []


@pytest.mark.parametrize("name", NAMES)
def test_no_error_results(name, judged):
    errors = [r for r in judged[name][1] if r[2] == "error"]
    assert errors == [], "error results on %s:\n%s" % (name, _show(errors))


@pytest.mark.parametrize("name", SOUND)
def test_sound_host_has_no_fail_and_no_warn(name, judged):
    bad = [r for r in judged[name][1] if r[2] in ("fail", "warn", "error")]
    assert bad == [], "%s, a sound host, gets fail/warn (false verdicts):\n%s" % (name, _show(bad))


def test_tuned_host_passes_the_main_checks(judged):
    status = dict(((i, s), st) for i, s, st, _ in judged["sle12-kvm-tuned"][1])
    for key in [("host-io-scheduler", "sda"), ("io-scheduler-persistent", "sda"), ("ksm-sleep-millisecs", None),
                ("ksm-merge-across-nodes", None), ("numa-balancing", None), ("swappiness-persistent", None),
                ("aio-max-nr", None), ("hugepage-pool-for-guests", "hugepages-1048576kB"),
                ("hugetlbfs-mounted", "hugepages-1048576kB"), ("hugepages-1g-at-boot", None),
                ("nfs-image-mounts", "/var/lib/libvirt/images"), ("nfs-retransmissions", None),
                ("libvirtd-enabled", None), ("cpu-overcommit", None), ("guest-numa-topology", "db01"),
                ("guest-numatune", "db01"), ("guest-numa-locality", "web01"), ("newest-machine-type", "db01"),
                ("virtio-rng-device", "web01"), ("virtio-memballoon", "db01"), ("loop-nbd-detached", None)]:
        assert status.get(key) == "pass", (key, status.get(key))


def _check(name, expected, judged):
    results = judged[name][1]
    got = {}
    for i, s, st, msg in results:
        got.setdefault((i, s), []).append((st, msg))
    wrong = []
    for eid, subject, status in expected:
        have = got.get((eid, subject))
        if have is None and subject is None and status == "skip":
            # a guest-scope entry that does not apply skips once for the host
            have = got.get((eid, None))
        if have is None or status not in [st for st, _ in have]:
            wrong.append("%s [%s]: expected %s, got %s" % (eid, subject, status, have))
    assert wrong == [], "\n".join(wrong)


def test_untuned_host_verdicts(judged):
    assert len(UNTUNED) >= 20
    _check("sle12-kvm-untuned", UNTUNED, judged)
    fails = [r for r in judged["sle12-kvm-untuned"][1] if r[2] == "fail"]
    assert len(fails) >= 30


def test_xen_dom0_verdicts(judged):
    _check("sle11-xen-dom0", XEN_DOM0, judged)


def test_kvm_guest_verdicts(judged):
    _check("sle12-kvm-guest", KVM_GUEST, judged)


@pytest.mark.parametrize("name,expected", [("sle15-kvm-tuned", SLE15_KVM), ("sle12-xen-dom0-tuned", XEN_DOM0_TUNED),
                                           ("sle15-docker-host", DOCKER), ("sle12-xen-pv-guest", XEN_PV_GUEST)])
def test_sound_host_verdicts(name, expected, judged):
    _check(name, expected, judged)


def test_bundled_runner_on_every_example(built):
    """The one-file runner prints the same story: exit 1 where something fails, 0 on the tuned host."""
    for name in NAMES:
        p = subprocess.Popen([sys.executable, built["pyz"], "--root", os.path.join(EXAMPLES, name)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
        out, err = p.communicate(timeout=120)
        summary = [l for l in out.splitlines() if " fail, " in l and " error, " in l]
        assert summary and " 0 error," in summary[-1], (name, out[-2000:], err)
        if name in SOUND:
            assert summary[-1].startswith("0 fail, 0 error, 0 warn,"), out
            assert p.returncode == 0, (p.returncode, err)
        else:
            assert p.returncode == 1, (name, p.returncode, err)
