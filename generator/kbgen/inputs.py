"""The inputs an entry reads and which sources can give them: worked out from its probe and the
spec table (kbcheck.specs), never written down by hand.

entry_inputs(code, scope) reads the probe's code (its syntax tree, not a run): every `host.NAME`
it uses is a fact, whose @fact names its input (kbcheck.facts.core.cached.spec, or `uses`), or a
method of kbcheck.facts.METHOD_INPUTS; a method given a path or a command (host.read("/proc/swaps"),
host.command("xl info"), host.settings("/etc/sysconfig/nfs")) reads the input the table files that
path or command under. A guest-scope entry reads the guests' definitions (`domains`) too.
coverage(inputs) tells, per source of kbcheck.specs.SOURCES, which of them it never holds and
which it holds only in part: what `kbgen check` warns about and what the site shows per entry.
"""
import ast

# what decides whether an entry applies at all, read for every entry and shown in the report's
# header: not counted as an entry's own input
DETECTION = ("os_release", "hypervisor")


def _facts():
    from kbcheck.facts import METHOD_INPUTS, Host
    from kbcheck.facts.core import cached
    out = {}
    for name in dir(Host):
        d = None
        for klass in Host.__mro__:
            if name in klass.__dict__:
                d = klass.__dict__[name]
                break
        if isinstance(d, cached):
            out[name] = tuple(x for x in ((d.spec,) if d.spec else ()) + d.uses)
    for name, specs in METHOD_INPUTS.items():
        out.setdefault(name, specs)
    return out


_FACTS = None


def _literal(node):
    """The text a call's argument starts with: a constant, or the constant head of `"..." % x`
    or of a concatenation ("/sys/block/%s/queue" % dev -> "/sys/block/%s/queue")."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp):
        return _literal(node.left)
    if isinstance(node, ast.JoinedStr) and node.values:
        return _literal(node.values[0])
    return None


def entry_inputs(code, scope="host", tree=None):
    """The names of the inputs (kbcheck.specs) a probe reads, sorted; detection's left out.
    tree: the probe's syntax tree when the caller has parsed it already (kbgen.model.probe_tree)."""
    global _FACTS
    from kbcheck import specs
    if _FACTS is None:
        _FACTS = _facts()
    if tree is None:
        body = "".join("    " + ln if ln.strip() else ln for ln in (code or "").splitlines(True)) or "    pass\n"
        try:
            tree = ast.parse("def probe(host, dom=None):\n" + body)
        except SyntaxError:
            return []
    found = set(["domains"]) if scope == "guest" else set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "host":
            found.update(_FACTS.get(node.attr) or ())
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "host" and node.args):
            continue
        what = _literal(node.args[0])
        if what is None:
            continue
        name = node.func.attr
        if name in ("command", "parse_command"):
            got = specs.of_command(what)
        elif name in ("first_command", "parse_first_command") and what in specs.table():
            got = what
        elif name == "maybe":
            found.update(_FACTS.get(what) or ())
            continue
        elif _FACTS.get(name, ()) is None:
            got = specs.of_path(what.replace("%s", "x").replace("%d", "0").rstrip("/"))
        else:
            continue
        if got:
            found.add(got)
    return sorted(found - set(DETECTION))


def coverage(inputs):
    """{source: {"missing": [inputs it never holds], "partial": [(input, why)]}} over
    kbcheck.specs.SOURCES."""
    from kbcheck import specs
    out = {}
    for source in specs.SOURCES:
        missing, partial = [], []
        for name in inputs:
            got = specs.coverage(name)[source]
            if got is None:
                missing.append(name)
            elif got:
                partial.append((name, got))
        out[source] = {"missing": missing, "partial": partial}
    return out


def warnings(entry):
    """One line per input of `entry` (a catalog entry dict with "inputs") that some source never
    holds: what `kbgen check` prints (a warning, not an error: the entry then skips there, saying so)."""
    from kbcheck import specs
    cov = coverage(entry.get("inputs") or [])
    never = {}
    for source in specs.SOURCES:
        for name in cov[source]["missing"]:
            never.setdefault(name, []).append(specs.SOURCE_LABELS[source])
    return ["reads `%s`, which %s never holds" % (name, ", ".join(srcs)) for name, srcs in sorted(never.items())]
