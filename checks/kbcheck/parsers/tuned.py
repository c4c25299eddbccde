"""tuned's configuration: a profile's tuned.conf and the daemon's /etc/tuned/tuned-main.conf.

A profile is an INI file: [main] (summary, include=), [variables], and one section per plugin
instance, named after the plugin or naming it with type= ([sysctl] with `key = value` lines).
tuned reads it with configobj (no interpolation); `#` starts a comment line. Resolving include=
chains and which directory a profile comes from is the facts layer's job (Host.tuned); this
module only reads text.
"""
from kbcheck.errors import ParseError

MAX_LINES = 20000
# keys of a plugin section that configure the instance itself, not the plugin (tuned's
# plugins/instance and profiles/unit.py): devices it applies to, conditions, order
INSTANCE_SETTINGS = ("devices", "enabled", "priority", "drop", "devices_udev_regex", "script_pre",
                     "script_post", "uname_regex", "cpuinfo_regex")


def _lines(text):
    if not isinstance(text, str):
        raise ParseError("tuned configuration must be text")
    for n, raw in enumerate(text.splitlines(), 1):
        if n > MAX_LINES:
            raise ParseError("more than %d lines: not a tuned configuration" % MAX_LINES)
        s = raw.strip()
        if s and not s.startswith(("#", ";")):
            yield n, s


def _unquote(v):
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return v[1:-1]
    return v


def profile(text):
    """-> {'main': {key: value}, 'variables': {key: value},
    'units': [{'name', 'type', 'options': {key: (value, line)}, 'replace': bool}]}"""
    main, variables, units = {}, {}, []
    cur = None
    for n, s in _lines(text):
        if s.startswith("["):
            if not s.endswith("]") or len(s) < 3:
                raise ParseError("line %d: a section header is [NAME]" % n)
            name = s[1:-1].strip()
            if name == "main":
                cur = main
            elif name == "variables":
                cur = variables
            else:
                unit = {"name": name, "type": name, "options": {}, "replace": False}
                units.append(unit)
                cur = unit
            continue
        if "=" not in s:
            raise ParseError("line %d: expected KEY = VALUE, got %r" % (n, s[:40]))
        k, _, v = s.partition("=")
        k, v = k.strip(), _unquote(v)
        if cur is None:
            raise ParseError("line %d: %s outside a [section]" % (n, k))
        if isinstance(cur, dict) and "options" not in cur:
            cur[k] = v
        elif k == "type":
            cur["type"] = v
        elif k == "replace":
            cur["replace"] = v.lower() in ("1", "true", "yes", "y", "on")
        elif k in INSTANCE_SETTINGS:
            cur["options"]["." + k] = (v, n)  # instance settings, not plugin options
        else:
            cur["options"][k] = (v, n)
    return {"main": main, "variables": variables, "units": units}


def main_conf(text):
    """/etc/tuned/tuned-main.conf (`key = value` lines, no sections) -> {key: value}."""
    out = {}
    for n, s in _lines(text):
        if s.startswith("["):
            continue
        if "=" not in s:
            raise ParseError("line %d: expected KEY = VALUE, got %r" % (n, s[:40]))
        k, _, v = s.partition("=")
        out[k.strip()] = _unquote(v)
    return out


def truth(value, default):
    """tuned's boolean settings: 1/true/yes/y/on and 0/false/no/n/off; anything else: default."""
    v = (value or "").strip().lower()
    if v in ("1", "true", "yes", "y", "on"):
        return True
    if v in ("0", "false", "no", "n", "off"):
        return False
    return default
