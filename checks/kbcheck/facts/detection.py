"""Facts about what the machine is: its product and era, its virtualization roles (detected,
or declared with --assume), and the user's declarations."""
from kbcheck import detect
from kbcheck.errors import Evidence, ParseError, Unreadable
from kbcheck.facts.core import ASSUME, fact
from kbcheck.parsers import supportconfig_virt


def _show_detection(d):
    return "; ".join("%s (%s)" % (r, d["evidence"].get(r, "")) for r in d["roles"]) or "no role detected"


class DetectionFacts(object):
    @fact("os_release", show=lambda i: i.get("name") or i.get("product") or "unknown")
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

    @fact("hypervisor", show=_show_detection)
    def detection(self):
        return detect.roles(self)

    @property
    def roles(self):
        """Set of 'kvm_host', 'xen_dom0', 'kvm_guest', 'xen_guest', 'container_host'."""
        if self.assume.get("role"):
            t = self._trail
            if t is not None:
                t.append((ASSUME, "role", self.assume["role"]))
            return set(r.strip() for r in self.assume["role"].split(",") if r.strip())
        return set(self.detection["roles"])

    def _declaration(self, name):
        """The value of --assume name=..., or None; recorded as the evidence of the probe call that asks."""
        v = self.assume.get(name)
        t = self._trail
        if t is not None:
            t.append((ASSUME, name, v))
        return v

    def declared(self, name):
        """A user declaration (--assume name=yes/no): True, False or None when not declared."""
        v = self._declaration(name)
        if v is None:
            return None
        return str(v).lower() in ("1", "yes", "true", "on", "y")

    def declared_guests(self, name):
        """A user declaration of guests (--assume name=GUEST[,GUEST...]): the names, or None when
        not declared."""
        v = self._declaration(name)
        if v is None:
            return None
        return [n.strip() for n in str(v).split(",") if n.strip()]

    @fact("hypervisor", show=lambda v: "%s: %s" % (v.get("hypervisor"), v.get("identity", "")) if v else "none")
    def virtualization(self):
        """The Virtualization block a supportconfig wrote (kbcheck.parsers.supportconfig_virt.fields:
        hypervisor, identity, type, ...), None where the source has none."""
        try:
            body = self.command("supportconfig virtualization")
        except Evidence:
            return None
        try:
            return supportconfig_virt.fields(body or "")
        except ParseError as e:
            raise Unreadable("supportconfig's Virtualization block", str(e))

    @fact("hostname", show=lambda h: h or "unknown")
    def hostname(self):
        """The host's name: /etc/hostname, kernel.hostname, else the node name of an archive's
        `uname -a`; None when none is there."""
        for read in (lambda: self.value("/etc/hostname"), lambda: self.value("/proc/sys/kernel/hostname"),
                     lambda: (self.command("uname -a") or "").split()[1:2]):
            try:
                got = read()
            except (Evidence, IndexError):
                continue
            if isinstance(got, list):
                got = got[0] if got else None
            if got and got.split():
                return got.split()[0]
        return None
