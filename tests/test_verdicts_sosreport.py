"""Verdicts that need what only an archive keeps: the process list of `ps -ef` and the running
hypervisor's line of `xl info`. The host is written like a scenario and read as a sosreport
(sos_commands/ beside the copied files), so the probes take the archive's paths."""
import pytest

from kbgen import scenarios
from kbcheck.sources.sosreport import SosreportSource

PS = ("UID          PID    PPID  C STIME TTY          TIME CMD\n"
      "root           1       0  0 Jan01 ?        00:00:09 /usr/lib/systemd/systemd --switched-root --system\n"
      "root           2       0  0 Jan01 ?        00:00:00 [kthreadd]\n"
      "qemu        3121       1 12 Jan01 ?        01:10:00 /usr/bin/qemu-system-x86_64 -name guest=web1,debug-threads=on -S\n"
      "root        4410       1  3 Jan02 pts/0    00:10:00 qemu-system-x86_64 -enable-kvm -m 4096 -name testvm\n"
      "root        6001       1  1 Jan02 ?        00:00:04 /usr/bin/qemu-kvm -nodefaults -m 1280 -device virtio-serial-pci "
      "-chardev socket,path=/tmp/libguestfsLW2Ybm/guestfsd.sock,id=channel0 "
      "-device virtserialport,chardev=channel0,name=org.libguestfs.channel.0\n")

XL_INFO = ("host                   : xen01\n"
           "release                : 4.12.14-122.37-default\n"
           "nr_cpus                : 32\n"
           "threads_per_core       : 2\n"
           "xen_version            : 4.12.4_14-3.49\n"
           "xen_commandline        : placeholder dom0_mem=%s dom0_max_vcpus=4 dom0_vcpus_pin\n")

GRUB = ('GRUB_CMDLINE_LINUX=""\n'
        'GRUB_CMDLINE_LINUX_DEFAULT="resume=/dev/sda2 quiet"\n'
        'GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT="resume=/dev/sda2 quiet elevator=deadline"\n'
        'GRUB_CMDLINE_XEN_DEFAULT="dom0_mem=4G,max:4G dom0_max_vcpus=4 dom0_vcpus_pin"\n')


def _judge(model, catalog_data, entry_id, host, expect):
    from kbcheck.catalog import Entry
    data = next(d for d in catalog_data["entries"] if d["id"] == entry_id)
    files = dict(host.pop("files", {}))
    files["/version.txt"] = "sosreport: 3.5\n"
    host["files"] = files
    results, problems = scenarios.run(Entry(data), {"host": host, "expect": expect},
                                      source_factory=lambda root, sc: SosreportSource(root))
    assert not problems, "; ".join(problems)
    return results


def test_ps_ef_shows_a_hand_started_qemu_and_passes_libguestfs(model, catalog_data):
    _judge(model, catalog_data, "no-guests-outside-libvirt",
           {"guests": [{"name": "web1"}], "files": {"/sos_commands/process/ps_-ef": PS}},
           [{"subject": "testvm", "status": "fail", "message": "qemu-system-x86_64 (pid 4410, user root) runs guest 'testvm'"}])
    clean = "\n".join(l for l in PS.splitlines() if " 4410 " not in l) + "\n"
    _judge(model, catalog_data, "no-guests-outside-libvirt",
           {"guests": [{"name": "web1"}], "files": {"/sos_commands/process/ps_-ef": clean}},
           {"status": "pass", "message": "all 1 QEMU process belong to guests libvirt manages (and 1 libguestfs appliance"})


@pytest.mark.parametrize("running,status,message", [
    ("4G,max:4G", "pass", "the hypervisor runs with its 3 parameters"),
    ("2G", "fail", "sets dom0_mem=4G,max:4G (running: 2G) for Xen, which the running hypervisor does not have"),
])
def test_domain0_lines_are_both_compared(model, catalog_data, running, status, message):
    _judge(model, catalog_data, "boot-config-applied",
           {"role": "xen_dom0", "cmdline": "root=/dev/sda3 resume=/dev/sda2 quiet elevator=deadline",
            "files": {"/etc/default/grub": GRUB, "/sos_commands/xen/xl_info": XL_INFO % running}},
           {"status": status, "message": message})
