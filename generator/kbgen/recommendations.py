"""The guide's recommendation IDs, read from shared/guide/RECOMMENDATIONS.md (the content spec)."""
import os
import re

from kbgen import project

# the guide's recommendation list sits in shared/ beside the project
DEFAULT = os.path.join(project.ROOT, "..", "shared", "guide", "RECOMMENDATIONS.md")

_ROW = re.compile(r"^\|\s*(R[0-9][0-9a-z.]*)\s*\|\s*([0-9.]+)\s*\|\s*(check|advice|process)\s*\|\s*(\w+)\s*\|\s*(.*?)\s*\|\s*(.*?)\s*\|\s*$")


class RecommendationsError(Exception):
    pass


def load(path=None):
    """-> ordered {id: {'section', 'kind', 'role', 'text', 'data'}}."""
    path = os.path.abspath(path or os.environ.get("KB_RECOMMENDATIONS") or DEFAULT)
    try:
        with open(path) as f:
            text = f.read()
    except OSError as e:
        raise RecommendationsError("cannot read the recommendation list %s (%s): pass --recommendations FILE "
                                   "or set KB_RECOMMENDATIONS" % (path, e.strerror))
    out = {}
    for line in text.splitlines():
        m = _ROW.match(line)
        if m:
            rid, section, kind, role, what, data = m.groups()
            out[rid] = {"section": section, "kind": kind, "role": role, "text": what, "data": data}
    if not out:
        raise RecommendationsError("%s holds no recommendation rows" % path)
    return out
