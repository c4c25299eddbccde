"""The options several commands share and their types, and a plain command line read without
argparse.

argparse costs every run some 5 ms of a start of 50 (importing it, gettext and locale, and
building a parser of twenty options), most of it for help and error messages a plain run never
shows. quick(argv, build) reads a command line made of the options `build` declares, each
written in full (`--format json`, `--format=json`, `-v`), into the namespace argparse gives for
it; for anything else (help, an abbreviation, a value that starts with "-" or is empty, a value
argparse would refuse, any other word) it returns None and argparse reads the command line, with
its own messages. The options are declared once, by the command's build_parser, which quick runs
on a Recorder instead of a parser; tests/test_cli_quickargs.py holds both readings to the same
answers.
"""
from kbcheck.errors import UsageError


def _type_error(message):
    import argparse
    return argparse.ArgumentTypeError(message)


def timeout(text):
    """--timeout: seconds, a positive number; 0 means no deadline."""
    try:
        v = float(text)
    except ValueError:
        raise _type_error("%r is not a number of seconds" % text)
    if v != v or v < 0 or v == float("inf"):
        raise _type_error("%r: give a positive number of seconds, or 0 for no deadline" % text)
    return v


def assume_pair(text):
    """--assume NAME=VALUE -> (name, value)."""
    if "=" not in text:
        raise _type_error("expected NAME=VALUE, e.g. role=kvm_host")
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
    sel.add_argument("--tag", action="append", default=[], help="only entries with this tag (repeatable or comma-separated: any of)")
    sel.add_argument("--exclude-tag", action="append", default=[], metavar="TAG",
                     help="leave out entries with this tag (repeatable or comma-separated)")
    sel.add_argument("--id", action="append", default=[], help="only this entry (repeatable or comma-separated; glob patterns allowed)")
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


# -- a plain command line, without argparse ---------------------------------------------------
class Recorder(object):
    """Stands in for the parser class (and the groups) a build_parser fills: keeps what it declares."""

    def __init__(self, **_):
        self.options = []
        self._action_groups = [self]

    def add_argument_group(self, *_, **__):
        return self

    def add_argument(self, *flags, **kw):
        self.options.append((flags, kw))


_KNOWN = ("action", "type", "default", "choices", "metavar", "help", "required")


class Namespace(object):
    """What quick() gives: the options as attributes, like argparse.Namespace."""

    def __init__(self, values):
        self.__dict__.update(values)

    def __eq__(self, other):
        return vars(self) == vars(other)

    def __repr__(self):
        return "Namespace(%s)" % ", ".join("%s=%r" % kv for kv in sorted(vars(self).items()))


def quick(argv, build):
    """The namespace argparse would give for `argv` against the options `build(None, Recorder)`
    declares (build: a command's build_parser(declared, parser class) -> the filled parser), or None when argparse must read it (see the module's docstring)."""
    rec = build(None, Recorder)
    by_flag, values, required, kinds = {}, {}, [], {}
    for flags, kw in rec.options:
        action = kw.get("action", "store")
        if action not in ("store", "append", "store_true") or set(kw) - set(_KNOWN):
            return None  # something quick does not read: argparse does
        longs = [f for f in flags if f.startswith("--")]
        dest = (longs or flags)[0].lstrip("-").replace("-", "_")
        values[dest] = False if action == "store_true" else kw.get("default")
        kinds[dest] = (action, kw.get("type"), kw.get("choices"))
        if kw.get("required"):
            required.append(dest)
        for f in flags:
            by_flag[f] = dest
    given = set()
    i = 0
    while i < len(argv):
        word = argv[i]
        i += 1
        value = None
        dest = by_flag.get(word)
        if dest is None and word.startswith("--") and "=" in word:
            word, _, value = word.partition("=")
            dest = by_flag.get(word)
            if dest is None or value == "":
                return None
        if dest is None:
            return None
        action, typ, choices = kinds[dest]
        given.add(dest)
        if action == "store_true":
            if value is not None:
                return None
            values[dest] = True
            continue
        if value is None:
            if i >= len(argv) or argv[i] == "" or argv[i].startswith("-"):
                return None
            value = argv[i]
            i += 1
        if typ is not None:
            try:
                value = typ(value)
            except Exception:
                return None
        if choices is not None and value not in choices:
            return None
        values[dest] = (list(values[dest] or []) + [value]) if action == "append" else value
    for dest in required:
        if dest not in given:
            return None
    for dest, (_, typ, _) in kinds.items():  # argparse passes a default given as text through the type
        if dest not in given and typ is not None and isinstance(values[dest], str):
            try:
                values[dest] = typ(values[dest])
            except Exception:
                return None
    return Namespace(values)
