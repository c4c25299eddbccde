"""Which Source a run reads: a supportconfig, a sosreport or plain root, or this live host.

  * no --root / --supportconfig: this host, live. Files from "/", guests and capabilities from
    libvirt (read-only) at --connect URI, or at the detected hypervisor's system URI
    (qemu:///system, xen:///system); when libvirt cannot be used, from the files under
    /etc/libvirt, with one notice saying so.
  * --root DIR / --supportconfig PATH: the copy only; libvirt is not asked (the copy's guests
    are not this machine's). With --connect as well, the guests come from that URI instead
    (meant for tests: --root TREE --connect test:///path/node.xml judges the test driver's
    guests on the tree's host files).
"""
import os

from kbcheck.errors import UsageError


def _with_libvirt(base, args, required_uri):
    from kbcheck.sources.libvirt_live import LibvirtSource
    timeout = getattr(args, "timeout", None) or 5.0
    # opening the connection and reading every guest is one bounded step: twice the per-read
    # deadline, at least 5 s (a busy libvirtd with many guests answers slowly, not never)
    return LibvirtSource(base, uri=required_uri, timeout=max(5.0, 2 * float(timeout)))


def make_source(args):
    from kbcheck.errors import Evidence
    try:
        source = _make_source(args)
    except Evidence as e:  # an archive that cannot be opened: a usage error, one line, exit 2
        raise UsageError(" ".join(("%s: %s" % (e.path, e.reason)).split()))
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        source.notices.append("not running as root: what only root may read is skipped (\"needs root\"); "
                              "run as root for a full judgement")
    return source


def _make_source(args):
    connect = getattr(args, "connect", None)
    if getattr(args, "root", None) and getattr(args, "supportconfig", None):
        raise UsageError("--root and --supportconfig exclude each other")
    if getattr(args, "supportconfig", None):
        try:
            from kbcheck.sources.supportconfig import SupportconfigSource
        except ImportError:
            raise UsageError("this kbcheck cannot read supportconfig archives")
        if not os.path.exists(args.supportconfig):
            raise UsageError("--supportconfig %s: no such file or directory" % args.supportconfig)
        base = SupportconfigSource(args.supportconfig)
        return _with_libvirt(base, args, connect) if connect else base
    if getattr(args, "root", None):
        if not os.path.isdir(args.root):
            raise UsageError("--root %s: not a directory" % args.root)
        base = None
        if os.path.isdir(os.path.join(args.root, "sos_commands")):
            try:
                from kbcheck.sources.sosreport import SosreportSource
                base = SosreportSource(args.root)
            except ImportError:
                base = None
        if base is None:
            from kbcheck.sources.root import RootSource
            base = RootSource(args.root)
        return _with_libvirt(base, args, connect) if connect else base
    from kbcheck.sources.root import RootSource
    return _with_libvirt(RootSource("/"), args, connect)
