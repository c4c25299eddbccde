"""Build node files for libvirt's test driver (``test:///abs/path/node.xml``).

The test driver is libvirt's in-process "mock" hypervisor: no daemon, no root,
no QEMU.  Opening ``test:///<absolute path>`` parses a ``<node>`` document that
describes the host (``<cpu>``, ``<memory>``) and embeds ``<domain>`` documents,
each parsed by libvirt's real domain XML parser (the same code the QEMU driver
uses), so ``XMLDesc()`` hands back libvirt's own normalised view of the XML.

Node file format (libvirt ``src/test/test_driver.c``, ``testParseNodeInfo`` and
``testParseDomains``)::

    <node>
      <cpu>
        <mhz>2400</mhz> <model>...</model>
        <nodes>N</nodes> <sockets>S</sockets> <cores>C</cores> <threads>T</threads>
        <active>A</active>          <!-- caps N*S*C*T -->
      </cpu>
      <memory>KiB</memory>
      <domain type='kvm' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
        ...
        <test:runstate>5</test:runstate>   <!-- virDomainState; default 1 = running -->
        <test:transient/>                  <!-- optional -->
      </domain>
    </node>

Quirks of libvirt 9.0's test driver (measured; see tests/test_libvirt_infra.py):

* The ``<domain type=...>`` is NOT checked against the test driver's
  capabilities when loading a node file (only ``defineXML`` on an open
  connection would), so every type is kept as written: kvm, qemu, xen, lxc,
  bhyve, vz, hvf, test all round-trip.  ``force_type='test'`` with
  ``keep_original_type=True`` is there anyway; it stores the original in
  ``<metadata><kbt:original xmlns:kbt=ORIGINAL_TYPE_NS type='kvm'/>``.
* Parsing normalises like any libvirt driver: ``<memory>``/``<currentMemory>``
  and NUMA ``<cell memory>`` become KiB, ``<vcpu placement='static'>``,
  ``<on_reboot>``/``<on_crash>`` defaults, ``<graphics listen=>`` gains a
  ``<listen>`` child, the first ``<video><model>`` gets ``primary='yes'``,
  devices come back in libvirt's canonical order, every ``<interface>`` gets
  ``<target dev='testnetN'/>`` (running or not), running domains get an
  ``id=``; a missing ``<uuid>`` is generated.  ``<metadata>`` children keep
  their namespaces and prefixes.
* ``<test:runstate>`` is consumed by the driver and not shown by ``XMLDesc()``.
* Within one node file, domain names and UUIDs must be unique (the corpus has
  clones sharing a UUID: load such documents in separate node files).
* ``<cpu>`` of the node file feeds ``getInfo()`` only; the capabilities of a
  file-based test connection have no NUMA cells.
* libvirt 9.0 refuses documents using newer features (loongarch64,
  TDX/SEV-SNP ``launchSecurity``, nvme controllers, virtio sound, HyperV
  ``xmm_input``) and invalid ones: 241 of the 267 corpus documents load.
"""

import os
import re

TEST_NS = "http://libvirt.org/schemas/domain/test/1.0"
ORIGINAL_TYPE_NS = "https://kbcheck.invalid/testdriver/1"

# virDomainState values accepted by <test:runstate>
STATES = {
    "running": 1,
    "blocked": 2,
    "paused": 3,
    "shutdown": 4,
    "shutoff": 5,
    "crashed": 6,
    "pmsuspended": 7,
}

_PROLOG_RE = re.compile(
    r"\A(?:\s+|<\?xml[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*", re.S
)


class TestDomain(object):
    """One domain of a node file: its XML and the state the driver gives it."""

    __test__ = False  # not a pytest test class

    def __init__(self, xml, state="running", transient=False):
        if state not in STATES:
            raise ValueError("unknown state %r (one of %s)" % (state, ", ".join(sorted(STATES))))
        if transient and state == "shutoff":
            raise ValueError("a transient domain cannot be shut off")
        self.xml = xml
        self.state = state
        self.transient = transient


def _as_test_domain(item):
    if isinstance(item, TestDomain):
        return item
    if isinstance(item, str):
        return TestDomain(item)
    if isinstance(item, (tuple, list)) and len(item) == 2:
        xml, state = item
        if isinstance(state, bool):
            state = "running" if state else "shutoff"
        return TestDomain(xml, state)
    raise TypeError("domain must be an XML string, (xml, state) or TestDomain, not %r" % (item,))


def _root_start_tag(xml):
    """Return (start, end) of the root element's start tag, honouring quotes."""
    m = _PROLOG_RE.match(xml)
    pos = m.end() if m else 0
    if not xml.startswith("<domain", pos) or not (xml[pos + 7:pos + 8].isspace() or xml[pos + 7:pos + 8] in (">", "/")):
        raise ValueError("not a <domain> document (root starts with %r)" % xml[pos:pos + 40])
    quote = None
    i = pos + 7
    while i < len(xml):
        c = xml[i]
        if quote:
            if c == quote:
                quote = None
        elif c in ("'", '"'):
            quote = c
        elif c == ">":
            if xml[i - 1] == "/":
                raise ValueError("empty <domain/> document")
            return pos, i
        i += 1
    raise ValueError("unterminated <domain> start tag")


_TYPE_RE = re.compile(r"""\stype\s*=\s*(['"])(.*?)\1""")


def domain_type(xml):
    """The ``type`` attribute of a domain document's root element (or None)."""
    start, end = _root_start_tag(xml)
    m = _TYPE_RE.search(xml, start, end)
    return m.group(2) if m else None


def embed_domain(item, keep_original_type=False, force_type=None):
    """Return the text of one ``<domain>`` ready to sit inside ``<node>``.

    The document is kept byte for byte, except: the XML declaration/DOCTYPE
    are dropped, ``xmlns:test`` goes on the root tag, and ``<test:runstate>``
    (and ``<test:transient/>``) are appended as the root's last children.
    ``force_type`` replaces the root's ``type`` (e.g. ``'test'``); with
    ``keep_original_type`` the original is stored in
    ``<metadata><kbt:original type='...'/></metadata>``.
    """
    dom = _as_test_domain(item)
    xml = dom.xml
    start, end = _root_start_tag(xml)
    head = xml[start:end]
    orig_type = domain_type(xml)
    if force_type is not None:
        if _TYPE_RE.search(head):
            head = _TYPE_RE.sub(lambda m: " type=%s%s%s" % (m.group(1), force_type, m.group(1)), head, count=1)
        else:
            head += " type='%s'" % force_type
    if "xmlns:test=" not in head:
        head += " xmlns:test='%s'" % TEST_NS
    body = xml[end + 1:]
    close = body.rfind("</domain>")
    if close < 0:
        raise ValueError("no </domain> end tag")
    inner, tail = body[:close], body[close:]
    extra = "  <test:runstate>%d</test:runstate>\n" % STATES[dom.state]
    if dom.transient:
        extra += "  <test:transient/>\n"
    if keep_original_type and orig_type is not None:
        marker = "<kbt:original xmlns:kbt='%s' type='%s'/>" % (ORIGINAL_TYPE_NS, orig_type)
        if re.search(r"<metadata\s*/>", inner):
            inner = re.sub(r"<metadata\s*/>", "<metadata>%s</metadata>" % marker, inner, count=1)
        elif re.search(r"<metadata(\s[^>]*)?>", inner):
            inner = re.sub(r"(<metadata(?:\s[^>]*)?>)", lambda m: m.group(1) + marker, inner, count=1)
        else:
            extra += "  <metadata>%s</metadata>\n" % marker
    tail = tail[len("</domain>"):]
    if tail.strip():
        # only comments/whitespace may follow the root element
        if re.sub(r"<!--.*?-->", "", tail, flags=re.S).strip():
            raise ValueError("content after </domain>")
    return head + ">" + inner.rstrip() + "\n" + extra + "</domain>"


def node_xml(domain_xmls, cpus=8, memory_kib=16777216, numa_nodes=1, mhz=2400,
             model="x86_64", keep_original_type=False, force_type=None):
    """Return the text of a test-driver node file holding ``domain_xmls``.

    ``domain_xmls`` items are a domain XML string (running), a tuple
    ``(xml, state)`` with state a name of ``STATES`` or a bool (True =
    running), or a ``TestDomain``.  ``cpus`` host CPUs spread over
    ``numa_nodes`` nodes (``getInfo()`` reports them), ``memory_kib`` of RAM.
    """
    if numa_nodes < 1 or cpus < 1:
        raise ValueError("cpus and numa_nodes must be >= 1")
    cores = -(-cpus // numa_nodes)  # ceil: N*S*C*T >= cpus, <active> trims
    parts = [
        "<node>",
        "  <cpu>",
        "    <mhz>%d</mhz>" % mhz,
        "    <model>%s</model>" % model,
        "    <nodes>%d</nodes>" % numa_nodes,
        "    <sockets>1</sockets>",
        "    <cores>%d</cores>" % cores,
        "    <threads>1</threads>",
        "    <active>%d</active>" % cpus,
        "  </cpu>",
        "  <memory>%d</memory>" % memory_kib,
    ]
    for item in domain_xmls:
        parts.append(embed_domain(item, keep_original_type=keep_original_type, force_type=force_type))
    parts.append("</node>")
    return "\n".join(parts) + "\n"


def write_node_file(directory, domain_xmls, name="node.xml", **kw):
    """Write a node file into ``directory``; return its absolute path."""
    path = os.path.abspath(os.path.join(str(directory), name))
    with open(path, "w", encoding="utf-8") as f:
        f.write(node_xml(domain_xmls, **kw))
    return path


def test_uri(path):
    """The libvirt URI of the test driver for a node file path."""
    return "test://" + os.path.abspath(str(path))


def open_test_conn(tmp_path, domain_xmls, **kw):
    """Write a node file under ``tmp_path`` and return a read-only connection."""
    import libvirt  # imported here: the builder above needs no libvirt

    path = write_node_file(tmp_path, domain_xmls, **kw)
    return libvirt.openReadOnly(test_uri(path))
