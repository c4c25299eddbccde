"""Memory facts: /proc/meminfo, NUMA nodes, huge page pools, KSM."""
import re

from kbcheck.errors import CommandFailed, NotCollected, ParseError, Unreadable
from kbcheck.facts.core import fact
from kbcheck.parsers import kernel
from kbcheck.parsers import numa as numa_parser

KSM = "/sys/kernel/mm/ksm"
KSM_FILES = ("run", "sleep_millisecs", "pages_to_scan", "merge_across_nodes", "pages_shared", "pages_sharing",
             "pages_unshared", "pages_volatile", "full_scans")


def _show_meminfo(mi):
    if not mi:
        return "none"
    keys = ("MemTotal", "HugePages_Total", "Hugepagesize")
    return ", ".join("%s %s" % (k, mi[k]) for k in keys if k in mi)


def _show_nodes(nodes):
    if not nodes:
        return "no node directories (one node)"
    return "%d node%s: %s" % (len(nodes), "" if len(nodes) == 1 else "s", "; ".join(
        "node %d %d CPUs%s" % (n["id"], len(n["cpus"]), ", %d MiB" % (n["memtotal_kb"] // 1024)
                               if n.get("memtotal_kb") else "") for n in nodes))


class Pools(dict):
    """{size_kib: pool}; complete: False when only /proc/meminfo's default size is known."""

    complete = True


def _show_pools(pools):
    return ", ".join("%d kB: %d pages (%d free)" % (s, p["total"], p["free"]) for s, p in sorted(pools.items())) \
        or "no pools"


def _show_ksm(k):
    if k is None:
        return "this kernel has no KSM"
    return ", ".join("%s=%s" % (n, k[n]) for n in KSM_FILES if k.get(n) is not None)


class MemoryFacts(object):
    @fact("meminfo", show=_show_meminfo)
    def meminfo(self):
        return self.parse("/proc/meminfo", kernel.meminfo)

    @fact("numa_nodes", show=_show_nodes)
    def numa_nodes(self):
        """[{'id', 'cpus': [..], 'memtotal_kb', 'hugepages': {size_kib: nr}}]: from
        /sys/devices/system/node, else from `numactl --hardware` or `lscpu` where an archive kept
        them (memtotal_kb None and no huge pages from lscpu). NotCollected when none is there."""
        try:
            names = self.listdir("/sys/devices/system/node")
        except NotCollected as e:
            got = self._numa_from_commands()
            if got is None:
                raise e
            return got
        out = []
        for name in names:
            m = re.match(r"^node([0-9]+)$", name)
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
            for d in self.listing(base + "/hugepages") or []:
                hm = re.match(r"^hugepages-([0-9]+)kB$", d)
                if hm:
                    nr = self._optional(base + "/hugepages/" + d + "/nr_hugepages")
                    hp[int(hm.group(1))] = int(nr) if nr and nr.isdecimal() else 0
            out.append({"id": int(m.group(1)), "cpus": cpus, "memtotal_kb": mi.get("MemTotal"), "hugepages": hp})
        out.sort(key=lambda n: n["id"])
        return out

    def _numa_from_commands(self):
        """The nodes `numactl --hardware` lists (CPUs and sizes), else lscpu's (CPUs only), or None."""
        try:
            text = self.command("numactl --hardware")
        except (NotCollected, CommandFailed):
            text = None
        if text and text.strip():
            try:
                return [dict(n, hugepages={}) for n in numa_parser.numactl_hardware(text)]
            except ParseError:
                pass  # "No NUMA available on this system": lscpu below
        info = self.lscpu
        if info is not None:
            nodes = numa_parser.lscpu_nodes(info)
            if nodes:
                return [dict(n, memtotal_kb=None, hugepages={}) for n in nodes]
            if "NUMA node(s)" in info and info["NUMA node(s)"] in ("0", "1"):
                return []
        return None

    @property
    def numa_node_count(self):
        return len(self.numa_nodes) or 1

    @fact("hugepages", show=_show_pools)
    def hugepage_pools(self):
        """{size_kib: {'total': n, 'free': n, 'reserved': n}} for every huge page size the kernel
        offers; from /proc/meminfo's default size where the pools' sysfs tree is not in the copy
        (then `complete` is False: see hugepage_pool)."""
        pools = Pools()
        for d in self.listing("/sys/kernel/mm/hugepages") or []:
            m = re.match(r"^hugepages-([0-9]+)kB$", d)
            if not m:
                continue
            base = "/sys/kernel/mm/hugepages/" + d + "/"

            def num(f, base=base):
                v = self._optional(base + f)
                return int(v) if v and v.isdecimal() else 0
            pools[int(m.group(1))] = {"total": num("nr_hugepages"), "free": num("free_hugepages"),
                                      "reserved": num("resv_hugepages")}
        if not pools and self.meminfo and "Hugepagesize" in self.meminfo:
            mi = self.meminfo
            pools[mi["Hugepagesize"]] = {"total": mi.get("HugePages_Total", 0), "free": mi.get("HugePages_Free", 0),
                                         "reserved": mi.get("HugePages_Rsvd", 0)}
            pools.complete = self.listing("/sys/kernel/mm/hugepages") is not None
        return pools

    def hugepage_pool(self, size_kib):
        """The pool of huge pages of `size_kib` ({'total', 'free', 'reserved'}), None when the kernel
        offers no such size; NotCollected when the copy shows only /proc/meminfo's default size."""
        pools = self.hugepage_pools
        got = pools.get(size_kib)
        if got is None and not pools.complete:
            raise NotCollected("/sys/kernel/mm/hugepages/hugepages-%dkB" % size_kib,
                               "not in this copy (it shows only the default size's pool, in /proc/meminfo)")
        return got

    @property
    def default_hugepage_kib(self):
        mi = self.meminfo or {}
        return mi.get("Hugepagesize", 2048)

    @fact("ksm", show=_show_ksm)
    def ksm(self):
        """{file: value} of /sys/kernel/mm/ksm (run, sleep_millisecs, pages_to_scan, ... as text;
        a file the kernel lacks is None); None when the kernel has no KSM. NotCollected ("not in
        this copy") where the source does not hold that tree (a supportconfig never does)."""
        run = self.value(KSM + "/run")
        if run is None:
            self.missing(KSM, None)
            return None
        out = {"run": run}
        for name in KSM_FILES[1:]:
            out[name] = self._optional(KSM + "/" + name)
        return out
