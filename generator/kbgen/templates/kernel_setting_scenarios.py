"""The kernel_setting template's own scenarios: every entry that uses the template gets them,
built from its params (the setting, its rules, its kernel default, its conditions)."""
from kbgen.templates.common import BAD

TUNED_UNIT = "/etc/systemd/system/multi-user.target.wants/tuned.service"


def _host(s, value, boot=None, tuned=None, requires=True, sample=None):
    """A scenario host: the setting at `value` (None: absent), `boot` in a sysctl.d file, `tuned` the
    value of an enabled tuned profile (or "unknown": enablement not in the copy); the conditions met."""
    host = {}
    files = {}
    if requires:
        for c in s["requires"]:
            _put(host, files, c, sample(c["bounds"]))
    if value is not None:
        _put(host, files, s, value)
    if boot is not None:
        files["/etc/sysctl.d/90-template.conf"] = "# set by the template's scenario\n%s = %s\n" % (s["key"], boot)
    if tuned is not None:
        files["/etc/tuned/active_profile"] = "kbcheck-template\n"
        files["/etc/tuned/kbcheck-template/tuned.conf"] = "[main]\nsummary=a template scenario\n\n[sysctl]\n%s = %s\n" % (
            s["key"], tuned[1])
        if tuned[0] == "enabled":
            files[TUNED_UNIT] = "[Unit]\nDescription=Dynamic System Tuning Daemon\n"
    if files:
        host["files"] = files
    return host


def _put(host, files, c, value):
    if c["kind"] == "sysctl":
        host.setdefault("sysctl", {})[c["key"]] = value
    else:
        files[c["path"]] = "%s\n" % value


def _status(s, k):
    return s["rules"][k]["status"] if k < len(s["rules"]) else s["otherwise"]["status"]


def _sc(name, host, status, message=None):
    e = {"status": status}
    if message:
        e["message"] = message
    return {"name": "template kernel_setting: " + name, "host": host, "expect": e}


def scenarios(s, entry, sample, outside):
    from kbgen.templates.kernel_setting_code import judge
    key, out = s["key"], []
    out.append(_sc("%s absent" % key, _host(s, None, sample=sample), "skip"))
    for i, c in enumerate(s["requires"]):
        bad = outside_of(c)
        if bad is not None:
            host = _host(s, None, requires=False)
            host_files = host.setdefault("files", {})
            for j, other in enumerate(s["requires"]):
                _put(host, host_files, other, bad if j == i else sample(other["bounds"]))
            if not host_files:
                host.pop("files")
            out.append(_sc("%s is %s: condition %d does not hold" % (c["key"], bad, i + 1), host, c["status"]))
    if not s["rules"]:
        d = s["default"]
        other = d + 1 if isinstance(d, int) else "kbcheck-other"
        out += [_sc("%s at the kernel default, nothing at boot" % key, _host(s, d, sample=sample), "pass"),
                _sc("%s changed at runtime only" % key, _host(s, other, sample=sample), s["boot"]["status"],
                    "after a reboot it is %s again" % d),
                _sc("%s set at boot, not applied" % key, _host(s, d, boot=other, sample=sample), s["boot"]["status"],
                    "sets %s at boot" % other),
                _sc("%s set at boot and running" % key, _host(s, other, boot=other, sample=sample), "pass",
                    "as /etc/sysctl.d/90-template.conf line 2 sets it at boot"),
                _sc("%s from an enabled tuned profile" % key,
                    _host(s, other, tuned=("enabled", other), sample=sample), "pass", "tuned profile kbcheck-template"),
                _sc("a tuned profile sets %s, its service state not in the copy" % key,
                    _host(s, other, tuned=("unknown", other), sample=sample), "skip")]
        return out
    for i, r in enumerate(s["rules"]):
        v = sample(r["bounds"])
        if v is None or judge(s, v) != i:
            continue
        boot = v if s["kind"] == "sysctl" else None
        out.append(_sc("%s = %s (rule %d)" % (key, v, i + 1), _host(s, v, boot=boot, sample=sample), r["status"],
                       "(%s)" % s["path"] if r["status"] in BAD and s["kind"] == "sysfs" else
                       "sets %s at boot" % v if r["status"] in BAD else None))
    bad = outside(s)
    good = [r for r in s["rules"] if r["status"] == "pass"]
    if bad is not None:
        out.append(_sc("%s = %s, a value no passing rule takes" % (key, bad), _host(s, bad, sample=sample),
                       _status(s, judge(s, bad))))
    if bad is not None and good and s["kind"] == "sysctl":
        v = sample(good[0]["bounds"])
        out.append(_sc("%s = %s now, %s at boot" % (key, v, bad), _host(s, v, boot=bad, sample=sample),
                       s["boot"]["status"], "sets %s at boot" % bad))
        out.append(_sc("%s = %s from an enabled tuned profile" % (key, v),
                       _host(s, v, tuned=("enabled", v), sample=sample), "pass", "tuned profile kbcheck-template"))
        d = s["default"]
        if d is not None and _status(s, judge(s, d)) in BAD and d != v:
            out.append(_sc("%s = %s at runtime only" % (key, v), _host(s, v, sample=sample), s["boot"]["status"],
                           "after a reboot it is %s again" % d))
    return out


def outside_of(c):
    """A value that condition c does not take, or None."""
    b = c["bounds"]
    cands = ([0, 1, -1] + [v + d for k, v in b.items() if k != "in" for d in (-1, 1)]
             + [max([x for x in b.get("in", ()) if isinstance(x, int)] or [0]) + 1]) if c["numeric"] else ["kbcheck-other"]
    for v in cands:
        ok = ("in" not in b or v in b["in"]) and ("min" not in b or v >= b["min"]) and \
             ("max" not in b or v <= b["max"]) and ("above" not in b or v > b["above"]) and \
             ("below" not in b or v < b["below"])
        if not ok:
            return v
    return None
