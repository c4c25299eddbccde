"""System state: the systemd units installed and enabled (unit directories of a root, or an
archive's `systemctl list-unit-files`), the processes (/proc, or an archive's `ps -ef`) and the
QEMU guests among them, and the hardware RNG. Text formats: kbcheck.parsers.systemd, .ps, .hwrng."""
from kbcheck.errors import Evidence, NotCollected, ParseError, Unreadable
from kbcheck.facts.core import cached
from kbcheck.parsers import hwrng as _hwrng
from kbcheck.parsers import ps as _ps
from kbcheck.parsers import systemd as _systemd

UNIT_DIRS = ("/etc/systemd/system", "/run/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system")


def _listing(host, path):
    """The source's listing of a directory; None when it is absent or was never collected."""
    try:
        return host.source.listdir(path)
    except NotCollected:
        return None


class SystemFacts(object):
    @cached
    def systemd_units(self):
        """{'installed': set, 'enabled': {unit: how}, 'masked': set, 'partial': bool, 'source': text}:
        from the unit directories of a root (partial: only /etc/systemd/system is there, so what is
        installed is unknown), else from `systemctl list-unit-files`; None when neither is there."""
        vendor = [d for d in UNIT_DIRS[2:] if _listing(self, d) is not None]
        etc = _listing(self, UNIT_DIRS[0])
        if not vendor:
            try:
                listing = self.command("systemctl list-unit-files")
            except Evidence:
                listing = None
            if listing:
                try:
                    states = _systemd.list_unit_files(listing)
                except ParseError as e:
                    raise Unreadable("systemctl list-unit-files", str(e))
                return {"installed": set(states), "masked": set(u for u, st in states.items() if st.startswith("masked")),
                        "enabled": dict((u, "systemctl list-unit-files: %s" % st) for u, st in states.items()
                                        if st in ("enabled", "enabled-runtime", "linked")),
                        "partial": False, "source": "systemctl list-unit-files"}
            if etc is None:
                return None
        installed, enabled, masked = set(), {}, set()
        for d in UNIT_DIRS:
            for n in self.listdir(d):
                full = d + "/" + n
                if n.endswith((".wants", ".requires")):
                    for u in self.listdir(full):
                        enabled.setdefault(u, full + "/" + u)
                elif "." in n and _listing(self, full) is None:
                    try:
                        body = self.read(full)
                    except Unreadable:
                        body = None  # a live link to /dev/null: not a regular file
                    if d == UNIT_DIRS[0] and body is None:
                        masked.add(n)  # /etc/systemd/system/NAME -> /dev/null
                    else:
                        installed.add(n)
        return {"installed": installed - masked, "enabled": enabled, "masked": masked, "partial": not vendor,
                "source": "unit directories" if vendor else "/etc/systemd/system (no vendor unit directory in this copy)"}

    @cached
    def processes(self):
        """[{'pid', 'user', 'args', 'kernel'}] from /proc/PID (live host, full copy), else from a
        `ps -ef` the archive kept; None when no process list is there."""
        pids = [p for p in self.listdir("/proc") if p.isdigit()]
        if pids:
            users = self.parse("/etc/passwd", _ps.passwd) or {}
            out = []
            for p in sorted(pids, key=int):
                try:
                    args = _ps.cmdline(self.read("/proc/%s/cmdline" % p) or "")
                    uid = _ps.status_uid(self._optional("/proc/%s/status" % p) or "")
                    comm = self._optional("/proc/%s/comm" % p)
                except Evidence:
                    continue
                out.append({"pid": int(p), "user": users.get(uid, str(uid) if uid is not None else None),
                            "args": args, "comm": comm, "kernel": not args})
            return out
        for name in ("ps -ef", "ps auxwww", "ps aux"):
            try:
                text = self.command(name)
            except Evidence:
                continue
            if text:
                try:
                    return _ps.ps(text)
                except ParseError as e:
                    raise Unreadable(name, str(e))
        return None

    @cached
    def qemu_processes(self):
        """The running QEMU system emulators: host.processes entries plus what
        kbcheck.parsers.ps.qemu reads from their arguments (name, libguestfs, xen, session); None
        when no process list is there."""
        procs = self.processes
        if procs is None:
            return None
        out = []
        for p in procs:
            q = _ps.qemu(p.get("args") or [])
            if q is not None:
                q.update(pid=p["pid"], user=p.get("user"))
                out.append(q)
        return out

    @cached
    def hwrng(self):
        """The guest's hardware RNG (kbcheck.parsers.hwrng.state) plus 'feeds': True when the kernel
        itself feeds the entropy pool from the current generator (quality above 0: Linux 3.17's hwrng
        kthread), False when it shows quality 0, None when this copy cannot tell; 'how': the evidence."""
        base = "/sys/devices/virtual/misc/hw_random/"
        st = _hwrng.state(self._optional(base + "rng_available"), self._optional(base + "rng_current"),
                          self._optional(base + "rng_quality"))
        quality, how = st["quality"], "rng_quality"
        if quality is None:
            cur = self._optional("/sys/module/rng_core/parameters/current_quality")
            if cur is not None and cur.isdigit():
                quality, how = int(cur), "rng_core current_quality"
        feeds = None if quality is None else quality > 0
        if feeds is None:
            procs = self.processes
            if procs is not None and any(p.get("comm") == "hwrng" and p.get("kernel") for p in procs):
                feeds, how = True, "the kernel's hwrng thread runs"
        st.update(feeds=feeds, how=how if feeds is not None else None)
        return st
