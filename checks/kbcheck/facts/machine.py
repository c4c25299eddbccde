"""The machine beneath: the running kernel's version, the machine's CPUs (a Xen Domain-0 sees
only its own vCPUs, so libvirt's capabilities or `xl info` tell the machine's), `xl info`, and
inside a Xen PV guest the evidence of a conversion to FV. Text format: kbcheck.parsers.xen."""
import re

from kbcheck.errors import Evidence, NotCollected
from kbcheck.facts.core import fact
from kbcheck.parsers import xen as _xen


class MachineFacts(object):
    @fact("sysctl", show=lambda v: "%d.%d" % v if v else "unknown")
    def kernel_version(self):
        """(major, minor) of the running kernel from /proc/sys/kernel/osrelease, or None."""
        try:
            v = self.value("/proc/sys/kernel/osrelease")
        except Evidence:
            return None
        m = re.match(r"^(\d+)\.(\d+)", v or "")
        return (int(m.group(1)), int(m.group(2))) if m else None

    @fact("xl_info", show=lambda i: "xen %s, %s CPUs" % (i.get("xen_version", "?"), i.get("nr_cpus", "?"))
          if i else "no `xl info` in this copy")
    def xen_info(self):
        """`xl info` as {key: value} (kbcheck.parsers.xen), or None where the source has no such output
        (a copied root; a live host never runs it: probes start no process)."""
        try:
            text = self.command("xl info")
        except Evidence:
            return None
        return _xen.xl_info(text) if text and text.strip() else None

    @fact("cpu_topology", show=lambda c: "%(cpus)d CPUs, %(cores)d cores%(how)s" % c)
    def host_cpus(self):
        """{'cpus', 'cores', 'how'}: the machine's logical CPUs and physical cores. On a Xen
        Domain-0 /proc/cpuinfo shows Domain-0's own vCPUs, so libvirt's capabilities or `xl info`
        tell the machine's, else the count is Domain-0's and right only without dom0_max_vcpus
        (Xen gives Domain-0 one vCPU per physical CPU by default). NotCollected when unknown."""
        topo = self.require(self.topology, "the host's CPU topology")
        if "xen_dom0" not in self.roles:
            return {"cpus": topo["cpus"], "cores": topo["cores"], "how": ""}
        caps = self.capabilities
        cells = caps.numa_cells if caps is not None else []
        n = sum(len(c["cpus"]) for c in cells)
        if n:
            threads = (caps.topology or {}).get("threads") or 1
            return {"cpus": n, "cores": max(1, n // threads), "how": " (from libvirt capabilities)"}
        info = self.xen_info
        n = _xen.integer(info, "nr_cpus")
        if n:
            threads = _xen.integer(info, "threads_per_core") or 1
            return {"cpus": n, "cores": max(1, n // threads), "how": " (from xl info)"}
        line = self.xen_running_cmdline
        if line is None:
            line, _ = self.boot_xen_cmdline
        if line is not None and "dom0_max_vcpus" in line:
            raise NotCollected("the machine's CPU count", "Domain-0 shows only its own %d vCPUs (dom0_max_vcpus=%s) "
                               "and neither `virsh capabilities` nor `xl info` is at hand" % (
                                   topo["cpus"], line.get("dom0_max_vcpus")))
        return {"cpus": topo["cpus"], "cores": topo["cores"], "how": " (Domain-0's view: no dom0_max_vcpus limits it)"}

    @fact("sysconfig", show=lambda p: "planned: %s; kernel %s" % (p["planned"] or "no", p["kernel"] or "unknown"))
    def pv_conversion(self):
        """Inside a Xen PV guest: {'planned': text or None, 'kernel': 'xenlinux'|'pvops'|None,
        'release': running kernel or None}. planned names the evidence of a PV-to-FV conversion
        under way (the guide's /etc/dracut.conf.d/10-virt.conf, SLE 11's INITRD_MODULES naming
        xen-vbd/xen-vnif); kernel tells the flavour: the -xen kernel (SLE 11, SLE 12 GA/SP1) or
        kernel-default with the pvops Xen drivers (SLE 12 SP2 and later)."""
        planned = None
        if self.exists("/etc/dracut.conf.d/10-virt.conf"):
            planned = "/etc/dracut.conf.d/10-virt.conf exists (the guide's conversion step)"
        try:
            conf = self.settings("/etc/sysconfig/kernel")
        except NotCollected:
            conf = None
        mods = conf.get("INITRD_MODULES") if conf is not None else None
        if planned is None and mods and re.search(r"\bxen[-_](vbd|vnif)\b", mods):
            planned = "INITRD_MODULES in /etc/sysconfig/kernel names %s" % mods.strip()
        try:
            release = self.value("/proc/sys/kernel/osrelease")
        except Evidence:
            release = None
        if release:
            kernel = "xenlinux" if release.endswith("-xen") else "pvops"
        else:
            info = self.product_info or {}
            if info.get("product") == "sle11" or (info.get("product") == "sle12" and info.get("sp", 0) < 2):
                kernel = "xenlinux"
            elif info.get("product") in ("sle12", "sle15", "sle16"):
                kernel = "pvops"
            else:
                kernel = None
        return {"planned": planned, "kernel": kernel, "release": release}
