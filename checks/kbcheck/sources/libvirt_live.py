"""Guests and host capabilities from a running libvirt, read-only; files from a base source.

LibvirtSource wraps another Source (RootSource('/') on a live run, any root in tests): files,
directories and commands come from the base; domains() and capabilities() come from libvirt
through a connection opened with libvirt.openReadOnly() and nothing else (kbcheck never asks
libvirt for a read-write connection).

What libvirt gives:
  * every domain, defined or running: its live XML (XMLDesc(0)) and its state name as virsh
    prints it ("running", "shut off", "paused", ...); for a running persistent domain the
    inactive definition (what the next boot uses) is kept in `inactive_xml[name]`;
  * host capabilities (getCapabilities()) and node info (getInfo(), `node_info`).

Fallback: when libvirt-python is not importable, or the daemon does not answer, refuses the
connection or does not answer in time, the guests are read from the base source (the XML
under /etc/libvirt, with the running state taken from /run/libvirt/{qemu,libxl} status files
when those exist) and one notice says so. Nothing here ever raises out to the run.

All libvirt calls of a run happen in one worker thread with a deadline (`timeout`): a libvirt
call that never returns cannot hang kbcheck (threads cannot be killed; the stuck daemon thread
is left behind and the run goes on with the files).
"""
from kbcheck.errors import Evidence
from kbcheck.sources.base import Layer, guests
from kbcheck.threads import Thread

SYSTEM_URIS = {"kvm": "qemu:///system", "xen": "xen:///system"}

# virDomainState -> the words virsh uses
STATE_NAMES = {0: "no state", 1: "running", 2: "idle", 3: "paused", 4: "in shutdown", 5: "shut off",
               6: "crashed", 7: "pmsuspended"}
_XML_INACTIVE = 2  # libvirt.VIR_DOMAIN_XML_INACTIVE
_RUN_DIRS = (("/run/libvirt/qemu", "/etc/libvirt/qemu"), ("/run/libvirt/libxl", "/etc/libvirt/libxl"),
             ("/run/libvirt/lxc", "/etc/libvirt/lxc"))


def default_uri(base):
    """The system URI of the hypervisor the base source shows: xen:///system on a Xen Domain-0,
    else qemu:///system."""
    try:
        caps = base.read_text("/proc/xen/capabilities")
    except Evidence:
        caps = None
    except Exception:
        caps = None
    if caps and "control_d" in caps:
        return SYSTEM_URIS["xen"]
    return SYSTEM_URIS["kvm"]


def _import_libvirt():
    try:
        import libvirt
    except ImportError as e:
        return None, "libvirt-python is not installed (%s)" % e
    except Exception as e:  # a broken installation must not crash the run
        return None, "libvirt-python cannot be loaded (%s: %s)" % (type(e).__name__, e)
    return libvirt, None


def _quiet(libvirt):
    """Stop libvirt's default error handler from printing to stderr: errors become notices."""
    try:
        libvirt.registerErrorHandler(lambda ctx, err: None, None)
    except Exception:
        pass


def _one_line(e):
    text = str(e).strip() or type(e).__name__
    return " ".join(text.split())


def _fetch(libvirt, uri):
    """Everything kbcheck wants from libvirt, in one go (runs in the worker thread).
    -> dict(domains=[(name, xml, state, origin)], inactive={name: xml}, caps=str, node=dict)."""
    conn = libvirt.openReadOnly(uri)
    if conn is None:  # very old bindings returned None instead of raising
        raise RuntimeError("openReadOnly returned no connection")
    try:
        out = {"domains": [], "inactive": {}, "caps": None, "node": None, "errors": []}
        try:
            out["caps"] = conn.getCapabilities()
        except Exception as e:
            out["errors"].append("capabilities: %s" % _one_line(e))
        try:
            info = conn.getInfo()
            out["node"] = {"model": info[0], "memory_mib": info[1], "cpus": info[2], "mhz": info[3],
                           "numa_nodes": info[4], "sockets": info[5], "cores": info[6], "threads": info[7]}
        except Exception as e:
            out["errors"].append("node info: %s" % _one_line(e))
        for dom in conn.listAllDomains(0):
            try:
                name = dom.name()
            except Exception as e:
                out["errors"].append("a domain vanished while listed: %s" % _one_line(e))
                continue
            try:
                st = dom.state()[0]
                state = STATE_NAMES.get(st, "state %s" % st)
                xml = dom.XMLDesc(0)
            except Exception as e:
                # undefined or destroyed between the list and the read: say so, judge the rest
                out["domains"].append((name, None, None, "libvirt %s: %s" % (uri, _one_line(e))))
                continue
            out["domains"].append((name, xml, state, "libvirt %s (%s)" % (uri, state)))
            if state != "shut off":
                try:
                    if dom.isPersistent():
                        out["inactive"][name] = dom.XMLDesc(_XML_INACTIVE)
                except Exception:
                    pass
        return out
    finally:
        try:
            conn.close()
        except Exception:
            pass


class LibvirtSource(Layer):
    """A base source whose guests and capabilities come from libvirt (read-only), when it answers.

    base: the Source for files. uri: libvirt URI (None: the detected hypervisor's system URI).
    timeout: seconds to wait for libvirt as a whole. libvirt_module: the libvirt module to use
    (None: import it; tests pass a stand-in only to simulate a hang). live_capabilities: False
    keeps the base source's capabilities (scenario tests, where the host is made of files).
    """

    def __init__(self, base, uri=None, timeout=10.0, libvirt_module=None, live_capabilities=True):
        Layer.__init__(self, base)
        self.uri = uri or default_uri(base)
        self.timeout = timeout
        self.live_capabilities = live_capabilities
        self._module = libvirt_module
        self._data = None
        self._loaded = False
        self.inactive_xml = {}
        self.node_info = None
        self.guests_from = None  # "libvirt URI" or "files"

    # -- libvirt, once per run ---------------------------------------------------------------
    def _load(self):
        if self._loaded:
            return self._data
        self._loaded = True
        libvirt = self._module
        if libvirt is None:
            libvirt, why = _import_libvirt()
            if libvirt is None:
                return self._fail(why)
        _quiet(libvirt)
        box = {}
        t = Thread(lambda: box.__setitem__("data", _fetch(libvirt, self.uri)))
        t.join(self.timeout)
        if t.is_alive():
            return self._fail("%s: no answer within %g s" % (self.uri, self.timeout))
        if t.error is not None:  # (whatever _fetch raised, kept by the thread: a notice, never raised)
            return self._fail("%s: %s" % (self.uri, _one_line(t.error)))
        data = box["data"]
        self._data = data
        self.inactive_xml = data["inactive"]
        self.node_info = data["node"]
        self.guests_from = "libvirt " + self.uri
        for e in data["errors"]:
            self.notices.append("libvirt %s: %s" % (self.uri, e))
        return data

    def _fail(self, why):
        self.guests_from = "files"
        if why.startswith("libvirt-python"):
            self.notices.append("%s; guests read from /etc/libvirt" % why)
        else:
            self.notices.append("libvirt unreachable (%s); guests read from /etc/libvirt" % why)
        return None

    # -- what this layer changes: commands, guests and capabilities from libvirt -----------------
    def command(self, name):
        if name in ("virsh capabilities", "virsh nodeinfo") and self.live_capabilities:
            data = self._load()
            if data is not None and name == "virsh capabilities" and data["caps"]:
                return data["caps"]
            if data is not None and name == "virsh nodeinfo" and data["node"]:
                return _nodeinfo_text(data["node"])
        return self.base.command(name)

    def domains(self):
        data = self._load()
        if data is not None:
            return list(data["domains"])
        return files_domains(self.base)

    def capabilities(self):
        if self.live_capabilities:
            data = self._load()
            if data is not None and data["caps"]:
                return data["caps"]
        return self.base.capabilities()


def _nodeinfo_text(n):
    return ("CPU model:           %s\nCPU(s):              %s\nCPU frequency:       %s MHz\n"
            "CPU socket(s):       %s\nCore(s) per socket:  %s\nThread(s) per core:  %s\n"
            "NUMA cell(s):        %s\nMemory size:         %s KiB\n" % (
                n["model"], n["cpus"], n["mhz"], n["sockets"], n["cores"], n["threads"], n["numa_nodes"],
                n["memory_mib"] * 1024))


def files_domains(base):
    """The guests from the base source's files, with a state from the status files libvirt keeps
    under /run/libvirt for running domains (when that directory exists at all)."""
    out = base.domains()
    running = {}
    seen_dirs = False
    for run_dir, _ in _RUN_DIRS:
        try:
            names = base.listdir(run_dir)
        except Evidence:
            names = None
        if names is None:
            continue
        seen_dirs = True
        for n in names:
            if n.endswith(".xml"):
                running[n[:-4]] = run_dir + "/" + n
    if not seen_dirs:
        return out
    result = []
    known = set()
    for name, text, state, origin in out:
        known.add(name)
        if state is None and isinstance(text, (str, bytes)):
            state = "running" if name in running else "shut off"
        result.append((name, text, state, origin))
    # transient guests live only in /run: their status file wraps the live <domain>
    for name in sorted(set(running) - known):
        path = running[name]
        try:
            text = base.read_text(path)
        except Evidence as e:
            result.append((name, None, None, "%s: %s" % (path, e.reason)))
            continue
        inner = _domain_from_status(text) if text else None
        if inner is not None:
            result.append((name, inner, "running", path))
    return guests(result, getattr(out, "beyond", 0))


def _domain_from_status(text):
    """The <domain> inside a libvirt <domstatus> file, as text; None when it has none."""
    from xml.etree import ElementTree as ET

    from kbcheck.errors import ParseError
    from kbcheck.parsers import xmlsafe
    try:
        root = xmlsafe.parse(text)
    except ParseError:
        return None
    if root.tag == "domain":
        return text
    dom = root.find("domain")
    if dom is None:
        return None
    return ET.tostring(dom).decode("utf-8")
