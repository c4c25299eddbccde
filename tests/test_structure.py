"""The runner's house rules, checked on its source: no module of checks/kbcheck is over 350 lines,
and no two of its modules import each other, directly or through others (imports inside
functions count: they are dependencies too)."""
import ast
import os

from conftest import ROOT

PACKAGE = os.path.join(ROOT, "checks", "kbcheck")
MAX_LINES = 350
# module -> why it may still be longer, for now (each one must really be over the limit)
LONGER = {}


def modules():
    """{dotted module name: file path} of every module of the package."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(PACKAGE):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for f in sorted(filenames):
            if f.endswith(".py"):
                path = os.path.join(dirpath, f)
                rel = os.path.relpath(path, os.path.dirname(PACKAGE))[:-3].split(os.sep)
                if rel[-1] == "__init__":
                    rel = rel[:-1]
                out[".".join(rel)] = path
    return out


def imports(name, path, known):
    """The kbcheck modules that module `name` (file `path`) imports, anywhere in it."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    package = name if path.endswith("__init__.py") else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[:len(parts) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            # `from kbcheck.x import y`: the module kbcheck.x.y when there is one, else kbcheck.x
            targets = [base + "." + a.name if base + "." + a.name in known else base for a in node.names]
        else:
            continue
        out.update(t for t in targets if t in known and t != name)
    return out


def cycles(graph):
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle():
    known = modules()
    graph = dict((name, imports(name, path, known)) for name, path in known.items())
    assert graph["kbcheck.cli"], "the import graph is empty: the parser found no imports"
    assert not cycles(graph), "import cycles among kbcheck's modules: %s" % cycles(graph)


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_over_350_lines():
    long = {}
    for path in modules().values():
        with open(path, encoding="utf-8") as f:
            n = sum(1 for _ in f)
        rel = os.path.relpath(path, os.path.dirname(PACKAGE)).replace(os.sep, "/")
        if n > MAX_LINES:
            long[rel] = n
    unexplained = dict((k, v) for k, v in long.items() if k not in LONGER)
    assert not unexplained, "modules over %d lines: %s" % (MAX_LINES, unexplained)
    stale = [k for k in LONGER if k not in long]
    assert not stale, "no longer over %d lines, drop them from LONGER: %s" % (MAX_LINES, stale)
