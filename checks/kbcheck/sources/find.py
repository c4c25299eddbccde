"""Finding the input a user meant when pointing kbcheck at the wrong folder: the folders below it,
and the "did you mean" hint naming the ones a source recognises."""
import os

_MAX_SUGGEST = 3


def folders(path, depth=2):
    """Local folders below `path`, at most `depth` levels down, breadth first, in name order;
    symbolic links are not followed. (For finding the tree a user meant when pointing kbcheck
    at its parent.)"""
    level = [path]
    for _ in range(depth):
        nxt = []
        for d in level:
            try:
                names = sorted(os.listdir(d))
            except OSError:
                continue
            for n in names:
                p = os.path.join(d, n)
                if os.path.isdir(p) and not os.path.islink(p):
                    yield p
                    nxt.append(p)
        level = nxt


def did_you_mean(found):
    """"; did you mean A or B (or N more)?" for candidate paths, "" for none."""
    if not found:
        return ""
    more = " (or %d more)" % (len(found) - _MAX_SUGGEST) if len(found) > _MAX_SUGGEST else ""
    return "; did you mean %s%s?" % (" or ".join(found[:_MAX_SUGGEST]), more)
