"""Template `kernel_setting`: a running kernel setting (a sysctl or a sysfs file) judged against
sets or ranges of values, and a sysctl also against what the host sets at boot (host scope).

    sysctl: vm.swappiness            the setting: a sysctl key, or
    sysfs: /sys/kernel/mm/ksm/...    a sysfs file
    rules: [{in: [0, 1] | eq | min | max | above | below, status, say}, ...]
                                     first match wins; numbers compare as numbers (a setting is
                                     numeric when every value the params give is a number);
                                     without rules the running value must equal the boot value
    otherwise: {status, say}         a value no rule matches (default: fail)
    default: 60                      the kernel's value when nothing sets it at boot (sysctl)
    boot: {status, say}              a right running value that the boot setting (or the kernel
                                     default) undoes: warn by default; without rules, the status
                                     of a running value the boot does not keep (default: fail)
    requires: [{sysctl | sysfs, in | eq | min | max | above | below, otherwise: {status, say},
                absent: {path, say}}]
                                     conditions checked first (KSM running): when one does not
                                     hold, its otherwise is the result
    absent: {path, say}              a setting the host lacks: host.missing(path, say) (default:
                                     the setting itself, "this kernel has no KEY")
    fix_value: 1500                  what the fix sets (default: the first passing value;
                                     without one, the fix says VALUE)

What sets a sysctl at boot is host.sysctl_at_boot: the sysctl.d files and /etc/sysctl.conf, an
enabled tuned profile and tuned's reapply_sysctl. What sets a sysfs file at boot (tmpfiles.d,
boot.local, tuned's [sysfs]) is not read: the running value is judged alone.

Messages (`say`) may use {key} (the setting), {value} (the running value), {want} (what it should
be), {boot} and {where} (the boot value and what sets it), {default}. Fail and warn messages say
where the value is set. The template owns scenarios: right and wrong running values, set at boot
or not, by a sysctl file or a tuned profile, the setting absent, each condition unmet.
"""
from kbgen.templates import kernel_setting_code as gen
from kbgen.templates.common import BAD, Params, TemplateError, message, status

SCOPE = "host"
KNOWN = ("sysctl", "sysfs", "rules", "otherwise", "default", "boot", "requires", "absent", "fix_value")
BOUNDS = ("in", "eq", "min", "max", "above", "below")
SAY_KEYS = ("key", "value", "want", "boot", "where", "default")
SYSFS_SAY_KEYS = ("key", "value", "want")  # nothing is known of a sysfs file's boot value


def _bounds(p, numeric_hint):
    """{in: tuple, min, max, above, below} of a rule or condition; -> (bounds, [values given])."""
    b, given = {}, []
    for k in BOUNDS:
        if k not in p.data:
            continue
        v = p.data[k]
        if k == "eq":
            if "in" in p.data:
                raise TemplateError(p.field(k), "give `in` or `eq`, not both")
            k, v = "in", [v]
        if k == "in":
            if not isinstance(v, list) or not v or not all(isinstance(x, (int, str)) and not isinstance(x, bool)
                                                          for x in v):
                raise TemplateError(p.field(k), "in: a list of numbers or words; eq: one of them")
            b[k] = tuple(v)
            given += list(v)
        else:
            b[k] = p.get(k, kind=int)
            given.append(b[k])
    return b, given


def _want(b):
    parts = []
    if "in" in b:
        parts.append(" or ".join(str(v) for v in b["in"]))
    for k, word in (("min", "at least"), ("above", "above"), ("max", "at most"), ("below", "below")):
        if k in b:
            parts.append("%s %s" % (word, b[k]))
    return " and ".join(parts)


def _setting(p, where_ok=True):
    keys = [k for k in ("sysctl", "sysfs") if k in p.data]
    if len(keys) != 1:
        raise TemplateError(p.where, "give the setting as `sysctl: KEY` or `sysfs: PATH` (one of them)")
    kind = keys[0]
    name = p.get(kind, kind=str)
    ok = gen.SYSCTL_KEY.match(name) if kind == "sysctl" else gen.SYSFS_PATH.match(name)
    if not ok:
        raise TemplateError(p.field(kind), "%r is not a %s" % (name, "sysctl key (vm.swappiness)" if kind == "sysctl"
                                                               else "sysfs path (/sys/kernel/mm/ksm/run)"))
    path = "/proc/sys/" + name.replace(".", "/") if kind == "sysctl" else name
    a = p.sub("absent", ("path", "say"), default={})
    absent = (a.get("path", path, str), a.get("say", "this kernel has no %s" % name, str))
    return {"kind": kind, "key": name, "path": path, "absent": absent}


def _typed(values, field):
    """numeric (all numbers) or words (all words); a mixture is an error."""
    kinds = set(isinstance(v, int) for v in values)
    if len(kinds) > 1:
        raise TemplateError(field, "the values mix numbers and words: quote them all (words) or none (numbers)")
    return kinds != {False}


def spec(params, entry):
    p = Params(params, KNOWN)
    s = _setting(p)
    values = []
    s["rules"] = []
    for i, r in enumerate(p.get("rules", [], list)):
        rp = Params(r, BOUNDS + ("status", "say"), p.field("rules", i))
        b, given = _bounds(rp, None)
        values += given
        st = status(rp, "status", "pass")
        s["rules"].append({"bounds": b, "status": st, "raw": rp.get("say", None, str), "field": rp.where})
    s["default"] = p.get("default", None, (int, str))
    if s["default"] is not None:
        values.append(s["default"])
    s["fix_value"] = p.get("fix_value", None, (int, str))
    if s["fix_value"] is not None:
        values.append(s["fix_value"])
    s["numeric"] = _typed(values, p.field("rules")) if values else False
    good = [r for r in s["rules"] if r["status"] not in BAD]
    s["want"] = ", or ".join(_want(r["bounds"]) for r in good) or "set"
    keys = SAY_KEYS if s["kind"] == "sysctl" else SYSFS_SAY_KEYS
    for r in s["rules"]:
        default = "{key} is {value}" if r["status"] not in BAD else "{key} is {value}; it should be {want}"
        r["say"] = message(Params({"say": r["raw"]} if r["raw"] else {}, ("say",), r["field"]), "say", default, keys)
    o = p.sub("otherwise", ("status", "say"), default={})
    s["otherwise"] = {"status": status(o, "status", "fail"),
                      "say": message(o, "say", "{key} is {value}; it should be {want}", keys)}
    bp = p.sub("boot", ("status", "say"), default={})
    if s["rules"]:
        s["boot"] = {"status": status(bp, "status", "warn"),
                     "say": message(bp, "say", "{key} is {value} now, but {where} sets {boot} at boot; it should "
                                    "be {want}", SAY_KEYS)}
    else:
        if s["kind"] != "sysctl" or s["default"] is None:
            raise TemplateError(p.where, "without rules the running value is compared with the boot value: a "
                                "sysctl and its kernel `default` are needed")
        s["boot"] = {"status": status(bp, "status", "fail"), "say": None}
        if "say" in bp.data:
            raise TemplateError(bp.field("say"), "without rules the messages are the template's")
    if s["kind"] == "sysfs" and "boot" in p.data:
        raise TemplateError(p.field("boot"), "what sets a sysfs file at boot is not read: no boot judgement")
    s["requires"] = []
    for i, r in enumerate(p.get("requires", [], list)):
        rp = Params(r, ("sysctl", "sysfs", "otherwise", "absent") + BOUNDS, p.field("requires", i))
        c = _setting(rp)
        c["bounds"], given = _bounds(rp, None)
        if not c["bounds"]:
            raise TemplateError(rp.where, "a condition needs in, min, max, above or below")
        c["numeric"] = _typed(given, rp.where)
        ro = rp.sub("otherwise", ("status", "say"), default={})
        c["status"] = status(ro, "status", "skip")
        c["say"] = message(ro, "say", "{key} is {value}, not %s" % _want(c["bounds"]), ("key", "value"))
        s["requires"].append(c)
    return s


def sample(b):
    """A value within bounds b (for the scenarios and the fix)."""
    if "in" in b:
        return b["in"][0]
    for k, d in (("min", 0), ("above", 1), ("max", 0), ("below", -1)):
        if k in b:
            return b[k] + d
    return None


def outside(s):
    """A value no passing rule takes (None when none is found)."""
    ints = [x for r in s["rules"] for x in r["bounds"].get("in", ()) if isinstance(x, int)]
    cands = [0, 1, max(ints or [0]) + 1] + [v + d for r in s["rules"] for k, v in r["bounds"].items()
                                           if k != "in" for d in (-1, 0, 1)] + [-1]
    if not s["numeric"]:
        cands = ["kbcheck-other"]
    for v in cands:
        k = gen.judge(s, v)
        if k == len(s["rules"]) or s["rules"][k]["status"] in BAD:
            return v
    return None


def code(s):
    return gen.code(s)


def manual(s):
    return gen.manual(s)


def fix(s, entry):
    return gen.fix(s, entry, sample)


def scenarios(s, entry):
    from kbgen.templates import kernel_setting_scenarios
    return kernel_setting_scenarios.scenarios(s, entry, sample, outside)
