"""The command line's argument parser, its option types, and the options several commands share."""
import argparse

from kbcheck.commands import COMMANDS
from kbcheck.errors import UsageError


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are UsageError (one line, exit 2) and that asks the terminal
    for its width only when help is printed."""

    # argparse builds a help formatter for every add_argument(), and the formatter asks the
    # terminal for its width through shutil (which imports bz2, lzma, ...): ~2 ms of every run.
    # Give it a width, and ask the terminal only when help is really printed.
    _help_width = 100
    # an unrecognised command word among the arguments ("kbcheck --root X explain") is told to go first
    hint_commands = True

    def _get_formatter(self):
        return self.formatter_class(prog=self.prog, width=self._help_width)

    def format_help(self):
        import shutil
        self._help_width = max(40, shutil.get_terminal_size().columns - 2)
        return argparse.ArgumentParser.format_help(self)

    def format_usage(self):
        import shutil
        self._help_width = max(40, shutil.get_terminal_size().columns - 2)
        return argparse.ArgumentParser.format_usage(self)

    def error(self, message):
        if self.hint_commands and message.startswith("unrecognized arguments:"):
            extra = message.split(":", 1)[1].split()
            for c in COMMANDS:
                if c in extra and not self.prog.endswith(" " + c):
                    rest = extra[extra.index(c) + 1:]
                    raise UsageError("%r is a command: put the command first: kbcheck %s%s (its own options "
                                     "follow it; see `kbcheck %s --help`)" % (
                                         c, c, (" " + " ".join(rest)) if rest else " ...", c))
        raise UsageError("%s (see `%s --help`)" % (message, self.prog))


def timeout(text):
    """--timeout: seconds, a positive number; 0 means no deadline."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not a number of seconds" % text)
    if v != v or v < 0 or v == float("inf"):
        raise argparse.ArgumentTypeError("%r: give a positive number of seconds, or 0 for no deadline" % text)
    return v


def assume_pair(text):
    """--assume NAME=VALUE -> (name, value)."""
    if "=" not in text:
        raise argparse.ArgumentTypeError("expected NAME=VALUE, e.g. role=kvm_host")
    k, _, v = text.partition("=")
    return (k.strip(), v.strip())


def add_timeout_and_catalog(p):
    p.add_argument("--timeout", metavar="SECONDS", type=timeout, default=5.0,
                   help="deadline for each probe and each read, in seconds (default 5; 0 = no deadline)")
    p.add_argument("--catalog", metavar="FILE", help="use this compiled catalog (default: the bundled one)")


def add_inputs(p, declared=None):
    """The what-to-read options (kbcheck.sources.INPUTS, --connect, --assume). declared: the
    declarations for the --assume help (assume.kinds(); None: described, not listed)."""
    from kbcheck.commands.assume import assume_help
    from kbcheck.sources import INPUTS
    src = p.add_argument_group("what to read")
    for option, metavar, text, _ in INPUTS:
        src.add_argument(option, metavar=metavar, help=text)
    src.add_argument("--connect", metavar="URI", help="libvirt URI to read guests from, read-only (default: the detected hypervisor's system URI)")
    src.add_argument("--assume", metavar="NAME=VALUE", action="append", type=assume_pair, default=[],
                     help=assume_help(declared))


def add_common(p, declared=None):
    """Source, selection and run options shared by `kbcheck` and `kbcheck fix`. declared: the
    declarations for the --assume help (assume.kinds(); None: described, not listed)."""
    add_inputs(p, declared)
    sel = p.add_argument_group("what to run")
    sel.add_argument("--tag", action="append", default=[], help="only entries with this tag (repeatable: any of)")
    sel.add_argument("--exclude-tag", action="append", default=[], metavar="TAG",
                     help="leave out entries with this tag (repeatable)")
    sel.add_argument("--id", action="append", default=[], help="only this entry (repeatable; glob patterns allowed)")
    sel.add_argument("--severity", metavar="LEVEL", help="only entries of this severity or higher: low, medium, high, critical")
    sel.add_argument("--waivers", metavar="FILE", help="accepted deviations with a reason and an expiry date (see README, Waivers)")
    add_timeout_and_catalog(p)


def open_chain(args):
    """The source chain (kbcheck.sources.build_chain) for the what-to-read options of add_common."""
    from kbcheck.sources import INPUTS, build_chain
    inputs = dict((option, getattr(args, option.lstrip("-").replace("-", "_"))) for option, _, _, _ in INPUTS)
    return build_chain(inputs, connect=args.connect, timeout=args.timeout)


def help_declarations(argv):
    """For --help: the declarations of the catalog this run would use, as assume.kinds() (None when
    none loads)."""
    if "-h" not in argv and "--help" not in argv:
        return None
    path = None
    for i, a in enumerate(argv):
        if a == "--catalog" and i + 1 < len(argv):
            path = argv[i + 1]
        elif a.startswith("--catalog="):
            path = a.split("=", 1)[1]
    try:
        from kbcheck import catalog as catalog_mod
        from kbcheck.commands.assume import kinds
        cat = catalog_mod.load(path)
        return kinds(cat.declarations, cat.guest_lists)
    except UsageError:
        return None
