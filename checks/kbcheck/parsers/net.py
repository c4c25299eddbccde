"""The host's IPv4 addresses from the kernel's tables: /proc/net/fib_trie (the local /32 host
entries of the LOCAL table) and, where that file is missing, /proc/net/route (the devices with a
route). Used to tell whether anything but lo has IPv4."""
import re

from kbcheck.errors import ParseError

MAX_LINES = 500000
_LEAF = re.compile(r"[|+`]-- ([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)\s*$")


def local_ipv4(text):
    """fib_trie -> the set of the host's own IPv4 addresses (loopback ones included)."""
    if not isinstance(text, str):
        raise ParseError("fib_trie must be text")
    found, last = set(), None
    for n, line in enumerate(text.splitlines(), 1):
        if n > MAX_LINES:
            raise ParseError("more than %d lines: not a fib_trie" % MAX_LINES)
        m = _LEAF.search(line)
        if m:
            last = m.group(1)
        elif "/32 host LOCAL" in line and last:
            found.add(last)
    return found


def route_devices(text):
    """/proc/net/route -> the set of interfaces that have an IPv4 route."""
    if not isinstance(text, str):
        raise ParseError("the route table must be text")
    lines = text.splitlines()
    if lines and not lines[0].split()[:1] == ["Iface"]:
        raise ParseError("no `Iface Destination ...` header: not /proc/net/route")
    return set(ln.split()[0] for ln in lines[1:MAX_LINES] if ln.split())
