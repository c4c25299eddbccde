"""sosreport and supportconfig sources: the same answers as a plain root, evidence states,
tarball safety, and the supportconfig section parser on real-world shapes and garbage."""
import io
import os
import random
import tarfile

import pytest

from kbcheck.errors import CommandFailed, Evidence, NotCollected, ParseError, Unreadable
from kbcheck.parsers import kernel
from kbcheck.parsers import supportconfig_sections as scp
from kbcheck.parsers import xmlsafe
from kbcheck.sources import sosreport as sosmod
from kbcheck.sources import supportconfig as sccmod
from kbcheck.sources.root import RootSource
from kbcheck.sources.sosreport import SosreportSource
from kbcheck.sources.supportconfig import SupportconfigSource
from support import archives

DOMAIN = """<!--
WARNING: THIS IS AN AUTO-GENERATED FILE. CHANGES TO IT ARE LIKELY TO BE
OVERWRITTEN AND LOST.
-->
<domain type='kvm'>
  <name>%s</name>
  <memory unit='KiB'>2097152</memory>
  <vcpu placement='static'>2</vcpu>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' cache='none' io='native'/>
      <source file='/var/lib/libvirt/images/%s.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
"""

SNAPSHOT = {
    "/proc/meminfo": "MemTotal:       16318316 kB\nMemFree:         1024000 kB\nHugePages_Total:       0\n"
                     "Hugepagesize:       2048 kB\n",
    "/proc/cpuinfo": "processor\t: 0\nvendor_id\t: GenuineIntel\nphysical id\t: 0\ncore id\t\t: 0\n"
                     "flags\t\t: fpu vmx ept\n\nprocessor\t: 1\nvendor_id\t: GenuineIntel\nphysical id\t: 0\n"
                     "core id\t\t: 1\nflags\t\t: fpu vmx ept\n\n",
    "/proc/cmdline": "BOOT_IMAGE=/boot/vmlinuz-5.14.21 root=UUID=1234 splash=silent quiet transparent_hugepage=never\n",
    "/proc/mounts": "/dev/sda2 / btrfs rw,relatime 0 0\nproc /proc proc rw 0 0\n",
    "/proc/modules": "kvm_intel 389120 0 - Live 0x0000000000000000\n"
                     "kvm 1155072 1 kvm_intel, Live 0x0000000000000000\n",
    "/proc/sys/vm/swappiness": "60\n",
    "/proc/sys/vm/nr_hugepages": "0\n",
    "/proc/sys/kernel/tainted": "0\n",
    "/proc/sys/kernel/numa_balancing": "1\n",
    "/proc/sys/net/ipv4/ip_forward": "1\n",
    "/sys/block/sda/queue/scheduler": "[mq-deadline] kyber bfq none\n",
    "/sys/block/sda/queue/rotational": "1\n",
    "/sys/block/vda/queue/scheduler": "[none] mq-deadline\n",
    "/sys/kernel/mm/transparent_hugepage/enabled": "always madvise [never]\n",
    "/sys/kernel/mm/transparent_hugepage/defrag": "always defer [madvise] never\n",
    "/etc/os-release": 'NAME="SLES"\nVERSION="15-SP5"\nVERSION_ID="15.5"\nID="sles"\n',
    "/etc/sysctl.conf": "# tuned for KVM\n\nvm.swappiness = 10\n; old style\nkernel.numa_balancing = 0\n",
    "/etc/sysctl.d/90-kvm.conf": "vm.nr_hugepages = 512\n",
    "/etc/default/grub": '# grub defaults\nGRUB_DEFAULT=saved\nGRUB_CMDLINE_LINUX_DEFAULT="splash=silent quiet"\n',
    "/etc/fstab": "UUID=1234 / btrfs defaults 0 0\n",
    "/etc/sysconfig/kernel": 'INITRD_MODULES=""\nMODULES_LOADED_ON_BOOT=""\n',
    "/etc/libvirt/qemu/vm1.xml": DOMAIN % ("vm1", "vm1"),
    "/etc/libvirt/qemu/web-2.xml": DOMAIN % ("web-2", "web-2"),
    "/etc/libvirt/libvirtd.conf": "# listen\nlisten_tls = 0\n",
    "/etc/libvirt/capabilities.xml": "<capabilities>\n  <host>\n    <cpu><arch>x86_64</arch></cpu>\n"
                                     "  </host>\n</capabilities>\n",
}
STATES = {"vm1": "running", "web-2": "shut off"}

PATHS = ["/proc/meminfo", "/proc/cmdline", "/proc/mounts", "/proc/sys/vm/swappiness",
         "/proc/sys/vm/nr_hugepages", "/proc/sys/kernel/tainted", "/proc/sys/kernel/numa_balancing",
         "/proc/sys/net/ipv4/ip_forward", "/sys/kernel/mm/transparent_hugepage/enabled",
         "/etc/os-release", "/etc/sysctl.conf", "/etc/sysctl.d/90-kvm.conf", "/etc/default/grub",
         "/etc/fstab", "/etc/sysconfig/kernel", "/etc/libvirt/libvirtd.conf",
         "/proc/sys/vm/no_such_knob", "/etc/sysctl.d/99-missing.conf"]


def norm(text):
    """What survives supportconfig's conf_files: no comment lines, no blank lines. (A guest's
    definition may come as its bytes: decoded as the XML parser does.)"""
    if text is None:
        return None
    text = xmlsafe.decode(text)
    keep = [l.rstrip() for l in text.splitlines()
            if l.strip() and not l.lstrip().startswith(("#", ";"))]
    return "\n".join(keep)


def write_root(tmp_path, files):
    root = tmp_path / "root"
    for p, t in files.items():
        f = root / p.lstrip("/")
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(t)
    return str(root)


@pytest.fixture
def plain(tmp_path):
    return RootSource(write_root(tmp_path, SNAPSHOT))


def sources(tmp_path, snapshot=SNAPSHOT):
    out = {"sosreport": SosreportSource(archives.write_sosreport(snapshot, str(tmp_path / "sos"), states=STATES))}
    for era in archives.ERAS:
        for tb in (False, True):
            p = archives.write_supportconfig(snapshot, str(tmp_path / ("scc-%s-%s" % (era, tb))), era=era,
                                             tarball=tb, states=STATES)
            out["%s/%s" % (era, "txz" if tb else "dir")] = SupportconfigSource(p)
    return out


# -- round trip ---------------------------------------------------------------------------
def test_round_trip_read_text(tmp_path, plain):
    for label, src in sources(tmp_path).items():
        try:
            for p in PATHS:
                want, got = plain.read_text(p), src.read_text(p)
                if label == "sosreport":
                    assert got == want, (label, p)
                else:
                    assert norm(got) == norm(want), (label, p)
            assert kernel.cpuinfo(src.read_text("/proc/cpuinfo")) == kernel.cpuinfo(plain.read_text("/proc/cpuinfo")), label
            assert kernel.modules(src.read_text("/proc/modules")) == {"kvm", "kvm_intel"}, label
        finally:
            src.close()


def test_round_trip_listdir_domains_capabilities(tmp_path, plain):
    want_domains = sorted((n, norm(t)) for n, t, s, o in plain.domains())
    for label, src in sources(tmp_path).items():
        try:
            assert src.listdir("/sys/block") == plain.listdir("/sys/block"), label
            assert src.listdir("/etc/libvirt/qemu") == plain.listdir("/etc/libvirt/qemu"), label
            assert "90-kvm.conf" in src.listdir("/etc/sysctl.d"), label
            doms = src.domains()
            assert sorted((n, norm(t)) for n, t, s, o in doms) == want_domains, label
            assert dict((n, s) for n, t, s, o in doms) == STATES, label
            assert norm(src.capabilities()) == norm(plain.capabilities()), label
        finally:
            src.close()


def test_scheduler_by_era(tmp_path, plain):
    for label, src in sources(tmp_path).items():
        try:
            if label.startswith(("current", "sosreport")):
                for dev in ("sda", "vda"):
                    p = "/sys/block/%s/queue/scheduler" % dev
                    assert src.read_text(p) == plain.read_text(p), label
                assert src.read_text("/sys/block/sdz/queue/scheduler") is None
            else:
                with pytest.raises(NotCollected):
                    src.read_text("/sys/block/sda/queue/scheduler")
        finally:
            src.close()


def test_builder_accepts_a_root_directory(tmp_path):
    root = write_root(tmp_path, SNAPSHOT)
    assert archives.load_snapshot(root) == SNAPSHOT
    d = archives.write_supportconfig(root, str(tmp_path / "out"), era="sle12")
    assert os.path.basename(d).startswith("scc_kvmhost_")
    assert sccmod.is_supportconfig(d)


# -- evidence states ----------------------------------------------------------------------
def test_four_states(tmp_path):
    snap = dict(SNAPSHOT)
    del snap["/etc/default/grub"]
    p = archives.write_supportconfig(snap, str(tmp_path / "s"), era="sle11",
                                     failing=("sysctl -a", "virsh capabilities"))
    os.remove(os.path.join(p, "proc.txt"))   # supportconfig -x PROC: /proc/sys only from `sysctl -a`
    src = SupportconfigSource(p)
    assert src.read_text("/proc/meminfo").startswith("MemTotal:")              # a value
    assert src.read_text("/etc/sysconfig/sysctl") is None                       # "- File not found"
    assert src.read_text("/boot/grub/menu.lst") is None                         # "- File not found"
    assert src.read_text("/etc/default/grub") is None                           # complete listing
    with pytest.raises(NotCollected):                                           # never collected
        src.read_text("/sys/devices/system/node/node0/cpulist")
    with pytest.raises(NotCollected):
        src.read_text("/sys/block/sda/queue/scheduler")
    with pytest.raises(CommandFailed):                                          # command failed
        src.read_text("/proc/sys/vm/swappiness")
    with pytest.raises(CommandFailed):
        src.command("sysctl -a")
    assert src.read_text("/proc/sys/kernel/tainted") == "0\n"                  # basic-health-check.txt
    assert src.capabilities() is None
    assert any("capabilities" in n for n in src.notices)
    with pytest.raises(NotCollected):
        src.command("cat /etc/shadow")
    assert "Id" in src.command("virsh list --all")
    src.close()


def test_sysctl_fallbacks(tmp_path):
    # current: proc.txt first; the memory.txt `sysctl -a | grep ^vm` only covers vm.*
    files = archives.supportconfig_files(SNAPSHOT, era="current")
    d = tmp_path / "scc_h_240101_0000"
    d.mkdir()
    for n, t in files.items():
        if n not in ("proc.txt", "env.txt"):
            (d / n).write_text(t)
    src = SupportconfigSource(str(d))
    assert src.read_text("/proc/sys/vm/swappiness") == "60\n"
    assert src.read_text("/proc/sys/vm/no_such_knob") is None
    assert src.read_text("/proc/sys/kernel/tainted") == "0\n"
    with pytest.raises(NotCollected):
        src.read_text("/proc/sys/net/ipv4/ip_forward")


def test_sosreport_specifics(tmp_path):
    d = archives.write_sosreport(SNAPSHOT, str(tmp_path / "sos"), states=STATES)
    assert sosmod.is_sosreport(d)
    assert not os.path.exists(os.path.join(d, "proc", "sys"))
    assert sosmod.mangle("virsh -r dumpxml vm1") == "virsh_-r_dumpxml_vm1"
    assert sosmod.mangle("/usr/sbin/sysctl -a") == "sysctl_-a"
    assert sosmod.mangle("grep '' /sys/block/*/queue/scheduler") == "grep_.sys.block._.queue.scheduler"
    src = SosreportSource(d)
    assert src.read_text("/proc/sys/vm/swappiness") == "60\n"
    assert src.read_text("/proc/sys/vm/nope") is None
    assert src.listdir("/proc/sys/vm") == ["nr_hugepages", "swappiness"]
    assert "swappiness" in src.command("sysctl -a")
    assert "vm1" in src.command("virsh list --all")
    with pytest.raises(NotCollected):
        src.command("xl info")
    with pytest.raises(NotCollected):
        src.read_text("/sys/kernel/mm/ksm/run")
    os.remove(os.path.join(d, "sos_commands", "kernel", "sysctl_-a"))
    with pytest.raises(NotCollected):
        SosreportSource(d).read_text("/proc/sys/vm/swappiness")


# -- tarball safety -----------------------------------------------------------------------
def _add(tf, name, data=b"", **kw):
    info = tarfile.TarInfo(name)
    for k, v in kw.items():
        setattr(info, k, v)
    if info.type in (tarfile.REGTYPE, tarfile.AREGTYPE):
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    else:
        tf.addfile(info)


def test_tarball_safety(tmp_path, monkeypatch):
    made = []
    real = sccmod.tempfile.mkdtemp

    def mkdtemp(*a, **kw):
        kw["dir"] = str(tmp_path / "tmp")
        os.makedirs(kw["dir"], exist_ok=True)
        made.append(real(*a, **kw))
        return made[-1]
    monkeypatch.setattr(sccmod.tempfile, "mkdtemp", mkdtemp)
    victim = tmp_path / "victim_abs"
    arc = tmp_path / "scc_evil_240101_0000.txz"
    good = archives.supportconfig_files(SNAPSHOT, era="current")["memory.txt"].encode()
    with tarfile.open(str(arc), "w:xz") as tf:
        _add(tf, "scc_evil/basic-environment.txt", b"#==[ Note ]==#\n# hi\n\n")
        _add(tf, "scc_evil/memory.txt", good)
        _add(tf, str(victim), b"pwned")
        _add(tf, "../escaped.txt", b"pwned")
        _add(tf, "scc_evil/../../escaped2.txt", b"pwned")
        _add(tf, "scc_evil/shadow.txt", type=tarfile.SYMTYPE, linkname="/etc/shadow")
        _add(tf, "scc_evil/hard.txt", type=tarfile.LNKTYPE, linkname="/etc/shadow")
        _add(tf, "scc_evil/fifo.txt", type=tarfile.FIFOTYPE)
        _add(tf, "scc_evil/dev.txt", type=tarfile.CHRTYPE, devmajor=1, devminor=3)
        _add(tf, "scc_evil/huge.txt", b"x" * (2 * 1024 * 1024))
    src = SupportconfigSource(str(arc), max_total=1024 * 1024)
    tmp = made[0]
    assert src.read_text("/proc/meminfo").startswith("MemTotal:")
    assert not victim.exists()
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path / "escaped2.txt").exists()
    assert not os.path.exists(os.path.join(os.path.dirname(tmp), "escaped.txt"))
    for n in ("shadow.txt", "hard.txt", "fifo.txt", "dev.txt", "huge.txt"):
        assert not os.path.lexists(os.path.join(tmp, "scc_evil", n)), n
    for dirpath, dirs, files in os.walk(tmp):
        for f in files + dirs:
            assert not os.path.islink(os.path.join(dirpath, f))
    text = "\n".join(src.notices)
    for word in ("unsafe path", "link", "device or FIFO", "stopped reading it: member scc_evil/huge.txt declares"):
        assert word in text, word
    src.close()
    assert not os.path.exists(tmp)


def test_not_an_archive(tmp_path):
    bad = tmp_path / "scc_x_240101_0000.txz"
    bad.write_bytes(b"\x00garbage" * 100)
    with pytest.raises(Unreadable):
        SupportconfigSource(str(bad))


# -- the section parser -------------------------------------------------------------------
SLE11_TEXT = """=============================================================================
                     Support Utilities - Supportconfig
                          Script Version: 2.25-350
=============================================================================

#==[ Command ]======================================#
# /bin/date
Mon Jun  3 10:11:12 CEST 2013

#==[ Command ]======================================#
# /sbin/chkconfig boot.sysctl
boot.sysctl  on

#==[ Configuration File ]===========================#
# /etc/sysctl.conf
net.ipv4.ip_forward = 0
vm.swappiness = 10


#==[ Configuration File ]===========================#
# /etc/sysconfig/sysctl - File not found

#==[ Command ]======================================#
# /sbin/sysctl -a
kernel.sched_child_runs_first = 0
vm.swappiness = 10

#==[ Command ]======================================#
# CASAcli -l
ERROR: Command not found or not executable

#==[ Verification ]=================================#
# rpm -V xen-4.2.2_04-0.7.1
# Verification Status: Passed

#==[ Note ]=========================================#
# Additional Rotated Logs Included in the Tar Ball

#==[ Log File ]=====================================#
# /var/log/xen/xend.log - Last 500 Lines
[2013-06-03 10:00:00 4242] INFO (SrvDaemon:332) Xend Daemon started

"""

SLE12_TEXT = """#==[ Command ]======================================#
# /usr/bin/systemctl status sysctl
* systemd-sysctl.service - Apply Kernel Variables
   Loaded: loaded (/usr/lib/systemd/system/systemd-sysctl.service; static)

#==[ Configuration File ]===========================#
# /boot/sysctl.conf-4.4.21-69-default
kernel.hung_task_timeout_secs = 0


#==[ Configuration File ]===========================#
# /etc/sysctl.d/*.conf - File not found

#==[ Configuration File ]===========================#
# /usr/share/misc/blob.bin
file /usr/share/misc/blob.bin: data
ERROR: Not a normal text file, excluding it.


#==[ Command ]======================================#
# /usr/bin/zypper --non-interactive --no-gpg-checks patch-check

# ERROR: Command did not complete within the timeout period.
root 4242 1 0 10:00 ? 00:00:00 zypper patch-check

#==[ Summary ]======================================#
# Top 10 CPU Processes
%CPU   PID USER     CMD
 0.3  1234 root     /usr/sbin/libvirtd

#==[ Plugin ]=======================================#
# Output: /usr/lib/supportconfig/plugins/libvirt

#==[ Command ]======================================#
# /usr/lib/supportconfig/plugins/libvirt

#==[ Section Header ]===============================#
# libvirt

#==[ Command ]======================================#
# /usr/bin/virsh capabilities
<capabilities>
</capabilities>

"""


def test_parser_sle11_shape():
    secs = scp.parse(SLE11_TEXT)
    kinds = [(s.kind, s.header, s.state) for s in secs]
    assert kinds[0] == ("Command", "/bin/date", "ok")
    assert ("Configuration File", "/etc/sysctl.conf", "ok") in kinds
    assert ("Configuration File", "/etc/sysconfig/sysctl", "absent") in kinds
    assert ("Command", "CASAcli -l", "failed") in kinds
    assert ("Verification", "rpm -V xen-4.2.2_04-0.7.1", "ok") in kinds
    conf = [s for s in secs if s.header == "/etc/sysctl.conf"][0]
    assert conf.body == "net.ipv4.ip_forward = 0\nvm.swappiness = 10\n"
    sysctl = [s for s in secs if scp.command_key(s.header) == "sysctl -a"][0]
    assert kernel.sysctl_a(sysctl.body)["vm.swappiness"] == "10"
    log = [s for s in secs if s.kind == "Log File"][0]
    assert log.header == "/var/log/xen/xend.log" and log.partial
    note = [s for s in secs if s.kind == "Note"][0]
    assert note.body == ""


def test_parser_sle12_shape():
    secs = scp.parse(SLE12_TEXT)
    by = dict(((s.kind, s.header), s) for s in secs)
    assert by[("Configuration File", "/etc/sysctl.d/*.conf")].state == "absent"
    assert by[("Configuration File", "/usr/share/misc/blob.bin")].state == "not-text"
    z = by[("Command", "/usr/bin/zypper --non-interactive --no-gpg-checks patch-check")]
    assert z.state == "timeout" and z.body == ""
    assert by[("Summary", "Top 10 CPU Processes")].body.startswith("%CPU")
    assert by[("Command", "/usr/bin/virsh capabilities")].body == "<capabilities>\n</capabilities>\n"
    assert by[("Command", "/usr/lib/supportconfig/plugins/libvirt")].body == ""
    assert scp.command_key("/usr/bin/grep ''  /sys/block/*/queue/scheduler") == "grep '' /sys/block/*/queue/scheduler"


def test_parser_garbage():
    with pytest.raises(ParseError):
        scp.parse("just some text\nwithout sections\n")
    with pytest.raises(ParseError):
        scp.parse("#==[ Command ]==#\n# ls\n\x00\x01")
    with pytest.raises(ParseError):
        scp.parse(b"#==[ Command ]==#\n")
    assert scp.parse("") == [] and scp.parse("\n\n") == []
    # a header with no body, and no label
    secs = scp.parse("#==[ Command ]======================================#\n")
    assert len(secs) == 1 and secs[0].body == "" and secs[0].header == ""
    secs = scp.parse("#==[ Configuration File ]===========================#\n# /etc/fstab\n")
    assert secs[0].header == "/etc/fstab" and secs[0].body == "" and secs[0].state == "ok"
    # cut mid-section (mid-line): the last section is marked truncated
    cut = SLE11_TEXT[:SLE11_TEXT.index("vm.swappiness = 10\n\n\n#==[ Configuration") + 6]
    secs = scp.parse(cut)
    assert secs[-1].header == "/etc/sysctl.conf" and secs[-1].state == "truncated"


def test_parser_fuzz_only_parse_error():
    rnd = random.Random(1234)
    pieces = ["#==[ Command ]==#", "#==[ Configuration File ]===#", "# /etc/x", "# /etc/y - File not found",
              "ERROR: Command not found or not executable", "# ERROR: Command did not complete within the timeout period.",
              "file x: data", "ERROR: Not a normal text file", "", "value", "#==[", "]==#", "\r", "\t"]
    for i in range(400):
        if i % 3 == 0:
            text = bytes(rnd.randrange(256) for _ in range(rnd.randrange(200))).decode("latin-1")
        else:
            text = "\n".join(rnd.choice(pieces) for _ in range(rnd.randrange(30)))
            if rnd.random() < 0.5:
                text = text[:rnd.randrange(len(text) + 1)]
        try:
            secs = scp.parse(text)
        except ParseError:
            continue
        for s in secs:
            assert isinstance(s.body, str) and s.state in ("ok", "absent", "failed", "timeout", "not-text", "truncated")


def test_source_on_garbled_files(tmp_path):
    files = archives.supportconfig_files(SNAPSHOT, era="current")
    d = tmp_path / "scc_g_240101_0000"
    d.mkdir()
    for n, t in files.items():
        (d / n).write_text(t)
    (d / "memory.txt").write_bytes(os.urandom(4096).replace(b"\n", b"") + b"\x00")
    mem = files["fs-diskio.txt"]
    (d / "fs-diskio.txt").write_text(mem[:mem.index("/sys/block/vda/queue/scheduler") + 20])
    (d / "boot.txt").write_text("#==[ Configuration File ]===========================#\n")
    src = SupportconfigSource(str(d))
    for p in PATHS + ["/sys/block/sda/queue/scheduler", "/proc/cmdline", "/etc/fstab"]:
        try:
            src.read_text(p)
        except Evidence:
            pass
    with pytest.raises(NotCollected):
        src.read_text("/proc/meminfo")          # memory.txt is not supportconfig text any more
    assert any("memory.txt" in n for n in src.notices)
    with pytest.raises(Unreadable):
        src.read_text("/sys/block/sda/queue/scheduler")   # the listing is cut short
    for call in (lambda: src.listdir("/sys/block"), src.domains, src.capabilities):
        try:
            call()
        except Evidence:
            pass
