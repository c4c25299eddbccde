"""Configuration and counters that probes read by key: KEY=VALUE files (settings: the line that
decides a key is the evidence of the result), dracut's drivers, transparent huge pages, NFS
statistics, the host's IPv4 addresses. Text formats: kbcheck.parsers.keyvalue, .dracut, .nfs, .net."""
from kbcheck.errors import NotCollected, ParseError, Unreadable
from kbcheck.facts.core import fact
from kbcheck.parsers import dracut as _dracut
from kbcheck.parsers import kernel as _kernel
from kbcheck.parsers import keyvalue as _keyvalue
from kbcheck.parsers import net as _net
from kbcheck.parsers import nfs as _nfs
from kbcheck.parsers import xen as _xen

THP = "/sys/kernel/mm/transparent_hugepage/"


def specs_of(path):
    from kbcheck import specs
    return specs.of_path(path) or "file"


class Settings(object):
    """The assignments of one KEY=VALUE file; get(key) notes the line that sets it (or that none
    does) as evidence of the probe call that asks."""

    __slots__ = ("host", "path", "values", "spec")

    def __init__(self, host, path, values, spec):
        self.host, self.path, self.values, self.spec = host, path, values, spec

    def get(self, key, default=None):
        got = self.values.get(key)
        if got is None:
            self.host.note(self.spec, self.path, "%s is not set" % key)
            return default
        self.host.note(self.spec, "%s line %d" % (self.path, got[1]), "%s=%s" % (key, got[0]))
        return got[0]

    def __contains__(self, key):
        return key in self.values

    def keys(self):
        return sorted(self.values)


class ConfigFacts(object):
    def settings(self, path):
        """The KEY=VALUE file at `path` as Settings (get(key) -> its value as the program reading
        it takes it: the last assignment, quotes removed), None when the file does not exist.
        NotCollected when the copy does not hold it."""
        cache = self.__dict__.setdefault("_settings", {})
        text = self.read(path)
        if text is None:
            return None
        if path not in cache:
            try:
                cache[path] = _keyvalue.settings(text)
            except ParseError as e:
                raise Unreadable(path, "cannot parse: %s" % e)
        return Settings(self, path, cache[path], specs_of(path))

    def sxp_setting(self, path, key):
        """The value of `(key value)` in an S-expression configuration (SLE 11's xend-config.sxp):
        the text, "" when the file does not set it, None when the file does not exist."""
        text = self.read(path)
        if text is None:
            return None
        try:
            value = _xen.sxp_value(text, key)
        except ParseError as e:
            raise Unreadable(path, str(e))
        self.note(specs_of(path), path, "(%s %s)" % (key, value) if value is not None else "%s is not set" % key)
        return value if value is not None else ""

    @fact("dracut", show=lambda d: "; ".join("%s %s+=%s" % (f, o, " ".join(m)) for f, o, m, _ in d) or "none set")
    def dracut_drivers(self):
        """[(file, option, [modules], line)] of add_drivers/force_drivers in /etc/dracut.conf and
        /etc/dracut.conf.d/*.conf, in dracut's order (the .d files by name, after dracut.conf)."""
        files = ["/etc/dracut.conf"] + ["/etc/dracut.conf.d/" + n for n in sorted(self.listing("/etc/dracut.conf.d") or [])
                                        if n.endswith(".conf")]
        out = []
        for f in files:
            try:
                rows = self.parse(f, _dracut.drivers)
            except NotCollected:
                continue
            for option, modules, line in rows or []:
                out.append((f, option, modules, line))
        return out

    @fact("thp", show=lambda t: "enabled %s, defrag %s" % (t["enabled"], t["defrag"]) if t else "this kernel has no THP")
    def thp(self):
        """{'enabled': mode, 'defrag': mode or None} of /sys/kernel/mm/transparent_hugepage; None
        when the kernel has none; NotCollected when the copy does not hold it. An `enabled` line
        without a [current] choice is an Unreadable."""
        text = self.value(THP + "enabled")
        if text is None:
            self.missing(THP.rstrip("/"), None)
            return None
        try:
            mode = _kernel.bracketed(text)
        except ParseError:
            raise Unreadable(THP + "enabled", "no [current] mode in %r" % text)
        defrag = self._optional(THP + "defrag")
        try:
            dmode = _kernel.bracketed(defrag) if defrag else None
        except ParseError:
            dmode = None
        return {"enabled": mode, "defrag": dmode}

    @fact("nfs_stats", show=lambda r: "%d calls, %d retransmissions" % r if r else "no NFS client statistics")
    def nfs_client(self):
        """(calls, retransmissions) of the NFS client since boot (/proc/net/rpc/nfs), None when the
        kernel shows none (the NFS client is not in use)."""
        text = self.read("/proc/net/rpc/nfs")
        if text is None:
            self.missing("/proc/net/rpc/nfs", None)
            return None
        try:
            return _nfs.rpc_client(text)
        except ParseError as e:
            raise Unreadable("/proc/net/rpc/nfs", str(e))

    @fact("nfs_stats", show=lambda n: "%s nfsd threads" % n if n is not None else "no NFS server statistics")
    def nfs_server_threads(self):
        """The kernel NFS server's thread count (/proc/net/rpc/nfsd `th`), None when it has none."""
        try:
            text = self.read("/proc/net/rpc/nfsd")
        except NotCollected:
            return None
        return _nfs.server_threads(text) if text else None

    @fact("net_addresses", show=lambda a: ", ".join(sorted(a)) if a is not None else "unknown")
    def ipv4_beyond_lo(self):
        """The host's IPv4 addresses other than loopback (/proc/net/fib_trie), else the interfaces
        other than lo with an IPv4 route (/proc/net/route); None when the copy holds neither."""
        for path, parse in (("/proc/net/fib_trie", _net.local_ipv4), ("/proc/net/route", _net.route_devices)):
            try:
                text = self.read(path)
            except NotCollected:
                continue
            if text is None:
                continue
            try:
                found = parse(text)
            except ParseError as e:
                raise Unreadable(path, str(e))
            return set(a for a in found if not a.startswith("127.") and a != "lo")
        return None
