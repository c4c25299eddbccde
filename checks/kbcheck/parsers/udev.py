"""udev rules files -> rules, and what those rules do to one whole disk when it is added at boot.

parse(text) reads the rules(7) syntax: one rule per line (a trailing backslash continues it),
`#` comments, comma-separated `KEY[{attr}] OP "value"` keys. A line udev itself would reject is
kept as {"line", "error"} (udev logs and skips it), so a file is never unreadable as a whole.

apply(files, device) plays the rules of all files, in order, against one device the way
systemd-udevd does (udev-rules.c): a rule's assignments act only when every match key of the line
holds; GOTO jumps to the LABEL of the same file; `$env{KEY}`/`%E{KEY}` and the other substitutions
are expanded in assigned values; a sysfs attribute that does not exist makes its ATTR match fail
whatever the operator. What kbcheck cannot know offline (PROGRAM output, parent devices, variables
a builtin or program import sets) makes a key "unknown": the rule's assignments are then returned
as conditional, with the condition in words, instead of being taken or dropped on a guess.
Pure functions: apply() reads the device only through the callables it is given.
"""
import fnmatch
import re

from kbcheck.errors import ParseError
from kbcheck.lazyre import Lazy

# what dev['sysattr'] gives for an attribute the copy of the host does not hold (then the
# match is unknown, not false)
NOT_COLLECTED = object()

_KEY = Lazy(r'\s*([A-Za-z_]+)(?:\{([^}]*)\})?\s*(==|!=|\+=|-=|:=|=)\s*(e?)"((?:[^"\\]|\\.)*)"\s*(?:,|$)')
MATCH_OPS = ("==", "!=")
MAX_LINES = 20000


def parse(text):
    """-> [{'line': n, 'keys': [(key, attr, op, value)]} | {'line': n, 'error': why}]"""
    if not isinstance(text, str):
        raise ParseError("udev rules must be text")
    rules = []
    pending, start = "", 0
    for n, raw in enumerate(text.splitlines(), 1):
        if n > MAX_LINES:
            raise ParseError("more than %d lines: not a rules file" % MAX_LINES)
        line = raw.rstrip()
        if not pending:
            start = n
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        keys, pos = [], 0
        while pos < len(s):
            m = _KEY.match(s, pos)
            if not m or m.end() == pos:
                rules.append({"line": start, "error": "cannot read the rule at %r" % s[pos:pos + 30]})
                keys = None
                break
            value = m.group(5)
            value = re.sub(r"\\(.)", r"\1", value) if m.group(4) or '\\"' in value else value
            keys.append((m.group(1).upper(), m.group(2), m.group(3), value))
            pos = m.end()
        if keys:
            rules.append({"line": start, "keys": keys})
    return rules


def matches(pattern, value):
    """udev's string match: `|` separates alternatives, each an fnmatch(3) glob (case-sensitive)."""
    for alt in pattern.split("|"):
        if fnmatch.fnmatchcase(value, alt):
            return True
    return False


class _Unknown(object):
    def __init__(self, why):
        self.why = why


def _substitute(value, dev, env):
    """Expand $env{X} %E{X} $kernel %k $devpath %p $sys %S $attr{f} %s{f} $$ %%; -> str or _Unknown."""
    out, i = [], 0
    while i < len(value):
        c = value[i]
        m = re.match(r"(?:\$(env|attr|kernel|devpath|sys|name|number|\$)|%([EskpSn%]))(?:\{([^}]*)\})?", value[i:])
        if c not in "$%" or not m:
            out.append(c)
            i += 1
            continue
        word = m.group(1) or {"E": "env", "s": "attr", "k": "kernel", "p": "devpath", "S": "sys",
                              "n": "number", "%": "%"}[m.group(2)]
        arg = m.group(3)
        if word == "env":
            v = env.get(arg or "", "")
            if isinstance(v, _Unknown):
                return v
        elif word == "attr":
            v = dev["sysattr"](arg or "")
            if v is NOT_COLLECTED:
                return _Unknown("ATTR{%s} (not in this copy)" % arg)
            if v is None:
                v = ""
        elif word == "kernel" or word == "name":
            v = dev["kernel"]
        elif word == "devpath":
            v = dev["devpath"]
        elif word == "sys":
            v = "/sys"
        elif word == "number":
            v = re.sub(r"^\D*", "", dev["kernel"])
        else:
            v = word
        out.append(v)
        i += m.end()
    return "".join(out)


def _match(key, attr, op, value, dev, env):
    """One match key -> True, False or _Unknown(why)."""
    if key == "ACTION":
        got = dev["action"]
    elif key in ("SUBSYSTEM", "SUBSYSTEMS") and (key == "SUBSYSTEM" or matches(value, "block")):
        got = "block"
    elif key in ("KERNEL", "KERNELS") and (key == "KERNEL" or matches(value, dev["kernel"])):
        got = dev["kernel"]
    elif key == "DEVPATH":
        got = dev["devpath"]
    elif key == "DRIVER":
        got = ""
    elif key == "ENV":
        got = env.get(attr or "", "")
        if isinstance(got, _Unknown):
            return got
    elif key in ("ATTR", "ATTRS"):
        got = dev["sysattr"](attr or "")
        if got is NOT_COLLECTED:
            return _Unknown("ATTR{%s} (not in this copy)" % attr)
        if got is None:
            if key == "ATTRS":
                return _Unknown("ATTRS{%s} of a parent device" % attr)
            return False  # udev: an attribute that cannot be read never matches
        got = got.rstrip()
    elif key == "TEST":
        path = _substitute(value, dev, env)
        if isinstance(path, _Unknown):
            return path
        if not path.startswith("/"):
            path = "/sys" + dev["devpath"] + "/" + path
        found = dev["exists"](path)
        if found is None:
            return _Unknown("whether %s exists" % path)
        return found == (op == "==")
    elif key == "NAME":
        got = ""
    else:  # PROGRAM, RESULT, DRIVERS, parents' KERNELS/SUBSYSTEMS, TAG, SYMLINK, CONST ...
        return _Unknown("%s%s%s\"%s\"" % (key, "{%s}" % attr if attr else "", op, value))
    hit = matches(value, got)
    return hit if op == "==" else not hit


def apply(files, dev, cmdline=None, known_env=None):
    """Play the rules against one device being added.

    files: [(path, parse(text))] in udev's order. dev: {'kernel', 'devpath', 'action',
    'sysattr': name -> str or None, 'exists': path -> True/False/None}. cmdline: {param: value or
    None} the kernel boots with (IMPORT{cmdline}). known_env: properties the device has from the
    kernel or that kbcheck established (DEVTYPE, DM_MULTIPATH_DEVICE_PATH); rules do not change them.
    -> [{'attr', 'value', 'where', 'condition'}] for every ATTR assignment that acts, in order;
    condition is None when it acts for certain, else why it may not (value may then be None:
    unknown)."""
    env = dict(known_env or {})
    fixed = set(env)
    imported = None  # set once a builtin/program import ran: ID_* properties become unknown
    out = []
    for path, rules in files:
        labels = dict((k[3], i) for i, r in enumerate(rules) if "keys" in r for k in r["keys"] if k[0] == "LABEL")
        skip_until, maybe_skipped = None, []
        i = 0
        while i < len(rules):
            r = rules[i]
            i += 1
            if "keys" not in r:
                continue
            keys = r["keys"]
            if skip_until is not None:
                if not any(k[0] == "LABEL" and k[3] == skip_until for k in keys):
                    continue
                skip_until = None
            if maybe_skipped and any(k[0] == "LABEL" and k[3] in [m[0] for m in maybe_skipped] for k in keys):
                names = set(k[3] for k in keys if k[0] == "LABEL")
                maybe_skipped = [m for m in maybe_skipped if m[0] not in names]
            state, why = True, []
            for key, attr, op, value in keys:
                if op not in MATCH_OPS:
                    continue
                if key == "ENV" and imported and (attr or "").startswith("ID_") and attr not in env:
                    got = _Unknown("ENV{%s}, which %s may set" % (attr, imported))
                else:
                    got = _match(key, attr, op, value, dev, env)
                if got is False:
                    state = False
                    break
                if isinstance(got, _Unknown):
                    state = None
                    why.append(got.why)
            if state is False:
                continue
            conditions = ["if " + " and ".join(why)] if state is None else []
            conditions += ["unless %s" % m[1] for m in maybe_skipped]
            condition = "; ".join(conditions) or None
            where = "%s:%d" % (path, r["line"])
            goto = None
            for key, attr, op, value in keys:
                if op in MATCH_OPS:
                    continue
                if key == "ATTR":
                    v = _substitute(value, dev, env)
                    if isinstance(v, _Unknown):
                        out.append({"attr": attr, "value": None, "where": where,
                                    "condition": "; ".join([c for c in (condition, "value unknown: " + v.why) if c])})
                    else:
                        out.append({"attr": attr, "value": v, "where": where, "condition": condition})
                elif key == "ENV" and attr and attr not in fixed:
                    v = _substitute(value, dev, env)
                    env[attr] = _Unknown("ENV{%s} set at %s %s" % (attr, where, condition)) if condition else v
                elif key == "IMPORT" and attr == "cmdline" and value not in fixed:
                    if cmdline is None:
                        env[value] = _Unknown("the boot command line (for %s=)" % value)
                    elif value in cmdline:
                        env[value] = cmdline[value] if cmdline[value] is not None else "1"
                elif key == "IMPORT" and attr in ("builtin", "program", "file", "db", "parent"):
                    imported = imported or "IMPORT{%s}=\"%s\" at %s" % (attr, value, where)
                elif key == "GOTO":
                    goto = value
            if goto is not None and labels.get(goto, -1) >= i - 1:  # udev jumps forward only
                if condition is None:
                    skip_until = goto
                else:
                    maybe_skipped.append((goto, "the GOTO at %s is taken (%s)" % (where, condition)))
    return out
