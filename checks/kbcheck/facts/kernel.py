"""Facts of the running kernel: sysctls (running and persistent), the command line, CPUs and
their topology, loaded modules."""
import re

from kbcheck.errors import NotCollected, ParseError, Unreadable
from kbcheck.facts.core import cached
from kbcheck.parsers import kernel
from kbcheck.parsers.numbers import integer

SYSCTL_DIRS = ("/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d",
               "/lib/sysctl.d")



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

    @cached
    def cmdline(self):
        """The running kernel command line (Cmdline) or None."""
        return self.parse("/proc/cmdline", kernel.cmdline)

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
