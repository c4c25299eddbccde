"""CPU and NUMA layout from command output: `lscpu` (hardware.txt, sos_commands/processor/lscpu)
and `numactl --hardware` (memory.txt, sos_commands/numa/numactl_--hardware), for archives that
did not copy /sys/devices/system/node and /sys/devices/system/cpu.

lscpu prints `Key: value` lines (util-linux sys-utils/lscpu.c): CPU(s), Thread(s) per core,
Core(s) per socket, Socket(s), NUMA node(s), `NUMA nodeN CPU(s): 0-17`, Model name. numactl
--hardware prints `available: N nodes (0-1)`, then per node `node N cpus: 0 1 ...`, `node N size:
M MB`, `node N free: M MB`, and the distance table."""
import re

from kbcheck.errors import ParseError
from kbcheck.parsers.kernel import cpulist

MAX_LINES = 10000


def lscpu(text):
    """`lscpu` -> {key: value}. Text without a `CPU(s):` line raises ParseError."""
    if not isinstance(text, str):
        raise ParseError("lscpu output must be text")
    out = {}
    for n, line in enumerate(text.splitlines(), 1):
        if n > MAX_LINES:
            raise ParseError("more than %d lines: not lscpu output" % MAX_LINES)
        k, sep, v = line.partition(":")
        if sep and k.strip():
            out.setdefault(k.strip(), v.strip())
    if "CPU(s)" not in out:
        raise ParseError("no `CPU(s):` line: not lscpu output")
    return out


_DIGITS = re.compile(r"^[0-9]+$")


def _int(info, key):
    v = info.get(key, "")
    return int(v) if _DIGITS.match(v) else None


def lscpu_topology(info):
    """{'cpus', 'cores', 'sockets', 'threads'} from lscpu's keys; None when they are not all there."""
    cpus, threads = _int(info, "CPU(s)"), _int(info, "Thread(s) per core")
    per_socket = _int(info, "Core(s) per socket") or _int(info, "Core(s) per cluster")
    sockets = _int(info, "Socket(s)") or _int(info, "Cluster(s)")
    if not (cpus and threads and per_socket and sockets):
        return None
    return {"cpus": cpus, "cores": per_socket * sockets, "sockets": sockets, "threads": threads}


def lscpu_nodes(info):
    """[{'id', 'cpus'}] from lscpu's `NUMA nodeN CPU(s)` lines, sorted; [] when it names none."""
    out = []
    for k, v in info.items():
        m = re.match(r"^NUMA node([0-9]+) CPU\(s\)$", k)
        if m:
            out.append({"id": int(m.group(1)), "cpus": cpulist(v) if v.strip() else []})
    return sorted(out, key=lambda n: n["id"])


def numactl_hardware(text):
    """`numactl --hardware` -> [{'id', 'cpus', 'memtotal_kb'}], sorted by node. "No NUMA available"
    and text without `node N cpus:` lines raise ParseError."""
    if not isinstance(text, str):
        raise ParseError("numactl output must be text")
    nodes = {}
    for n, line in enumerate(text.splitlines(), 1):
        if n > MAX_LINES:
            raise ParseError("more than %d lines: not numactl output" % MAX_LINES)
        m = re.match(r"^node ([0-9]+) (cpus|size|free):\s*(.*)$", line.strip())
        if not m:
            continue
        node = nodes.setdefault(int(m.group(1)), {"id": int(m.group(1)), "cpus": [], "memtotal_kb": None})
        what, rest = m.group(2), m.group(3).strip()
        if what == "cpus":
            words = rest.split()
            if not all(_DIGITS.match(w) for w in words):
                raise ParseError("line %d: node cpus are not numbers: %r" % (n, rest[:60]))
            node["cpus"] = [int(w) for w in words]
        elif what == "size":
            sm = re.match(r"^([0-9]+) MB$", rest)
            if not sm:
                raise ParseError("line %d: node size is not `N MB`: %r" % (n, rest[:60]))
            node["memtotal_kb"] = int(sm.group(1)) * 1024
    if not nodes:
        raise ParseError("no `node N cpus:` lines: not numactl --hardware output")
    return [nodes[k] for k in sorted(nodes)]
