"""Real libvirt XML that nobody here wrote: every domain of ../shared/corpus gets a verdict from
every guest check, never an error of ours; every capabilities document parses."""
import glob
import os
import shutil

import pytest

from conftest import CORPUS, needs_corpus

DOMAINS = sorted(glob.glob(os.path.join(CORPUS, "domains", "*.xml")))
CAPS = sorted(glob.glob(os.path.join(CORPUS, "capabilities", "*.xml")))
pytestmark = needs_corpus


@pytest.fixture(scope="module")
def corpus_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus-root")
    qemu = root / "etc" / "libvirt" / "qemu"
    qemu.mkdir(parents=True)
    for i, p in enumerate(DOMAINS):
        shutil.copy(p, str(qemu / ("%03d-%s" % (i, os.path.basename(p)))))
    (root / "proc").mkdir()
    (root / "proc" / "modules").write_text("kvm_intel 245760 0 - Live 0x0\nkvm 737280 1 kvm_intel, Live 0x0\n")
    return str(root)


def test_every_corpus_domain_parses():
    from kbcheck.parsers import domain
    for p in DOMAINS:
        with open(p) as f:
            d = domain.parse(f.read(), origin=p)
        assert d.name


def _host_for(entry_data, root):
    """A host of the first role and product the entry applies to, guests from the corpus."""
    from kbcheck.facts import Host
    from kbcheck.sources.root import RootSource
    ap = entry_data["applies"]
    role = {"kvm": "kvm_host", "xen": "xen_dom0", "containers": "container_host"}[ap["hypervisors"][0]]
    if ap["roles"] == ["guest"]:
        role = "kvm_guest" if ap["hypervisors"][0] == "kvm" else "xen_guest"
    return Host(RootSource(root), assume={"role": role, "product": ap["products"][-1]})


def test_every_guest_check_judges_every_corpus_domain(corpus_root, catalog_data):
    from kbcheck.catalog import Entry
    from kbcheck.runner import run_entry
    errors = []
    guest_entries = [d for d in catalog_data["entries"] if d.get("scope") == "guest"]
    assert guest_entries
    for d in guest_entries:
        host = _host_for(d, corpus_root)
        assert len(host.domains) == len(DOMAINS) and host.domain_errors == []
        results = run_entry(Entry(d), host)
        # names repeat across the corpus: count results, at least one per guest
        assert len(results) >= len(host.domains), (d["id"], results[:3])
        errors.extend("%s [%s]: %s" % (d["id"], r.subject, r.message) for r in results if r.status == "error")
    assert not errors, "\n".join(errors[:40])


def test_every_host_check_survives_a_corpus_root(corpus_root, catalog_data):
    """Host checks on a root that holds nothing but guests: skips and verdicts, no crashes."""
    from kbcheck.catalog import Entry
    from kbcheck.runner import run_entry
    crashed = []
    for d in catalog_data["entries"]:
        if d.get("scope") == "guest":
            continue
        for r in run_entry(Entry(d), _host_for(d, corpus_root)):
            if r.status == "error" and "crashed" in r.message:
                crashed.append("%s: %s" % (d["id"], r.message))
    assert not crashed, "\n".join(crashed)


@pytest.mark.parametrize("path", CAPS, ids=[os.path.basename(p) for p in CAPS])
def test_every_capabilities_document_parses(path):
    from kbcheck.parsers import capabilities
    with open(path) as f:
        c = capabilities.parse(f.read())
    assert c.guests or "empty" in path
