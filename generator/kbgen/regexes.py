"""The literal regular expressions of the runner's modules and of the catalog's probes: the
patterns kbgen precompiles for each Python (kbcheck.regexpack). A pattern is taken where it is
a literal string (or a module-level string constant, or a literal % such constants) given to re.compile,
re.match, re.search ... or kbcheck.lazyre.Lazy, with flags
that are re's own names (re.I | re.M ...); any other pattern is compiled at run time, as before."""
import ast

# the argument position of `flags` in each function of re (re.compile(pattern, flags) ...)
FLAGS_AT = {"compile": 1, "match": 2, "search": 2, "fullmatch": 2, "findall": 2, "finditer": 2,
            "split": 3, "sub": 4, "subn": 4, "Lazy": 1}
# what of the standard library a run uses that compiles patterns: modules, whose patterns are
# compiled as they are imported, and "module:callable" for one made when it is called
IMPORTS = ("xml.etree.ElementTree", "json", "textwrap", "argparse", "argparse:ArgumentParser")


def _literal(node, names=None):
    """The text of a literal pattern: a string, a module-level string constant's name, a sum of
    these, or a string % such constants."""
    if isinstance(node, ast.Name) and names is not None:
        return names.get(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and names is not None:
        left, right = _literal(node.left, names), _literal(node.right, names)
        return left + right if left is not None and right is not None and type(left) is type(right) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and names is not None:
        left = _literal(node.left)
        parts = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
        values = [names.get(p.id) if isinstance(p, ast.Name) else _literal(p) for p in parts]
        if left is None or any(v is None or type(v) is not type(left) for v in values):
            return None
        try:
            return left % tuple(values)
        except (TypeError, ValueError):
            return None
    v = getattr(node, "value", None) if type(node).__name__ == "Constant" else getattr(node, "s", None)
    return v if isinstance(v, (str, bytes)) else None


def _constants(tree):
    """{name: text} of the module-level assignments of a literal string."""
    out = {}
    for node in getattr(tree, "body", []):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            v = _literal(node.value, out)
            if v is not None:
                out[node.targets[0].id] = v
    return out


def _flag_names(node):
    """("I", "M") for re.I | re.M; () for no flags; None for anything else."""
    if node is None:
        return ()
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "re":
        return (node.attr,)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = _flag_names(node.left), _flag_names(node.right)
        return None if left is None or right is None else left + right
    if type(node).__name__ in ("Constant", "Num") and getattr(node, "n", getattr(node, "value", None)) == 0:
        return ()
    return None


def _callee(func):
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "re":
        return func.attr
    if isinstance(func, ast.Name) and func.id == "Lazy":
        return "Lazy"
    return None


def literal_patterns(source, filename="<source>"):
    """[(pattern, flag names)] of one module's or probe's source, in order, each once."""
    try:
        tree = ast.parse(source, filename)
    except (SyntaxError, ValueError):
        return []
    out = []
    constants = _constants(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = _callee(node.func)
        if name not in FLAGS_AT:
            continue
        pattern = _literal(node.args[0], constants)
        if pattern is None:
            continue
        at = FLAGS_AT[name]
        flags = node.args[at] if len(node.args) > at else next(
            (k.value for k in node.keywords if k.arg == "flags"), None)
        names = _flag_names(flags)
        if names is not None and (pattern, names) not in out:
            out.append((pattern, names))
    return out


def collect(sources):
    """[(pattern, flag names)] of every (source, file name), each once, in order."""
    out, seen = [], set()
    for source, filename in sources:
        for p in literal_patterns(source, filename):
            if p not in seen:
                seen.add(p)
                out.append(p)
    return out
