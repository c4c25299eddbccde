"""What the templates share: checking their params (each problem names the param, so the loader
reports it at its line), message texts with placeholders, statuses and typed values."""
import re

STATUSES = ("pass", "fail", "warn", "info", "skip")
BAD = ("fail", "warn")
_PLACEHOLDER = re.compile(r"\{([a-z_]*)\}")


class TemplateError(Exception):
    """A param the template cannot use; `field` is its path below the entry (for the line)."""

    def __init__(self, field, message):
        Exception.__init__(self, message)
        self.field = tuple(field)
        self.message = message


class Params(object):
    """An entry's `check.params`, read with the checks every template needs."""

    def __init__(self, params, known, where=("check", "params")):
        if not isinstance(params, dict):
            raise TemplateError(where, "template params are a mapping")
        self.data = params
        self.where = tuple(where)
        for k in params:
            if k not in known:
                raise TemplateError(self.where + (k,), "unknown template parameter %r (known: %s)"
                                    % (k, ", ".join(sorted(known))))

    def field(self, *path):
        return self.where + tuple(path)

    def get(self, key, default=None, kind=None, required=False):
        if key not in self.data:
            if required:
                raise TemplateError(self.where, "template parameter %r is required" % key)
            return default
        v = self.data[key]
        wrong = kind is not None and not isinstance(v, kind)
        if isinstance(v, bool) and kind is not bool:  # YAML's yes/no are no numbers or words here
            wrong = True
        if wrong:
            raise TemplateError(self.field(key), "template parameter %r must be %s" % (key, _kind_name(kind)))
        return v

    def sub(self, key, known, default=None):
        """A nested mapping param, checked the same way (None when absent and no default)."""
        if key not in self.data:
            return Params(default, known, self.field(key)) if default is not None else None
        return Params(self.data[key], known, self.field(key))


def _kind_name(kind):
    names = {str: "a string", int: "a number", list: "a list", dict: "a mapping", bool: "true or false"}
    if isinstance(kind, tuple):
        return " or ".join(names.get(k, k.__name__) for k in kind)
    return names.get(kind, kind.__name__)


def status(p, key, default):
    """A status param (pass, fail, warn, info, skip)."""
    s = p.get(key, default, str)
    if s not in STATUSES:
        raise TemplateError(p.field(key), "status %r: one of %s" % (s, ", ".join(STATUSES)))
    return s


def message(p, key, default, allowed):
    """A message param with {placeholders} -> a %-format string for the generated code (the
    template's default when the entry gives none). Unknown placeholders are errors."""
    text = p.get(key, default, str) if p is not None else default
    for name in _PLACEHOLDER.findall(text):
        if name not in allowed:
            raise TemplateError(p.field(key) if p is not None else (), "unknown placeholder {%s} (known: %s)"
                                % (name, ", ".join("{%s}" % a for a in allowed)))
    return _PLACEHOLDER.sub(lambda m: "%%(%s)s" % m.group(1), text.replace("%", "%%"))


def call(status_name):
    """The result maker of a status in the generated code."""
    return status_name.upper()


def literal(value):
    """A Python literal of a str, an int or a tuple of them (for the generated code)."""
    if isinstance(value, (list, tuple)):
        return "(%s)" % "".join("%s, " % literal(v) for v in value)
    if isinstance(value, str):
        return '"%s"' % value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return repr(value)
