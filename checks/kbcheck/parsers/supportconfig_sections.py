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
"ERROR: Command not found or not executable"; one that timed out ends with
"# ERROR: Command did not complete within the timeout period."; a configuration file that is
not text is replaced by "file <file(1) output>" and "ERROR: Not a normal text file, excluding it."

parse(text) -> [Section]; a pure function: it raises errors.ParseError on text it cannot make
sense of and nothing else.
"""
import re

from kbcheck.errors import ParseError

# A section header: "#==[ Kind ]=====#". The trailing "#" and "=" run lengths vary by writer.
_HEADER = re.compile(r"^#==\[ ?([^\]\n]*?) ?\]=*#?[ \t]*$")
_LAST_LINES = re.compile(r"^(.*) - Last \d+ Lines$")

NOT_FOUND = " - File not found"
CMD_MISSING = "ERROR: Command not found or not executable"
CMD_TIMEOUT = "# ERROR: Command did not complete within the timeout period."
NOT_TEXT = "ERROR: Not a normal text file"
PLUGIN_MISSING = "ERROR: Missing or non-executable plugin"

# states
OK = "ok"
ABSENT = "absent"          # "# /path - File not found"
FAILED = "failed"          # command not found / not executable
TIMEOUT = "timeout"        # command killed after the timeout
NOT_TEXT_STATE = "not-text"
TRUNCATED = "truncated"    # the file ends in the middle of a line: this section is cut short

FILE_KINDS = ("Configuration File", "Log File")


class Section(object):
    """One #==[ kind ]==# section: kind, header (the "# ..." label), body text, state, line number."""

    __slots__ = ("kind", "header", "body", "state", "line", "partial")

    def __init__(self, kind, header, body, state, line, partial=False):
        self.kind = kind
        self.header = header
        self.body = body
        self.state = state
        self.line = line
        self.partial = partial  # a "Last N Lines" log excerpt

    def __repr__(self):
        return "Section(%r, %r, state=%r, line=%d, %d chars)" % (
            self.kind, self.header, self.state, self.line, len(self.body))


def command_key(label):
    """A command label as a lookup key: the program's directory dropped, blanks collapsed.

    "/usr/bin/grep ''  /sys/block/*/queue/scheduler" -> "grep '' /sys/block/*/queue/scheduler"
    """
    words = label.split()
    if not words:
        return ""
    first = words[0]
    if "/" in first and not first.endswith("/"):
        first = first.rsplit("/", 1)[1]
    return " ".join([first] + words[1:])


def _finish(kind, header, lines, line_no):
    # Body: the lines after the label; leading and trailing blank lines are the frame.
    while lines and not lines[-1].strip():
        lines.pop()
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    lines = lines[start:]
    state = OK
    partial = False
    if kind in FILE_KINDS:
        if header.endswith(NOT_FOUND):
            header = header[:-len(NOT_FOUND)].rstrip()
            state = ABSENT
        else:
            m = _LAST_LINES.match(header)
            if m:
                header = m.group(1).rstrip()
                partial = True
            if lines and lines[0].startswith("file ") and any(l.startswith(NOT_TEXT) for l in lines[:3]):
                state = NOT_TEXT_STATE
    elif kind == "Command":
        if lines and (lines[0].startswith(CMD_MISSING) or lines[0].startswith(PLUGIN_MISSING)):
            state = FAILED
        elif any(l.strip() == CMD_TIMEOUT for l in lines):
            state = TIMEOUT
            lines = lines[:[l.strip() for l in lines].index(CMD_TIMEOUT)]
            while lines and not lines[-1].strip():
                lines.pop()
    body = "\n".join(lines) + "\n" if lines else ""
    return Section(kind, header, body, state, line_no, partial)


def parse(text):
    """Split one supportconfig text file into sections.

    Text before the first header (the title banner) is dropped. Raises ParseError when the text
    is not a supportconfig file: not a string, binary (NUL bytes), or no section header at all
    in non-blank text."""
    if not isinstance(text, str):
        raise ParseError("supportconfig text must be a str, not %s" % type(text).__name__)
    if "\x00" in text:
        raise ParseError("binary data (NUL bytes), not a supportconfig text file")
    if not text.strip():
        return []
    cut = not text.endswith("\n")
    sections = []
    kind = None
    header = ""
    body = []
    start = 0
    expect_label = False
    for no, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip("\r")
        if expect_label:
            expect_label = False
            if line.startswith("# ") or line == "#":
                header = line[2:].strip()
                continue
        m = _HEADER.match(line)
        if m:
            if kind is not None:
                sections.append(_finish(kind, header, body, start))
            kind, header, body, start = m.group(1).strip(), "", [], no
            expect_label = True
            continue
        if kind is not None:
            body.append(line)
    if kind is None:
        raise ParseError("no supportconfig section header (#==[ ... ]==#) found")
    sections.append(_finish(kind, header, body, start))
    if cut:
        sections[-1].state = TRUNCATED
    return sections
