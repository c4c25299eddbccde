"""Process lists: `ps -ef` / `ps aux` style output (what a sosreport or supportconfig keeps; the
threads `ps auxwwwm` lists under each process are left out) and
the pieces of /proc/PID the facts layer reads (cmdline, status), plus /etc/passwd for user names.

ps output is column text: the header names the columns, and the last one (CMD, COMMAND, ARGS)
runs to the end of the line. Arguments are split at white space, which loses quoting: good
enough to recognise programs and options, not to rebuild a command line."""
import re

from kbcheck.errors import ParseError
from kbcheck.lazyre import Lazy

_LAST = ("CMD", "COMMAND", "ARGS")
MAX_LINES = 200000


def ps(text):
    """-> [{'pid': int, 'user': str or None, 'args': [str], 'kernel': bool}]"""
    if not isinstance(text, str):
        raise ParseError("a process list must be text")
    lines = [l for l in text.splitlines() if l.strip()]
    if not lines:
        raise ParseError("empty process list")
    if len(lines) > MAX_LINES:
        raise ParseError("more than %d lines: not a process list" % MAX_LINES)
    head = lines[0].split()
    if not head or head[-1] not in _LAST or "PID" not in head:
        raise ParseError("no ps header with PID and CMD/COMMAND columns: %r" % lines[0][:60])
    pid_at = head.index("PID")
    user_at = head.index("UID") if "UID" in head else (head.index("USER") if "USER" in head else None)
    fixed = len(head) - 1
    out = []
    for n, line in enumerate(lines[1:], 2):
        f = line.split(None, fixed)
        if len(f) > pid_at and f[pid_at] == "-":
            continue  # a thread of the process above (`ps auxwwwm`, what sos 4.x keeps)
        if len(f) < fixed + 1 or not f[pid_at].isdigit():
            raise ParseError("line %d: expected %d columns and a PID, got %r" % (n, fixed + 1, line[:60]))
        cmd = f[fixed].strip()
        kernel = bool(re.match(r"^\[[^\]]*\]$", cmd))
        out.append({"pid": int(f[pid_at]), "user": f[user_at] if user_at is not None else None,
                    "args": [] if kernel else cmd.split(), "comm": cmd.strip("[]") if kernel else None,
                    "kernel": kernel})
    return out


def cmdline(raw):
    """/proc/PID/cmdline (NUL-separated) -> [args]; a kernel thread has none."""
    if not isinstance(raw, str):
        raise ParseError("cmdline must be text")
    return [a for a in raw.split("\0") if a]


def status_uid(text):
    """/proc/PID/status -> the real uid (int), or None when the file names none."""
    if not isinstance(text, str):
        raise ParseError("status must be text")
    m = re.search(r"^Uid:\s+(\d+)", text, re.M)
    return int(m.group(1)) if m else None


def passwd(text):
    """/etc/passwd -> {uid: name}; lines that are not NAME:X:UID:... are left out."""
    if not isinstance(text, str):
        raise ParseError("passwd must be text")
    out = {}
    for line in text.splitlines():
        f = line.split(":")
        if len(f) >= 3 and f[0] and f[2].isdigit():
            out.setdefault(int(f[2]), f[0])
    return out


_QEMU_PROGRAMS = ("qemu-kvm", "qemu-dm", "kvm")
# libguestfs talks to its appliance over a virtio-serial port of this name, whichever backend
# (direct or libvirt) starts it (libguestfs lib/launch-direct.c, lib/launch-libvirt.c).
_GUESTFS_PORT = "org.libguestfs.channel.0"
# libvirt's per-user instance (qemu:///session) keeps its guests' state under the user's
# $XDG_CONFIG_HOME/libvirt/qemu and $XDG_RUNTIME_DIR/libvirt/qemu; the system instance under
# /var/lib/libvirt/qemu and /run/libvirt/qemu.
_SESSION = Lazy(r"/\.config/libvirt/qemu/|/\.cache/libvirt/qemu/|/run/user/\d+/libvirt/qemu/")


def qemu(args):
    """A process's argument list -> None when it is no QEMU system emulator, else
    {'program', 'name' (from -name, None without), 'libguestfs': bool, 'xen': bool (a Xen device
    model), 'session': bool (state under a user's libvirt session directories)}."""
    if not isinstance(args, (list, tuple)) or not all(isinstance(a, str) for a in args):
        raise ParseError("a process's arguments must be a list of text")
    if not args:
        return None
    prog = args[0].rsplit("/", 1)[-1]
    if not (prog.startswith("qemu-system-") or prog in _QEMU_PROGRAMS):
        return None
    name = None
    for i, a in enumerate(args[:-1]):
        if a == "-name":
            v = args[i + 1]
            m = re.search(r"(?:^|,)guest=([^,]+)", v)
            name = m.group(1) if m else (v.split(",")[0] or None)
            break
    return {"program": prog, "name": name,
            "libguestfs": any(_GUESTFS_PORT in a for a in args),
            "xen": any(a in ("-xen-domid", "-xen-attach") for a in args) or prog == "qemu-dm",
            "session": any(_SESSION.search(a) for a in args)}
