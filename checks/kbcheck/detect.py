"""What kind of machine the facts describe: product and version, and its virtualization roles."""
from kbcheck.errors import Evidence, NotCollected, ParseError
from kbcheck.parsers import osrelease, supportconfig_virt
from kbcheck.textsafe import MAX_NAME, MAX_NOTICE, clean

ROLES = ("kvm_host", "xen_dom0", "kvm_guest", "xen_guest", "container_host")
ROLE_LABELS = {"kvm_host": "KVM host", "xen_dom0": "Xen Domain-0", "kvm_guest": "KVM guest",
               "xen_guest": "Xen guest", "container_host": "container host"}
# role -> (hypervisor, role) as entries name them in `applies`
ROLE_AXES = {"kvm_host": ("kvm", "host"), "xen_dom0": ("xen", "host"), "kvm_guest": ("kvm", "guest"),
             "xen_guest": ("xen", "guest"), "container_host": ("containers", "host")}

_CONTAINER_UNITS = ("docker.service", "containerd.service", "podman.service", "lxc.service",
                    "libvirt-lxc.service", "docker.socket", "podman.socket", "crio.service", "cri-o.service")
_CONTAINER_SOCKETS = ("/run/docker.sock", "/var/run/docker.sock", "/run/podman/podman.sock",
                      "/run/crio/crio.sock", "/var/run/crio/crio.sock", "/run/containerd/containerd.sock")


def qemu_processes(host):
    """The running QEMU processes that run KVM guests (host.qemu_processes without libguestfs
    appliances and Xen device models), [] when none or when no process list is at hand."""
    return [q for q in (_safe(lambda: host.qemu_processes) or []) if not (q["libguestfs"] or q["xen"])]


def _safe(fn, default=None):
    """fn(), or `default` when the evidence is missing or garbled (detection is best effort: a
    host it cannot make out is "unknown", never a crashed run)."""
    try:
        return fn()
    except (Evidence, ParseError, ValueError, TypeError, LookupError, ArithmeticError):
        return default


def product(host):
    osr = _safe(lambda: host.parse("/etc/os-release", osrelease.os_release))
    suse = None
    if not osr:
        suse = _safe(lambda: host.parse("/etc/SuSE-release", osrelease.suse_release))
    return osrelease.product(osr, suse)


def roles(host):
    """-> {'roles': [...], 'evidence': {role: reason}, 'unsure': [notes]}"""
    found = {}
    unsure = []
    caps = _safe(lambda: host.value("/proc/xen/capabilities"))
    hv_type = _safe(lambda: host.value("/sys/hypervisor/type"))
    xen_dir = _safe(lambda: host.exists("/proc/xen"), False)
    if caps is not None and "control_d" in caps:
        found["xen_dom0"] = "/proc/xen/capabilities has control_d"
    elif caps is not None or hv_type == "xen" or (xen_dir and caps is None and hv_type is not None):
        found["xen_guest"] = "/proc/xen present without control_d" if caps is not None else "/sys/hypervisor/type is xen"
    virt = _safe(lambda: host.virtualization)
    virt_role = supportconfig_virt.role(virt) if virt else None
    if virt_role in ("xen_dom0", "xen_guest") and "xen_dom0" not in found and "xen_guest" not in found:
        # supportconfig never copies /proc/xen; the block it writes says what its own tests found
        found[virt_role] = "supportconfig's Virtualization block: %s, %s" % (virt.get("hypervisor"),
                                                                            virt.get("identity", "no identity"))
    mods = _safe(lambda: host.modules)
    kvm_mod = bool(mods and ({"kvm", "kvm_intel", "kvm_amd"} & mods))
    dev_kvm = _safe(lambda: host.exists("/dev/kvm"), False)
    qemu_defs = bool(_safe(lambda: host.listdir("/etc/libvirt/qemu"), []))
    qemu_driver = _safe(lambda: host.exists("/etc/libvirt/qemu.conf") or host.exists("/etc/libvirt/virtqemud.conf"), False)
    if "xen_dom0" not in found:
        # kvm_intel/kvm_amd load by themselves on every CPU with VT-x/AMD-V: the module alone is
        # no KVM host. It takes guests, a QEMU process or libvirt's QEMU driver beside it.
        if kvm_mod and (qemu_defs or qemu_driver or qemu_processes(host)):
            found["kvm_host"] = "kvm module loaded, with %s" % (
                "QEMU/KVM guest definitions" if qemu_defs else "libvirt's QEMU driver" if qemu_driver else "QEMU running")
        elif dev_kvm and qemu_driver:
            found["kvm_host"] = "/dev/kvm and libvirt's QEMU driver present"
        elif qemu_defs and mods is None:
            found["kvm_host"] = "QEMU/KVM guest definitions under /etc/libvirt/qemu"
            unsure.append("KVM host inferred from guest definitions only (no /proc/modules)")
    flags = _safe(lambda: host.cpu_flags, set()) or set()
    vendor = (_safe(lambda: host.value("/sys/class/dmi/id/sys_vendor")) or "")
    pname = (_safe(lambda: host.value("/sys/class/dmi/id/product_name")) or "")
    if "xen_dom0" not in found and "xen_guest" not in found:
        dmi_kvm = vendor.startswith("QEMU") or "KVM" in pname or pname.startswith("Standard PC")
        if "hypervisor" in flags and (dmi_kvm or hv_type == "kvm"):
            found["kvm_guest"] = "hypervisor CPU flag and DMI '%s %s'" % (vendor, pname)
        elif virt_role == "kvm_guest":
            found["kvm_guest"] = "supportconfig's Virtualization block: %s, %s" % (virt.get("hypervisor"),
                                                                                 virt.get("identity", ""))
        elif "hypervisor" in flags and not vendor and not pname:
            unsure.append("hypervisor CPU flag set but no DMI data: which hypervisor is unknown")
    units = _safe(lambda: host.systemd_units)
    hit = sorted(u for u in (units["enabled"] if units else {}) if u in _CONTAINER_UNITS)
    if hit:
        found["container_host"] = "%s enabled" % hit[0]
    else:
        for p in _CONTAINER_SOCKETS:
            if _safe(lambda p=p: host.exists(p), False):
                found["container_host"] = "%s present" % p
                break
    if not found:
        unsure.append("no virtualization role detected; declare one with --assume role=" + "|".join(ROLES))
    return {"roles": [r for r in ROLES if r in found], "evidence": found, "unsure": unsure}


def summary(host):
    """The JSON `host` object: detected facts, declared assumptions, and what was unsure."""
    info = _safe(lambda: host.product_info, {}) or {}
    det = _safe(lambda: host.detection, {"roles": [], "evidence": {}, "unsure": []})
    topo = _safe(lambda: host.topology)
    mi = _safe(lambda: host.meminfo) or {}
    unsure = list(det["unsure"])
    if host.assume.get("role"):  # declared: detection's doubt about the role is settled
        unsure = [u for u in unsure if "--assume role=" not in u and "KVM host inferred" not in u]
    if host.product in ("other", "suse-other", "unknown") and not host.assume.get("product"):
        what = ("%s is not SUSE Linux Enterprise" % info["name"]) if info.get("name") else \
            "the product is unknown (no /etc/os-release or /etc/SuSE-release)"
        unsure.append("%s: judged by the SLE 12 rules of the guide (declare --assume product=... to choose)" % what)
    try:
        nodes = host.numa_nodes
        # no node directory on a host or tree that has CPU data: a kernel without NUMA, one node
        numa = len(nodes) or (1 if topo else None)
    except NotCollected:
        numa = None
        unsure.append("NUMA layout not in this archive (no /sys/devices/system/node): node count unknown")
    except (Evidence, ParseError, ValueError, TypeError, LookupError):
        numa = None
    cores = topo["cores"] if topo else None
    sockets = topo["sockets"] if topo else None
    if topo and topo.get("exact") is False:
        cores = sockets = None
        unsure.append("CPU cores and sockets unknown: /proc/cpuinfo names no core ids and no CPU topology was collected")
    cpus = topo["cpus"] if topo else None
    if topo and "xen_dom0" in host.roles:  # Domain-0 sees its own vCPUs: the machine's come from elsewhere
        cpus, cores, sockets = _machine_cpus(host, topo, cores, sockets, unsure)
        numa = _machine_nodes(host) or numa
    hostname = _safe(lambda: host.hostname)
    if hostname:
        hostname = clean(hostname, MAX_NAME)
    return {
        "hostname": hostname,
        "source": host.source.kind,
        "location": clean(host.source.label, 4096),
        "product": host.product,
        "product_name": clean(info.get("name"), MAX_NAME) if info.get("name") else None,
        "version": clean(info.get("version"), MAX_NAME) if info.get("version") else None,
        "era": host.era,
        "roles": sorted(host.roles),
        "roles_detected": det["roles"],
        "evidence": dict((k, clean(v, MAX_NOTICE)) for k, v in det["evidence"].items()),
        "unsure": [clean(u, MAX_NOTICE) for u in unsure],
        "assume": dict(host.assume),
        "cpus": cpus,
        "cores": cores,
        "sockets": sockets,
        "numa_nodes": numa,
        "memory_kib": mi.get("MemTotal"),
        # every guest defined, judged or not (unreadable or unparsable definitions count too,
        # and those past the cap on guests read)
        "guests": _safe(lambda: host.guest_count),
    }


def _machine_cpus(host, topo, cores, sockets, unsure):
    """(cpus, cores, sockets) of a Xen Domain-0's machine (kbcheck.facts.machine host_cpus: libvirt's
    capabilities or `xl info`), or Domain-0's own counts where nothing limits its vCPUs (Xen gives
    it one per physical CPU), or unknown (a note says why)."""
    try:
        got = host.host_cpus
    except Evidence as e:
        unsure.append("the machine's CPU count unknown: %s" % e.reason)
        return None, None, None
    except (ParseError, ValueError, TypeError, LookupError):
        return None, None, None
    if got["how"].startswith(" (Domain-0's view"):  # no dom0_max_vcpus: one vCPU per physical CPU
        return topo["cpus"], cores, sockets
    return got["cpus"], got["cores"], None  # (sockets: Domain-0's view says nothing of the machine's)


def _machine_nodes(host):
    """A Xen Domain-0's machine's NUMA nodes (libvirt's capabilities, else `xl info` nr_nodes), or None."""
    caps = _safe(lambda: host.capabilities)
    cells = _safe(lambda: caps.numa_cells) if caps is not None else None
    if cells:
        return len(cells)
    from kbcheck.parsers import xen
    return _safe(lambda: xen.integer(host.xen_info, "nr_nodes")) or None


def fallback(host, why):
    """The `host` object when summary() did not finish in time: what needs no reading, and why
    the rest is unknown."""
    era = host.assume.get("product")
    return {"hostname": None, "source": host.source.kind, "location": clean(host.source.label, 4096),
            "product": era or "unknown", "product_name": None, "version": None,
            "era": "sle11" if era == "sle11" else "sle12", "roles": sorted(host.roles) if host.assume.get("role") else [],
            "roles_detected": [], "evidence": {}, "unsure": [why], "assume": dict(host.assume), "cpus": None,
            "cores": None, "sockets": None, "numa_nodes": None, "memory_kib": None, "guests": None}
