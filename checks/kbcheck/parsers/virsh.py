"""Output of `virsh` commands as archives keep it (a supportconfig's kvm.txt or plugin files, a
sosreport's sos_commands/virsh)."""
from kbcheck.errors import ParseError


def list_states(out):
    """`virsh list --all` table -> {guest name: state as virsh prints it ("running", "shut off")}."""
    if not isinstance(out, str):
        raise ParseError("virsh output must be a str, not %s" % type(out).__name__)
    states = {}
    for line in out.splitlines():
        f = line.split(None, 2)
        if len(f) < 3 or f[0] == "Id" or set(line.strip()) <= set("-"):
            continue
        if f[0] == "-" or f[0].isdigit():
            states[f[1]] = f[2].strip()
    return states
