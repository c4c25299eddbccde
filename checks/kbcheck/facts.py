"""Host facts: the only way a probe sees the system.

A Host wraps one Source and offers parsed, cached views. Every view is computed at most once
per run. Missing files give None (or an empty list); evidence that could not be had raises the
errors of kbcheck.errors, which the runner turns into skip or error results.
"""
import re

from kbcheck import detect
from kbcheck.errors import Evidence, NotCollected, ParseError, Unreadable
from kbcheck.parsers import capabilities as caps_parser
from kbcheck.parsers import domain as domain_parser
from kbcheck.parsers import image as image_parser
from kbcheck.parsers import grub, kernel


class cached(object):
    """A property computed once per Host (functools.cached_property is 3.8+).

    An Evidence error is cached too, so a missing fact is looked up once, not per probe."""

    def __init__(self, fn):
        self.fn = fn
        self.__doc__ = fn.__doc__
        self.name = fn.__name__

    def __get__(self, obj, cls):
        if obj is None:
            return self
        store = obj._cache
        if self.name in store:
            val = store[self.name]
        else:
            try:
                val = self.fn(obj)
            except Evidence as e:
                val = _Raise(e)
            store[self.name] = val
        if isinstance(val, _Raise):
            raise val.exc
        return val


class _Raise(object):
    def __init__(self, exc):
        self.exc = exc


SYSCTL_DIRS = ("/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d",
               "/lib/sysctl.d")


class Host(object):
    def __init__(self, source, assume=None):
        self.source = source
        self.assume = dict(assume or {})
        self._cache = {}
        self._reads = {}
        self._bytes = {}

    # -- raw reads ---------------------------------------------------------------------
    def read(self, path):
        """Text of a host file, None when it does not exist. Cached."""
        if path in self._reads:
            v = self._reads[path]
        else:
            try:
                v = self.source.read_text(path)
            except Evidence as e:
                v = _Raise(e)
            self._reads[path] = v
        if isinstance(v, _Raise):
            raise v.exc
        return v

    def read_bytes(self, path, limit=4096):
        """The first `limit` bytes of a file (bytes), None when it does not exist. Cached.

        For binary headers (qcow2 images): read() decodes text and would garble them. Sources
        that carry no file contents (archives) raise NotCollected, so the probe skips."""
        key = (path, limit)
        if key in self._bytes:
            v = self._bytes[key]
        else:
            reader = getattr(self.source, "read_bytes", None)  # duck-typed sources may lack it
            try:
                if reader is None:
                    raise NotImplementedError
                v = reader(path, limit)
            except Evidence as e:
                v = _Raise(e)
            except NotImplementedError:
                v = _Raise(NotCollected(path, "this source cannot read file contents as bytes"))
            self._bytes[key] = v
        if isinstance(v, _Raise):
            raise v.exc
        return v

    def image_header(self, path):
        """The header facts of a disk image file (kbcheck.parsers.image.header), None when the file
        does not exist. Reads the first 64 KiB only. Archives raise NotCollected; a block device
        or a garbled qcow2 header raises Unreadable."""
        key = ("image", path)
        if key not in self._bytes:
            data = self.read_bytes(path, 65536)
            try:
                self._bytes[key] = image_parser.header(data) if data is not None else None
            except ParseError as e:
                self._bytes[key] = _Raise(Unreadable(path, "not a usable image header: %s" % e))
        v = self._bytes[key]
        if isinstance(v, _Raise):
            raise v.exc
        return v

    def value(self, path):
        """A sysfs/procfs one-liner, stripped; None when absent."""
        t = self.read(path)
        return t.strip() if t is not None else None

    def exists(self, path):
        """True when the path exists; False when it does not or the source never collected it."""
        try:
            return self.read(path) is not None or self.source.listdir(path) is not None
        except NotCollected:
            return False
        except Evidence:
            return True

    def listdir(self, path):
        return self.source.listdir(path) or []

    def _optional(self, path):
        """value(path), or None when the source never collected it (a detail, not the verdict)."""
        try:
            return self.value(path)
        except NotCollected:
            return None

    def parse(self, path, parser):
        """Parse a file with a parser; None when absent; Unreadable (an error result) when garbled."""
        t = self.read(path)
        if t is None:
            return None
        try:
            return parser(t)
        except ParseError as e:
            raise Unreadable(path, "cannot parse: %s" % e)

    def command(self, name):
        return self.source.command(name)

    # -- product and role --------------------------------------------------------------
    @cached
    def product_info(self):
        return detect.product(self)

    @property
    def product(self):
        """'sle11', 'sle12', 'sle15', 'suse-other', 'other' or 'unknown'; --assume product= wins."""
        return self.assume.get("product") or self.product_info["product"]

    @property
    def era(self):
        """The guide's era whose rules apply: 'sle11' or 'sle12' (SLE 12 and everything newer)."""
        return "sle11" if self.product == "sle11" else "sle12"

    @cached
    def detection(self):
        return detect.roles(self)

    @property
    def roles(self):
        """Set of 'kvm_host', 'xen_dom0', 'kvm_guest', 'xen_guest', 'container_host'."""
        if self.assume.get("role"):
            return set(r.strip() for r in self.assume["role"].split(",") if r.strip())
        return set(self.detection["roles"])

    def declared(self, name):
        """A user declaration (--assume name=yes/no): True, False or None when not declared."""
        v = self.assume.get(name)
        if v is None:
            return None
        return str(v).lower() in ("1", "yes", "true", "on", "y")

    # -- kernel views ------------------------------------------------------------------
    def sysctl(self, key):
        """A sysctl's running value ('vm.swappiness' or 'vm/swappiness'), None when absent."""
        return self.value("/proc/sys/" + key.replace(".", "/"))

    def sysctl_int(self, key):
        v = self.sysctl(key)
        if v is None:
            return None
        try:
            return int(v.split()[0])
        except (ValueError, IndexError):
            raise Unreadable("/proc/sys/" + key.replace(".", "/"), "not a number: %r" % v)

    @cached
    def cmdline(self):
        """The running kernel command line (Cmdline) or None."""
        return self.parse("/proc/cmdline", kernel.cmdline)

    @cached
    def meminfo(self):
        return self.parse("/proc/meminfo", kernel.meminfo)

    @cached
    def cpus(self):
        return self.parse("/proc/cpuinfo", kernel.cpuinfo) or []

    @cached
    def cpu_flags(self):
        return kernel.cpu_flags(self.cpus)

    @cached
    def modules(self):
        t = self.read("/proc/modules")
        return kernel.modules(t) if t is not None else None

    @cached
    def topology(self):
        """{'cpus': logical CPUs, 'cores': physical cores, 'sockets': packages}.

        From /sys/devices/system/cpu (online CPUs' topology), else /proc/cpuinfo."""
        ids = None
        try:
            online = self.value("/sys/devices/system/cpu/online")
            if online:
                try:
                    ids = kernel.cpulist(online)
                except ParseError:
                    ids = None
            if ids is None:
                names = [n for n in self.listdir("/sys/devices/system/cpu") if re.match(r"^cpu\d+$", n)]
                ids = sorted(int(n[3:]) for n in names) or None
        except NotCollected:
            ids = None  # an archive without sysfs: /proc/cpuinfo below
        cores, sockets = set(), set()
        if ids:
            for i in ids:
                base = "/sys/devices/system/cpu/cpu%d/topology/" % i
                pkg = self._optional(base + "physical_package_id")
                core = self._optional(base + "core_id")
                if pkg is None or core is None:
                    cores, sockets = set(), set()
                    break
                sockets.add(pkg)
                cores.add((pkg, core))
        if ids and cores:
            return {"cpus": len(ids), "cores": len(cores), "sockets": len(sockets), "source": "sysfs"}
        cpus = self.cpus
        if not cpus:
            if ids:
                return {"cpus": len(ids), "cores": len(ids), "sockets": 1, "source": "sysfs (no topology)"}
            return None
        for c in cpus:
            if "physical id" in c and "core id" in c:
                sockets.add(c["physical id"])
                cores.add((c["physical id"], c["core id"]))
        # exact: False when /proc/cpuinfo names no physical/core ids (cores and sockets are then a guess)
        return {"cpus": len(cpus), "cores": len(cores) or len(cpus), "sockets": len(sockets) or 1,
                "source": "cpuinfo", "exact": bool(cores)}

    @cached
    def numa_nodes(self):
        """[{'id', 'cpus': [..], 'memtotal_kb', 'hugepages': {size_kib: nr}}] from sys/devices/system/node."""
        out = []
        for name in self.listdir("/sys/devices/system/node"):
            m = re.match(r"^node(\d+)$", name)
            if not m:
                continue
            base = "/sys/devices/system/node/" + name
            cl = self.value(base + "/cpulist")
            try:
                cpus = kernel.cpulist(cl) if cl else []
            except ParseError as e:
                raise Unreadable(base + "/cpulist", str(e))
            mi = self.parse(base + "/meminfo", kernel.meminfo) or {}
            hp = {}
            for d in self.listdir(base + "/hugepages"):
                hm = re.match(r"^hugepages-(\d+)kB$", d)
                if hm:
                    nr = self.value(base + "/hugepages/" + d + "/nr_hugepages")
                    hp[int(hm.group(1))] = int(nr) if nr and nr.isdigit() else 0
            out.append({"id": int(m.group(1)), "cpus": cpus, "memtotal_kb": mi.get("MemTotal"), "hugepages": hp})
        out.sort(key=lambda n: n["id"])
        return out

    @property
    def numa_node_count(self):
        return len(self.numa_nodes) or 1

    @cached
    def hugepage_pools(self):
        """{size_kib: {'total': n, 'free': n, 'reserved': n}} for every huge page size the kernel offers."""
        pools = {}
        for d in self.listdir("/sys/kernel/mm/hugepages"):
            m = re.match(r"^hugepages-(\d+)kB$", d)
            if not m:
                continue
            base = "/sys/kernel/mm/hugepages/" + d + "/"

            def num(f, base=base):
                v = self.value(base + f)
                return int(v) if v and v.isdigit() else 0
            pools[int(m.group(1))] = {"total": num("nr_hugepages"), "free": num("free_hugepages"),
                                      "reserved": num("resv_hugepages")}
        if not pools and self.meminfo and "Hugepagesize" in self.meminfo:
            mi = self.meminfo
            pools[mi["Hugepagesize"]] = {"total": mi.get("HugePages_Total", 0), "free": mi.get("HugePages_Free", 0),
                                         "reserved": mi.get("HugePages_Rsvd", 0)}
        return pools

    @property
    def default_hugepage_kib(self):
        mi = self.meminfo or {}
        return mi.get("Hugepagesize", 2048)

    @cached
    def block_devices(self):
        """[{'name', 'scheduler', 'schedulers', 'rotational', 'removable', 'virtual'}] for whole disks.

        Partitions, loop, ram, zram, dm-, md and sr devices are left out (they have no elevator of
        their own or do not matter here); loop/nbd attachment is in host.loop_devices."""
        out = []
        for name in self.listdir("/sys/block"):
            if re.match(r"^(loop|ram|zram|dm-|md|sr|nbd|fd)\d*", name):
                continue
            base = "/sys/block/" + name
            line = self.value(base + "/queue/scheduler")
            cur, avail = None, []
            if line:
                try:
                    cur, avail = kernel.scheduler(line)
                except ParseError:
                    raise Unreadable(base + "/queue/scheduler", "cannot parse %r" % line)
            rot = self._optional(base + "/queue/rotational")
            rem = self._optional(base + "/removable")
            out.append({"name": name, "scheduler": cur, "schedulers": avail,
                        "rotational": rot == "1" if rot is not None else None,
                        "removable": rem == "1",
                        "virtio": name.startswith("vd")})
        return out

    @cached
    def mounts(self):
        return self.parse("/proc/mounts", kernel.mounts) or []

    @cached
    def fstab(self):
        return self.parse("/etc/fstab", kernel.mounts) or []

    @cached
    def swaps(self):
        t = self.read("/proc/swaps")
        return kernel.swaps(t) if t is not None else None

    # -- persistent configuration ------------------------------------------------------
    @cached
    def sysctl_files(self):
        """Files systemd-sysctl (and SLE 11's boot.sysctl) read, in the order they apply."""
        by_name = {}
        for d in reversed(SYSCTL_DIRS):  # earlier directories override later ones of the same name
            for n in self.listdir(d):
                if n.endswith(".conf"):
                    by_name[n] = d + "/" + n
        files = [by_name[n] for n in sorted(by_name)]
        files.append("/etc/sysctl.conf")
        return files

    @cached
    def sysctl_persistent_all(self):
        """{key: (value, file, line)}: what boot will set (last assignment wins)."""
        out = {}
        for f in self.sysctl_files:
            t = self.read(f)
            if t is None:
                continue
            for k, v, n in kernel.sysctl_conf(t):
                out[k] = (v, f, n)
        return out

    def sysctl_persistent(self, key):
        return self.sysctl_persistent_all.get(key.replace("/", "."))

    @cached
    def default_grub(self):
        return self.parse("/etc/default/grub", grub.default_grub)

    @cached
    def menu_lst(self):
        return self.parse("/boot/grub/menu.lst", grub.menu_lst)

    @cached
    def boot_cmdline(self):
        """(Cmdline, where) the boot configuration gives the Linux kernel, or (None, reason)."""
        if self.era == "sle11" or (self.default_grub is None and self.menu_lst is not None):
            m = self.menu_lst
            if m is None:
                return None, "no /boot/grub/menu.lst"
            if not m["entries"]:
                return None, "/boot/grub/menu.lst has no boot entries"
            idx = m["default"] if m["default"] < len(m["entries"]) else 0
            e = m["entries"][idx]
            return e["args"], "/boot/grub/menu.lst (entry '%s')" % e["title"]
        g = self.default_grub
        if g is None:
            return None, "no /etc/default/grub"
        line = (g.get("GRUB_CMDLINE_LINUX", "") + " " + g.get("GRUB_CMDLINE_LINUX_DEFAULT", "")).strip()
        return kernel.cmdline(line), "/etc/default/grub"

    @cached
    def boot_xen_cmdline(self):
        """(Cmdline, where) the boot configuration gives the Xen hypervisor, or (None, reason)."""
        if self.era == "sle11" or (self.default_grub is None and self.menu_lst is not None):
            m = self.menu_lst
            if m is None:
                return None, "no /boot/grub/menu.lst"
            xen = [e for e in m["entries"] if e["xen"]]
            if not xen:
                return None, "/boot/grub/menu.lst has no Xen entry"
            idx = m["default"] if m["default"] < len(m["entries"]) and m["entries"][m["default"]]["xen"] else None
            e = m["entries"][idx] if idx is not None else xen[0]
            return e["xen_args"], "/boot/grub/menu.lst (entry '%s')" % e["title"]
        g = self.default_grub
        if g is None:
            return None, "no /etc/default/grub"
        line = (g.get("GRUB_CMDLINE_XEN", "") + " " + g.get("GRUB_CMDLINE_XEN_DEFAULT", "")).strip()
        return kernel.cmdline(line), "/etc/default/grub"

    @cached
    def xen_running_cmdline(self):
        """The running Xen hypervisor's command line (Cmdline) from `xl info` (xen_commandline),
        or None when that output is not available (an offline root has none; a supportconfig or
        a live host may)."""
        try:
            info = self.command("xl info")
        except Evidence:
            return None
        m = re.search(r"^xen_commandline\s*:\s*(.*)$", info or "", re.M)
        return kernel.cmdline(m.group(1)) if m else None

    # -- libvirt -----------------------------------------------------------------------
    @cached
    def _domains(self):
        good, bad = [], []
        for name, text, state, origin in self.source.domains():
            if text is None:
                bad.append((name, origin, "unreadable"))
                continue
            if isinstance(text, Evidence):   # e.g. NeedsRoot: reported for this guest alone
                bad.append((name, origin, text))
                continue
            try:
                good.append(domain_parser.parse(text, origin=origin, state=state))
            except ParseError as e:
                bad.append((name, origin, str(e)))
        good.sort(key=lambda d: d.name)
        return good, bad

    @property
    def domains(self):
        """The libvirt guests (parsed Domain objects), sorted by name."""
        return self._domains[0]

    @property
    def domain_errors(self):
        """[(name, origin, reason)] for guest definitions that could not be read or parsed; reason
        is text, or the errors.Evidence (NeedsRoot) that kept this guest's definition from us."""
        return self._domains[1]

    @cached
    def capabilities(self):
        t = self.source.capabilities()
        if t is None:
            return None
        try:
            caps = caps_parser.parse(t)
        except ParseError as e:
            raise Unreadable("capabilities", str(e))
        _remember_machines(caps)
        return caps

    def require(self, value, what):
        """Raise NotCollected when a needed fact is missing (for probes that cannot judge without it)."""
        if value is None:
            raise NotCollected(what, "not available on this host or in this archive")
        return value


def _remember_machines(caps):
    """caps.machines(arch, os_type) answers from memory after the first call (a guest-scope probe
    asks it once per guest); each caller still gets a list of its own."""
    compute = caps.machines
    seen = {}

    def machines(arch, os_type="hvm"):
        try:
            got = seen.get((arch, os_type))
        except TypeError:  # unhashable arguments: ask the parser itself
            return compute(arch, os_type)
        if got is None:
            got = seen[(arch, os_type)] = compute(arch, os_type)
        return list(got)
    machines.__doc__ = compute.__doc__
    caps.machines = machines
