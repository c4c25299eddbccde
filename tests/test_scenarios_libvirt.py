"""Every scenario of every guest-scope entry, judged a second time with the guests served by a real
libvirt: the test driver (test:///node.xml), through kbcheck's LibvirtSource, read-only.

The host files still come from the scenario's root tree; only domains() comes from libvirt, so
the guests are what libvirt's own domain XML parser made of the scenario's XML (defaults filled
in, unknown elements dropped, running domains given ids and aliases). The verdicts must be the
same as in the offline run from /etc/libvirt files, and both must meet the scenario's `expect`.

Domain type: libvirt 9's test driver keeps the `<domain type=...>` of a node file as written
(tests/support/testdriver.py documents it). Should a libvirt rewrite it (to 'test'), the original
type is kept in <metadata> (keep_original_type=True) and restored here, and the test says so in
its report line: that is test-harness bookkeeping, not something kbcheck does on a live host.

The test driver keeps only its own XML namespace: <qemu:commandline> is dropped (only the QEMU
driver keeps it; the live test covers that driver), so scenarios built on it are skipped with that
reason. A scenario whose guest XML libvirt itself refuses (malformed on purpose, to test kbcheck's error
path) cannot be served by libvirt: it is skipped with libvirt's own reason. So is a template's scenario
marked `offline` (values libvirt does not know, attributes and elements it would fill in): it shows
definition files as they may be on disk, which only the offline run reads as written.
"""
import re

import pytest

from kbgen import guestxml
from kbgen import model as model_mod
from kbgen import scenarios

try:
    import libvirt
except ImportError:  # pragma: no cover - depends on the environment
    libvirt = None

try:
    from support import testdriver as td
except ImportError:  # pragma: no cover
    from tests.support import testdriver as td

pytestmark = pytest.mark.skipif(libvirt is None, reason="libvirt-python is not installed "
                                "(pip install -r tests/requirements-libvirt.txt)")

STATE_FOR_DRIVER = {None: "running", "running": "running", "shut off": "shutoff", "shutoff": "shutoff",
                    "paused": "paused", "crashed": "crashed", "pmsuspended": "pmsuspended", "idle": "blocked"}
_ORIG_RE = re.compile(r"<(?:\w+:)?original\s[^>]*type=['\"]([^'\"]+)['\"]")
_TYPE_RE = re.compile(r"(<domain\b[^>]*?\btype=)(['\"])([^'\"]*)\2")


def _cases():
    m = model_mod.load()
    for e in m.entries:
        if e.get("scope") != "guest":
            continue
        for i, sc in enumerate(e["scenarios"]):
            if not (sc.get("host") or {}).get("guests"):
                continue  # no guests: nothing for libvirt to serve
            yield pytest.param(e["id"], i, id="%s[%s]" % (e["id"], sc["name"]))


def node_for(scenario, directory):
    """Write the test driver's node file for a scenario's guests; -> path."""
    items = []
    for g in (scenario.get("host") or {}).get("guests", []):
        state = STATE_FOR_DRIVER.get(g.get("state"), "running")
        items.append(td.TestDomain(guestxml.expand(g), state=state))
    return td.write_node_file(directory, items, keep_original_type=True)


def libvirt_source(node_path, base):
    """LibvirtSource over `base` with the guests from the test driver; restores a rewritten type."""
    from kbcheck.sources.libvirt_live import LibvirtSource

    class TestDriverSource(LibvirtSource):
        restored = []

        def domains(self):
            out = []
            for name, xml, state, origin in LibvirtSource.domains(self):
                if xml is not None:
                    m = _ORIG_RE.search(xml)
                    t = _TYPE_RE.search(xml)
                    if m and t and t.group(3) != m.group(1):
                        self.restored.append((name, t.group(3), m.group(1)))
                        xml = xml[:t.start(3)] + m.group(1) + xml[t.end(3):]
                out.append((name, xml, state, origin))
            return out

    return TestDriverSource(base, uri=td.test_uri(node_path), timeout=30, live_capabilities=False)


def _verdicts(results):
    return sorted(((r.subject or ""), r.status) for r in results)


@pytest.mark.parametrize("entry_id,index", list(_cases()))
def test_guest_scenario_through_libvirt_test_driver(model, catalog_data, tmp_path, entry_id, index):
    from kbcheck.catalog import Entry
    from kbcheck.sources.root import RootSource
    e = model.by_id[entry_id]
    ce = Entry(next(d for d in catalog_data["entries"] if d["id"] == entry_id))
    sc = e["scenarios"][index]
    where = "%s:%d: entry %s, scenario %r" % (e["file"], e["scenario_lines"][index], entry_id, sc["name"])
    if sc.get("offline"):  # a template's scenario of definition files libvirt would rewrite
        pytest.skip("definition files as they may be on disk, not as libvirt keeps them: %s" % sc["offline"])
    gone = [g["name"] for g in sc["host"]["guests"]
            if g.get("qemu_args") or "qemu:commandline" in (g.get("xml") or "") + (g.get("domain_xml") or "")]
    if gone:
        pytest.skip("the test driver drops <qemu:commandline> (only libvirt's QEMU driver keeps that "
                    "namespace): guests %s cannot be served as written" % ", ".join(gone))
    node = node_for(sc, tmp_path)
    try:
        libvirt.registerErrorHandler(lambda ctx, err: None, None)
        libvirt.openReadOnly(td.test_uri(node)).close()
    except libvirt.libvirtError as ex:
        pytest.skip("libvirt's test driver refuses this scenario's guests: %s" % ex)

    offline, offline_problems = scenarios.run(ce, sc)
    seen = {}

    def factory(root, scenario):
        src = libvirt_source(node, RootSource(root))
        seen["src"] = src
        return src
    live, live_problems = scenarios.run(ce, sc, source_factory=factory)
    src = seen["src"]
    if src._loaded:  # guests were asked for (a skipped entry never asks)
        assert src.guests_from == "libvirt " + td.test_uri(node), "%s: libvirt not used: %s" % (where, src.notices)
    assert not offline_problems, "%s (offline): %s" % (where, "; ".join(offline_problems))
    assert not live_problems, "%s (libvirt test driver): %s" % (where, "; ".join(live_problems))
    assert _verdicts(live) == _verdicts(offline), "%s: offline %s, through libvirt %s" % (
        where, _verdicts(offline), _verdicts(live))
    if src.restored:  # pragma: no cover - libvirt 9 keeps the type; see the module docstring
        print("%s: domain type restored from metadata for %s" % (where, src.restored))


def test_states_come_from_libvirt(tmp_path):
    """A running and a shut-off guest: LibvirtSource names their states as virsh does."""
    from kbcheck.facts import Host
    from kbcheck.sources.root import RootSource
    sc = {"host": {"guests": [{"name": "up"}, {"name": "down", "state": "shut off"}]}}
    root = tmp_path / "root"
    root.mkdir()
    scenarios.materialise(sc["host"], str(root))
    node = node_for(sc, tmp_path)
    src = libvirt_source(node, RootSource(str(root)))
    host = Host(src)
    assert dict((d.name, d.state) for d in host.domains) == {"up": "running", "down": "shut off"}
    assert [d.type for d in host.domains] == ["kvm", "kvm"]
    assert src.node_info["cpus"] == 8
    assert "running" in src.inactive_xml.get("up", "running") or src.inactive_xml.get("up", "").startswith("<domain")
    assert src.notices == []
