"""`free -k` (supportconfig's memory.txt and basic-health-check.txt; sos keeps `free`, in KiB
too): the swap totals, for archives that kept no /proc/swaps. Old procps prints a
`-/+ buffers/cache:` line, new procps a `buff/cache` column: both have `Swap: TOTAL USED FREE`."""
import re

from kbcheck.errors import ParseError

_DIGITS = re.compile(r"^[0-9]+$")


def swap_totals(text):
    """-> (total KiB, used KiB) of the `Swap:` line. Text without one raises ParseError."""
    if not isinstance(text, str):
        raise ParseError("free output must be text")
    for line in text.splitlines()[:50]:
        f = line.split()
        if f and f[0] == "Swap:":
            if len(f) < 3 or not (_DIGITS.match(f[1]) and _DIGITS.match(f[2])):
                raise ParseError("a `Swap:` line without numbers: %r" % line.strip()[:60])
            return int(f[1]), int(f[2])
    raise ParseError("no `Swap:` line: not free output")
