"""The Virtualization block supportconfig writes into basic-environment.txt (and hardware.txt):

    #==[ System ]=======================================#
    # Virtualization
    Manufacturer:  Xen
    Hardware:      HVM domU
    Hypervisor:    Xen (/proc/xen)
    Identity:      Virtual Machine - DomU (No /proc/xen/xsd_port)
    Type:          Para Virtualized (xen kernel)

supportutils' detectVirtualization(): up to 3.0 (SLE 11/12) Xen is "Xen (/proc/xen)" with Identity
"Virtual Machine Server - Dom0 (/proc/xen/xsd_port)" or "Virtual Machine - DomU (...)", KVM "KVM (kvm
loaded)" or "KVM (QEMU Virtual CPU)"; from 3.1 "Xen" / "KVM" with "Virtual Machine Server - Dom0"
(Xen: /sys/hypervisor/uuid all zeros; KVM: libvirtd.service enabled) or "Virtual Machine - DomU".
"""
from kbcheck.errors import ParseError


def fields(body):
    """-> {'manufacturer', 'hardware', 'hypervisor', 'identity', 'type'} (those present)."""
    if not isinstance(body, str):
        raise ParseError("the Virtualization block must be text")
    out = {}
    for line in body.splitlines()[:40]:
        k, sep, v = line.partition(":")
        if sep and k.strip().lower() in ("manufacturer", "hardware", "hypervisor", "identity", "type"):
            out.setdefault(k.strip().lower(), v.strip())
    if "hypervisor" not in out:
        raise ParseError("no `Hypervisor:` line: not supportconfig's Virtualization block")
    return out


def role(info):
    """The machine's role the block names: 'xen_dom0', 'xen_guest', 'kvm_guest', or None (KVM with
    the kvm module loaded alone is no KVM host: kvm_intel loads on any VT-x CPU; no hypervisor)."""
    hyp = (info.get("hypervisor") or "").lower()
    ident = (info.get("identity") or "").lower()
    if hyp.startswith("xen"):
        if "dom0" in ident or "server" in ident:
            return "xen_dom0"
        if "domu" in ident or "virtual machine" in ident:
            return "xen_guest"
        return None
    if hyp.startswith("kvm") and ("qemu virtual cpu" in ident or "domu" in ident or "qemu virtual cpu" in hyp):
        return "kvm_guest"
    return None
