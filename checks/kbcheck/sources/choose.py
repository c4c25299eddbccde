"""Which Source a run reads: a supportconfig, a sosreport or plain root, or this live host."""
import os

from kbcheck.errors import UsageError


def make_source(args):
    if getattr(args, "root", None) and getattr(args, "supportconfig", None):
        raise UsageError("--root and --supportconfig exclude each other")
    if getattr(args, "supportconfig", None):
        try:
            from kbcheck.sources.supportconfig import SupportconfigSource
        except ImportError:
            raise UsageError("this kbcheck cannot read supportconfig archives")
        if not os.path.exists(args.supportconfig):
            raise UsageError("--supportconfig %s: no such file or directory" % args.supportconfig)
        return SupportconfigSource(args.supportconfig)
    if getattr(args, "root", None):
        if not os.path.isdir(args.root):
            raise UsageError("--root %s: not a directory" % args.root)
        if os.path.isdir(os.path.join(args.root, "sos_commands")):
            try:
                from kbcheck.sources.sosreport import SosreportSource
                return SosreportSource(args.root)
            except ImportError:
                pass
        from kbcheck.sources.root import RootSource
        return RootSource(args.root)
    from kbcheck.sources.root import RootSource
    return RootSource("/")
