"""What the kernel_setting template generates from its checked params (kernel_setting.spec): the
probe, the manual check and the fix."""
import re

from kbgen.templates.common import call, literal

SYSCTL_KEY = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_-]+)+$")
SYSFS_PATH = re.compile(r"^/sys(/[A-Za-z0-9_.:-]+)+$")
FIX_VALUE = re.compile(r"^[A-Za-z0-9_.:-]+$")


def _test(var, b):
    tests = []
    if "in" in b:
        tests.append("%s in %s" % (var, literal(b["in"])))
    for k, op in (("min", ">="), ("max", "<="), ("above", ">"), ("below", "<")):
        if k in b:
            tests.append("%s %s %s" % (var, op, b[k]))
    return " and ".join(tests) or "True"


def judge(s, v):
    """The rule number that takes value v (len(rules): none), as the generated code decides."""
    for i, r in enumerate(s["rules"]):
        b = r["bounds"]
        ok = ("in" not in b or v in b["in"])
        if isinstance(v, int):
            ok = ok and ("min" not in b or v >= b["min"]) and ("max" not in b or v <= b["max"]) \
                and ("above" not in b or v > b["above"]) and ("below" not in b or v < b["below"])
        elif any(k in b for k in ("min", "max", "above", "below")):
            ok = False
        if ok:
            return i
    return len(s["rules"])


def _read(c, var):
    """Lines reading setting c into var, typed; missing -> SKIP through host.missing."""
    if c["kind"] == "sysctl":
        getter = "host.sysctl_int(%s)" if c["numeric"] else "host.sysctl(%s)"
        out = ["%s = %s" % (var, getter % literal(c["key"]))]
    else:
        out = ["%s = host.value(%s)" % (var, literal(c["path"]))]
    out += ["if %s is None:" % var,
            "    return SKIP(host.missing(%s, %s))" % (literal(c["absent"][0]), literal(c["absent"][1]))]
    if c["kind"] == "sysfs" and c["numeric"]:
        out.append("%s = number(%s, %s)" % (var, var, literal(c["path"])))
    elif not c["numeric"]:
        out.append("%s = ' '.join(%s.split())" % (var, var))
    return out


def code(s):
    L = ["# template kernel_setting: the running %s%s" % (
        s["key"], " against what the host sets at boot" if s["kind"] == "sysctl" else "")]
    if any(c["kind"] == "sysfs" and c["numeric"] for c in s["requires"] + [s]):
        L += ["", "def number(text, path):", "    try:", "        return int(text.split()[0])",
              "    except (ValueError, IndexError):", "        raise Unreadable(path, 'not a number: %r' % text)", ""]
    for i, c in enumerate(s["requires"]):
        var = "need%d" % (i + 1)
        L += _read(c, var)
        L += ["if not (%s):" % _test(var, c["bounds"]),
              "    return %s(%s %% {'key': %s, 'value': %s})" % (call(c["status"]), literal(c["say"]), literal(c["key"]),
                                                                 var)]
    L += _read(s, "value")
    if s["kind"] == "sysctl":
        L += ["t = host.tuned",
              "if t is not None and t['enabled'] is None and %s in t['sysctl']:" % literal(s["key"]),
              "    return SKIP('tuned profile %%s sets %s, but whether tuned.service is enabled is not in this copy'"
              " %% ' '.join(t['profiles']))" % s["key"],
              "boot = host.sysctl_at_boot(%s)" % literal(s["key"]),
              # an archive without tuned's files cannot say that nothing sets it (kbcheck.facts.tuning)
              "if boot is None and host.tuned_active is None and str(value) != %s:" % literal(str(s["default"])),
              "    return SKIP('%s is %%s now and neither sysctl.conf nor sysctl.d sets it; whether a tuned profile "
              "does is not in this copy (no /etc/tuned)' %% value)" % s["key"],
              "if boot is None:",
              "    after, where = %s, None" % literal(s["default"]),
              "else:",
              "    after, where = ' '.join(boot[0].split()), boot[1]"]
        if s["numeric"]:
            L += ["    after = int(after) if re.match(r'^-?[0-9]+$', after) else after"]
    if not s["rules"]:
        return "\n".join(L + _compare(s)) + "\n"
    if s["kind"] == "sysctl":
        L += ["facts = {'key': %s, 'value': value, 'want': %s, 'boot': after, 'where': where, 'default': %s}" % (
            literal(s["key"]), literal(s["want"]), literal(s["default"]))]
    else:
        L += ["facts = {'key': %s, 'value': value, 'want': %s}" % (literal(s["key"]), literal(s["want"]))]
    L += ["", "def judge(v):"]
    for i, r in enumerate(s["rules"]):
        test = _test("v", r["bounds"])
        if s["numeric"] and test != "True":
            test = "isinstance(v, int) and " + test
        L += ["    if %s:" % test, "        return %d" % i]
    L += ["    return %d" % len(s["rules"]), ""]
    outs = s["rules"] + [s["otherwise"]]
    sysfs = s["kind"] == "sysfs"
    boot = (s["boot"]["say"], "%(key)s is %(value)s now but nothing sets it at boot: after a reboot it is %(boot)s "
                              "again; it should be %(want)s")
    L += ["STATUS = %s" % literal([o["status"] for o in outs]),
          "SAY = %s" % literal([o["say"] for o in outs]),
          "now = judge(value)"]
    if sysfs:
        L += ["if STATUS[now] in ('fail', 'warn'):",
              "    return (FAIL if STATUS[now] == 'fail' else WARN)(SAY[now] %% facts + %s, value=value)"
              % literal(" (%s)" % s["path"])]
    else:
        L += ["if where is not None:",
              "    note = '; %s sets %s at boot' % (where, after)",
              "elif after is not None:",
              "    note = '; nothing sets it at boot (the kernel default is %s)' % after",
              "else:",
              "    note = '; nothing sets it at boot'",
              "if STATUS[now] in ('fail', 'warn'):",
              "    return (FAIL if STATUS[now] == 'fail' else WARN)(SAY[now] % facts + note, value=value)",
              "if after is not None and STATUS[judge(after)] in ('fail', 'warn'):",
              "    return %s(%s[where is None] %% facts, value=value)" % (call(s["boot"]["status"]), literal(boot)),
              "if where is not None and after == value:",
              "    note = ', as %s sets it at boot' % where"]
    L += ["return {'pass': PASS, 'info': INFO, 'skip': SKIP}[STATUS[now]](SAY[now] %% facts%s, value=value)"
          % ("" if sysfs else " + note")]
    return "\n".join(L) + "\n"


def _compare(s):
    """Without rules: the running value must be what the boot leaves."""
    bad = call(s["boot"]["status"])
    k = s["key"]
    return ["if where is None and value == after:",
            "    return PASS(%s %% value, value=value)" % literal(
                "%s is %%s, the kernel default, and nothing changes it at boot" % k),
            "if where is None:",
            "    return %s(%s %% (value, after), value=value)" % (bad, literal(
                "%s is %%s now but nothing sets it at boot: after a reboot it is %%s again" % k)),
            "if after == value:",
            "    return PASS(%s %% (value, where), value=value)" % literal("%s is %%s, as %%s sets it at boot" % k),
            "return %s(%s %% (value, where, after), value=value)" % (bad, literal(
                "%s is %%s now, but %%s sets %%s at boot" % k))]


def manual(s):
    lines = ["cat %s" % c["path"] if c["kind"] == "sysfs" else "sysctl %s" % c["key"] for c in s["requires"]]
    if s["kind"] == "sysctl":
        lines += ["sysctl %s" % s["key"],
                  "grep -rs %s /etc/sysctl.conf /etc/sysctl.d /run/sysctl.d /usr/lib/sysctl.d" % s["key"],
                  "cat /etc/tuned/active_profile; tuned-adm verify"]
    else:
        lines.append("cat %s" % s["path"])
    return "\n".join(lines) + "\n"


SLE11_TEXT = ("SLE 11's boot script boot.sysctl applies /etc/sysctl.conf (\"Setting current sysctl status from "
              "/etc/sysctl.conf\"; its procps 3.2 has no `sysctl --system`), not /etc/sysctl.d: the step sets the "
              "value there.")
SLE12_TEXT = ("/etc/sysctl.conf applies after the sysctl.d files (as with `sysctl --system`), so the step also "
              "corrects an assignment there; a sysctl.d file named after the step's own (90-kbcheck-...) that sets "
              "the key still wins.")


def fix(s, entry, sample):
    value = s["fix_value"]
    if value is None:
        good = [r for r in s["rules"] if r["status"] == "pass"]
        value = sample(good[0]["bounds"]) if good else None
    value = "VALUE" if value is None else str(value)
    if not FIX_VALUE.match(value):
        return None
    first = ("Decide which value is right (VALUE), then make the running and the boot value agree."
             if value == "VALUE" else "Set %s to %s now and at every boot." % (s["key"], value))
    if s["kind"] == "sysfs":
        return {"sle11": {"text": first + " SLE 11 has no tmpfiles.d; /etc/init.d/boot runs /etc/init.d/boot.local at "
                                          "the end of every boot.",
                          "runtime": "echo %s > %s" % (value, s["path"]),
                          "persistent": "grep -qxF 'echo %s > %s' /etc/init.d/boot.local || echo 'echo %s > %s' >> "
                                        "/etc/init.d/boot.local" % (value, s["path"], value, s["path"]),
                          "files": ["/etc/init.d/boot.local"], "needs": "none"},
                "sle12": {"text": first + " (a tmpfiles.d line).",
                          "runtime": "echo %s > %s" % (value, s["path"]),
                          "persistent": "cat > /etc/tmpfiles.d/kbcheck-%s.conf <<'CONF'\nw %s - - - - %s\nCONF\n"
                                        % (entry["id"], s["path"], value),
                          "files": ["/etc/tmpfiles.d/kbcheck-%s.conf" % entry["id"]], "needs": "none"}}
    key, line = s["key"], re.escape(s["key"]).replace("\\-", "-")
    edit = "sed -i 's/^[[:space:]]*%s[[:space:]]*=.*/%s = %s/' /etc/sysctl.conf" % (line, key, value)
    conf = "/etc/sysctl.d/90-kbcheck-%s.conf" % entry["id"]
    return {"sle11": {"text": first + " " + SLE11_TEXT, "runtime": "sysctl -w %s=%s" % (key, value),
                      "persistent": "if grep -q '^[[:space:]]*%s[[:space:]]*=' /etc/sysctl.conf; then\n  %s\nelse\n"
                                    "  echo '%s = %s' >> /etc/sysctl.conf\nfi\n" % (line, edit, key, value),
                      "files": ["/etc/sysctl.conf"], "needs": "none"},
            "sle12": {"text": first + " " + SLE12_TEXT, "runtime": "sysctl -w %s=%s" % (key, value),
                      "persistent": "echo '%s = %s' > %s\nif [ -f /etc/sysctl.conf ]; then\n  %s\nfi\n"
                                    % (key, value, conf, edit),
                      "files": [conf, "/etc/sysctl.conf"], "needs": "none"}}
