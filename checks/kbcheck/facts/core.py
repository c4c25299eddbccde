"""The facts layer's core: a Host's raw reads of its Source, each made at most once per run.

Missing files give None (or an empty list); evidence that could not be had raises the errors of
kbcheck.errors, which the runner turns into skip or error results. `cached` makes a fact (a
parsed view) computed once per Host; the fact modules beside this one (kernel, memory, storage,
boot, detection, libvirt) are built on these reads, and kbcheck.facts composes them into Host.
"""
from kbcheck.errors import Evidence, NotCollected, ParseError, Unreadable


# what the trail of a probe call holds besides raw reads ((key, value): key "/path" for a file,
# "/path/" for a directory listing, "$ command" for a command's output): kbcheck.evidence reads them
FACT, NOTE, DOMAIN, ASSUME = 1, 2, 3, 4


class cached(object):
    """A property computed once per Host (functools.cached_property is 3.8+).

    An Evidence error is cached too, so a missing fact is looked up once, not per probe. The
    reads the computation makes are kept as the fact's own trail (Reads._facts), and every use of
    the fact puts one reference to it on the trail of the probe call that uses it (the evidence
    of its results, kbcheck.evidence). spec: the named input (kbcheck.specs) the fact gives;
    show(value) -> the words the evidence shows for its value; where(host, value) -> where it was
    read, when its reads do not say it (guests from libvirt); uses: the inputs a fact without a
    spec of its own rests on (for the coverage kbgen works out: kbgen.inputs)."""

    def __init__(self, fn=None, spec=None, show=None, where=None, uses=()):
        self.spec, self.show, self.where, self.uses = spec, show, where, tuple(uses)
        if fn is not None:
            self(fn)

    def __call__(self, fn):
        self.fn = fn
        self.__doc__ = fn.__doc__
        self.name = fn.__name__
        return self

    def __get__(self, obj, cls):
        if obj is None:
            return self
        store = obj._cache
        if self.name in store:
            val = store[self.name]
        else:
            outer = obj._trail
            obj._trail = inner = []
            try:
                val = self.fn(obj)
            except Evidence as e:
                val = _Raise(e)
            finally:
                obj._trail = outer
            store[self.name] = val
            obj._facts[self.name] = (self, inner)
        t = obj._trail
        if t is not None:
            t.append((FACT, self.name))
        if isinstance(val, _Raise):
            raise val.exc
        return val


def fact(spec=None, show=None, where=None, uses=()):
    """@fact("numa_nodes", show=...): a cached fact that gives the named input `spec`."""
    return cached(spec=spec, show=show, where=where, uses=uses)


class _Raise(object):
    def __init__(self, exc):
        self.exc = exc


class Reads(object):
    """What every fact reads through: the host's files, directories and commands, cached."""

    def __init__(self, source, assume=None):
        self.source = source
        self.assume = dict(assume or {})
        self._cache = {}
        self._reads = {}
        self._bytes = {}
        self._lists = {}
        self._facts = {}     # fact name -> (its cached descriptor, the reads that computed it)
        self._trail = None   # the reads of the probe call (or fact) under way, kbcheck.evidence

    # -- raw reads ---------------------------------------------------------------------
    def read(self, path):
        """Text of a host file, None when it does not exist. Cached."""
        if path in self._reads:
            v = self._reads[path]
        else:
            try:
                v = self.source.read_text(path)
            except Evidence as e:
                v = _Raise(e)
            self._reads[path] = v
        t = self._trail
        if t is not None:
            t.append((path, v))
        if isinstance(v, _Raise):
            raise v.exc
        return v

    def note(self, spec, where, value):
        """Put what decided a fact on the trail in the facts layer's own words (a line of a file:
        "/etc/sysctl.d/90-kvm.conf line 3", "vm.swappiness = 10")."""
        t = self._trail
        if t is not None:
            t.append((NOTE, spec, where, value))

    def read_bytes(self, path, limit=4096):
        """The first `limit` bytes of a file (bytes), None when it does not exist. Cached.

        For binary headers (qcow2 images): read() decodes text and would garble them. Sources
        that carry no file contents (archives) raise NotCollected, so the probe skips."""
        key = (path, limit)
        if key in self._bytes:
            v = self._bytes[key]
        else:
            reader = getattr(self.source, "read_bytes", None)  # duck-typed sources may lack it
            try:
                if reader is None:
                    raise NotImplementedError
                v = reader(path, limit)
            except Evidence as e:
                v = _Raise(e)
            except NotImplementedError:
                v = _Raise(NotCollected(path, "this source cannot read file contents as bytes"))
            self._bytes[key] = v
        t = self._trail
        if t is not None:
            t.append((path, v if v is None or isinstance(v, _Raise) else "%d bytes read" % len(v)))
        if isinstance(v, _Raise):
            raise v.exc
        return v

    def value(self, path):
        """A sysfs/procfs one-liner, stripped; None when absent."""
        t = self.read(path)
        return t.strip() if t is not None else None

    def exists(self, path):
        """True when the path exists; False when it does not or the source never collected it."""
        try:
            return self.read(path) is not None or self._listing(path) is not None
        except NotCollected:
            return False
        except Evidence:
            return True

    def _listing(self, path):
        """The source's listing of a directory (None when it does not exist), cached; evidence
        that could not be had raises, as the source raised it."""
        if path in self._lists:
            v = self._lists[path]
        else:
            try:
                v = self.source.listdir(path)
            except Evidence as e:
                v = _Raise(e)
            self._lists[path] = v
        t = self._trail
        if t is not None:
            t.append((path.rstrip("/") + "/", v))
        if isinstance(v, _Raise):
            raise v.exc
        return v

    def listdir(self, path):
        """Sorted names in a directory, [] when it does not exist. A listing the source never
        collected raises NotCollected (the directory is not in this copy)."""
        return self._listing(path) or []

    def listing(self, path):
        """listdir(path), or None when the directory does not exist or was never collected: for
        inputs a fact can do without (kbcheck.specs: optional inputs never abort a probe)."""
        try:
            return self._listing(path)
        except NotCollected:
            return None

    def _optional(self, path):
        """value(path), or None when the source never collected it (a detail, not the verdict)."""
        try:
            return self.value(path)
        except NotCollected:
            return None

    def parse(self, path, parser):
        """Parse a file with a parser; None when absent; Unreadable (an error result) when garbled."""
        t = self.read(path)
        if t is None:
            return None
        try:
            return parser(t)
        except ParseError as e:
            raise Unreadable(path, "cannot parse: %s" % e)

    def command(self, name):
        """The output of a named command an archive kept ("sysctl -a"); NotCollected when it has none."""
        key = "$ " + name
        if key in self._reads:
            v = self._reads[key]
        else:
            try:
                v = self.source.command(name)
            except Evidence as e:
                v = _Raise(e)
            self._reads[key] = v
        t = self._trail
        if t is not None:
            t.append((key, v))
        if isinstance(v, _Raise):
            raise v.exc
        return v

    def first_command(self, spec):
        """(name, output) of the first command of input `spec` (kbcheck.specs, in the table's order)
        that this source kept, or (None, None): the facts layer takes the first location that has
        the data."""
        from kbcheck.specs import commands
        for name in commands(spec):
            try:
                text = self.command(name)
            except Evidence:
                continue
            if text is not None and text.strip():
                return name, text
        return None, None

    def parse_command(self, name, parser):
        """parse() for a named command: its output parsed with a parser; None when the source kept
        no output of it (or the command failed); Unreadable (an error result) when garbled."""
        try:
            text = self.command(name)
        except Evidence:
            return None
        return _parsed(name, text, parser)

    def parse_first_command(self, spec, parser):
        """The output of the first command of input `spec` that this source kept (first_command),
        parsed with a parser; None when it kept none; Unreadable when garbled."""
        name, text = self.first_command(spec)
        return _parsed(name, text, parser)

    def maybe(self, what, default=None):
        """host.WHAT (a fact's name) or what(), or `default` when the source never collected what it
        rests on: for the inputs a probe can judge without (kbcheck.specs: an optional input never
        aborts a probe). The evidence of the result still says that it was not in this copy."""
        try:
            return what() if callable(what) else getattr(self, what)
        except NotCollected:
            return default

    def require(self, value, what):
        """Raise NotCollected when a needed fact is missing (for probes that cannot judge without it)."""
        if value is None:
            raise NotCollected(what, "not available on this host or in this archive")
        return value

    # -- helpers of the facts built on these reads ----------------------------------------
    @property
    def source_id(self):
        """Which kind of source this is, as the spec table names them (kbcheck.specs.SOURCES)."""
        return getattr(self.source, "coverage_id", None) or getattr(self.source, "kind", "root")

    def collects(self, spec):
        """False when this kind of source never holds input `spec` (kbcheck.specs.coverage): a
        supportconfig never holds /sys/kernel/mm/ksm, a sosreport never /usr/sbin."""
        from kbcheck import specs
        try:
            return specs.coverage(spec).get(self.source_id, "") is not None
        except KeyError:
            return True

    def missing(self, path, kernel_text, always=False):
        """Why `path` is absent: kernel_text ("this kernel has no KSM") when the host itself lacks it
        (a live host, or a copy holding other entries of the parent directory); NotCollected when the
        copy does not hold that part of /sys or /proc at all, or this kind of source never collects
        it (the spec table). always: every Linux host has the path (/sys/block, /proc/swaps), so
        only a live host can lack it."""
        from kbcheck import specs
        live = getattr(self.source, "live", False)
        spec = specs.of_path(path.rstrip("/"))
        if spec and not live and not self.collects(spec):
            raise NotCollected(path, "not in this copy (%s never collects %s)" % (
                specs.SOURCE_LABELS.get(self.source_id, self.source_id), spec))
        parent = path.rstrip("/").rsplit("/", 1)[0] or "/"
        if live or (not always and self.listdir(parent)):
            return kernel_text
        raise NotCollected(path, "not in this copy" if always else "not in this copy (it holds no %s)" % parent)

    def _by_name(self, dirs, suffix, optional=()):
        """[(name, path)] of the files ending in suffix, the first directory winning per name, sorted;
        a directory of `optional` this copy does not hold is left out."""
        found = {}
        for d in dirs:
            for n in (self.listing(d) or []) if d in optional else self.listdir(d):
                if n.endswith(suffix) and n not in found:
                    found[n] = d + "/" + n
        return [(n, found[n]) for n in sorted(found)]

    def _optional_text(self, path):
        """read(path), or None when absent or never collected."""
        try:
            return self.read(path)
        except NotCollected:
            return None


def _parsed(name, text, parser):
    """A command's output (`name`) parsed; None for no output; Unreadable naming the command when
    the parser refuses it."""
    if not text:
        return None
    try:
        return parser(text)
    except ParseError as e:
        raise Unreadable(name, str(e))
