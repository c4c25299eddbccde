"""find and findall on a parsed XML tree, a path of plain child steps ("devices/disk") taken by the
C findall of each step: the tree's own find and findall hand a path with a "/" to ElementPath,
which takes ~3 us a call in Python (a thousand guests, a few such questions each). The same
elements in the same order (tests/test_domain_paths.py); any other path goes to the tree itself."""

_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-/")


def plain(path):
    """A path of several child steps by tag name only ("devices/disk"): no wildcard, predicate,
    "." or "//", no namespace (one step, "devices", the C find and findall take themselves)."""
    return "/" in path and not path.startswith("/") and not path.endswith("/") and "//" not in path \
        and _PLAIN.issuperset(path)


def findall(root, path):
    if not plain(path):
        return root.findall(path)
    found = [root]
    for tag in path.split("/"):
        found = [c for el in found for c in el.findall(tag)]
    return found


def find(root, path):
    if not plain(path):
        return root.find(path)
    found = findall(root, path)
    return found[0] if found else None
