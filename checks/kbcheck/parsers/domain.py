"""libvirt domain XML -> a small model of what the checks judge.

Written for the XML libvirt itself writes (/etc/libvirt/qemu/*.xml, `virsh dumpxml`), from the
SLE 11 era (libvirt 0.9/1.x) to today's. Missing elements give None/empty values, never errors;
only unparseable XML raises ParseError. `dom.root` keeps the ElementTree for anything else.
"""
import re

from kbcheck.errors import ParseError
from kbcheck.parsers import elementpath, xmlsafe
from kbcheck.parsers.kernel import cpulist, parse_size
from kbcheck.parsers.numbers import integer

_UNIT = {"b": 1, "bytes": 1, "kb": 1000, "k": 1024, "kib": 1024, "mb": 1000 ** 2, "m": 1024 ** 2,
         "mib": 1024 ** 2, "gb": 1000 ** 3, "g": 1024 ** 3, "gib": 1024 ** 3, "tb": 1000 ** 4,
         "t": 1024 ** 4, "tib": 1024 ** 4, "pb": 1000 ** 5, "p": 1024 ** 5, "pib": 1024 ** 5}


def to_kib(value, unit="KiB"):
    """A libvirt scaled integer -> KiB (int), or None when absent/garbled."""
    if value is None:
        return None
    try:
        n = integer(str(value))
    except ValueError:
        return None
    factor = _UNIT.get((unit or "KiB").strip().lower())
    if factor is None:
        return None
    return n * factor // 1024


def _int(text, default=None):
    try:
        return integer(str(text))
    except (TypeError, ValueError):
        return default


def _cpus(text):
    """A libvirt cpuset ('0-3,^2,8') -> sorted list, or None."""
    if not text:
        return None
    inc, exc = [], []
    try:
        for part in text.split(","):
            part = part.strip()
            if part.startswith("^"):
                exc.extend(cpulist(part[1:]))
            elif part:
                inc.extend(cpulist(part))
    except ParseError:
        return None
    return sorted(set(inc) - set(exc))


class Disk(object):
    def __init__(self, el):
        self.device = el.get("device", "disk")
        self.type = el.get("type", "file")
        tgt = el.find("target")
        self.target = tgt.get("dev") if tgt is not None else None
        self.bus = tgt.get("bus") if tgt is not None else None
        drv = el.find("driver")
        self.driver_name = drv.get("name") if drv is not None else None
        self.format = drv.get("type") if drv is not None else None
        self.cache = drv.get("cache") if drv is not None else None
        self.io = drv.get("io") if drv is not None else None
        src = el.find("source")
        self.source = None
        self.source_protocol = None
        if src is not None:
            self.source = (src.get("file") or src.get("dev") or src.get("dir") or src.get("name")
                           or (src.get("pool", "") + "/" + src.get("volume", "") if src.get("pool") else None))
            self.source_protocol = src.get("protocol")
        self.backing = []
        bs = el.find("backingStore")
        while bs is not None and len(bs):
            s = bs.find("source")
            f = bs.find("format")
            self.backing.append(((s.get("file") or s.get("dev")) if s is not None else None,
                                 f.get("type") if f is not None else None))
            bs = bs.find("backingStore")
        self.readonly = el.find("readonly") is not None
        # <driver><metadata_cache><max_size unit=...>: QEMU's qcow2 L2 cache (libvirt 7.0); raw: (text, unit)
        ms = drv.find("metadata_cache/max_size") if drv is not None else None
        self.metadata_cache_raw = ((ms.text or "").strip(), ms.get("unit", "bytes")) if ms is not None else None
        n, f = (_int(ms.text), _UNIT.get(ms.get("unit", "bytes").strip().lower())) if ms is not None else (None, None)
        self.metadata_cache_bytes = n * f if n is not None and n >= 0 and f else None

    @property
    def name(self):
        return self.target or self.source or "disk"

    def __repr__(self):
        return "Disk(%s %s bus=%s)" % (self.device, self.target, self.bus)


class Domain(object):
    """One guest. Attributes are plain values; see the parse() body for the list."""

    def __init__(self, root, origin=None, state=None):
        self.root = root
        self.origin = origin
        self.state = state
        r = root
        self.type = r.get("type")  # kvm, qemu, xen, lxc, test, ...
        # 'kvm' for kvm/qemu, 'xen' for xen, 'lxc' for lxc, else the type (a plain attribute: every
        # guest-scope probe asks for it first, tens of thousands of times on a big host)
        t = (self.type or "").lower()
        self.hypervisor = "kvm" if t in ("kvm", "qemu", "kqemu") else t
        self.name = (r.findtext("name") or "").strip() or "(unnamed)"
        self.uuid = (r.findtext("uuid") or "").strip() or None
        mem = r.find("memory")
        self.memory_kib = to_kib(mem.text, mem.get("unit")) if mem is not None else None
        cur = r.find("currentMemory")
        self.current_memory_kib = to_kib(cur.text, cur.get("unit")) if cur is not None else self.memory_kib
        mx = r.find("maxMemory")
        self.max_memory_kib = to_kib(mx.text, mx.get("unit")) if mx is not None else None
        self.max_memory_slots = _int(mx.get("slots")) if mx is not None else None
        v = r.find("vcpu")
        self.vcpus = _int(v.text, 1) if v is not None else 1
        self.vcpus_current = _int(v.get("current"), self.vcpus) if v is not None else self.vcpus
        self.vcpu_placement = v.get("placement") if v is not None else None
        self.cpuset = _cpus(v.get("cpuset")) if v is not None else None
        # <os>
        os_el = r.find("os")
        t = os_el.find("type") if os_el is not None else None
        self.os_type = (t.text or "").strip() if t is not None and t.text else None
        self.arch = t.get("arch") if t is not None else None
        self.machine = t.get("machine") if t is not None else None
        self.loader = (os_el.findtext("loader") or "").strip() or None if os_el is not None else None
        self.kernel = (os_el.findtext("kernel") or "").strip() or None if os_el is not None else None
        self.bootloader = (r.findtext("bootloader") or "").strip() or None
        # <features>
        feats = r.find("features")
        self.features = set(c.tag for c in feats) if feats is not None else set()
        acpi = feats.find("acpi") if feats is not None else None
        self.acpi = acpi is not None and acpi.get("state", "on") != "off"
        # <cpu>
        cpu = r.find("cpu")
        self.cpu_mode = None
        self.cpu_model = None
        self.numa_cells = []
        if cpu is not None:
            self.cpu_mode = cpu.get("mode") or ("custom" if cpu.find("model") is not None else None)
            m = cpu.find("model")
            self.cpu_model = (m.text or "").strip() or None if m is not None else None
            for c in cpu.findall("numa/cell"):
                self.numa_cells.append({
                    "id": _int(c.get("id")),
                    "cpus": _cpus(c.get("cpus")) or [],
                    "memory_kib": to_kib(c.get("memory"), c.get("unit")) or 0,
                    "memAccess": c.get("memAccess"),
                })
        # <numatune>
        nt = r.find("numatune")
        self.numatune_mode = None
        self.numatune_nodeset = None
        self.numatune_placement = None
        self.numatune_cells = []
        if nt is not None:
            m = nt.find("memory")
            if m is not None:
                self.numatune_mode = m.get("mode", "strict")
                self.numatune_nodeset = _cpus(m.get("nodeset"))
                self.numatune_placement = m.get("placement") or ("static" if m.get("nodeset") else None)
            for mn in nt.findall("memnode"):
                self.numatune_cells.append({"cellid": _int(mn.get("cellid")), "mode": mn.get("mode"),
                                            "nodeset": _cpus(mn.get("nodeset"))})
        # <cputune>
        self.vcpupins = {}
        self.emulatorpin = None
        ct = r.find("cputune")
        if ct is not None:
            for p in ct.findall("vcpupin"):
                vid = _int(p.get("vcpu"))
                if vid is not None:
                    self.vcpupins[vid] = _cpus(p.get("cpuset")) or []
            ep = ct.find("emulatorpin")
            if ep is not None:
                self.emulatorpin = _cpus(ep.get("cpuset"))
        # <memoryBacking>
        mb = r.find("memoryBacking")
        self.hugepages = None  # None: not backed by huge pages; else list of {size_kib, nodeset}
        self.nosharepages = False
        self.locked = False
        if mb is not None:
            hp = mb.find("hugepages")
            if hp is not None:
                pages = []
                for p in hp.findall("page"):
                    pages.append({"size_kib": to_kib(p.get("size"), p.get("unit")),
                                  "nodeset": _cpus(p.get("nodeset"))})
                self.hugepages = pages or [{"size_kib": None, "nodeset": None}]
            self.nosharepages = mb.find("nosharepages") is not None
            self.locked = mb.find("locked") is not None
        # <memtune>
        mt = r.find("memtune")

        def _lim(tag):
            el = mt.find(tag) if mt is not None else None
            return to_kib(el.text, el.get("unit")) if el is not None else None
        self.hard_limit_kib = _lim("hard_limit")
        self.soft_limit_kib = _lim("soft_limit")
        self.swap_hard_limit_kib = _lim("swap_hard_limit")
        # <devices>
        dev = r.find("devices")
        dev = dev if dev is not None else r.makeelement("devices", {})
        self.emulator = (dev.findtext("emulator") or "").strip() or None
        self.disks = [Disk(d) for d in dev.findall("disk")]
        self.interfaces = []
        for i in dev.findall("interface"):
            m = i.find("model")
            tgt = i.find("target")
            mac = i.find("mac")
            self.interfaces.append({"type": i.get("type"), "model": m.get("type") if m is not None else None,
                                    "mac": mac.get("address") if mac is not None else None,
                                    "target": tgt.get("dev") if tgt is not None else None})
        balloons = dev.findall("memballoon")
        self.memballoon = balloons[0].get("model") if balloons else None  # None: libvirt's default applies
        self.has_memballoon_element = bool(balloons)
        self.rngs = []
        for g in dev.findall("rng"):
            b = g.find("backend")
            self.rngs.append({"model": g.get("model"),
                              "backend": b.get("model") if b is not None else None,
                              "source": (b.text or "").strip() if b is not None and b.text else None})
        self.videos = []
        for vd in dev.findall("video"):
            m = vd.find("model")
            self.videos.append(m.get("type") if m is not None else None)
        self.graphics = []
        for g in dev.findall("graphics"):
            listens = [g.get("listen")] if g.get("listen") else []
            for li in g.findall("listen"):
                if li.get("address"):
                    listens.append(li.get("address"))
                elif li.get("type") in ("none", "socket"):
                    listens.append(li.get("type"))
            self.graphics.append({"type": g.get("type"), "listen": listens, "keymap": g.get("keymap"),
                                  "autoport": g.get("autoport")})
        self.hostdevs = []
        for h in dev.findall("hostdev"):
            self.hostdevs.append({"mode": h.get("mode"), "type": h.get("type")})
        self.pci_hostdevs = [h for h in self.hostdevs if h["type"] == "pci"]
        # every PCI device handed to the guest: <hostdev type='pci'> and <interface type='hostdev'>
        # (an SR-IOV function libvirt assigns itself); the one count entries give of assigned devices
        self.assigned_pci = len(self.pci_hostdevs) + len([i for i in self.interfaces if i["type"] == "hostdev"])
        self.filesystems = []
        for fs in dev.findall("filesystem"):
            s = fs.find("source")
            t = fs.find("target")
            d = fs.find("driver")
            self.filesystems.append({"type": fs.get("type", "mount"), "accessmode": fs.get("accessmode"),
                                     "driver": d.get("type") if d is not None else None,
                                     "source": (s.get("dir") or s.get("file") or s.get("name")) if s is not None else None,
                                     "target": t.get("dir") if t is not None else None})
        self.inputs = [(i.get("type"), i.get("bus")) for i in dev.findall("input")]
        self.serials = [s.get("type") for s in dev.findall("serial")]
        self.consoles = [c.get("type") for c in dev.findall("console")]
        # the guest system virt-install recorded: <metadata><libosinfo:os id="http://suse.com/sle/15.4"/>
        self.os_id = None
        meta = r.find("metadata")
        for el in (meta.iter() if meta is not None else ()):
            if isinstance(el.tag, str) and el.tag.endswith("}os") and el.get("id"):
                parts = el.get("id").rstrip("/").rsplit("/", 2)
                self.os_id = "-".join(parts[-2:]) if len(parts) >= 2 else el.get("id")
                break
        # <qemu:commandline> (namespace http://libvirt.org/schemas/domain/qemu/1.0)
        self.qemu_commandline = []
        for c in r:
            if isinstance(c.tag, str) and c.tag.endswith("}commandline"):
                for a in c:
                    if isinstance(a.tag, str) and a.tag.endswith("}arg"):
                        self.qemu_commandline.append(a.get("value"))
        # l2-cache-size=N of a -drive in <qemu:commandline>, in bytes (None: not given or garbled)
        self.l2_cache_bytes = None
        for a in self.qemu_commandline:
            m = re.search(r"l2-cache-size=([0-9]+[KMGkmg]?)(?![0-9A-Za-z])", a or "")
            if m:
                try:
                    self.l2_cache_bytes = parse_size(m.group(1))
                except ParseError:
                    pass

    # -- convenience -------------------------------------------------------------------
    @property
    def is_xen_pv(self):
        return self.hypervisor == "xen" and self.os_type in ("linux", "xen")

    @property
    def is_container(self):
        return self.hypervisor in ("lxc", "openvz", "vz") and self.os_type == "exe"

    def hugepage_demand(self, default_kib):
        """{page size in KiB: guest memory in KiB backed by pages of that size}; {} without huge pages.

        A <page> without size uses the host's default huge page size (default_kib). A <page> with a
        nodeset backs the guest NUMA cells it names; the one without a nodeset backs the rest."""
        if not self.hugepages:
            return {}
        total = self.memory_kib or 0
        cells = dict((c["id"], c["memory_kib"]) for c in self.numa_cells if c["id"] is not None)
        out = {}
        rest_size = None
        covered = 0
        for p in self.hugepages:
            size = p["size_kib"] or default_kib
            if p["nodeset"] is None or not cells:
                rest_size = size
                continue
            kib = sum(cells.get(i, 0) for i in p["nodeset"])
            covered += kib
            out[size] = out.get(size, 0) + kib
        if rest_size is not None and total > covered:
            out[rest_size] = out.get(rest_size, 0) + total - covered
        return dict((k, v) for k, v in out.items() if v > 0)

    @property
    def memory_gib(self):
        return (self.memory_kib or 0) / 1048576.0

    def find(self, path):
        return elementpath.find(self.root, path)

    def findall(self, path):
        return elementpath.findall(self.root, path)

    def __repr__(self):
        return "Domain(%r, type=%r)" % (self.name, self.type)


def parse(text, origin=None, state=None):
    root = xmlsafe.parse(text)
    if root.tag != "domain":
        raise ParseError("root element is <%s>, not <domain>" % root.tag)
    return Domain(root, origin=origin, state=state)
