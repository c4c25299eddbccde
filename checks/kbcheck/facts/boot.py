"""Boot facts: the boot loader's configuration (GRUB 2's /etc/default/grub, GRUB legacy's
menu.lst) and the command lines it gives the Linux kernel and the Xen hypervisor."""
import re

from kbcheck.errors import Evidence, NotCollected, ParseError, Unreadable
from kbcheck.facts.core import fact
from kbcheck.parsers import grub, kernel
from kbcheck.parsers import listing as listing_parser


def _show_line(got):
    line, where = got
    if line is None:
        return where
    return "%s (%s)" % (" ".join(k if v is None else "%s=%s" % (k, v) for k, v in line.words) or "empty", where)


def _cmdline(line, where="/etc/default/grub"):
    try:
        return kernel.cmdline(line)
    except ParseError as e:
        raise Unreadable(where, "cannot parse its kernel command line: %s" % e)


class BootFacts(object):
    @fact("grub", show=lambda g: "%d variables" % len(g) if g is not None else "no /etc/default/grub")
    def default_grub(self):
        return self.parse("/etc/default/grub", grub.default_grub)

    @fact("grub", show=lambda m: "%d entries, default %s" % (len(m["entries"]), m["default"]) if m else "none")
    def menu_lst(self):
        return self.parse("/boot/grub/menu.lst", grub.menu_lst)

    @fact("grub", show=lambda c: "%d Linux entries" % len(c["linux"]) if c is not None else "no grub.cfg")
    def grub_cfg(self):
        """The entries grub2-mkconfig wrote to /boot/grub2/grub.cfg (kbcheck.parsers.grub.cfg_lines),
        None when there is no grub.cfg or the copy does not hold it."""
        try:
            return self.parse("/boot/grub2/grub.cfg", grub.cfg_lines)
        except NotCollected:
            return None

    @fact("boot_files", show=lambda b: "%d files" % len(b) if b is not None else "not in this copy")
    def boot_files(self):
        """The names in /boot: its listing, else the `ls -lR /boot` an archive kept; None when neither."""
        names = self.listing("/boot")
        if names:
            return names
        found = self.parse_first_command("boot_files", lambda text: listing_parser.ls_lr(text).get("/boot", []))
        return names if found is None else found

    @fact("grub", show=_show_line)
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

    @fact("grub", show=_show_line)
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

    @fact("xl_info", show=lambda c: " ".join(k if v is None else "%s=%s" % (k, v) for k, v in c.words)
          if c is not None else "no `xl info` in this copy")
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
