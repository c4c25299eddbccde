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
from kbcheck.sources.base import folders


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


# what a copied root tree (or an extracted sosreport) has at its top: one of these directories
ROOT_MARKS = ("etc", "proc", "sys", "sos_commands")
_MAX_SUGGEST = 3


def _looks_like_root(path):
    return any(os.path.isdir(os.path.join(path, m)) for m in ROOT_MARKS)


def _did_you_mean(found):
    if not found:
        return ""
    more = " (or %d more)" % (len(found) - _MAX_SUGGEST) if len(found) > _MAX_SUGGEST else ""
    return "; did you mean %s%s?" % (" or ".join(found[:_MAX_SUGGEST]), more)


def _check_root_tree(root):
    """A --root folder must look like a root tree: etc/, proc/ or sys/ (or a sosreport's
    sos_commands/) at its top. Anything else is a usage error naming the folders that do."""
    if _looks_like_root(root):
        return
    found = [p for p in folders(root) if _looks_like_root(p)]
    hint = _did_you_mean(found)
    if not hint:
        from kbcheck.sources.supportconfig import is_supportconfig
        scc = _supportconfig_candidates(root)
        if is_supportconfig(root) or scc:
            hint = "; a supportconfig is read with --supportconfig %s" % (scc[0] if scc else root)
    raise UsageError("--root %s does not look like a root tree (no etc/, proc/ or sys/)%s" % (root, hint))


def _supportconfig_candidates(path):
    """Supportconfig tarballs and directories inside folder `path` (one level, then two)."""
    from kbcheck.sources.supportconfig import ARCHIVE_SUFFIXES, has_marker
    out = []
    try:
        names = sorted(os.listdir(path))
    except OSError:
        return out
    for n in names:
        p = os.path.join(path, n)
        if os.path.isfile(p) and n.startswith(("scc_", "nts_")) and n.endswith(ARCHIVE_SUFFIXES):
            out.append(p)
    for p in folders(path):
        if has_marker(p):
            out.append(p)
    return out


def _check_supportconfig_dir(path):
    """A --supportconfig folder must hold supportconfig's basic-environment.txt (or
    supportconfig.txt), at its top or in the scc_* folder just below it."""
    if not os.path.isdir(path):
        return
    from kbcheck.sources.supportconfig import find_top
    if find_top(path) is not None:
        return
    hint = _did_you_mean(_supportconfig_candidates(path))
    if not hint and _looks_like_root(path):
        hint = "; a root tree or sosreport is read with --root %s" % path
    raise UsageError("--supportconfig %s: not a supportconfig (no basic-environment.txt)%s" % (path, hint))


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
        _check_supportconfig_dir(args.supportconfig)
        base = SupportconfigSource(args.supportconfig)
        return _with_libvirt(base, args, connect) if connect else base
    if getattr(args, "root", None):
        if not os.path.isdir(args.root):
            raise UsageError("--root %s: not a directory" % args.root)
        _check_root_tree(args.root)
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
