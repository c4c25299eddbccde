"""The parsers of issue 14 on the texts real hosts carry (tests/data/realworld, the CSIT capture of
../shared): udev rules as SUSE and RHEL ship them played against disks, tuned profiles, unit
lists, process lists, the hardware RNG's sysfs state and GRUB 2's Xen kernel line."""
import os

import pytest

from conftest import CORPUS, ROOT, needs_corpus
from kbcheck.errors import ParseError
from kbcheck.parsers import grub, hwrng, ps, systemd, tuned, udev

DATA = os.path.join(ROOT, "tests", "data", "realworld")


def _text(name):
    with open(os.path.join(DATA, name)) as f:
        return f.read()


def _disk(name, scheduler, rotational, paths=(), zoned="none"):
    attrs = {"queue/scheduler": scheduler, "queue/rotational": rotational, "queue/zoned": zoned}
    base = "/sys/block/" + name
    have = set([base + "/queue/scheduler"] + [base + "/" + p for p in paths])
    return {"kernel": name, "devpath": "/block/" + name, "action": "add", "sysattr": attrs.get,
            "exists": lambda p: p in have}


def _play(rules_name, disk, cmdline=(), env=None, path="/usr/lib/udev/rules.d/60-io-scheduler.rules"):
    rules = udev.parse(_text(rules_name))
    return udev.apply([(path, rules)], disk, {} if cmdline == () else cmdline,
                      dict({"DEVTYPE": "disk", "DM_MULTIPATH_DEVICE_PATH": ""}, **(env or {})))


def test_suse_rules_give_bfq_to_a_single_queue_hdd_only():
    hdd = _disk("sda", "[mq-deadline] kyber bfq none", "1", ["mq/0"])
    (a,) = _play("suse-60-io-scheduler.rules", hdd)
    assert (a["value"], a["condition"]) == ("bfq", None) and a["where"].endswith(":38")
    ssd = _disk("sdb", "[mq-deadline] kyber bfq none", "0", ["mq/0"])
    nvme = _disk("nvme0n1", "[none] mq-deadline kyber bfq", "0", ["mq/0", "mq/1", "mq/2"])
    virtio = _disk("vda", "[mq-deadline] kyber bfq none", "1", ["mq/0"])
    multiq_hdd = _disk("sdc", "[none] mq-deadline bfq", "1", ["mq/0", "mq/1"])
    for d in (ssd, nvme, virtio, multiq_hdd):
        assert _play("suse-60-io-scheduler.rules", d) == [], d["kernel"]
    # a multipath component gets none and nothing after it
    (m,) = _play("suse-60-io-scheduler.rules", hdd, env={"DM_MULTIPATH_DEVICE_PATH": "1"})
    assert m["value"] == "none"


def test_suse_sp5_rules_branch_on_blk_mq():
    assert [a["value"] for a in _play("suse-sp5-60-io-scheduler.rules", _disk("sda", "noop deadline [cfq]", "1"))] == ["cfq"]
    assert [a["value"] for a in _play("suse-sp5-60-io-scheduler.rules", _disk("sdb", "noop deadline [cfq]", "0"))] == ["deadline"]
    # elevator= on the command line: the rules keep their hands off single-queue disks
    assert _play("suse-sp5-60-io-scheduler.rules", _disk("sda", "noop [deadline] cfq", "1"), {"elevator": "deadline"}) == []
    hdd = _disk("sda", "[mq-deadline] kyber bfq none", "1", ["mq", "mq/0"])
    assert [a["value"] for a in _play("suse-sp5-60-io-scheduler.rules", hdd)] == ["bfq"]


def test_rhel_rule_acts_only_with_elevator_on_the_command_line():
    d = _disk("sda", "[mq-deadline] kyber bfq none", "1")
    path = "/usr/lib/udev/rules.d/40-elevator.rules"
    assert _play("rhel8-40-elevator.rules", d, {}, path=path) == []   # the match key does not hold
    (a,) = _play("rhel8-40-elevator.rules", d, {"elevator": "deadline"}, path=path)
    assert (a["value"], a["condition"]) == ("deadline", None)           # $env{elevator} substituted
    (u,) = _play("rhel8-40-elevator.rules", d, None, path=path)          # command line unknown
    assert u["value"] is None and "boot command line" in u["condition"]


def test_udev_syntax_details():
    rules = udev.parse('KERNEL=="sd*", \\\n  ATTR{queue/scheduler}="none"\n# c\nthis is not a rule\n'
                       'PROGRAM=="/bin/x", ATTR{queue/scheduler}="kyber", GOTO="e"\nATTR{queue/scheduler}="bfq"\nLABEL="e"\n')
    assert rules[0] == {"line": 1, "keys": [("KERNEL", None, "==", "sd*"), ("ATTR", "queue/scheduler", "=", "none")]}
    assert "error" in rules[1] and rules[1]["line"] == 4
    out = udev.apply([("/etc/udev/rules.d/x.rules", rules)], _disk("sda", "[bfq] none", "1"), {}, {})
    assert [(a["value"], bool(a["condition"])) for a in out] == [("none", False), ("kyber", True), ("bfq", True)]
    assert "unless the GOTO at /etc/udev/rules.d/x.rules:5 is taken" in out[2]["condition"]
    assert udev.matches("sd*[!0-9]|vd*", "sda") and not udev.matches("sd*[!0-9]", "sda1")
    # a missing attribute never matches, whatever the operator
    assert udev.apply([("x", udev.parse('ATTR{nosuch}!="1", ATTR{queue/scheduler}="bfq"\n'))],
                      _disk("sda", "[none]", "1"), {}, {}) == []


def test_tuned_profiles_and_main_conf():
    vh = tuned.profile(_text("tuned-virtual-host.conf"))
    assert vh["main"] == {"include": "throughput-performance"}
    sysctl = [u for u in vh["units"] if u["type"] == "sysctl"][0]
    assert sysctl["options"]["vm.swappiness"][0] == "10"
    script = [u for u in vh["units"] if u["name"] == "script"][0]
    assert script["replace"] is True
    tp = tuned.profile(_text("tuned-throughput-performance.conf"))
    disk = [u for u in tp["units"] if u["type"] == "disk"][0]
    assert disk["options"]["elevator"][0] == "deadline" and disk["options"][".devices"][0] == "sd*,cciss*,dm-*,vd*"
    main = tuned.main_conf(_text("tuned-main.conf"))
    assert tuned.truth(main["reapply_sysctl"], False) is True and tuned.truth(None, True) is True
    conditional = tuned.profile("[sysctl.thunderx]\ntype=sysctl\nuname_regex=aarch64\nkernel.numa_balancing=0\n")
    (u,) = conditional["units"]
    assert u["type"] == "sysctl" and ".uname_regex" in u["options"] and "kernel.numa_balancing" in u["options"]
    with pytest.raises(ParseError):
        tuned.profile("vm.swappiness = 10\n")


def test_systemctl_list_unit_files():
    text = ("UNIT FILE                                  STATE           VENDOR PRESET\n"
            "libvirtd.service                           disabled        disabled\n"
            "virtqemud.service                          enabled         enabled\n"
            "virtqemud.socket                           enabled         enabled\n"
            "virtqemud-ro.socket                        enabled         enabled\n"
            "tuned.service                              enabled         disabled\n"
            "docker.service                             masked          disabled\n"
            "getty@.service                             enabled         enabled\n\n"
            "7 unit files listed.\n")
    units = systemd.list_unit_files(text)
    assert units["virtqemud.socket"] == "enabled" and units["docker.service"] == "masked" and len(units) == 7
    with pytest.raises(ParseError):
        systemd.list_unit_files("hello world\n")


@needs_corpus
def test_ps_ef_of_the_csit_sosreport():
    path = os.path.join(CORPUS, "realworld", "csit-kvm-host-sosreport", "sos_commands", "process", "ps_-ef")
    with open(path) as f:
        procs = ps.ps(f.read())
    assert procs[0]["pid"] == 1 and procs[0]["args"] == ["/sbin/init"] and procs[0]["user"] == "root"
    assert any(p["kernel"] and p["comm"] == "kthreadd" for p in procs)
    assert not any(p["args"] and "qemu" in p["args"][0] for p in procs)


def test_ps_aux_and_proc_pieces():
    text = ("USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n"
            "qemu      4410  3.1  6.2 5123456 2048000 ?     Sl   Jan01  12:34 /usr/bin/qemu-system-x86_64 -name guest=web1,debug-threads=on -S\n"
            "root         2  0.0  0.0      0     0 ?        S    Jan01   0:00 [kthreadd]\n")
    procs = ps.ps(text)
    assert procs[0]["user"] == "qemu" and procs[0]["args"][:3] == ["/usr/bin/qemu-system-x86_64", "-name", "guest=web1,debug-threads=on"]
    assert procs[1]["kernel"] and procs[1]["args"] == []
    assert ps.cmdline("qemu-system-x86_64\0-name\0guest=a\0") == ["qemu-system-x86_64", "-name", "guest=a"]
    assert ps.status_uid("Name:\tqemu-kvm\nUid:\t107\t107\t107\t107\n") == 107
    assert ps.passwd("root:x:0:0:root:/root:/bin/bash\nqemu:x:107:107::/:/sbin/nologin\n") == {0: "root", 107: "qemu"}
    with pytest.raises(ParseError):
        ps.ps("PID TTY\n1 ?\n")


# A libguestfs appliance as the direct backend starts it (guestfish -v output of libguestfs 1.4x),
# a guest of libvirt's system instance (libvirt's qemuxmlconfdata form), one of a user's
# qemu:///session and a Xen HVM device model.
GUESTFS = ("/usr/bin/qemu-kvm -global virtio-blk-pci.scsi=off -no-user-config -nodefaults -display none "
           "-machine accel=kvm:tcg -cpu host -m 1280 -no-reboot -rtc driftfix=slew "
           "-kernel /var/tmp/.guestfs-0/appliance.d/kernel -initrd /var/tmp/.guestfs-0/appliance.d/initrd "
           "-device virtio-scsi-pci,id=scsi -drive file=/var/tmp/.guestfs-0/appliance.d/root,snapshot=on,"
           "id=appliance,cache=unsafe,if=none,format=raw -device scsi-hd,drive=appliance -device virtio-serial-pci "
           "-serial stdio -chardev socket,path=/tmp/libguestfsLW2Ybm/guestfsd.sock,id=channel0 "
           "-device virtserialport,chardev=channel0,name=org.libguestfs.channel.0 -append panic=1")
SYSTEM = ("/usr/bin/qemu-system-x86_64 -name guest=QEMUGuest1,debug-threads=on -S -object "
          "{\"qom-type\":\"secret\",\"id\":\"masterKey0\",\"format\":\"raw\",\"file\":"
          "\"/var/lib/libvirt/qemu/domain-1-QEMUGuest1/master-key.aes\"} -machine pc-q35-8.2,usb=off -accel kvm")
SESSION = ("/usr/bin/qemu-system-x86_64 -name guest=devbox,debug-threads=on -S -object "
           "{\"qom-type\":\"secret\",\"id\":\"masterKey0\",\"format\":\"raw\",\"file\":"
           "\"/home/anna/.config/libvirt/qemu/lib/domain-2-devbox/master-key.aes\"} -machine pc-q35-8.2 -accel kvm")
XENDM = "/usr/lib/xen/bin/qemu-system-i386 -xen-domid 3 -chardev socket,id=libxl-cmd -name winhvm -machine xenfv"


def test_qemu_command_lines():
    g = ps.qemu(GUESTFS.split())
    assert g["libguestfs"] and g["name"] is None and g["program"] == "qemu-kvm"
    s = ps.qemu(SYSTEM.split())
    assert s == {"program": "qemu-system-x86_64", "name": "QEMUGuest1", "libguestfs": False, "xen": False,
                 "session": False}
    assert ps.qemu(SESSION.split())["session"] and ps.qemu(SESSION.split())["name"] == "devbox"
    x = ps.qemu(XENDM.split())
    assert x["xen"] and x["name"] == "winhvm"
    assert ps.qemu(["/usr/sbin/libvirtd", "--listen"]) is None and ps.qemu([]) is None
    with pytest.raises(ParseError):
        ps.qemu("qemu-kvm -m 1")


def test_hwrng_state():
    st = hwrng.state("virtio_rng.0 \n", "virtio_rng.0\n", "1000\n")
    assert st == {"available": ["virtio_rng.0"], "current": "virtio_rng.0", "quality": 1000}
    assert hwrng.state(None, "none\n", None) == {"available": [], "current": None, "quality": None}
    with pytest.raises(ParseError):
        hwrng.state("x", "x", "lots")


def test_grub_linux_line_for_a_xen_domain0():
    g = {"GRUB_CMDLINE_LINUX": "", "GRUB_CMDLINE_LINUX_DEFAULT": "splash=silent quiet showopts",
         "GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT": "console=hvc0 splash=silent quiet showopts elevator=deadline",
         "GRUB_CMDLINE_XEN_DEFAULT": "dom0_mem=4G,max:4G dom0_max_vcpus=4"}
    assert grub.linux_line(g) == ("splash=silent quiet showopts", ["GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT"])
    text, names = grub.linux_line(g, xen_dom0=True)
    assert text == "console=hvc0 splash=silent quiet showopts elevator=deadline"
    assert names == ["GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT"]
