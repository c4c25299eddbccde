"""libvirt host capabilities XML (`virsh capabilities`) -> a small model."""
import re

from kbcheck.errors import ParseError
from kbcheck.parsers import xmlsafe
from kbcheck.parsers.domain import _int, to_kib


class Capabilities(object):
    def __init__(self, root):
        self.root = root
        self._newest = {}  # arch -> newest_machines(arch)
        host = root.find("host")
        cpu = host.find("cpu") if host is not None else None
        self.arch = cpu.findtext("arch") if cpu is not None else None
        self.cpu_model = cpu.findtext("model") if cpu is not None else None
        topo = cpu.find("topology") if cpu is not None else None
        self.topology = None
        if topo is not None:
            self.topology = {k: _int(topo.get(k), 1) for k in ("sockets", "dies", "cores", "threads")}
        self.numa_cells = []
        for c in root.findall("host/topology/cells/cell"):
            mem = c.find("memory")
            cpus = [_int(x.get("id")) for x in c.findall("cpus/cpu")]
            self.numa_cells.append({"id": _int(c.get("id")),
                                    "memory_kib": to_kib(mem.text, mem.get("unit")) if mem is not None else None,
                                    "cpus": [x for x in cpus if x is not None]})
        self.guests = []
        for g in root.findall("guest"):
            arch = g.find("arch")
            machines = []
            domains = []
            if arch is not None:
                for m in arch.findall("machine"):
                    machines.append({"name": (m.text or "").strip(), "canonical": m.get("canonical")})
                for d in arch.findall("domain"):
                    domains.append(d.get("type"))
                    for m in d.findall("machine"):
                        machines.append({"name": (m.text or "").strip(), "canonical": m.get("canonical")})
            self.guests.append({"os_type": g.findtext("os_type"),
                                "arch": arch.get("name") if arch is not None else None,
                                "emulator": arch.findtext("emulator") if arch is not None else None,
                                "domains": domains, "machines": machines})

    def machines(self, arch, os_type="hvm"):
        out = []
        for g in self.guests:
            if g["arch"] == arch and (g["os_type"] or "hvm") == os_type:
                for m in g["machines"]:
                    if m["name"] and m["name"] not in out:
                        out.append(m["name"])
        return out

    def newest_machines(self, arch):
        """{(family, scheme): (version, name)}: the newest versioned machine type of each family
        ('pc-i440fx', 'pc-q35', 'virt', 'pseries') and vendor scheme (machine_scheme) the host
        offers for `arch`; the first of equal versions, in the capabilities' order. Worked out
        once per architecture (a thousand guests each ask)."""
        got = self._newest.get(arch)
        if got is None:
            got = {}
            for name in self.machines(arch):
                v = machine_version(name)
                if v is None:
                    continue
                key = (machine_family(name), machine_scheme(name))
                if key not in got or v > got[key][0]:
                    got[key] = (v, name)
            self._newest[arch] = got
        return got


def machine_family(name):
    """'pc-i440fx-2.3' -> 'pc-i440fx'; 'pc-q35-rhel7.6.0' -> 'pc-q35'; 'pc' -> 'pc-i440fx';
    'q35' -> 'pc-q35'; 'virt-6.2' -> 'virt'; 'pseries-4.0' -> 'pseries'; 'xenfv' -> 'xenfv'."""
    if name is None:
        return None
    n = name.strip()
    if n in ("pc",) or n.startswith("pc-i440fx") or re.match(r"^pc-\d", n) or n.startswith("pc-0."):
        return "pc-i440fx"
    if n == "q35" or n.startswith("pc-q35"):
        return "pc-q35"
    m = re.match(r"^([a-z][a-z0-9_]*?)(?:-\d.*)?$", n)
    return m.group(1) if m else n


def machine_version(name):
    """'pc-i440fx-2.3' -> (2, 3); 'pc-q35-rhel7.6.0' -> (7, 6, 0); 'pc-0.15' -> (0, 15); 'pc' -> None."""
    if not name:
        return None
    m = re.search(r"(\d+(?:\.\d+)+)$", name.strip())
    if not m or m.start() == 0:
        return None
    return tuple(int(x) for x in m.group(1).split("."))


def machine_scheme(name):
    """The vendor scheme of a versioned machine type: 'pc-q35-rhel7.6.0' -> 'rhel', 'pc-i440fx-sle15sp4'
    -> 'sle', 'pc-i440fx-2.11' -> '' (upstream QEMU's numbering)."""
    m = re.search(r"-([a-z]+)[0-9]+(?:\.[0-9]+)+$", (name or "").strip())
    return m.group(1) if m else ""


def parse(text):
    root = xmlsafe.parse(text)
    if root.tag != "capabilities":
        raise ParseError("root element is <%s>, not <capabilities>" % root.tag)
    return Capabilities(root)
