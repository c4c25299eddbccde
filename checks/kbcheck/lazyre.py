"""A regular expression compiled on its first use, for module-level patterns that only some runs
need (udev rules, `xl info`, systemd unit lists...): compiling one costs 0.1-0.7 ms of the start
of every run, most of which never use it. Lazy(pattern, flags) answers match, search, fullmatch,
sub, subn, split, findall and finditer as re.compile(pattern, flags) does; after the first call
they are the compiled pattern's own bound methods, at no extra cost."""

_METHODS = ("match", "search", "fullmatch", "sub", "subn", "split", "findall", "finditer")


class Lazy(object):
    def __init__(self, pattern, flags=0):
        self.pattern = pattern
        self.flags = flags

    def __getattr__(self, name):  # only for what is not set yet: the first use of a method
        if name not in _METHODS:
            raise AttributeError(name)
        import re
        compiled = re.compile(self.pattern, self.flags)
        for n in _METHODS:
            setattr(self, n, getattr(compiled, n))
        return getattr(compiled, name)
