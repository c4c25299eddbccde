"""Parsers on real-world text as SLE 11 and SLE 12 hosts print it, and on garbage."""
import pytest

from kbcheck.errors import ParseError
from kbcheck.parsers import capabilities, domain, grub, kernel, osrelease

SLE11_MEMINFO = """MemTotal:       66109428 kB
MemFree:        58312188 kB
Buffers:          296536 kB
Cached:          3641236 kB
SwapCached:            0 kB
Active:          2811232 kB
SwapTotal:       2103292 kB
SwapFree:        2103292 kB
AnonHugePages:    512000 kB
HugePages_Total:       0
HugePages_Free:        0
HugePages_Rsvd:        0
HugePages_Surp:        0
Hugepagesize:       2048 kB
DirectMap4k:       96896 kB
DirectMap2M:    67010560 kB
"""

NODE_MEMINFO = """Node 1 MemTotal:       33554432 kB
Node 1 MemFree:        30000000 kB
Node 1 HugePages_Total:     0
"""

SLE12_CPUINFO = """processor\t: 0
vendor_id\t: GenuineIntel
cpu family\t: 6
model\t\t: 63
model name\t: Intel(R) Xeon(R) CPU E5-2680 v3 @ 2.50GHz
physical id\t: 0
siblings\t: 2
core id\t\t: 0
cpu cores\t: 1
flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx pdpe1gb rdtscp lm constant_tsc vmx

processor\t: 1
vendor_id\t: GenuineIntel
physical id\t: 0
siblings\t: 2
core id\t\t: 0
cpu cores\t: 1
flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr vmx

"""

S390_CPUINFO = """vendor_id       : IBM/S390
# processors    : 2
bogomips per cpu: 3033.00
features\t: esan3 zarch stfle msa ldisp eimm dfp edat etf3eh highgprs te vx sie
processor 0: version = FF,  identification = 0A3B57,  machine = 2964
"""


def test_meminfo_sle11():
    m = kernel.meminfo(SLE11_MEMINFO)
    assert m["MemTotal"] == 66109428 and m["Hugepagesize"] == 2048 and m["HugePages_Total"] == 0


def test_node_meminfo_prefix_is_dropped():
    assert kernel.meminfo(NODE_MEMINFO)["MemTotal"] == 33554432


def test_cpuinfo_x86_and_flags():
    cpus = kernel.cpuinfo(SLE12_CPUINFO)
    assert len(cpus) == 2 and cpus[0]["core id"] == "0"
    assert {"pdpe1gb", "vmx", "pse"} <= kernel.cpu_flags(cpus)


def test_cpuinfo_without_processor_entries_is_a_parse_error():
    with pytest.raises(ParseError):
        kernel.cpuinfo(S390_CPUINFO.replace("processor 0:", "cpu 0:"))


def test_cmdline_sle11_xen_and_sle12():
    c = kernel.cmdline("root=/dev/disk/by-id/scsi-3600508b1001c-part2 resume=/dev/sda1 splash=silent crashkernel=256M-:128M showopts elevator=deadline vga=0x314\n")
    assert c.get("elevator") == "deadline" and "showopts" in c and c.get("showopts") == ""
    c = kernel.cmdline("BOOT_IMAGE=/boot/vmlinuz-4.12.14-122.37-default root=UUID=6b1e resume=/dev/sda2 hugepagesz=1G hugepages=8 hugepagesz=2M hugepages=512 quiet")
    assert c.all("hugepagesz") == ["1G", "2M"] and c.get("hugepages") == "512"


def test_cmdline_unbalanced_quote_does_not_raise():
    assert "quiet" in kernel.cmdline('root=/dev/sda1 foo="bar quiet')


def test_mounts_octal_escapes_and_options():
    ms = kernel.mounts("nfs01:/export/images /var/lib/libvirt/images nfs rw,relatime,vers=3,rsize=1048576,wsize=1048576,hard,proto=tcp 0 0\n"
                       "/dev/sdb1 /srv/my\\040images ext3 rw 0 0\nhugetlbfs /dev/hugepages hugetlbfs rw,relatime 0 0\n")
    assert ms[0].option("rsize") == "1048576" and ms[0].option("hard") == ""
    assert ms[1].mountpoint == "/srv/my images"
    assert ms[2].fstype == "hugetlbfs"


def test_swaps():
    s = kernel.swaps("Filename\t\t\t\tType\t\tSize\tUsed\tPriority\n/dev/sda1                               partition\t2103292\t0\t-1\n")
    assert s == [{"name": "/dev/sda1", "type": "partition", "size_kb": 2103292, "used_kb": 0}]
    assert kernel.swaps("Filename\t\t\t\tType\t\tSize\tUsed\tPriority\n") == []


@pytest.mark.parametrize("line,cur,names", [
    ("noop deadline [cfq]", "cfq", ["noop", "deadline", "cfq"]),
    ("noop anticipatory [deadline] cfq", "deadline", ["noop", "anticipatory", "deadline", "cfq"]),
    ("[mq-deadline] kyber bfq none", "mq-deadline", ["mq-deadline", "kyber", "bfq", "none"]),
    ("none", "none", ["none"]),
    ("[none] mq-deadline", "none", ["none", "mq-deadline"]),
])
def test_scheduler_lines(line, cur, names):
    assert kernel.scheduler(line) == (cur, names)


@pytest.mark.parametrize("bad", ["", "noop deadline cfq"])
def test_scheduler_garbage(bad):
    with pytest.raises(ParseError):
        kernel.scheduler(bad)


def test_cpulist():
    assert kernel.cpulist("0-3,8,10-11\n") == [0, 1, 2, 3, 8, 10, 11]
    assert kernel.cpulist("") == []
    for bad in ("a-b", "3-1", "0-99999999"):
        with pytest.raises(ParseError):
            kernel.cpulist(bad)


def test_sysctl_conf_forms():
    text = "# comment\n; other\nvm.swappiness = 10\nkernel/numa_balancing=1\n-fs.aio-max-nr = 1048576\n\nbogus line\n"
    assert kernel.sysctl_conf(text) == [("vm.swappiness", "10", 3), ("kernel.numa_balancing", "1", 4),
                                        ("fs.aio-max-nr", "1048576", 5)]


def test_sizes():
    assert kernel.parse_size("2G") == 2 * 1024 ** 3 and kernel.parse_size("512M") == 512 * 1024 ** 2
    assert kernel.parse_size("4096") == 4096
    for bad in ("", "G", "12Q", "abc"):
        with pytest.raises(ParseError):
            kernel.parse_size(bad)


def test_os_release_sle12_and_sle15():
    p = osrelease.product(osrelease.os_release('NAME="SLES"\nVERSION="12-SP5"\nVERSION_ID="12.5"\nPRETTY_NAME="SUSE Linux Enterprise Server 12 SP5"\nID="sles"\n'))
    assert p["product"] == "sle12" and p["sp"] == 5
    p = osrelease.product(osrelease.os_release('NAME="SLES"\nVERSION_ID="15.4"\nPRETTY_NAME="SUSE Linux Enterprise Server 15 SP4"\nID="sles"\nID_LIKE="suse"\n'))
    assert p["product"] == "sle15"
    p = osrelease.product(osrelease.os_release('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n'))
    assert p["product"] == "other"


def test_suse_release_sle11():
    p = osrelease.product(None, osrelease.suse_release("SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 4\n"))
    assert p["product"] == "sle11" and p["sp"] == 4 and p["version"] == "11.4"
    with pytest.raises(ParseError):
        osrelease.suse_release("")


SLE11_MENU_LST = """# Modified by YaST2. Last modification on Mon Jun  1 10:00:00 CEST 2015
default 0
timeout 8
gfxmenu (hd0,1)/boot/message

###Don't change this comment - YaST2 identifier: Original name: xen###
title Xen -- SUSE Linux Enterprise Server 11 SP4 - 3.0.101-63
    root (hd0,1)
    kernel /boot/xen.gz dom0_mem=4096M,max:4096M vgamode=0x314
    module /boot/vmlinuz-3.0.101-63-xen root=/dev/disk/by-id/ata-ST500-part2 resume=/dev/sda1 splash=silent showopts
    module /boot/initrd-3.0.101-63-xen

###Don't change this comment - YaST2 identifier: Original name: linux###
title SUSE Linux Enterprise Server 11 SP4 - 3.0.101-63
    root (hd0,1)
    kernel /boot/vmlinuz-3.0.101-63-default root=/dev/sda2 resume=/dev/sda1 splash=silent elevator=deadline showopts
    initrd /boot/initrd-3.0.101-63-default
"""


def test_menu_lst_sle11_xen():
    m = grub.menu_lst(SLE11_MENU_LST)
    assert m["default"] == 0 and len(m["entries"]) == 2
    xen, linux = m["entries"]
    assert xen["xen"] and xen["xen_args"].get("dom0_mem") == "4096M,max:4096M"
    assert xen["args"].get("resume") == "/dev/sda1"
    assert not linux["xen"] and linux["args"].get("elevator") == "deadline"


def test_default_grub_sle12():
    g = grub.default_grub('# If you change this file, run grub2-mkconfig\nGRUB_DISTRIBUTOR=""\n'
                          'GRUB_CMDLINE_LINUX_DEFAULT="resume=/dev/sda2 splash=silent quiet showopts elevator=deadline"\n'
                          'GRUB_CMDLINE_XEN_DEFAULT="dom0_mem=4G,max:4G"\nGRUB_TIMEOUT=8\n')
    assert "elevator=deadline" in g["GRUB_CMDLINE_LINUX_DEFAULT"] and g["GRUB_CMDLINE_XEN_DEFAULT"] == "dom0_mem=4G,max:4G"


SLE11_DOMAIN = """<domain type='kvm'>
  <name>sles11sp3</name>
  <uuid>8c1e4b52-4d4d-11e3-9a4b-0025b500000f</uuid>
  <memory unit='KiB'>4194304</memory>
  <currentMemory unit='KiB'>4194304</currentMemory>
  <vcpu placement='static'>2</vcpu>
  <os>
    <type arch='x86_64' machine='pc-i440fx-1.4'>hvm</type>
    <boot dev='hd'/>
  </os>
  <features><acpi/><apic/><pae/></features>
  <clock offset='utc'/>
  <devices>
    <emulator>/usr/bin/qemu-kvm</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='/var/lib/kvm/images/sles11sp3/disk0.raw'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='bridge'>
      <mac address='52:54:00:4e:8a:01'/>
      <source bridge='br0'/>
      <model type='virtio'/>
    </interface>
    <graphics type='vnc' port='-1' autoport='yes' keymap='de'/>
    <video><model type='cirrus' vram='9216' heads='1'/></video>
    <memballoon model='virtio'/>
  </devices>
</domain>
"""


def test_domain_sle11_era():
    d = domain.parse(SLE11_DOMAIN)
    assert (d.name, d.vcpus, d.memory_kib, d.machine, d.acpi) == ("sles11sp3", 2, 4194304, "pc-i440fx-1.4", True)
    assert d.disks[0].bus == "virtio" and d.disks[0].format == "raw"
    assert d.interfaces[0]["model"] == "virtio" and d.memballoon == "virtio" and d.videos == ["cirrus"]
    assert d.graphics[0]["keymap"] == "de" and d.hypervisor == "kvm"


def test_domain_units_and_numa():
    d = domain.parse("<domain type='kvm'><name>n</name><memory unit='GiB'>64</memory><vcpu cpuset='0-7,^3'>8</vcpu>"
                     "<memoryBacking><hugepages><page size='1' unit='G'/></hugepages></memoryBacking>"
                     "<numatune><memory mode='strict' nodeset='0-1'/></numatune>"
                     "<cpu mode='host-passthrough'><numa><cell id='0' cpus='0-3' memory='32' unit='GiB'/>"
                     "<cell id='1' cpus='4-7' memory='32' unit='GiB'/></numa></cpu></domain>")
    assert d.memory_kib == 64 * 1024 * 1024 and d.cpuset == [0, 1, 2, 4, 5, 6, 7]
    assert d.hugepages == [{"size_kib": 1048576, "nodeset": None}]
    assert d.numatune_nodeset == [0, 1] and len(d.numa_cells) == 2 and d.cpu_mode == "host-passthrough"


@pytest.mark.parametrize("bad", ["", "not xml", "<domain><name>x", "<capabilities/>",
                                 "<!DOCTYPE d [<!ENTITY a 'aaaa'>]><domain>&a;</domain>"])
def test_domain_garbage(bad):
    with pytest.raises(ParseError):
        domain.parse(bad)


def test_machine_versions():
    assert capabilities.machine_family("pc-i440fx-2.11") == "pc-i440fx"
    assert capabilities.machine_family("pc") == "pc-i440fx"
    assert capabilities.machine_family("pc-q35-rhel7.6.0") == "pc-q35"
    assert capabilities.machine_version("pc-i440fx-2.11") == (2, 11)
    assert capabilities.machine_version("q35") is None and capabilities.machine_version("pc") is None


def test_menu_lst_pv_guest_kernel_named_xen_is_not_the_hypervisor():
    m = grub.menu_lst("default 0\ntitle SLES 11 SP4 (Xen PV guest kernel)\n    root (hd0,0)\n"
                      "    kernel /boot/vmlinuz-3.0.101-63-xen root=/dev/xvda2 console=xvc0\n    initrd /boot/initrd-3.0.101-63-xen\n")
    e = m["entries"][0]
    assert not e["xen"] and e["args"].get("console") == "xvc0"
