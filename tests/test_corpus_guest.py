"""Every guest-scope probe on every real domain XML of ../shared/corpus/domains: a verdict
(pass, fail, warn, info or skip) for each, never an error and never a crash."""
import glob
import os
import shutil
import tempfile

import pytest

from conftest import CORPUS, needs_corpus

DOMAINS = sorted(glob.glob(os.path.join(CORPUS, "domains", "*.xml")))
CAPS = os.path.join(CORPUS, "capabilities", "capabilities__kvm-x86_64.xml")
pytestmark = needs_corpus


class CorpusSource(object):
    """A scenario root for host facts, and the whole corpus as its libvirt guests."""

    def __init__(self, root, caps):
        from kbcheck.sources.root import RootSource
        self.inner = RootSource(root)
        self.kind, self.label, self.notices = "root", root, []
        self.caps = caps

    def read_text(self, path):
        return self.inner.read_text(path)

    def listdir(self, path):
        return self.inner.listdir(path)

    def exists(self, path):
        return self.inner.exists(path)

    def command(self, name):
        return self.inner.command(name)

    def domains(self):
        out = []
        for p in DOMAINS:
            with open(p, encoding="utf-8") as f:
                out.append((os.path.basename(p)[:-4], f.read(), None, p))
        return out

    def capabilities(self):
        return self.caps

    def close(self):
        pass


@pytest.fixture(scope="module", params=["kvm_host", "xen_dom0"])
def corpus_host(request):
    from kbcheck.facts import Host
    from kbgen import scenarios
    tmp = tempfile.mkdtemp(prefix="kbcorpus-")
    scenarios.materialise({"role": request.param}, tmp)
    with open(CAPS, encoding="utf-8") as f:
        caps = f.read() if request.param == "kvm_host" else None
    yield Host(CorpusSource(tmp, caps))
    shutil.rmtree(tmp, ignore_errors=True)


def test_corpus_is_there():
    assert len(DOMAINS) > 200, "the domain corpus is missing: expected ../shared/corpus/domains"


def test_guest_probes_judge_every_corpus_domain(corpus_host, catalog_data):
    from kbcheck.catalog import Entry
    from kbcheck.applies import guest_skip
    from kbcheck.runner import call_probe
    doms = corpus_host.domains
    assert len(doms) + len(corpus_host.domain_errors) == len(DOMAINS)
    bad = []
    for data in catalog_data["entries"]:
        if data.get("scope") != "guest":
            continue
        e = Entry(data)
        for d in doms:
            if guest_skip(e, d) is not None:  # not a guest this entry judges (its applies.guests)
                continue
            for r in call_probe(e, corpus_host, d):
                if r.status == "error":
                    bad.append("%s on %s: %s" % (e.id, os.path.basename(d.origin), r.message))
    assert not bad, "\n".join(bad[:40])
