"""The memory, swap and Xen memory entries give a verdict (never an error) on every domain XML of
the shared corpus, on a KVM host and on a Xen Domain-0 with huge pages, KSM and swap configured."""
import os

import pytest

from conftest import CORPUS, needs_corpus

AREAS = ("memory", "swap", "xen")
DOMAINS = os.path.join(CORPUS, "domains")

HOSTS = {
    "kvm": {"role": "kvm_host", "hugepages": {"2M": {"total": 512}, "1G": {"total": 4}},
            "ksm": {"run": 1, "sleep_millisecs": 2000, "pages_to_scan": 1000, "pages_sharing": 1000,
                    "pages_shared": 100, "full_scans": 3},
            "thp": "[always] madvise never", "sysctl": {"vm.swappiness": 60},
            "mounts": ["hugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0"]},
    "xen": {"role": "xen_dom0", "product": "sle11sp4"},
}


def _corpus_files():
    if not os.path.isdir(DOMAINS):
        return []
    return sorted(f for f in os.listdir(DOMAINS) if f.endswith(".xml"))


@needs_corpus
@pytest.mark.parametrize("hostkind", sorted(HOSTS))
def test_no_errors_on_corpus_domains(tmp_path, model, catalog_data, hostkind):
    from kbcheck.catalog import Entry
    from kbcheck.facts import Host
    from kbcheck.runner import run_entry
    from kbcheck.sources.root import RootSource
    from kbgen import scenarios

    root = str(tmp_path)
    scenarios.materialise(HOSTS[hostkind], root)
    qemu = os.path.join(root, "etc", "libvirt", "qemu")
    if not os.path.isdir(qemu):
        os.makedirs(qemu)
    for i, f in enumerate(_corpus_files()):
        with open(os.path.join(DOMAINS, f), encoding="utf-8") as src:
            text = src.read()
        with open(os.path.join(qemu, "c%03d.xml" % i), "w", encoding="utf-8") as dst:
            dst.write(text)
    mine = [e for e in model.entries if e["area"] in AREAS]
    assert mine
    bad = []
    for e in mine:
        data = next(d for d in catalog_data["entries"] if d["id"] == e["id"])
        host = Host(RootSource(root), assume={"multi_tenant": "yes", "database": "yes"})
        for r in run_entry(Entry(data), host):
            if r.status == "error" and "cannot judge this guest" not in r.message:
                bad.append("%s: %s: %s" % (e["id"], r.subject, r.message))
    assert not bad, "\n".join(bad[:40])


def test_hugepage_demand_splits_by_page_and_cell():
    from kbcheck.parsers import domain
    xml = ("<domain type='kvm'><name>g</name><memory unit='GiB'>4</memory>"
           "<memoryBacking><hugepages><page size='1' unit='G' nodeset='0'/><page size='2048' unit='KiB'/>"
           "</hugepages></memoryBacking><cpu><numa><cell id='0' cpus='0' memory='1' unit='GiB'/>"
           "<cell id='1' cpus='1' memory='3' unit='GiB'/></numa></cpu></domain>")
    d = domain.parse(xml)
    assert d.hugepage_demand(2048) == {1048576: 1048576, 2048: 3145728}
    plain = domain.parse("<domain type='kvm'><name>p</name><memory>1048576</memory>"
                         "<memoryBacking><hugepages/></memoryBacking></domain>")
    assert plain.hugepage_demand(2048) == {2048: 1048576}
    assert domain.parse("<domain type='kvm'><name>n</name></domain>").hugepage_demand(2048) == {}


def test_cmdline_hugepage_pools():
    from kbcheck.parsers import kernel
    assert kernel.cmdline("hugepages=512 hugepagesz=1G hugepages=4").hugepage_pools(2048) == {2048: 512, 1048576: 4}
    assert kernel.cmdline("default_hugepagesz=1G hugepages=8").hugepage_pools(2048) == {1048576: 8}
    assert kernel.cmdline("quiet hugepagesz=bogus").hugepage_pools(2048) == {}


def test_xen_running_cmdline_from_xl_info():
    from kbcheck.errors import NotCollected
    from kbcheck.facts import Host
    from kbcheck.sources.base import Source

    class Fake(Source):
        def __init__(self, info):
            Source.__init__(self)
            self.info = info

        def read_text(self, path):
            return None

        def listdir(self, path):
            return None

        def command(self, name):
            if self.info is None:
                raise NotCollected(name, "not here")
            return self.info

    info = "host                   : xen1\nxen_commandline        : dom0_mem=4G,max:4G loglvl=all\ncc_compiler : gcc\n"
    assert Host(Fake(info)).xen_running_cmdline.get("dom0_mem") == "4G,max:4G"
    assert Host(Fake(None)).xen_running_cmdline is None
