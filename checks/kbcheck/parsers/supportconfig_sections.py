"""The section format of SUSE supportconfig text files (basic-environment.txt, memory.txt, ...).

supportconfig (supportutils: bin/supportconfig.rc, bin/scplugin.rc) writes every item as a section:

    #==[ Command ]======================================#
    # /usr/bin/grep '' /sys/block/*/queue/scheduler        <- the label: command line, full path
    /sys/block/sda/queue/scheduler:[mq-deadline] kyber bfq none
                                                           <- one blank line
    #==[ Configuration File ]===========================#
    # /etc/sysctl.conf                                     <- or "# /etc/x - File not found"
    vm.swappiness = 10                                     <- comments and blank lines removed
                                                           <- two blank lines

Other kinds use the same frame: Log File ("# /path" or "# /path - Last N Lines"), Note, Summary,
System, Verification, Plugin, Section Header, Entry, ... A command that could not run prints
"ERROR: Command not found or not executable" ("executible" before August 2019); one that timed
out ends with "# ERROR: Command did not complete within the timeout period."; a configuration
file that is not text is replaced by "file <file(1) output>" and "ERROR: Not a normal text file,
excluding it."

parse(text) -> [Section]; a pure function: it raises errors.ParseError on text it cannot make
sense of and nothing else. A source reads each file of an archive the same way and indexes it
once (scan, then Index): its sections by label (a lookup costs one dictionary access, never a
scan of the file), each section's body taken from its bytes only when it is asked for (the
source reads them from the file then), at most MAX_SECTIONS sections.
Both are linear in the input: the headers are found by one regular expression over the whole
text, never line by line in Python.
"""
import bisect
import re

from kbcheck.errors import ParseError

# A section header: "#==[ Kind ]=====#" on a line of its own (matched where a line begins). The
# trailing "#" and "=" run lengths vary by writer.
# The line after it, when it starts with "# " (or is "#"), is the section's label; both in one match.
_HEADER = re.compile(br"#==\[ ?([^\]\n]*?) ?\]=*#?[ \t]*\r*(?:\n|\Z)(?:(# [^\n]*|#\r*)(?:\n|\Z))?")
_LAST_LINES = re.compile(r"^(.*) - Last \d+ Lines$")
_PLAIN_KEY = re.compile(r"^[^/\s]+(?: \S+)*$")   # one blank between words, no folder before the program
_TIMEOUT_LINE = re.compile(br"^[ \t\r\f\v]*# ERROR: Command did not complete within the timeout period\.[ \t\r\f\v]*$",
                           re.M)
_BLANK_HEAD = re.compile(br"\A(?:[ \t\r\f\v]*\n)+")

NOT_FOUND = " - File not found"
CMD_MISSING = b"ERROR: Command not found or not executable"
CMD_TIMEOUT = "# ERROR: Command did not complete within the timeout period."
NOT_TEXT = b"ERROR: Not a normal text file"
PLUGIN_MISSING = b"ERROR: Missing or non-executable plugin"
# what a command or plugin that could not run leaves; supportconfig.rc spelled it "executible"
# until supportutils commit f4e3f0a (August 2019), scplugin.rc until 130050b (April 2021)
FAILED_LINES = (CMD_MISSING, PLUGIN_MISSING, b"ERROR: Command not found or not executible",
                b"ERROR: Missing or non-executible plugin")
MAX_SECTIONS = 100000      # sections of one file that are read, at most

# states
OK = "ok"
ABSENT = "absent"          # "# /path - File not found"
FAILED = "failed"          # command not found / not executable
TIMEOUT = "timeout"        # command killed after the timeout
NOT_TEXT_STATE = "not-text"
TRUNCATED = "truncated"    # the file ends in the middle of a line: this section is cut short

FILE_KINDS = ("Configuration File", "Log File")
CMD = "Command"
CONF = "Configuration File"


class Section(object):
    """One #==[ kind ]==# section: kind, header (the "# ..." label), partial (a "Last N Lines" log
    excerpt); body (text), raw (its bytes) and state are worked out from the section's bytes
    when first asked for."""

    __slots__ = ("kind", "header", "partial", "_src", "_span", "_raw", "_state")

    def __init__(self, kind, header, partial, src, span, state=None):
        self.kind = kind
        self.header = header
        self.partial = partial
        self._src = src        # the file's bytes, or an object whose load(start, end) reads them
        self._span = span      # (start, end) of the section's bytes after its label
        self._raw = None
        self._state = state    # known from the label alone (absent, truncated), else worked out later

    def _work(self):
        start, end = self._span
        src = self._src
        raw, state = _finish(self.kind, src[start:end] if isinstance(src, bytes) else src.load(start, end))
        self._raw = raw
        self._src = None
        if self._state is None:
            self._state = state

    @property
    def raw(self):
        if self._src is not None:
            self._work()
        return self._raw

    @property
    def body(self):
        return self.raw.decode("utf-8", "replace")

    @property
    def state(self):
        if self._state is None:
            self._work()
        return self._state

    def __repr__(self):
        return "Section(%r, %r, at byte %d)" % (self.kind, self.header, self._span[0])


def command_key(label):
    """A command label as a lookup key: the program's directory dropped, blanks collapsed.

    "/usr/bin/grep ''  /sys/block/*/queue/scheduler" -> "grep '' /sys/block/*/queue/scheduler"
    """
    if _PLAIN_KEY.match(label):
        return label  # (already a key: the common case, once per section of a file)
    words = label.split()
    if not words:
        return ""
    first = words[0]
    if "/" in first and not first.endswith("/"):
        first = first.rsplit("/", 1)[1]
    return " ".join([first] + words[1:])


def _finish(kind, raw):
    """(body bytes, state) of a section from its bytes after the label. Leading and trailing
    blank lines are the frame; carriage returns at line ends go."""
    if b"\r" in raw:
        raw = re.sub(br"\r+(?=\n|\Z)", b"", raw)
    m = _BLANK_HEAD.match(raw)
    if m:
        raw = raw[m.end():]
    raw = _strip_tail(raw)
    state = OK
    if kind in FILE_KINDS:
        if raw.startswith(b"file ") and any(l.startswith(NOT_TEXT) for l in raw.split(b"\n", 3)[:3]):
            state = NOT_TEXT_STATE
    elif kind == CMD:
        if raw.startswith(FAILED_LINES):
            state = FAILED
        else:
            t = _TIMEOUT_LINE.search(raw)
            if t:
                state = TIMEOUT
                raw = _strip_tail(raw[:t.start()])
    return raw, state


def _strip_tail(raw):
    """Trailing blank lines dropped; the body ends with one newline (or is empty)."""
    end = len(raw.rstrip())
    if not end:
        return b""
    nl = raw.find(b"\n", end)
    return raw[:nl] + b"\n" if nl >= 0 else raw + b"\n"


def scan(data, src, max_sections=None):
    """The sections of a supportconfig file's bytes `data` -> ([Section], complete?). src: where
    the sections read their bytes later (`data` itself, or an object with load(start, end)).
    Raises ParseError when `data` is not such a file."""
    if b"\x00" in data:
        raise ParseError("binary data (NUL bytes), not a supportconfig text file")
    if not data.strip():
        return [], True
    cut = not data.endswith(b"\n")
    sections = []
    kinds = {}
    find, match = data.find, _HEADER.match
    pos, prev = 0, None
    while True:
        i = find(b"#==[", pos)   # (a search for the literal, then a match where a line begins)
        if i < 0:
            break
        pos = i + 4
        if i and data[i - 1] != 10:
            continue
        m = match(data, i)
        if m is None:
            continue
        if prev is not None:
            sections.append(_section(data, prev, i, src, kinds))
            if max_sections and len(sections) >= max_sections:
                return sections, False
        prev = m
    if prev is None:
        raise ParseError("no supportconfig section header (#==[ ... ]==#) found")
    sections.append(_section(data, prev, len(data), src, kinds, cut))
    return sections, True


def _section(data, m, end, src, kinds, cut=False):
    raw_kind, label = m.groups()
    kind = kinds.get(raw_kind)
    if kind is None:
        kind = kinds[raw_kind] = raw_kind.strip().decode("utf-8", "replace")
    header = label[2:].strip().decode("utf-8", "replace") if label else ""
    start = min(m.end(), end)
    state, partial = None, False
    if kind in FILE_KINDS:
        if header.endswith(NOT_FOUND):
            header = header[:-len(NOT_FOUND)].rstrip()
            state = ABSENT
        elif header.endswith(" Lines"):
            lm = _LAST_LINES.match(header)
            if lm:
                header, partial = lm.group(1).rstrip(), True
    if cut:
        state = TRUNCATED
    return Section(kind, header, partial, src, (start, end), state)


def parse(text):
    """Split one supportconfig text file into sections.

    Text before the first header (the title banner) is dropped. Raises ParseError when the text
    is not a supportconfig file: not a string, binary (NUL bytes), or no section header at all
    in non-blank text."""
    if not isinstance(text, str):
        raise ParseError("supportconfig text must be a str, not %s" % type(text).__name__)
    data = text.encode("utf-8", "surrogatepass")
    return scan(data, data)[0]


class Index(object):
    """The sections of one supportconfig file (from scan), indexed once: first(kind, label) is
    one lookup (commands by command_key), under(prefix) the Configuration File sections whose
    path starts with prefix (a bisection). complete: False when scan stopped at its cap."""

    def __init__(self, sections, complete=True):
        self.sections = sections
        self.complete = complete
        self.commands = [s for s in sections if s.kind == CMD]
        self._first = {}
        for s in sections:
            key = (CMD, command_key(s.header)) if s.kind == CMD else (s.kind, s.header)
            self._first.setdefault(key, s)
        self._conf = sorted((s.header, i, s) for i, s in enumerate(sections) if s.kind == CONF)
        self._conf_keys = [c[0] for c in self._conf]

    def first(self, kind, header):
        return self._first.get((CMD, command_key(header)) if kind == CMD else (kind, header))

    def under(self, prefix):
        i = bisect.bisect_left(self._conf_keys, prefix)
        while i < len(self._conf) and self._conf[i][0].startswith(prefix):
            yield self._conf[i][2]
            i += 1
