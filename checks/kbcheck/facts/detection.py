"""Facts about what the machine is: its product and era, its virtualization roles (detected,
or declared with --assume), and the user's declarations."""
from kbcheck import detect
from kbcheck.facts.core import cached


class DetectionFacts(object):
    @cached
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

    @cached
    def detection(self):
        return detect.roles(self)

    @property
    def roles(self):
        """Set of 'kvm_host', 'xen_dom0', 'kvm_guest', 'xen_guest', 'container_host'."""
        if self.assume.get("role"):
            return set(r.strip() for r in self.assume["role"].split(",") if r.strip())
        return set(self.detection["roles"])

    def declared(self, name):
        """A user declaration (--assume name=yes/no): True, False or None when not declared."""
        v = self.assume.get(name)
        if v is None:
            return None
        return str(v).lower() in ("1", "yes", "true", "on", "y")

    def declared_guests(self, name):
        """A user declaration of guests (--assume name=GUEST[,GUEST...]): the names, or None when
        not declared."""
        v = self.assume.get(name)
        if v is None:
            return None
        return [n.strip() for n in str(v).split(",") if n.strip()]
