"""Memory facts: /proc/meminfo, NUMA nodes, huge page pools."""
import re

from kbcheck.errors import ParseError, Unreadable
from kbcheck.facts.core import cached
from kbcheck.parsers import kernel


class MemoryFacts(object):
    @cached
    def meminfo(self):
        return self.parse("/proc/meminfo", kernel.meminfo)

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
                    hp[int(hm.group(1))] = int(nr) if nr and nr.isdecimal() else 0
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
                return int(v) if v and v.isdecimal() else 0
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
