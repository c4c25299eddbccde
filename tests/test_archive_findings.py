"""Each finding of issue 15, from archives written the way the collectors write them
(tests/support/archives.py): what a supportconfig or sosreport holds is read, what it lacks is
said as such ("not in this copy"), never judged on a guess."""
import os
import subprocess
import sys

import pytest

from conftest import EXAMPLES
from support import archives

UNTUNED = os.path.join(EXAMPLES, "sle12-kvm-untuned")
XEN11 = os.path.join(EXAMPLES, "sle11-xen-dom0")
PVGUEST = os.path.join(EXAMPLES, "sle12-xen-pv-guest")
SLE15 = os.path.join(EXAMPLES, "sle15-kvm-tuned")


def _scc(snap, tmp_path, era, **kw):
    from kbcheck.facts import Host
    from kbcheck.sources.supportconfig import SupportconfigSource
    return Host(SupportconfigSource(archives.write_supportconfig(snap, str(tmp_path), era=era, **kw)))


def _sos(snap, tmp_path, sos, **kw):
    from kbcheck.facts import Host
    from kbcheck.sources.sosreport import SosreportSource
    return Host(SosreportSource(archives.write_sosreport(snap, str(tmp_path / "sosreport-h"), sos=sos, **kw)))


def _root(snap):
    from kbcheck.facts import Host
    from kbcheck.sources.root import RootSource
    return Host(RootSource(snap))


def _run(host, catalog_data, *ids):
    from kbcheck.catalog import Entry
    from kbcheck.runner import run
    entries = [Entry(d) for d in catalog_data["entries"] if d["id"] in ids]
    return [(e.id, r.subject, r.status, r.message) for e, r, _ in run(entries, host)]


# -- supportconfig: swap, swappiness, huge pages, Xen roles ---------------------------------------
@pytest.mark.parametrize("era", archives.ERAS)
def test_swap_from_proc_txt_or_free(tmp_path, era, catalog_data):
    """SLE 11/12 collectors write every file under /proc into proc.txt (/proc/swaps among them);
    3.1 keeps only `free -k`, whose totals still judge host-swap-configured."""
    h = _scc(UNTUNED, tmp_path, era)
    want = _run(_root(UNTUNED), catalog_data, "host-swap-configured")
    got = _run(h, catalog_data, "host-swap-configured")
    assert [r[2] for r in got] == [r[2] for r in want] == ["pass"], got
    if era == "current":
        assert "free -k" in " ".join(d["from"] for d in _evidence(h, catalog_data, "host-swap-configured"))


def _evidence(host, catalog_data, eid):
    from kbcheck.catalog import Entry
    from kbcheck.runner import run
    (e,) = [Entry(d) for d in catalog_data["entries"] if d["id"] == eid]
    return [d for _, r, _ in run([e], host) for d in r.evidence]


@pytest.mark.parametrize("era", archives.ERAS)
def test_swappiness_and_huge_pages_judged_from_every_era(tmp_path, era, catalog_data):
    """sysctl -a and the sysctl.d files decide; a tuned profile or the huge page folder the
    archive lacks (optional inputs) never abort the probe."""
    ids = ("swappiness-persistent", "swappiness-guest-memory", "hugepages-1g-at-boot", "transparent-hugepages")
    got = dict(((r[0], r[1]), r) for r in _run(_scc(UNTUNED, tmp_path, era), catalog_data, *ids))
    want = dict(((r[0], r[1]), r) for r in _run(_root(UNTUNED), catalog_data, *ids))
    assert got[("swappiness-persistent", None)][2] == want[("swappiness-persistent", None)][2] != "skip"
    hp = got[("hugepages-1g-at-boot", None)]
    assert hp[2] == "warn" and "not in this copy" in hp[3], hp   # the root tree says fail: it shows the pools
    for key, r in want.items():
        if key[0] == "transparent-hugepages":
            assert got[key][2] == r[2], (got[key], r)


@pytest.mark.parametrize("era", ("sle11", "sle12"))
def test_xen_roles_from_the_virtualization_block(tmp_path, era, catalog_data):
    """supportutils never copies /proc/xen; its detectVirtualization block in basic-environment.txt
    names Dom0 or DomU, and the hostname comes from uname -a."""
    from kbcheck.detect import summary
    dom0 = _scc(XEN11, tmp_path / "a", era)
    assert "xen_dom0" in dom0.roles
    guest = _scc(PVGUEST, tmp_path / "b", era)
    s = summary(guest)
    assert "xen_guest" in guest.roles and s["hostname"] not in (None, "", "?"), s
    skipped = [r for r in _run(guest, catalog_data, *[d["id"] for d in catalog_data["entries"]]) if r[2] == "skip"]
    root = [r for r in _run(_root(PVGUEST), catalog_data, *[d["id"] for d in catalog_data["entries"]])
            if r[2] == "skip"]
    assert len(skipped) <= len(root) + 3, skipped


# -- sosreports: processes, packages and services, mounts ----------------------------------------
QEMU = "/usr/bin/qemu-kvm -name rogue -m 2048 -drive file=/srv/rogue.qcow2\0"


@pytest.mark.parametrize("sos", ("3", "4"))
def test_ps_listing_shows_an_unmanaged_qemu(tmp_path, sos, catalog_data):
    """sos never copies /proc/PID/cmdline: its ps auxwww (3.x) or ps auxwwwm (4.x) is read."""
    snap = archives.load_snapshot(SLE15)
    snap["/proc/4242/cmdline"] = QEMU
    snap["/proc/4242/status"] = "Name:\tqemu-kvm\nUid:\t0\t0\t0\t0\n"
    h = _sos(snap, tmp_path, sos)
    assert not any(p.startswith("proc/4242") for p in os.listdir(h.source.root))
    got = _run(h, catalog_data, "no-guests-outside-libvirt")
    assert [(r[1], r[2]) for r in got] == [("rogue", "fail")], got
    assert "QEMU processes running" not in got[0][3]


@pytest.mark.parametrize("sos", ("3", "4"))
def test_libvirtd_enabled_from_the_package_and_unit_lists(tmp_path, sos, catalog_data):
    """sos never copies /usr/sbin: installed-rpms and systemctl list-unit-files tell the truth."""
    h = _sos(SLE15, tmp_path, sos)
    assert not os.path.exists(os.path.join(h.source.root, "usr", "sbin"))
    (r,) = _run(h, catalog_data, "libvirtd-enabled")
    (want,) = _run(_root(SLE15), catalog_data, "libvirtd-enabled")
    assert r[2] == want[2] and "not installed" not in r[3], r
    assert h.packages and "libvirt-daemon-driver-qemu" in h.packages


def test_sos_3_mounts_from_mountinfo_or_mount_l(tmp_path, catalog_data):
    """sos 3.6 never copied /proc/mounts: proc/1/mountinfo, else sos_commands/filesys/mount_-l."""
    want = sorted((m.mountpoint, m.fstype) for m in _root(UNTUNED).mounts)
    h = _sos(UNTUNED, tmp_path / "a", "3")
    assert not os.path.exists(os.path.join(h.source.root, "proc", "mounts"))
    assert sorted((m.mountpoint, m.fstype) for m in h.mounts) == want
    h2 = _sos(UNTUNED, tmp_path / "b", "3")
    os.remove(os.path.join(h2.source.root, "proc", "1", "mountinfo"))
    assert sorted((m.mountpoint, m.fstype) for m in h2.mounts) == want
    ids = ("nfs-image-mounts", "hugetlbfs-mounted")
    assert [r[2] for r in _run(h2, catalog_data, *ids)] == [r[2] for r in _run(_root(UNTUNED), catalog_data, *ids)]
    os.remove(os.path.join(h2.source.root, "sos_commands", "filesys", "mount_-l"))
    h3 = _sos(UNTUNED, tmp_path / "c", "3", omit=("mount -l",))
    os.remove(os.path.join(h3.source.root, "proc", "1", "mountinfo"))
    got = _run(h3, catalog_data, "nfs-image-mounts")
    assert got and all(r[2] == "skip" for r in got) and not any("0 NFS mounts" in r[3] for r in got), got


# -- "executible", several archives --------------------------------------------------------------
def test_a_command_that_could_not_run_spelled_executible_is_a_failed_command(tmp_path):
    from kbcheck.errors import CommandFailed
    from kbcheck.sources.supportconfig import SupportconfigSource
    d = archives.write_supportconfig(UNTUNED, str(tmp_path), era="sle11", failing=("sysctl -a",))
    os.remove(os.path.join(d, "proc.txt"))
    env = os.path.join(d, "env.txt")
    with open(env) as f:
        text = f.read()
    assert "not executable" in text
    with open(env, "w") as f:
        f.write(text.replace("not executable", "not executible"))   # supportconfig.rc before August 2019
    src = SupportconfigSource(d)
    with pytest.raises(CommandFailed):
        src.command("sysctl -a")
    src.close()


def test_a_folder_of_several_supportconfigs_is_refused_with_their_list(tmp_path, built):
    for name in ("scc_a_240101_0000", "scc_b_240101_0000"):
        archives.write_supportconfig(UNTUNED, str(tmp_path), host=name.split("_")[1])
    archives.write_supportconfig(UNTUNED, str(tmp_path), host="c", tarball=True)
    out = subprocess.run([sys.executable, built["pyz"], "--supportconfig", str(tmp_path)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    err = out.stderr.decode()
    assert out.returncode == 2 and out.stdout == b"", err
    assert "holds 3 supportconfigs" in err and "scc_a_240101_0000" in err and "scc_c_240101_0000.txz" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    one = tmp_path / "one"
    archives.write_supportconfig(UNTUNED, str(one), host="a")
    ok = subprocess.run([sys.executable, built["pyz"], "--supportconfig", str(one), "--format", "json"],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    assert ok.returncode in (0, 1), ok.stderr
    assert b"scc_a_240101_0000" in ok.stdout   # labelled with the supportconfig, not its parent folder


# -- what a copy lacks is "not in this copy" ----------------------------------------------------
@pytest.mark.parametrize("era", archives.ERAS)
def test_ksm_in_a_supportconfig_is_not_in_this_copy(tmp_path, era, catalog_data):
    got = _run(_scc(UNTUNED, tmp_path, era), catalog_data, "ksm-sleep-millisecs", "ksm-pages-to-scan")
    assert got and all(r[2] == "skip" and "not in this copy" in r[3] for r in got), got
    assert not any("this kernel has no" in r[3] for r in got)


def test_guestfs_tools_in_a_copy_without_usr_are_not_in_this_copy(tmp_path, catalog_data):
    got = _run(_scc(UNTUNED, tmp_path, "sle12"), catalog_data, "open-images-safely")
    assert got and not any("no guestfs tools found" in r[3] for r in got), got
    assert any("not in this copy" in r[3] for r in got), got


def test_host_cpu_model_from_cpuinfo_without_capabilities(tmp_path, catalog_data):
    snap = archives.load_snapshot(UNTUNED)
    snap.pop("/var/lib/kbcheck/capabilities.xml", None)
    h = _sos(snap, tmp_path, "4")
    got = _run(h, catalog_data, "guest-cpu-migration")
    assert got and not any("host CPU model is unknown" in r[3] for r in got), got
    model = next(ln.split(":", 1)[1].strip() for ln in snap["/proc/cpuinfo"].splitlines() if ln.startswith("model name"))
    assert any(model in r[3] for r in got), (model, got)


@pytest.mark.parametrize("sos", ("3", "4"))
def test_sle15_schedulers_without_the_vendor_udev_rules_are_not_failed(tmp_path, sos, catalog_data):
    """sos never copies /usr/lib/udev: on SLE 15, whether SUSE's shipped rule gives a disk bfq is not
    in the copy, so neither entry fails the disk the root tree judges as SUSE's default (info)."""
    ids = ("host-io-scheduler", "io-scheduler-persistent")
    want = dict(((r[0], r[1]), r[2]) for r in _run(_root(SLE15), catalog_data, *ids))
    assert want[("host-io-scheduler", "sda")] == "info"
    got = _run(_sos(SLE15, tmp_path, sos), catalog_data, *ids)
    for eid, subject, status, message in got:
        assert status != "fail", (eid, subject, message)
    sda = [r for r in got if r[0] == "host-io-scheduler" and r[1] == "sda"]
    assert sda and sda[0][2] == "skip" and "not in this copy" in sda[0][3], sda


@pytest.mark.parametrize("era", ("sle11", "sle12"))
def test_swappiness_without_tuned_files_is_not_failed(tmp_path, era, catalog_data):
    """supportutils before 3.1 keeps no tuned profile: a host whose tuned profile sets vm.swappiness
    is not told that nothing sets it at boot."""
    (want,) = _run(_root(SLE15), catalog_data, "swappiness-persistent")
    assert want[2] == "pass" and "tuned profile" in want[3]
    (got,) = _run(_scc(SLE15, tmp_path, era), catalog_data, "swappiness-persistent")
    assert got[2] == "skip" and "whether a tuned profile does is not in this copy" in got[3], got


NFV = """<domain type='kvm'><name>nfv</name><memory unit='KiB'>4194304</memory><vcpu>4</vcpu>
<os><type arch='x86_64' machine='pc-q35-6.2'>hvm</type></os><devices>
<disk type='block' device='disk'><driver name='qemu' type='raw' cache='none' io='native'/>
<source dev='/dev/vg0/nfv'/><target dev='vda' bus='virtio'/></disk>
<interface type='hostdev' managed='yes'><source><address type='pci' domain='0x0000' bus='0x05' slot='0x10' function='0x0'/></source></interface>
<interface type='hostdev' managed='yes'><source><address type='pci' domain='0x0000' bus='0x05' slot='0x10' function='0x2'/></source></interface>
<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x81' slot='0x00' function='0x0'/></source></hostdev>
</devices></domain>
"""


def test_one_count_of_a_guests_assigned_devices(tmp_path, catalog_data):
    """guest-io-devices and pci-passthrough-limit count the same devices: hostdev interfaces too."""
    import shutil
    root = str(tmp_path / "root")
    shutil.copytree(UNTUNED, root, symlinks=True)
    with open(os.path.join(root, "etc", "libvirt", "qemu", "nfv.xml"), "w") as f:
        f.write(NFV)
    got = dict((r[0], r) for r in _run(_root(root), catalog_data, "guest-io-devices", "pci-passthrough-limit")
               if r[1] == "nfv")
    assert "3 assigned PCI devices" in got["guest-io-devices"][3], got
    assert got["pci-passthrough-limit"][3].startswith("3 assigned PCI devices"), got
