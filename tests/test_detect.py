"""Host detection: product and roles from the evidence real hosts show, and honest doubt."""
import pytest

from kbgen.scenarios import materialise


def host_of(tmp_path, spec, assume=None):
    from kbcheck.facts import Host
    from kbcheck.sources.root import RootSource
    materialise(spec, str(tmp_path))
    return Host(RootSource(str(tmp_path)), assume=assume)


@pytest.mark.parametrize("role", ["kvm_host", "xen_dom0", "kvm_guest", "xen_guest", "container_host"])
def test_each_role_is_detected_from_its_evidence(tmp_path, role):
    h = host_of(tmp_path, {"role": role})
    assert h.roles == {role}
    assert h.detection["evidence"][role]


@pytest.mark.parametrize("product,want,era", [("sle11sp4", "sle11", "sle11"), ("sle12sp5", "sle12", "sle12"),
                                              ("sle15sp4", "sle15", "sle12"), ("debian12", "other", "sle12")])
def test_product_and_era(tmp_path, product, want, era):
    h = host_of(tmp_path, {"product": product})
    assert (h.product, h.era) == (want, era)


def test_sle11_has_only_suse_release(tmp_path):
    h = host_of(tmp_path, {"product": "sle11sp3"})
    assert not (tmp_path / "etc" / "os-release").exists()
    assert h.product_info["version"] == "11.3"


def test_kvm_host_from_dev_kvm_and_libvirt_without_proc_modules(tmp_path):
    h = host_of(tmp_path, {"role": "kvm_host", "files": {"proc/modules": None, "dev/kvm": ""}})
    assert h.roles == {"kvm_host"} and "dev/kvm" in h.detection["evidence"]["kvm_host"]


def test_guest_definitions_alone_give_an_unsure_kvm_host(tmp_path):
    h = host_of(tmp_path, {"role": "none", "files": {"proc/modules": None}, "guests": [{"name": "g1"}]})
    assert h.roles == {"kvm_host"}
    assert any("inferred" in u for u in h.detection["unsure"])


def test_no_evidence_says_so_and_assume_wins(tmp_path):
    h = host_of(tmp_path, {"role": "none"})
    assert h.roles == set() and any("--assume role=" in u for u in h.detection["unsure"])
    h2 = host_of(tmp_path, {"role": "none"}, assume={"role": "xen_dom0", "product": "sle11"})
    assert h2.roles == {"xen_dom0"} and h2.era == "sle11"


def test_hypervisor_flag_without_dmi_is_unsure(tmp_path):
    h = host_of(tmp_path, {"role": "none", "cpu_flags": ["hypervisor"]})
    assert "kvm_guest" not in h.roles and any("hypervisor CPU flag" in u for u in h.detection["unsure"])


def test_kvm_host_with_containers_has_both_roles(tmp_path):
    h = host_of(tmp_path, {"role": "kvm_host", "files": {"etc/systemd/system/multi-user.target.wants/docker.service": "x"}})
    assert h.roles == {"kvm_host", "container_host"}


def test_summary_reports_topology_and_guests(tmp_path):
    from kbcheck.detect import summary
    h = host_of(tmp_path, {"cpus": 16, "cores": 8, "sockets": 2, "memory": "64G",
                           "numa": [{"cpus": "0-7", "memory": "32G"}, {"cpus": "8-15", "memory": "32G"}],
                           "guests": [{"name": "a"}, {"name": "b"}], "files": {"etc/hostname": "kvm07\n"}})
    s = summary(h)
    assert (s["hostname"], s["cpus"], s["cores"], s["sockets"], s["numa_nodes"], s["guests"]) == ("kvm07", 16, 8, 2, 2, 2)
    assert s["memory_kib"] == 64 * 1024 * 1024 and s["roles"] == ["kvm_host"]


def test_the_kvm_module_alone_is_no_kvm_host(tmp_path):
    # kvm_intel loads by itself on a VT-x CPU: without guests, QEMU or libvirt's QEMU driver no KVM host
    h = host_of(tmp_path, {"role": "container_host", "modules": ["kvm_intel", "kvm"]})
    assert h.roles == {"container_host"}
    h2 = host_of(tmp_path / "b", {"role": "none", "modules": ["kvm_intel", "kvm"],
                                  "files": {"proc/1/cmdline": "/usr/lib/systemd/systemd\0",
                                            "proc/4410/cmdline": "qemu-system-x86_64\0-enable-kvm\0-name\0t\0"}})
    assert h2.roles == {"kvm_host"} and "QEMU running" in h2.detection["evidence"]["kvm_host"]


def test_cri_o_is_a_container_runtime(tmp_path):
    h = host_of(tmp_path, {"role": "none", "files": {"etc/systemd/system/multi-user.target.wants/crio.service": "x"}})
    assert h.roles == {"container_host"} and "crio.service" in h.detection["evidence"]["container_host"]


def test_a_declared_role_settles_detections_doubt_and_other_products_are_named(tmp_path):
    from kbcheck.detect import summary
    s = summary(host_of(tmp_path, {"role": "none", "product": "debian12"}, assume={"role": "kvm_host"}))
    assert not any("no virtualization role detected" in u for u in s["unsure"])
    notes = [u for u in s["unsure"] if "not SUSE Linux Enterprise" in u]
    assert len(notes) == 1 and "Debian GNU/Linux 12" in notes[0] and "SLE 12 rules" in notes[0]
    s2 = summary(host_of(tmp_path / "b", {"role": "kvm_host"}))
    assert s2["unsure"] == []


def test_domain0_header_counts_the_machine_not_domain0(tmp_path):
    """A Xen Domain-0 sees only its own vCPUs (dom0_max_vcpus=4 here): the summary counts the
    machine's CPUs and NUMA nodes from libvirt's capabilities; without them it does not guess."""
    import os
    import shutil

    from conftest import EXAMPLES
    from kbcheck.detect import summary
    from kbcheck.facts import Host
    from kbcheck.sources.root import RootSource
    root = str(tmp_path / "root")
    shutil.copytree(os.path.join(EXAMPLES, "sle12-xen-dom0-tuned"), root, symlinks=True)
    s = summary(Host(RootSource(root)))
    assert (s["cpus"], s["cores"], s["numa_nodes"]) == (32, 16, 2)
    os.unlink(os.path.join(root, "var", "lib", "kbcheck", "capabilities.xml"))
    s = summary(Host(RootSource(root)))
    assert (s["cpus"], s["cores"], s["sockets"]) == (None, None, None)
    assert [u for u in s["unsure"] if u.startswith("the machine's CPU count unknown: ")
            and "dom0_max_vcpus=4" in u], s["unsure"]
