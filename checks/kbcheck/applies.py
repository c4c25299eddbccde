"""Where an entry applies: to this host (its products, hypervisors and roles: applicability) and,
for a guest-scope entry, to each guest (its `applies.guests`: guest_skip). Each gives None or the
one skip message that says why not."""
from kbcheck.detect import ROLE_AXES, ROLE_LABELS

HYPERVISOR_LABELS = {"kvm": "KVM", "xen": "Xen", "containers": "containers"}
PRODUCT_LABELS = {"sle11": "SLE 11", "sle12": "SLE 12"}


def applicability(entry, host):
    """None when the entry applies to this host, else the reason it does not (a skip message)."""
    prods = entry.products
    if host.era not in prods:
        return "written for %s only; this host is %s" % (
            " and ".join(PRODUCT_LABELS.get(p, p) for p in prods), PRODUCT_LABELS.get(host.era, host.era))
    hyps = entry.hypervisors
    roles = entry.roles
    have = [ROLE_AXES[r] for r in sorted(host.roles) if r in ROLE_AXES]
    if not have:
        return "no virtualization role detected (use --assume role=...)"
    for hv, role in have:
        if hv in hyps and role in roles:
            return None
    want = "/".join(HYPERVISOR_LABELS.get(h, h) for h in hyps) + " " + "/".join(roles)
    return "applies to %s; this host is a %s" % (want, ", ".join(ROLE_LABELS[r] for r in sorted(host.roles)))


GUEST_HYPERVISORS = {"kvm": "KVM", "xen": "Xen", "lxc": "LXC"}
OS_TYPES = {"hvm": "fully virtualized (HVM)", "xen": "Xen PV", "linux": "Xen PV", "exe": "container"}
X86 = ("x86_64", "i686", "i386", None)


def guest_skip(entry, dom):
    """None when a guest-scope entry judges this guest (its `applies.guests`), else the one
    standard skip message saying what the guest is and which guests the entry judges."""
    g = entry.guests
    if not g:
        return None
    hyps = g.get("hypervisors")
    if hyps and dom.hypervisor not in hyps:
        return "not judged for this guest: a %s guest; %s judges %s guests" % (
            GUEST_HYPERVISORS.get(dom.hypervisor, dom.type or "typeless"), entry.id,
            " and ".join(GUEST_HYPERVISORS.get(h, h) for h in hyps))
    if g.get("containers") is False and dom.is_container:
        return "not judged for this guest: a container; %s judges virtual machines" % entry.id
    types = g.get("os_types")
    if types and dom.os_type not in types:
        return "not judged for this guest: a %s guest (os type %s); %s judges %s guests" % (
            OS_TYPES.get(dom.os_type, "differently booted"), dom.os_type or "none", entry.id,
            " and ".join(sorted(set(OS_TYPES.get(t, t) for t in types))))
    arches = g.get("arches")
    if arches:
        arch = dom.arch if dom.arch not in X86 else "x86"
        if arch not in arches:
            return "not judged for this guest: an %s guest; %s judges %s guests" % (
                dom.arch, entry.id, " and ".join(arches))
    return None


def guest_rule(entry):
    """What guest_skip tests of each guest for this entry, worked out once per run: None when the
    entry judges every guest, else (hypervisors, virtual machines only, os types, arches)."""
    g = entry.guests
    if not g:
        return None
    return (g.get("hypervisors"), g.get("containers") is False, g.get("os_types"), g.get("arches"))


def may_skip(rule, dom):
    """False when guest_skip surely gives None for this guest (the common case, tested at once)."""
    hyps, vms, types, arches = rule
    return bool((hyps and dom.hypervisor not in hyps) or (vms and dom.is_container)
                or (types and dom.os_type not in types)
                or (arches and (dom.arch if dom.arch not in X86 else "x86") not in arches))
