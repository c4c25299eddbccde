"""Facts of the running kernel: sysctls (running and persistent), the command line, CPUs and
their topology, loaded modules."""
import re

from kbcheck.errors import NotCollected, ParseError, Unreadable
from kbcheck.facts.core import fact
from kbcheck.parsers import kernel
from kbcheck.parsers import numa as numa_parser
from kbcheck.parsers.numbers import integer

SYSCTL_DIRS = ("/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d",
               "/lib/sysctl.d")


def _show_cpus(cpus):
    model = (cpus[0].get("model name") or cpus[0].get("cpu model") or "") if cpus else ""
    return "%d logical CPUs%s" % (len(cpus), (", " + " ".join(model.split())) if model else "")


def _show_topology(t):
    if not t:
        return "unknown"
    return "%(cpus)d CPUs, %(cores)d cores, %(sockets)d sockets (from %(source)s)" % t


def _show_sysctl_files(values):
    files = sorted(set(f for _, f, _ in values.values()))
    return "%d settings in %d file%s" % (len(values), len(files), "" if len(files) == 1 else "s") if values \
        else "no settings"


class KernelFacts(object):
    def sysctl(self, key):
        """A sysctl's running value ('vm.swappiness' or 'vm/swappiness'), None when absent."""
        return self.value("/proc/sys/" + key.replace(".", "/"))

    def sysctl_int(self, key):
        v = self.sysctl(key)
        if v is None:
            return None
        try:
            return integer(v.split()[0])
        except (ValueError, IndexError):
            raise Unreadable("/proc/sys/" + key.replace(".", "/"), "not a number: %r" % v)

    @fact("cmdline", show=lambda c: " ".join(k if v is None else "%s=%s" % (k, v) for k, v in c.words) if c else "none")
    def cmdline(self):
        """The running kernel command line (Cmdline) or None."""
        return self.parse("/proc/cmdline", kernel.cmdline)

    @fact("cpuinfo", show=_show_cpus)
    def cpus(self):
        return self.parse("/proc/cpuinfo", kernel.cpuinfo) or []

    @fact(uses=("cpuinfo",))
    def cpu_flags(self):
        return kernel.cpu_flags(self.cpus)

    @fact("cpuinfo", show=lambda m: m or "not named")
    def cpu_model(self):
        """The CPU's model name from /proc/cpuinfo (x86 `model name`, else `cpu model`), or None."""
        cpus = self.cpus
        name = (cpus[0].get("model name") or cpus[0].get("cpu model") or "") if cpus else ""
        return " ".join(name.split()) or None

    @fact("modules", show=lambda m: "%d loaded%s" % (len(m), ("; " + ", ".join(sorted(x for x in m if x.startswith(
        ("kvm", "xen")))[:6])) if any(x.startswith(("kvm", "xen")) for x in m) else "") if m is not None else "none")
    def modules(self):
        t = self.read("/proc/modules")
        return kernel.modules(t) if t is not None else None

    @fact(uses=("cpu_topology",))
    def lscpu(self):
        """`lscpu` as {key: value} where an archive kept it (kbcheck.parsers.numa), else None."""
        return self.parse_first_command("cpu_topology", numa_parser.lscpu)

    @fact("cpu_topology", show=_show_topology)
    def topology(self):
        """{'cpus': logical CPUs, 'cores': physical cores, 'sockets': packages, 'source'}.

        From /sys/devices/system/cpu (online CPUs' topology), else `lscpu` (an archive's), else
        /proc/cpuinfo."""
        ids = None
        try:
            online = self.value("/sys/devices/system/cpu/online")
            if online:
                try:
                    ids = kernel.cpulist(online)
                except ParseError:
                    ids = None
            if ids is None:
                names = [n for n in self.listdir("/sys/devices/system/cpu") if re.match(r"^cpu[0-9]+$", n)]
                ids = sorted(int(n[3:]) for n in names) or None
        except NotCollected:
            ids = None  # an archive without sysfs: lscpu or /proc/cpuinfo below
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
        if not ids:
            lt = numa_parser.lscpu_topology(self.lscpu) if self.lscpu else None
            if lt:
                return {"cpus": lt["cpus"], "cores": lt["cores"], "sockets": lt["sockets"], "source": "lscpu"}
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

    @fact(uses=("sysctl_conf",))
    def sysctl_files(self):
        """Files systemd-sysctl (and SLE 11's boot.sysctl) read, in the order they apply. A
        directory this copy does not hold is left out (the files it holds still count)."""
        by_name = {}
        for d in reversed(SYSCTL_DIRS):  # earlier directories override later ones of the same name
            for n in self.listing(d) or []:
                if n.endswith(".conf"):
                    by_name[n] = d + "/" + n
        files = [by_name[n] for n in sorted(by_name)]
        files.append("/etc/sysctl.conf")
        return files

    @fact("sysctl_conf", show=_show_sysctl_files)
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
        """(value, file, line) of the assignment boot makes last, or None."""
        key = key.replace("/", ".")
        got = self.sysctl_persistent_all.get(key)
        if got is not None:
            self.note("sysctl_conf", "%s line %d" % (got[1], got[2]), "%s = %s" % (key, got[0]))
        else:
            self.note("sysctl_conf", "sysctl.conf and sysctl.d", "%s is not set" % key)
        return got
