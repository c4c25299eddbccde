"""Boot facts: the boot loader's configuration (GRUB 2's /etc/default/grub, GRUB legacy's
menu.lst) and the command lines it gives the Linux kernel and the Xen hypervisor."""
import re

from kbcheck.errors import Evidence, ParseError, Unreadable
from kbcheck.facts.core import cached
from kbcheck.parsers import grub, kernel


def _cmdline(line, where="/etc/default/grub"):
    try:
        return kernel.cmdline(line)
    except ParseError as e:
        raise Unreadable(where, "cannot parse its kernel command line: %s" % e)


class BootFacts(object):
    @cached
    def default_grub(self):
        return self.parse("/etc/default/grub", grub.default_grub)

    @cached
    def menu_lst(self):
        return self.parse("/boot/grub/menu.lst", grub.menu_lst)

    @cached
    def boot_cmdline(self):
        """(Cmdline, where) the boot configuration gives the Linux kernel, or (None, reason)."""
        if self.era == "sle11" or (self.default_grub is None and self.menu_lst is not None):
            m = self.menu_lst
            if m is None:
                return None, "no /boot/grub/menu.lst"
            if not m["entries"]:
                return None, "/boot/grub/menu.lst has no boot entries"
            idx = m["default"] if m["default"] < len(m["entries"]) else 0
            e = m["entries"][idx]
            return e["args"], "/boot/grub/menu.lst (entry '%s')" % e["title"]
        g = self.default_grub
        if g is None:
            return None, "no /etc/default/grub"
        line, _ = grub.linux_line(g, "xen_dom0" in self.roles)  # a Domain-0: its Xen entry's kernel line
        return _cmdline(line), "/etc/default/grub"

    @cached
    def boot_xen_cmdline(self):
        """(Cmdline, where) the boot configuration gives the Xen hypervisor, or (None, reason)."""
        if self.era == "sle11" or (self.default_grub is None and self.menu_lst is not None):
            m = self.menu_lst
            if m is None:
                return None, "no /boot/grub/menu.lst"
            xen = [e for e in m["entries"] if e["xen"]]
            if not xen:
                return None, "/boot/grub/menu.lst has no Xen entry"
            idx = m["default"] if m["default"] < len(m["entries"]) and m["entries"][m["default"]]["xen"] else None
            e = m["entries"][idx] if idx is not None else xen[0]
            return e["xen_args"], "/boot/grub/menu.lst (entry '%s')" % e["title"]
        g = self.default_grub
        if g is None:
            return None, "no /etc/default/grub"
        line = (g.get("GRUB_CMDLINE_XEN", "") + " " + g.get("GRUB_CMDLINE_XEN_DEFAULT", "")).strip()
        return _cmdline(line), "/etc/default/grub"

    @cached
    def xen_running_cmdline(self):
        """The running Xen hypervisor's command line (Cmdline) from `xl info` (xen_commandline),
        or None when that output is not available (an offline root has none; a supportconfig or
        a live host may)."""
        try:
            info = self.command("xl info")
        except Evidence:
            return None
        m = re.search(r"^xen_commandline\s*:\s*(.*)$", info or "", re.M)
        return _cmdline(m.group(1), "xl info") if m else None
