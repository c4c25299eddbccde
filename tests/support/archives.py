"""Build sosreport trees and supportconfig archives from one plain snapshot, for tests.

Input: a snapshot root directory, or a dict {host path: text}. Output:
  write_sosreport(snapshot, dest)                  -> an extracted sosreport directory
  write_supportconfig(snapshot, dest, era, ...)    -> a supportconfig directory, or a .txz

Formats follow what the collectors write (see kbcheck/sources/sosreport.py and
kbcheck/parsers/supportconfig_sections.py for the sources read): sos copies files under their own paths
and keeps command output under sos_commands/<plugin>/<mangled command>; supportconfig writes
"#==[ Command ]==#" / "#==[ Configuration File ]==#" sections into flat text files, with
comment and blank lines removed from configuration files.

Eras of supportconfig (supportutils' bin/supportconfig of each time):
  sle11    2.25: kvm.txt / xen.txt (xend-config.sxp where xend runs); proc.txt with every file
           directly under /proc; sysctl -a in env.txt; /sys/block only as `ls -l`; procps 3.2 free
  sle12    3.0: kvm.txt / xen.txt; proc.txt as sle11; systemd.txt; /sys/block only as `ls -l`
  current  3.1 (2022 on): plugin-libvirt.txt / plugin-xen.txt (plugin frame); proc.txt without the
           top of /proc (so /proc/swaps only as memory.txt's `free -k` totals); memory.txt
           `sysctl -a | grep ^vm`; per-disk schedulers via `grep '' /sys/block/*/queue/scheduler`
Every era: basic-environment.txt's Virtualization block (detectVirtualization: 3.0 or 3.1 wording),
hardware.txt `lscpu`, memory.txt `free -k` and `numactl --hardware`, basic-health-check.txt `ps
axwwo ...`, rpm.txt (the package list); never /sys/kernel/mm/ksm, /proc/xen, /usr (kbcheck.specs).
"""
import io
import os
import re
import tarfile

from support import collectors

ERAS = ("sle11", "sle12", "current")

CMD_HDR = "#==[ Command ]======================================#"
CONF_HDR = "#==[ Configuration File ]===========================#"
NOTE_HDR = "#==[ Note ]=========================================#"
PLUGIN_HDR = "#==[ Plugin ]=======================================#"
SECTION_HDR = "#==[ Section Header ]===============================#"

_BIN = {"sysctl": "/sbin/sysctl", "grep": "/usr/bin/grep", "ls": "/bin/ls", "lsmod": "/sbin/lsmod",
        "virsh": "/usr/bin/virsh", "uname": "/bin/uname", "xl": "/usr/sbin/xl", "date": "/bin/date",
        "free": "/usr/bin/free", "dmidecode": "/usr/sbin/dmidecode", "systemctl": "/usr/bin/systemctl", "chkconfig": "/sbin/chkconfig"}


# -- snapshot input -----------------------------------------------------------------------
def load_snapshot(snapshot):
    """{host path: text} from a dict or a root directory (regular files only, decoded as UTF-8)."""
    if isinstance(snapshot, dict):
        return dict(("/" + k.lstrip("/"), v) for k, v in snapshot.items())
    out = {}
    root = os.path.abspath(snapshot)
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if not os.path.islink(os.path.join(d, x))]
        for f in files:
            p = os.path.join(d, f)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            with open(p, "rb") as fh:
                out["/" + os.path.relpath(p, root).replace(os.sep, "/")] = fh.read().decode("utf-8", "replace")
    return out


def _write(path, text):
    d = os.path.dirname(path)
    if not os.path.isdir(d):
        os.makedirs(d)
    with open(path, "w") as f:
        f.write(text)


def sysctl_lines(files):
    """`sysctl -a` text for the /proc/sys files of a snapshot (single-line values only)."""
    out = []
    for p in sorted(files):
        if not p.startswith("/proc/sys/"):
            continue
        v = files[p].rstrip("\n")
        if "\n" in v:
            continue
        out.append("%s = %s" % (p[len("/proc/sys/"):].replace("/", "."), v))
    return "\n".join(out) + "\n" if out else ""


def domain_xml(files):
    """[(name, xml)] from /etc/libvirt/qemu/*.xml and /etc/libvirt/libxl/*.xml."""
    out = []
    for p in sorted(files):
        m = re.match(r"^/etc/libvirt/(qemu|libxl)/([^/]+)\.xml$", p)
        if m:
            nm = re.search(r"<name>([^<]+)</name>", files[p])
            out.append((nm.group(1).strip() if nm else m.group(2), files[p]))
    return out


def capabilities_xml(files):
    for p in ("/var/lib/kbcheck/capabilities.xml", "/etc/libvirt/capabilities.xml"):
        if files.get(p):
            return files[p]
    return None


def virsh_list(doms, states=None):
    states = states or {}
    lines = [" Id   Name           State", "-------------------------------"]
    for i, (name, _) in enumerate(doms, 1):
        st = states.get(name, "shut off")
        lines.append(" %-4s %-14s %s" % (str(i) if st == "running" else "-", name, st))
    return "\n".join(lines) + "\n\n"


def dmidecode(files):
    """`dmidecode` output as dmidecode 3.x prints it, for the snapshot's /sys/class/dmi/id files
    (None when the snapshot has none). Fields the snapshot lacks print as "Not Specified", as
    dmidecode prints an empty SMBIOS string."""
    def f(name):
        v = files.get("/sys/class/dmi/id/" + name, "").strip()
        return v or "Not Specified"
    if not any(p.startswith("/sys/class/dmi/id/") for p in files):
        return None
    return ("# dmidecode 3.2\n"
            "Getting SMBIOS data from sysfs.\n"
            "SMBIOS 2.8 present.\n"
            "9 structures occupying 1016 bytes.\n"
            "Table at 0x000F5A90.\n"
            "\n"
            "Handle 0x0000, DMI type 0, 24 bytes\n"
            "BIOS Information\n"
            "\tVendor: %s\n"
            "\tVersion: %s\n"
            "\tRelease Date: %s\n"
            "\tAddress: 0xE8000\n"
            "\tRuntime Size: 96 kB\n"
            "\tROM Size: 64 kB\n"
            "\tCharacteristics:\n"
            "\t\tBIOS characteristics not supported\n"
            "\t\tTargeted content distribution is supported\n"
            "\tBIOS Revision: 0.0\n"
            "\n"
            "Handle 0x0100, DMI type 1, 27 bytes\n"
            "System Information\n"
            "\tManufacturer: %s\n"
            "\tProduct Name: %s\n"
            "\tVersion: %s\n"
            "\tSerial Number: Not Specified\n"
            "\tUUID: %s\n"
            "\tWake-up Type: Power Switch\n"
            "\tSKU Number: Not Specified\n"
            "\tFamily: Not Specified\n"
            "\n"
            "Handle 0x7F00, DMI type 127, 4 bytes\n"
            "End Of Table\n"
            "\n" % (f("bios_vendor"), f("bios_version"), f("bios_date"), f("sys_vendor"), f("product_name"),
                    f("product_version"), f("product_uuid")))


# -- sosreport ----------------------------------------------------------------------------
def _mangle(command):
    name = re.sub(r"^/(usr/|)(bin|sbin)/", "", command)
    name = re.sub(r"[^\w\-\./]+", "_", name)
    return name.replace("/", ".").strip(" ._-")[:255]


def write_sosreport(snapshot, dest, states=None, dmi_sysfs=True, sos="4", omit=()):
    """A sosreport-shaped tree at `dest`, as sos `sos` ("4": 4.x, "3": 3.x) lays it out. sos copies
    files under their own paths but never /proc/sys (sysctl -a: sos_commands/kernel/sysctl_-a),
    /proc/PID/cmdline (the process list: sos_commands/process/ps_auxwww, 4.x ps_auxwwwm), nor /usr
    (the package list: installed-rpms; the units: sos_commands/systemd/systemctl_list-unit-files)
    but for /usr/lib/tuned (the tuned plugin) and, 4.x, /usr/lib/tmpfiles.d.
    sos 3.x (3.6) never copied /proc/mounts (its filesys plugin's bug), but kept proc/1/mountinfo
    and sos_commands/filesys/mount_-l. DMI data goes to sos_commands/hardware/dmidecode;
    dmi_sysfs=False leaves out the /sys/class/dmi/id copies (older sos, or fields it skipped).
    omit: commands whose output is left out. Returns dest."""
    files = load_snapshot(snapshot)
    for p, text in files.items():
        if p.startswith(("/proc/sys/", "/usr/")) or re.match(r"^/proc/[0-9]+/", p):
            # under /usr only the tuned plugin's /usr/lib/tuned and (4.x) systemd's tmpfiles.d
            if not (p.startswith("/usr/lib/tuned/") or sos != "3" and p.startswith("/usr/lib/tmpfiles.d/")):
                continue
        if not dmi_sysfs and p.startswith("/sys/class/dmi/"):
            continue
        if sos == "3" and p == "/proc/mounts":
            continue
        _write(os.path.join(dest, p.lstrip("/")), text)
    if sos == "3":
        _write(os.path.join(dest, "version.txt"), "sosreport: 3.6\n")
    else:
        _write(os.path.join(dest, "version.txt"), "sosreport: 4.5.6\n")
        _write(os.path.join(dest, "sos_reports", "manifest.json"), '{"version": "4.5.6"}\n')
    cmds = os.path.join(dest, "sos_commands")
    _write(os.path.join(cmds, "kernel", _mangle("sysctl -a")), sysctl_lines(files))
    if "/proc/modules" in files:
        _write(os.path.join(cmds, "kernel", "lsmod"), _lsmod(files["/proc/modules"]))
    for name, text in ((("processor", "lscpu"), collectors.lscpu(files)),
                       (("numa", "numactl --hardware"), collectors.numactl_hardware(files)),
                       (("memory", "free"), collectors.free_k(files)),
                       (("filesys", "mount -l"), collectors.mount_l(files)),
                       (("process", "ps auxwww" if sos == "3" else "ps auxwwwm"),
                        collectors.ps_aux(files, threads=(sos != "3"))),
                       (("systemd", "systemctl list-unit-files"), unit_files(files) or None)):
        if text is not None and name[1] not in omit:
            _write(os.path.join(cmds, name[0], _mangle(name[1])), text)
    info = collectors.mountinfo(files)
    if sos == "3" and info is not None:
        _write(os.path.join(dest, "proc", "1", "mountinfo"), info)
    rpms = collectors.installed_rpms(files)
    if rpms is not None:
        _write(os.path.join(cmds, "rpm", "package-data"), rpms)
        _write(os.path.join(dest, "installed-rpms"), rpms)
    dmi = dmidecode(files)
    if dmi is not None:
        _write(os.path.join(cmds, "hardware", "dmidecode"), dmi)
    doms = domain_xml(files)
    caps = capabilities_xml(files)
    if doms or caps:
        v = os.path.join(cmds, "virsh")
        _write(os.path.join(v, _mangle("virsh -r list --all")), virsh_list(doms, states))
        for name, xml in doms:
            _write(os.path.join(v, _mangle("virsh -r dumpxml %s" % name)), xml)
        if caps:
            _write(os.path.join(v, _mangle("virsh -r capabilities")), caps)
    return dest


def _lsmod(proc_modules):
    lines = ["Module                  Size  Used by"]
    for line in proc_modules.splitlines():
        f = line.split()
        if len(f) >= 3:
            deps = f[3].rstrip(",") if len(f) > 3 and f[3] != "-" else ""
            lines.append(("%-24s%7s  %s %s" % (f[0], f[1], f[2], deps)).rstrip())
    return "\n".join(lines) + "\n"


# -- supportconfig ------------------------------------------------------------------------
class _Out(object):
    """Collects the text files of one supportconfig run."""

    def __init__(self):
        self.files = {}

    def raw(self, name, text):
        self.files[name] = self.files.get(name, "") + text

    omit = ()

    def cmd(self, name, command, output, failed=False):
        if command in self.omit:
            return
        words = command.split(" ", 1)
        full = _BIN.get(words[0], "/usr/bin/" + words[0])
        if failed:
            self.raw(name, "%s\n# %s\nERROR: Command not found or not executable\n\n" % (CMD_HDR, command))
            return
        label = full + (" " + words[1] if len(words) > 1 else "")
        if output and not output.endswith("\n"):
            output += "\n"
        self.raw(name, "%s\n# %s\n%s\n" % (CMD_HDR, label, output))

    def conf(self, name, path, files, plugin=False):
        if path in files:
            self.raw(name, "%s\n# %s\n%s\n\n" % (CONF_HDR, path, _strip_conf(files[path], plugin)))
        else:
            self.raw(name, "%s\n# %s - File not found\n\n" % (CONF_HDR, path))

    def note(self, name, label, text=""):
        self.raw(name, "%s\n# %s\n\n%s" % (NOTE_HDR, label, text))


def _strip_conf(text, plugin=False):
    """What conf_files (supportconfig.rc) / pconf_files (scplugin.rc) keep of a file by default:
    comment lines (#, ;, and // for plugins), carriage returns and blank lines removed."""
    out = []
    for line in text.replace("\r", "").split("\n"):
        s = line.lstrip()
        if s.startswith("#") or s.startswith(";") or (plugin and s.startswith("//")):
            continue
        if (not plugin and not s) or (plugin and line == ""):
            continue
        out.append(line)
    return "\n".join(out) + "\n" if out else ""


def _glob(files, pattern):
    rx = re.compile("^" + re.escape(pattern).replace("\\*", "[^/]*") + "$")
    return sorted(p for p in files if rx.match(p))


def unit_files(files):
    """`systemctl list-unit-files` as systemd prints it for the snapshot's units ("" without any):
    enabled where an /etc/systemd/system/*.wants link names the unit, else disabled."""
    enabled, names = set(), set()
    for p in files:
        m = re.match(r"^/etc/systemd/system/[^/]+\.wants/([^/]+)$", p)
        if m:
            enabled.add(m.group(1))
            names.add(m.group(1))
        m = re.match(r"^/(?:usr/)?lib/systemd/system/([^/]+\.(?:service|socket|mount|target|timer))$", p)
        if m:
            names.add(m.group(1))
    if not names:
        return ""
    rows = ["UNIT FILE                                  STATE           PRESET"]
    rows += ["%-42s %-15s %s" % (n, "enabled" if n in enabled else "disabled", "disabled") for n in sorted(names)]
    return "\n".join(rows) + "\n\n%d unit files listed.\n" % len(names)


def supportconfig_files(snapshot, era="current", host="kvmhost", states=None, failing=(), omit=()):
    """{file name: text} as supportconfig of `era` would write it for this snapshot.

    `failing`: commands to record as "ERROR: Command not found or not executable"; `omit`: commands
    whose section is left out (the tool is not installed: numactl; or the host gave nothing)."""
    if era not in ERAS:
        raise ValueError("era must be one of %s" % (ERAS,))
    files = load_snapshot(snapshot)
    o = _Out()
    sysctl_bin = "sysctl -a"

    o.omit = omit

    def cmd(name, command, output):
        o.cmd(name, command, output, failed=command in failing)

    # basic-environment.txt
    o.raw("basic-environment.txt", "=" * 77 + "\n                     Support Utilities - Supportconfig\n"
          "                          Script Version: %s\n" % {"sle11": "2.25-350", "sle12": "3.0-98",
                                                               "current": "3.1.16-1.0"}[era] + "=" * 77 + "\n\n")
    cmd("basic-environment.txt", "date", "Mon Jan  1 00:00:00 UTC 2024\n")
    cmd("basic-environment.txt", "uname -a", "Linux %s 5.14.21 #1 SMP x86_64 GNU/Linux\n" % host)
    o.raw("basic-environment.txt", "#==[ System ]=======================================#\n# Virtualization\n%s\n"
          % collectors.virtualization_block(files, new=(era == "current")))
    for p in _glob(files, "/etc/*release*"):
        o.conf("basic-environment.txt", p, files)

    # basic-health-check.txt
    cmd("basic-health-check.txt", "uptime", " 00:00:00 up 1 day,  1 user,  load average: 0.00, 0.00, 0.00\n")
    free = collectors.free_k(files, old=(era == "sle11"))
    if free is not None:
        cmd("basic-health-check.txt", "free -k", free)
    ps = collectors.ps_axwwo(files)
    if ps is not None:
        cmd("basic-health-check.txt", "ps axwwo user,pid,ppid,%cpu,%mem,vsz,rss,stat,time,cmd", ps)
    if "/proc/sys/kernel/tainted" in files:
        o.conf("basic-health-check.txt", "/proc/sys/kernel/tainted", files)

    # hardware.txt
    for p in ("/proc/cpuinfo", "/proc/cmdline"):
        o.conf("hardware.txt", p, files)
    lscpu = collectors.lscpu(files)
    if lscpu is not None:
        cmd("hardware.txt", "lscpu", lscpu)
    dmi = dmidecode(files)
    if dmi is not None:
        cmd("hardware.txt", "dmidecode", dmi)

    # boot.txt
    cmd("boot.txt", "uname -a", "Linux %s 5.14.21 #1 SMP x86_64 GNU/Linux\n" % host)
    # boot_info: the boot loader's files by the host's LOADER_TYPE (grub or grub2), not by the
    # collector's version; /etc/inittab where the host is SLE 11 (SLES_VER < 120)
    if "/boot/grub/menu.lst" in files or era == "sle11" and "/etc/default/grub" not in files:
        for p in ("/etc/grub.conf", "/boot/grub/menu.lst", "/boot/grub/device.map"):
            o.conf("boot.txt", p, files)
    else:
        for p in ("/etc/default/grub", "/etc/default/grub_installdevice", "/boot/grub2/device.map"):
            o.conf("boot.txt", p, files)
    sle11_host = "/etc/os-release" not in files and "VERSION = 11" in files.get("/etc/SuSE-release", "")
    for p in ("/proc/cmdline", "/etc/sysconfig/kernel") + (("/etc/inittab",) if sle11_host else ()):
        o.conf("boot.txt", p, files)

    # modules.txt
    if "/proc/modules" in files:
        cmd("modules.txt", "lsmod | sort", _lsmod(files["/proc/modules"]))
    if era != "sle11":
        for p in _glob(files, "/etc/modprobe.d/*"):
            o.conf("modules.txt", p, files)

    # env.txt
    if era == "sle11":
        cmd("env.txt", "chkconfig boot.sysctl", "boot.sysctl  on\n")
        for p in ("/etc/sysctl.conf", "/etc/sysconfig/sysctl"):
            o.conf("env.txt", p, files)
    else:
        cmd("env.txt", "systemctl status sysctl", "")
        sysctl_files = ["/etc/sysctl.conf"] + _glob(files, "/boot/sysctl.conf-*")
        for d in ("/lib/sysctl.d", "/usr/lib/sysctl.d", "/usr/local/lib/sysctl.d", "/etc/sysctl.d", "/run/sysctl.d"):
            found = _glob(files, d + "/*.conf")
            # an unmatched bash glob stays literal: "<dir>/*.conf - File not found"
            sysctl_files.extend(found or [d + "/*.conf"])
        for p in sysctl_files:
            o.conf("env.txt", p, files)
    cmd("env.txt", sysctl_bin, sysctl_lines(files))
    for p in _glob(files, "/etc/default/*"):
        o.conf("env.txt", p, files)

    # udev.txt (udev_info): /etc/udev/udev.conf, then every file of the rules directories the host has
    o.conf("udev.txt", "/etc/udev/udev.conf", files)
    for d in ("/lib/udev/rules.d", "/usr/lib/udev/rules.d", "/etc/udev/rules.d"):
        for p in sorted(p for p in files if p.startswith(d + "/")):
            o.conf("udev.txt", p, files)

    # tuned.txt (tuned_info, 3.1): tuned-adm active, every file under /etc/tuned, the *.conf of /usr/lib/tuned
    if era == "current" and any(p.startswith(("/etc/tuned/", "/usr/lib/tuned/")) for p in files):
        active = files.get("/etc/tuned/active_profile", "").strip()
        cmd("tuned.txt", "tuned-adm active", "Current active profile: %s\n" % active if active
            else "No current active profile.\n")
        for p in _glob(files, "/etc/tuned/*") + sorted(p for p in files if p.startswith("/usr/lib/tuned/")
                                                       and p.endswith(".conf")):
            o.conf("tuned.txt", p, files)

    # chkconfig.txt (chkconfig_info, 2.x and 3.0): the SysV services and their runlevels
    sysv = collectors.chkconfig_list(files)
    if era != "current" and sysv is not None:
        cmd("chkconfig.txt", "chkconfig --list", sysv)

    # systemd.txt (supportconfig 3.x): the unit files and their states
    units = unit_files(files)
    if era != "sle11" and units:
        cmd("systemd.txt", "systemctl --no-pager list-unit-files", units)

    # memory.txt
    if free is not None:
        cmd("memory.txt", "free -k", free)
    for p in ("/proc/meminfo", "/proc/vmstat"):
        if p in files or p == "/proc/meminfo":
            o.conf("memory.txt", p, files)
    if era == "current":
        vm = "".join(l + "\n" for l in sysctl_lines(files).splitlines() if l.startswith("vm."))
        cmd("memory.txt", "sysctl -a 2>/dev/null | grep ^vm", vm)
    for p in sorted(p for p in files if p.startswith("/sys/kernel/mm/transparent_hugepage/")):
        o.conf("memory.txt", p, files)
    numa = collectors.numactl_hardware(files)   # where numactl is installed (rpm -q numactl)
    if numa is not None:
        cmd("memory.txt", "numactl --hardware", numa)

    # rpm.txt: the package list
    rpms = collectors.rpm_txt(files)
    if rpms is not None:
        cmd("rpm.txt", 'rpm -qa --queryformat "%-35{NAME} %-35{DISTRIBUTION} %{VERSION}-%{RELEASE}\\n" '
            '| sort -k 1,2 -t " " -i', rpms)

    # fs-diskio.txt
    for p in ("/proc/partitions", "/etc/fstab"):
        o.conf("fs-diskio.txt", p, files)
    for p in ("/proc/mounts", "/etc/mtab"):
        o.conf("fs-diskio.txt", p, files)
    devs = sorted(set(p.split("/")[3] for p in files if re.match(r"^/sys/block/[^/]+/", p)))
    ls = ["total 0"] + ["lrwxrwxrwx 1 root root 0 2024-01-01 00:00 %s -> ../devices/virtual/block/%s" % (d, d)
                        for d in devs]
    cmd("fs-diskio.txt", "ls -l --time-style=long-iso /sys/block/", "\n".join(ls) + "\n")
    if era == "current":
        lines = ["/sys/block/%s/queue/scheduler:%s" % (d, files["/sys/block/%s/queue/scheduler" % d].strip())
                 for d in devs if "/sys/block/%s/queue/scheduler" % d in files]
        cmd("fs-diskio.txt", "grep '' /sys/block/*/queue/scheduler", "\n".join(lines) + "\n" if lines else "")

    # proc.txt; before 3.1.11-28 (January 2022) first every file directly under /proc
    # (`find /proc/ -maxdepth 1 -type f`, a few such as kcore filtered out), /proc/version among them
    if era != "current":
        top = dict(files)
        top.setdefault("/proc/version", "Linux version 5.14.21 (geeko@buildhost) #1 SMP\n")
        for p in sorted((p for p in top if re.match(r"^/proc/[^/]+$", p)), key=str.lower):
            o.conf("proc.txt", p, top)
    for p in ("/proc/mounts", "/proc/zoneinfo"):
        if p in files:
            o.conf("proc.txt", p, files)
    kernel1 = sorted((p for p in files if re.match(r"^/proc/sys/kernel/[^/]+$", p)), key=str.lower)
    allsys = sorted((p for p in files if p.startswith("/proc/sys/")), key=str.lower)
    for p in kernel1 + allsys:
        o.conf("proc.txt", p, files)

    # sysconfig.txt
    for p in sorted((p for p in files if re.match(r"^/etc/sysconfig/[^/]+$", p)), key=str.lower):
        o.conf("sysconfig.txt", p, files)

    # etc.txt: every /etc file named *conf or *cfg
    for p in sorted(p for p in files if p.startswith("/etc/") and re.search(r"(conf|cfg)$", p)):
        o.conf("etc.txt", p, files)

    # virtualization
    doms = domain_xml(files)
    caps = capabilities_xml(files)
    xen = "/proc/xen/capabilities" in files
    libvirt = bool(doms or caps or any(p.startswith("/etc/libvirt/") for p in files))
    if era in ("sle11", "sle12"):
        if libvirt and not xen:
            _virt_body(o, "kvm.txt", files, doms, caps, states, plugin=False, failing=failing)
        if xen:
            _virt_body(o, "xen.txt", files, doms, caps, states, plugin=False, failing=failing, xen=True)
    else:
        _plugin(o, "plugin-libvirt.txt", "libvirt", files, doms, caps, states, failing, run=libvirt)
        _plugin(o, "plugin-xen.txt", "xen", files, doms, caps, states, failing, run=xen, xen=True)
    return o.files


def _virt_body(o, name, files, doms, caps, states, plugin, failing, xen=False):
    def conf(p):
        return o.conf(name, p, files, plugin=plugin)

    def cmd(command, output):
        o.cmd(name, command, output, failed=command in failing)
    if xen:
        # supportconfig's xen_info (2.x, 3.0) writes xend-config.sxp where xend runs (SLE 11), else xl.conf
        for p in _glob(files, "/etc/xen/xend-config.sxp") + (_glob(files, "/etc/xen/*.conf") or ["/etc/xen/xl.conf"]):
            conf(p)
        cmd("xl info", "host                   : xenhost\n")
    for p in _glob(files, "/etc/libvirt/*.conf"):
        conf(p)
    cmd("virsh list --all", virsh_list(doms, states))
    if caps:
        cmd("virsh capabilities", caps)
    for dname, xml in doms:
        cmd("virsh dumpxml %s" % dname, xml)
    for p in _glob(files, "/etc/libvirt/qemu/*.xml") + _glob(files, "/etc/libvirt/libxl/*.xml"):
        conf(p)


def _plugin(o, name, plugin, files, doms, caps, states, failing, run, xen=False):
    bin_ = "/usr/lib/supportconfig/plugins/" + plugin
    o.raw(name, "%s\n# Output: %s\n\n%s\n# %s\n" % (PLUGIN_HDR, bin_, CMD_HDR, bin_))
    if run:
        o.raw(name, "\n%s\n# %s\n\n" % (SECTION_HDR, "libvirt" if plugin == "libvirt" else "Xen"))
        _virt_body(o, name, files, doms, caps, states, plugin=True, failing=failing, xen=xen)
    o.raw(name, "\n%s\n# File: cat -n %s\n\n     1\t#!/bin/bash\n     2\t# plugin_command \"virsh list --all\"\n\n"
          % (PLUGIN_HDR, bin_))


def write_supportconfig(snapshot, dest, era="current", host="kvmhost", tarball=False, states=None,
                        failing=(), date="240101", time="0000", omit=()):
    """Write a supportconfig of `era` under directory `dest`: the scc_<host>_<date>_<time>/
    directory, or (tarball=True) scc_<host>_<date>_<time>.txz. Returns the path written."""
    base = "scc_%s_%s_%s" % (host, date, time)
    texts = supportconfig_files(snapshot, era=era, host=host, states=states, failing=failing, omit=omit)
    if not os.path.isdir(dest):
        os.makedirs(dest)
    if not tarball:
        d = os.path.join(dest, base)
        for n, t in texts.items():
            _write(os.path.join(d, n), t)
        return d
    path = os.path.join(dest, base + ".txz")
    with tarfile.open(path, "w:xz") as tf:
        info = tarfile.TarInfo(base)
        info.type = tarfile.DIRTYPE
        info.mode = 0o700
        tf.addfile(info)
        for n in sorted(texts):
            data = texts[n].encode("utf-8")
            info = tarfile.TarInfo(base + "/" + n)
            info.size = len(data)
            info.mode = 0o600
            tf.addfile(info, io.BytesIO(data))
    return path
