"""Services and software: the systemd units installed and enabled (a root's unit directories, or
an archive's `systemctl list-unit-files`), SysV services (runlevel links, SLE 11's `chkconfig
--list`), the target or runlevel the host boots to, the installed packages and programs.
Text formats: kbcheck.parsers.systemd, .rpm, .inittab."""
import re

from kbcheck.errors import NotCollected, Unreadable
from kbcheck.facts.core import fact
from kbcheck.parsers import inittab as _inittab
from kbcheck.parsers import rpm as _rpm
from kbcheck.parsers import systemd as _systemd

UNIT_DIRS = ("/etc/systemd/system", "/run/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system")
RC_DIRS = ("/etc/init.d/rc3.d", "/etc/init.d/rc5.d", "/etc/rc.d/rc3.d", "/etc/rc.d/rc5.d")
TARGETS = ("/etc/systemd/system/default.target", "/usr/lib/systemd/system/default.target",
           "/lib/systemd/system/default.target")
PROGRAM_DIRS = ("/usr/sbin", "/usr/bin", "/sbin")


def _show_units(u):
    if u is None:
        return "no unit directories or unit list in this copy"
    return "%d installed, %d enabled (%s)" % (len(u["installed"]), len(u["enabled"]), u["source"])


def _show_services(s):
    if s is None:
        return "not in this copy"
    return "%d enabled at boot, %d installed (%s)" % (len(s["enabled"]), len(s["installed"]), s["source"])


class ServiceFacts(object):
    @fact("services", show=_show_units)
    def systemd_units(self):
        """{'installed': set, 'enabled': {unit: how}, 'masked': set, 'partial': bool, 'source': text}:
        from the unit directories of a root (partial: only /etc/systemd/system is there, so what is
        installed is unknown), else from `systemctl list-unit-files`; None when neither is there."""
        vendor = [d for d in UNIT_DIRS[2:] if self.listing(d) is not None]
        etc = self.listing(UNIT_DIRS[0])
        if not vendor:
            states = self.parse_command("systemctl list-unit-files", _systemd.list_unit_files)
            if states is not None:
                return {"installed": set(states), "masked": set(u for u, st in states.items() if st.startswith("masked")),
                        "enabled": dict((u, "systemctl list-unit-files: %s" % st) for u, st in states.items()
                                        if st in ("enabled", "enabled-runtime", "linked")),
                        "partial": False, "source": "systemctl list-unit-files"}
            if etc is None:
                return None
        installed, enabled, masked = set(), {}, set()
        for d in UNIT_DIRS:
            for n in self.listing(d) or []:
                full = d + "/" + n
                if n.endswith((".wants", ".requires")):
                    for u in self.listing(full) or []:
                        enabled.setdefault(u, full + "/" + u)
                elif "." in n and self.listing(full) is None:
                    try:
                        body = self.read(full)
                    except Unreadable:
                        body = None  # a live link to /dev/null: not a regular file
                    except NotCollected:
                        continue
                    if d == UNIT_DIRS[0] and body is None:
                        masked.add(n)  # /etc/systemd/system/NAME -> /dev/null
                    else:
                        installed.add(n)
        return {"installed": installed - masked, "enabled": enabled, "masked": masked, "partial": not vendor,
                "source": "unit directories" if vendor else "/etc/systemd/system (no vendor unit directory in this copy)"}

    @fact("services", show=_show_services)
    def services(self):
        """What starts at boot, systemd and SysV alike: {'enabled': {name: how}, 'installed': set
        of names, 'partial': bool, 'source': text}. Names are units (libvirtd.service) and SysV
        services (libvirtd) as the host names them: systemd's units, the S links of runlevels 3
        and 5, SLE 11's `chkconfig --list` in a supportconfig. None when the copy holds none."""
        units = self.systemd_units
        enabled, installed, sources = {}, set(), []
        partial = True
        if units is not None:
            enabled.update(units["enabled"])
            installed.update(units["installed"])
            partial = units["partial"]
            sources.append(units["source"])
        rc_seen = False
        for rc in RC_DIRS:
            names = self.listing(rc)
            if names is None:
                continue
            rc_seen = True
            for n in names:
                m = re.match(r"^S[0-9]*(.+)$", n)
                if m:
                    enabled.setdefault(m.group(1), "%s/%s" % (rc, n))
        init_d = self.listing("/etc/init.d")
        if init_d:
            installed.update(n for n in init_d if not n.startswith(".") and "." not in n)
        if rc_seen or init_d:
            sources.append("SysV runlevel links")
            partial = partial and units is None and not init_d
        states = self.parse_command("chkconfig --list", _systemd.chkconfig_list)
        if states is not None:
            installed.update(states)
            for name, levels in states.items():
                if levels & set("35"):
                    enabled.setdefault(name, "chkconfig --list: on in runlevel %s" % ",".join(sorted(levels)))
            sources.append("chkconfig --list")
            partial = False
        if not sources:
            return None
        return {"enabled": enabled, "installed": installed, "partial": partial, "source": "; ".join(sources)}

    @fact("services", show=lambda t: "%s (%s)" % t if t else "unknown")
    def boot_target(self):
        """(what the host boots to, where it says so): the systemd default target ('graphical' or
        'multi-user', from default.target) or SLE 11's default runlevel ('runlevel 5'); None when
        the copy holds neither."""
        if self.era == "sle11":
            tab = self.inittab
            if tab is None or tab["initdefault"] is None:
                return None
            return "runlevel %s" % tab["initdefault"], "/etc/inittab"
        for p in TARGETS:
            try:
                text = self.read(p)
            except NotCollected:
                continue
            if text is not None:
                graphical = "Graphical Interface" in text or "display-manager.service" in text
                return ("graphical" if graphical else "multi-user"), p
        return None

    @fact("inittab", show=lambda t: "default runlevel %s" % t["initdefault"] if t else "none")
    def inittab(self):
        """SLE 11's /etc/inittab (kbcheck.parsers.inittab) or None."""
        return self.parse("/etc/inittab", _inittab.parse)

    @fact("packages", show=lambda p: "%d packages" % len(p) if p is not None else "no package list in this copy")
    def packages(self):
        """{package name: version-release} from the package list an archive kept (sos's installed-rpms,
        supportconfig's rpm.txt); None where there is none (a root tree or the live host: probes
        start no rpm)."""
        return self.parse_first_command("packages", _rpm.packages)

    @fact("programs", show=lambda p: "%d programs" % len(p) if p is not None else "not in this copy")
    def programs(self):
        """The names in /usr/sbin, /usr/bin and /sbin, None when the copy holds none of them
        (archives never copy them: the package list tells what is installed there)."""
        found = None
        for d in PROGRAM_DIRS:
            names = self.listing(d)
            if names is not None:
                found = (found or set()) | set(names)
        return found
