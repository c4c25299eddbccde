"""System state: the processes (/proc, or the process list an archive kept) and the QEMU guests
among them, and the hardware RNG. Text formats: kbcheck.parsers.ps, .hwrng."""
from kbcheck.errors import Evidence
from kbcheck.facts.core import fact
from kbcheck.parsers import hwrng as _hwrng
from kbcheck.parsers import ps as _ps


def _show_procs(procs):
    if procs is None:
        return "no process list in this copy"
    return "%d processes" % len(procs)


class SystemFacts(object):
    @fact("processes", show=_show_procs)
    def processes(self):
        """[{'pid', 'user', 'args', 'comm', 'kernel'}] from /proc/PID/cmdline (live host, full copy),
        else from the process list an archive kept (ps -ef, ps auxwww, ps auxwwwm, supportconfig's
        ps axwwo ...: kbcheck.specs, in that order); None when no process list is there. A copy
        that holds /proc/PID folders without their cmdline (sos copies status, never cmdline) is no
        process list."""
        pids = [p for p in (self.listing("/proc") or []) if p.isdigit()]
        if pids:
            users = None
            out = []
            for p in sorted(pids, key=int):
                try:
                    raw = self.read("/proc/%s/cmdline" % p)
                except Evidence:
                    continue
                if raw is None:
                    continue
                if users is None:
                    users = self._passwd()
                args = _ps.cmdline(raw)
                uid = _ps.status_uid(self._optional("/proc/%s/status" % p) or "")
                comm = self._optional("/proc/%s/comm" % p)
                out.append({"pid": int(p), "user": users.get(uid, str(uid) if uid is not None else None),
                            "args": args, "comm": comm, "kernel": not args})
            if out:
                return out
        return self.parse_first_command("processes", _ps.ps)

    def _passwd(self):
        try:
            return self.parse("/etc/passwd", _ps.passwd) or {}
        except Evidence:
            return {}

    @fact(uses=("processes",))
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

    @fact("hwrng", show=lambda h: "current %s, available %s, quality %s" % (
        h["current"] or "none", " ".join(h["available"]) or "none", h["quality"]))
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
