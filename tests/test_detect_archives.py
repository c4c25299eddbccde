"""Detection from archives: the same roles as the plain tree, from what the collector kept
(a KVM guest is known from `dmidecode` when the archive has no /sys/class/dmi/id), and honest
"?" where the archive never collected a fact."""
import os

import pytest

from conftest import EXAMPLES
from support import archives

GUEST = os.path.join(EXAMPLES, "sle12-kvm-guest")


def host(source):
    from kbcheck.facts import Host
    return Host(source)


def test_dmidecode_text_is_what_dmidecode_prints():
    files = archives.load_snapshot(GUEST)
    out = archives.dmidecode(files)
    lines = out.splitlines()
    assert lines[0].startswith("# dmidecode ") and "Handle 0x0100, DMI type 1, 27 bytes" in lines
    i = lines.index("System Information")
    assert lines[i + 1] == "\tManufacturer: " + files["/sys/class/dmi/id/sys_vendor"].strip()
    assert lines[i + 2] == "\tProduct Name: " + files["/sys/class/dmi/id/product_name"].strip()
    assert archives.dmidecode({"/proc/cpuinfo": ""}) is None


def test_dmi_value_reads_dmidecode_fields():
    from kbcheck.parsers.dmidecode import value as dmi_value
    out = archives.dmidecode({"/sys/class/dmi/id/sys_vendor": "QEMU\n",
                              "/sys/class/dmi/id/product_name": "Standard PC (Q35 + ICH9, 2009)\n"})
    assert dmi_value(out, "sys_vendor") == "QEMU\n"
    assert dmi_value(out, "product_name") == "Standard PC (Q35 + ICH9, 2009)\n"
    assert dmi_value(out, "bios_vendor") is None       # "Not Specified": no such file on the host
    assert dmi_value("", "sys_vendor") is None


@pytest.mark.parametrize("era", archives.ERAS)
def test_kvm_guest_from_supportconfig_dmidecode(tmp_path, era):
    from kbcheck.sources.supportconfig import SupportconfigSource
    p = archives.write_supportconfig(GUEST, str(tmp_path), era=era, tarball=(era == "current"))
    text = open(os.path.join(p, "hardware.txt")).read() if os.path.isdir(p) else ""
    assert era == "current" or "# /usr/sbin/dmidecode\n" in text
    src = SupportconfigSource(p)
    try:
        h = host(src)
        assert h.roles == {"kvm_guest"}, h.detection
        assert "QEMU" in h.detection["evidence"]["kvm_guest"] or "KVM" in h.detection["evidence"]["kvm_guest"]
    finally:
        src.close()


@pytest.mark.parametrize("dmi_sysfs", [True, False], ids=["sysfs-copied", "dmidecode-only"])
def test_kvm_guest_from_sosreport(tmp_path, dmi_sysfs):
    from kbcheck.sources.sosreport import SosreportSource
    dest = archives.write_sosreport(GUEST, str(tmp_path / "sosreport-guest"), dmi_sysfs=dmi_sysfs)
    assert os.path.isfile(os.path.join(dest, "sos_commands", "hardware", "dmidecode"))
    assert os.path.isdir(os.path.join(dest, "sys", "class", "dmi")) == dmi_sysfs
    h = host(SosreportSource(dest))
    assert h.roles == {"kvm_guest"}, h.detection
    assert h.value("/sys/class/dmi/id/sys_vendor") == open(os.path.join(GUEST, "sys/class/dmi/id/sys_vendor")).read().strip()


def test_sosreport_without_dmi_data_does_not_guess(tmp_path):
    from kbcheck.errors import NotCollected
    from kbcheck.sources.sosreport import SosreportSource
    dest = archives.write_sosreport(GUEST, str(tmp_path / "sosreport-guest"), dmi_sysfs=False)
    os.remove(os.path.join(dest, "sos_commands", "hardware", "dmidecode"))
    src = SosreportSource(dest)
    with pytest.raises(NotCollected):
        src.read_text("/sys/class/dmi/id/sys_vendor")
    h = host(src)
    assert "kvm_guest" not in h.roles
    assert any("no DMI data" in u for u in h.detection["unsure"])


# -- what an archive never collected is "?", not a guess -----------------------------------------
UNTUNED = os.path.join(EXAMPLES, "sle12-kvm-untuned")   # two NUMA nodes
NUMA_ENTRIES = ("numa-balancing", "ksm-merge-across-nodes", "numa-memory-policy", "guest-numa-locality",
                "guest-numa-topology")


def numa_results(h, catalog_data):
    from kbcheck.catalog import Entry
    from kbcheck.runner import run
    entries = [Entry(d) for d in catalog_data["entries"] if d["id"] in NUMA_ENTRIES]
    return [(e.id, r.subject, r.status, r.message) for e, r, _ in run(entries, h)]


def assert_numa_unknown(h, catalog_data):
    from kbcheck.detect import summary
    from kbcheck.reporters.text import header
    s = summary(h)
    assert s["numa_nodes"] is None and s["cpus"] == 16
    assert any(u.startswith("NUMA layout not in this archive") for u in s["unsure"])
    assert "16 CPUs / 8 cores / ? NUMA node(s)" in header(s)
    got = numa_results(h, catalog_data)
    assert got
    for eid, subject, _status, message in got:
        assert "single NUMA node" not in message, (eid, subject, message)
    assert [r for r in got if r[0] == "numa-balancing"][0][2] == "skip"


NO_LAYOUT = ("numactl --hardware", "lscpu")   # numactl not installed, and no lscpu kept


@pytest.mark.parametrize("era", archives.ERAS)
def test_supportconfig_without_node_data_reports_numa_unknown(tmp_path, era, catalog_data):
    from kbcheck.sources.supportconfig import SupportconfigSource
    src = SupportconfigSource(archives.write_supportconfig(UNTUNED, str(tmp_path), era=era, omit=NO_LAYOUT))
    try:
        assert_numa_unknown(host(src), catalog_data)
    finally:
        src.close()


@pytest.mark.parametrize("omit", [(), ("numactl --hardware",)], ids=["numactl", "lscpu-only"])
@pytest.mark.parametrize("era", archives.ERAS)
def test_supportconfig_numa_layout_from_numactl_or_lscpu(tmp_path, era, omit, catalog_data):
    """hardware.txt's lscpu and memory.txt's numactl --hardware hold the NUMA layout a supportconfig
    never copies from /sys/devices/system/node: the NUMA entries judge as on the root tree."""
    from kbcheck.detect import summary
    from kbcheck.sources.root import RootSource
    from kbcheck.sources.supportconfig import SupportconfigSource
    src = SupportconfigSource(archives.write_supportconfig(UNTUNED, str(tmp_path), era=era, omit=omit))
    try:
        h = host(src)
        s = summary(h)
        assert s["numa_nodes"] == 2 and (s["cpus"], s["cores"], s["sockets"]) == (16, 8, 2), s
        got = dict(((r[0], r[1]), r[2]) for r in numa_results(h, catalog_data))
    finally:
        src.close()
    root = dict(((r[0], r[1]), r[2]) for r in numa_results(host(RootSource(UNTUNED)), catalog_data))
    assert got[("numa-balancing", None)] == root[("numa-balancing", None)] == "fail"
    assert got[("ksm-merge-across-nodes", None)] == "skip"   # (supportutils never collects /sys/kernel/mm/ksm)
    for key, status in root.items():
        if key[0] == "guest-numa-topology":
            assert got.get(key) == status, key


def test_sosreport_without_node_tree_reports_numa_unknown(tmp_path, catalog_data):
    import shutil
    from kbcheck.detect import summary
    from kbcheck.sources.sosreport import SosreportSource
    dest = archives.write_sosreport(UNTUNED, str(tmp_path / "sosreport-x"), omit=NO_LAYOUT)
    assert summary(host(SosreportSource(dest)))["numa_nodes"] == 2
    shutil.rmtree(os.path.join(dest, "sys", "devices", "system", "node"))
    assert_numa_unknown(host(SosreportSource(dest)), catalog_data)


def test_plain_root_without_node_tree_is_one_node(tmp_path):
    from kbcheck.detect import summary
    from kbcheck.sources.root import RootSource
    from kbgen.scenarios import materialise
    materialise({"cpus": 4}, str(tmp_path))
    s = summary(host(RootSource(str(tmp_path))))
    assert s["numa_nodes"] == 1 and not any("NUMA" in u for u in s["unsure"])


def test_cores_unknown_when_cpuinfo_has_no_core_ids(tmp_path):
    from kbcheck.detect import summary
    from kbcheck.sources.supportconfig import SupportconfigSource
    files = {"/etc/os-release": 'NAME="SLES"\nVERSION_ID="12.5"\nID="sles"\n',
             "/proc/cpuinfo": "".join("processor\t: %d\nflags\t\t: fpu vmx\n\n" % i for i in range(4)),
             "/proc/meminfo": "MemTotal:       16384000 kB\n"}
    src = SupportconfigSource(archives.write_supportconfig(files, str(tmp_path), omit=("lscpu",)))
    try:
        s = summary(host(src))
    finally:
        src.close()
    assert (s["cpus"], s["cores"], s["sockets"], s["numa_nodes"]) == (4, None, None, None)
    assert any(u.startswith("CPU cores and sockets unknown") for u in s["unsure"])
