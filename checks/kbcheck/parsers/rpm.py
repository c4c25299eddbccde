"""Package lists: what a sosreport keeps as installed-rpms (`rpm -qa --qf "%-59{NVRA} %{INSTALLTIME:date}"`,
sos's rpm plugin) and what supportconfig keeps in rpm.txt (`rpm -qa --queryformat "%-35{NAME}
%-35{DISTRIBUTION} %{VERSION}-%{RELEASE}"` under a `NAME DISTRIBUTION VERSION` header), both
-> {package name: "version-release"}."""
import re

from kbcheck.errors import ParseError

MAX_LINES = 200000
_ARCHES = ("x86_64", "noarch", "i586", "i686", "i386", "aarch64", "s390x", "ppc64le", "ppc64", "armv7hl",
           "src", "(none)")
_NVR = re.compile(r"^(.+)-([^-]+)-([^-]+)$")


def _nvra(word):
    """'libvirt-daemon-8.0.0-150400.7.3.x86_64' -> ('libvirt-daemon', '8.0.0-150400.7.3'), or None."""
    base, dot, arch = word.rpartition(".")
    if dot and arch in _ARCHES:
        word = base
    m = _NVR.match(word)
    return (m.group(1), "%s-%s" % (m.group(2), m.group(3))) if m else None


def packages(text):
    """Either list -> {name: version-release}. Text with no package line raises ParseError."""
    if not isinstance(text, str):
        raise ParseError("a package list must be text")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) > MAX_LINES:
        raise ParseError("more than %d lines: not a package list" % MAX_LINES)
    out = {}
    table = bool(lines) and lines[0].split()[:3] == ["NAME", "DISTRIBUTION", "VERSION"]
    for line in lines[1:] if table else lines:
        f = line.split()
        if table:
            if len(f) >= 2 and "-" in f[-1]:
                out[f[0]] = f[-1]
            continue
        got = _nvra(f[0])
        if got is not None and not got[0].startswith("gpg-pubkey"):
            out[got[0]] = got[1]
    if not out:
        raise ParseError("no `NAME-VERSION-RELEASE` lines: not a package list")
    return out
