"""Specs of libvirt and Xen: the guests, their states, the host's capabilities, the configuration.

sos plugins cited: virsh (virsh -r list --all, dumpxml, capabilities), libvirt (/etc/libvirt/*.conf,
qemu/*.xml, storage/*.xml, /var/run/libvirt), xen (/proc/xen/capabilities, /sys/hypervisor, /etc/xen;
xl/xm info). supportutils: kvm.txt and xen.txt (2.x and 3.0: virsh list --all, capabilities,
dumpxml of each running guest, /etc/libvirt/libvirtd.conf, /etc/libvirt/qemu/*, xl info, /etc/xen/vm);
from 3.1 the libvirt and xen packages' own plugins write plugin-libvirt.txt and plugin-xen.txt.
"""
from kbcheck.specs.model import ETC_CONF, NEW, OLD, C, F, L, Spec, U, cmd, conf, listed

_OLD_VIRT = ("kvm.txt", "xen.txt")
_NEW_VIRT = ("plugin-libvirt.txt", "plugin-xen.txt", "plugin-qemu.txt")


def _virt(kind, what):
    """`what` in every virtualization file of supportconfig: kvm.txt/xen.txt (to 3.0), plugins (3.1 on)."""
    make = {"cmd": lambda f, e: cmd(f, what, e), "conf": lambda f, e: conf(f, e),
            "listed": lambda f, e: listed(f, e)}[kind]
    return [make(f, NEW) for f in _NEW_VIRT] + [make(f, OLD) for f in _OLD_VIRT]


SPECS = [
    Spec("domains", "the libvirt guests' definitions (domain XML)",
         F("/etc/libvirt/qemu/*", scc=_virt("listed", None)),
         F("/etc/libvirt/libxl/*", sos=(), scc=_virt("listed", None)),
         F("/etc/libvirt/lxc/*", sos=()),
         C("virsh dumpxml GUEST", scc=_virt("cmd", "virsh dumpxml GUEST"),
           partial="running guests only (supportconfig dumps the XML of running guests)"),
         L("listAllDomains, XMLDesc"),
         facts=("domains", "domain_errors")),
    Spec("domain_states", "which guests run: virsh list --all, /run/libvirt/*/NAME.xml",
         F("/run/libvirt/*"),
         F("/var/run/libvirt/*"),
         C("virsh list --all", scc=_virt("cmd", "virsh list --all")),
         L("listAllDomains, state")),
    Spec("capabilities", "what the host offers its guests: `virsh capabilities` (machine types, NUMA cells, CPU model)",
         F("/var/lib/kbcheck/capabilities.xml", sos=()),
         C("virsh capabilities", scc=_virt("cmd", "virsh capabilities")),
         L("getCapabilities"),
         facts=("capabilities",)),
    Spec("libvirt_conf", "libvirt's configuration: /etc/libvirt/*.conf",
         F("/etc/libvirt/*", scc=_virt("conf", None) + [ETC_CONF]),
         facts=("libvirt_conf",)),
    Spec("storage_pools", "libvirt's storage pools: /etc/libvirt/storage/*.xml",
         F("/etc/libvirt/storage/*", scc=()),
         facts=("storage_pools",)),
    Spec("xen_conf", "the Xen tool stack's configuration: /etc/xen (xl.conf, xend-config.sxp, vm/)",
         F("/etc/xen/vm/*", scc=[listed("xen.txt", OLD)]),
         F("/etc/xen/*", scc=_virt("conf", None) + [ETC_CONF]),
         facts=("xen_conf",)),
    Spec("xl_info", "the running Xen hypervisor: `xl info` (xm info on SLE 11)",
         C("xl info", scc=_virt("cmd", "xl info")),
         C("xm info", scc=[cmd(f, "xm info", OLD) for f in _OLD_VIRT]),
         facts=("xen_info", "xen_running_cmdline")),
    Spec("declarations", "what the user declared with --assume NAME=VALUE", U("--assume NAME=VALUE"),
         facts=("declared",)),
]
