"""NFS statistics of the kernel: /proc/net/rpc/nfs (the client: `rpc CALLS RETRANS AUTHREFRESH`) and
/proc/net/rpc/nfsd (the server: `th THREADS ...`)."""
import re

from kbcheck.errors import ParseError

_DIGITS = re.compile(r"^[0-9]+$")


def rpc_client(text):
    """-> (calls, retransmissions) of the `rpc` line; ParseError when there is none."""
    if not isinstance(text, str):
        raise ParseError("NFS statistics must be text")
    for line in text.splitlines()[:200]:
        f = line.split()
        if len(f) >= 3 and f[0] == "rpc" and _DIGITS.match(f[1]) and _DIGITS.match(f[2]):
            return int(f[1]), int(f[2])
    raise ParseError("no `rpc CALLS RETRANS AUTHREFRESH` line")


def server_threads(text):
    """-> the nfsd thread count of the `th` line, None when there is none."""
    if not isinstance(text, str):
        raise ParseError("NFS statistics must be text")
    for line in text.splitlines()[:200]:
        f = line.split()
        if len(f) > 1 and f[0] == "th" and _DIGITS.match(f[1]):
            return int(f[1])
    return None
