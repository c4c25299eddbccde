"""Boot-time tuning: the udev rules and what they write to a disk's scheduler when it is added,
the tuned profile a host boots with (its includes, [sysctl] and [disk] sections, reapply_sysctl),
and the value a sysctl has once the host has booted. Text formats: kbcheck.parsers.udev, .tuned."""
import re

from kbcheck.errors import Evidence, NotCollected
from kbcheck.facts.core import fact
from kbcheck.parsers import tmpfiles as _tmpfiles
from kbcheck.parsers import tuned as _tuned
from kbcheck.parsers import udev as _udev

UDEV_DIRS = ("/etc/udev/rules.d", "/run/udev/rules.d", "/usr/local/lib/udev/rules.d", "/usr/lib/udev/rules.d",
             "/lib/udev/rules.d")  # a file name in an earlier directory hides the same name later
VENDOR_UDEV = ("/usr/lib/udev/rules.d", "/lib/udev/rules.d")
TUNED_DIRS = ("/etc/tuned/profiles", "/etc/tuned", "/usr/lib/tuned/profiles", "/usr/lib/tuned")
TUNED_REAPPLY = ("/run/sysctl.d", "/etc/sysctl.d")  # what tuned's reapply_sysctl reads again, then sysctl.conf
TMPFILES_DIRS = ("/etc/tmpfiles.d", "/run/tmpfiles.d", "/usr/lib/tmpfiles.d")  # an earlier name hides a later


def _show_tuned(t):
    if t is None:
        return "no profile active"
    return "profile %s, %s%s" % (" ".join(t["profiles"]), {True: "tuned.service enabled", False: "tuned.service "
                                 "not enabled", None: "whether tuned.service is enabled is unknown"}[t["enabled"]],
                                 "; reapply_sysctl" if t["reapply_sysctl"] else "")


class TuningFacts(object):
    @fact("udev_rules", show=lambda rules: "%d rule files" % len(rules))
    def udev_rules(self):
        """[(path, parsed rules)] in the order udev reads them; a file masked by a link to
        /dev/null (or empty) plays no part."""
        out = []
        found = self._by_name(UDEV_DIRS, ".rules", optional=UDEV_DIRS[1:])
        for _, path in found:
            text = self.read(path)
            if text:
                out.append((path, self.parse(path, _udev.parse)))
        if (self.product == "sle15" and not any(p.startswith(VENDOR_UDEV) for _, p in found)
                and not getattr(self.source, "live", False)):
            # SLE 15's systemd ships rules that set disks' schedulers (60-io-scheduler.rules); a copy
            # without any vendor rule, of a kind that may not hold them, lacks them (SLE 11/12 ship none)
            from kbcheck import specs
            if not specs.holds(VENDOR_UDEV[0] + "/x.rules", self.source_id):
                raise NotCollected(VENDOR_UDEV[0], "the vendor udev rules are not in this copy (%s never "
                                   "collects %s)" % (specs.SOURCE_LABELS.get(self.source_id, self.source_id),
                                                     VENDOR_UDEV[0]))
        return out

    def udev_scheduler(self, name):
        """What the udev rules write to /sys/block/NAME/queue/scheduler when the disk is added at boot:
        [{'value', 'where', 'condition'}] in order (kbcheck.parsers.udev.apply)."""
        base = "/sys/block/" + name

        def sysattr(attr):
            try:
                v = self.read(base + "/" + attr)
            except NotCollected:
                return _udev.NOT_COLLECTED
            except Evidence:
                return None
            return v.rstrip("\n") if v is not None else None

        def exists(p):
            try:
                return self.exists(p)
            except Evidence:
                return None
        mpath = ""
        for holder in self.listing(base + "/holders") or []:   # (a detail: multipath members)
            if (self._optional("/sys/block/%s/dm/uuid" % holder) or "").startswith("mpath-"):
                mpath = "1"
        boot, _ = self.boot_cmdline
        cmd = dict(boot.words) if boot is not None else None
        dev = {"kernel": name, "devpath": "/block/" + name, "action": "add", "sysattr": sysattr, "exists": exists}
        known = {"DEVTYPE": "disk", "DEVNAME": "/dev/" + name, "SUBSYSTEM": "block", "ACTION": "add",
                 "DM_MULTIPATH_DEVICE_PATH": mpath}
        return [a for a in _udev.apply(self.udev_rules, dev, cmd, known) if a["attr"] == "queue/scheduler"]

    @fact("tuned", show=lambda a: {None: "not in this copy", (): "no profile active"}.get(a) or " ".join(a))
    def tuned_active(self):
        """The tuned profiles active at boot (/etc/tuned/active_profile): a tuple, () when none is
        active (or tuned is not installed, by the package list), None when the copy does not hold
        /etc/tuned and the package list does not rule tuned out."""
        try:
            active = self.value("/etc/tuned/active_profile")
        except NotCollected:
            pkgs = self.packages
            return () if pkgs is not None and "tuned" not in pkgs else None
        return tuple(active.split()) if active else ()

    @fact("tuned", show=_show_tuned)
    def tuned(self):
        """tuned at boot: {'enabled': True/False/None, 'profiles': [...], 'sysctl': {key: (value, where)},
        'disk': [(devices glob, elevator, where)], 'reapply_sysctl': bool, 'problems': [...]}; None
        when no profile is active or the copy does not hold tuned's configuration (tuned_active says
        which). Sections conditioned on uname_regex/cpuinfo_regex count only where /proc/cpuinfo
        matches them."""
        active = self.tuned_active
        if not active:
            return None
        active = " ".join(active)
        units = self.systemd_units
        enabled = None if units is None else "tuned.service" in units["enabled"]
        main = self.parse("/etc/tuned/tuned-main.conf", _tuned.main_conf) or {}
        out = {"enabled": enabled, "profiles": active.split(), "sysctl": {}, "disk": [], "problems": [],
               "reapply_sysctl": _tuned.truth(main.get("reapply_sysctl"), True)}
        cpuinfo = self._optional_text("/proc/cpuinfo")
        arch = "x86_64" if re.search(r"^vendor_id\s*:\s*(GenuineIntel|AuthenticAMD)", cpuinfo or "", re.M) else None

        def applies(opts, variables, where):
            for key, text in (("cpuinfo_regex", cpuinfo), ("uname_regex", arch)):
                if "." + key not in opts:
                    continue
                rx = re.sub(r"\$\{([A-Za-z0-9_]+)\}", lambda m: variables.get(m.group(1), m.group(0)), opts["." + key][0])
                try:
                    if text is None or "${" in rx or not re.search(rx, text, re.M):
                        return False
                except re.error:
                    out["problems"].append("%s: %s is not a regular expression kbcheck reads" % (where, key))
                    return False
            return True

        def load(name, depth):
            if depth > 10:
                out["problems"].append("include chain deeper than 10 at %s" % name)
                return
            for d in TUNED_DIRS:
                path = "%s/%s/tuned.conf" % (d, name)
                conf = self.parse(path, _tuned.profile)
                if conf is None:
                    continue
                for inc in re.split(r"[,\s]+", conf["main"].get("include", "")):
                    if inc and "$" not in inc:
                        load(inc, depth + 1)
                    elif inc:
                        out["problems"].append("include=%s in %s is not resolved" % (inc, path))
                for unit in conf["units"]:
                    opts = unit["options"]
                    if unit["type"] not in ("sysctl", "disk") or not applies(opts, conf["variables"], path):
                        continue
                    if unit["type"] == "disk":
                        if "elevator" in opts:
                            out["disk"].append((opts.get(".devices", ("*", 0))[0], opts["elevator"][0],
                                                "tuned profile %s (%s line %d)" % (name, path, opts["elevator"][1])))
                        continue
                    if unit["replace"]:
                        out["sysctl"].clear()
                    for k, (v, line) in opts.items():
                        if not k.startswith("."):
                            out["sysctl"][k] = (v, "tuned profile %s (%s line %d)" % (name, path, line))
                return
            out["problems"].append("profile %s not found in %s" % (name, ", ".join(TUNED_DIRS)))
        for p in out["profiles"]:
            load(p, 0)
        return out

    def sysctl_at_boot(self, key):
        """(value, where) a sysctl has once the host has booted: systemd-sysctl's files, then an
        enabled tuned profile, whose value stands unless tuned re-applies /run/sysctl.d, /etc/sysctl.d
        and /etc/sysctl.conf after it (reapply_sysctl, on by default) and one of them sets the key.
        None when nothing sets it."""
        key = key.replace("/", ".")
        files = self.sysctl_persistent(key)
        t = self.tuned
        if t is None or t["enabled"] is False or key not in t["sysctl"]:
            if files and self.tuned_active is None:
                return files[0], "%s line %d (tuned's profile is not in this copy)" % (files[1], files[2])
            return (files[0], "%s line %d" % (files[1], files[2])) if files else None
        if t["reapply_sysctl"] and files and (files[1] == "/etc/sysctl.conf" or files[1].startswith(TUNED_REAPPLY)):
            return files[0], "%s line %d (tuned re-applies it after its profile: reapply_sysctl)" % (files[1], files[2])
        return t["sysctl"][key]

    @fact("tmpfiles", show=lambda rows: "%d lines" % len(rows))
    def tmpfiles(self):
        """[row] of the tmpfiles.d files systemd-tmpfiles applies at boot (kbcheck.parsers.tmpfiles),
        each row with 'file'; a directory the copy does not hold is left out."""
        found = {}
        for d in TMPFILES_DIRS:
            for n in self.listing(d) or []:
                if n.endswith(".conf") and n not in found:
                    found[n] = d + "/" + n
        out = []
        for n in sorted(found):
            for r in self.parse(found[n], _tmpfiles.parse) or []:
                r["file"] = found[n]
                out.append(r)
        return out
