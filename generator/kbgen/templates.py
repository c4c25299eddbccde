"""Declarative probe templates. Each expands its params into the same three things an entry can
write by hand: the probe code the runner executes, the manual check, and (where generic) the fix.
The expanded code is what the site shows and what the catalog carries."""
import re


class TemplateError(Exception):
    def __init__(self, field, message):
        Exception.__init__(self, message)
        self.field = field
        self.message = message


def _need(params, key, kind=None):
    if key not in params:
        raise TemplateError(("check", "params", key), "template parameter %r is required" % key)
    v = params[key]
    if kind is not None and not isinstance(v, kind):
        raise TemplateError(("check", "params", key), "template parameter %r must be %s" % (key, kind.__name__))
    return v


def _allowed(params, keys):
    for k in params:
        if k not in keys:
            raise TemplateError(("check", "params", k), "unknown template parameter %r (known: %s)" % (k, ", ".join(sorted(keys))))


def _cond_code(var, p):
    """A Python condition over `var` from the expectation params eq/in/min/max."""
    conds = []
    if "eq" in p:
        conds.append("%s == %r" % (var, p["eq"]))
    if "in" in p:
        conds.append("%s in %r" % (var, tuple(p["in"])))
    if "min" in p:
        conds.append("%s >= %r" % (var, p["min"]))
    if "max" in p:
        conds.append("%s <= %r" % (var, p["max"]))
    if not conds:
        raise TemplateError(("check", "params"), "give the expected value with eq, in, min or max")
    return " and ".join(conds)


def _want_text(p):
    if "eq" in p:
        return "%s" % p["eq"]
    if "in" in p:
        return "one of %s" % ", ".join(str(x) for x in p["in"])
    parts = []
    if "min" in p:
        parts.append("at least %s" % p["min"])
    if "max" in p:
        parts.append("at most %s" % p["max"])
    return " and ".join(parts)


def sysctl(params, entry_id):
    _allowed(params, {"key", "eq", "in", "min", "max", "status", "why", "numeric", "fix_value"})
    key = _need(params, "key", str)
    numeric = params.get("numeric", any(isinstance(params.get(k), int) for k in ("eq", "min", "max")))
    bad = params.get("status", "fail")
    getter = "host.sysctl_int(%r)" % key if numeric else "host.sysctl(%r)" % key
    code = (
        "value = %s\n"
        "if value is None:\n"
        "    return SKIP(%r)\n"
        "if %s:\n"
        "    return PASS(%r %% value)\n"
        "return %s(%r %% value)\n"
    ) % (getter, "%s is not available on this kernel" % key, _cond_code("value", params),
         "%s is %%s" % key, bad.upper(),
         "%s is %%s; it should be %s%s" % (key, _want_text(params), ("; " + params["why"]) if params.get("why") else ""))
    manual = "sysctl %s" % key
    fv = params.get("fix_value", params.get("eq", params.get("min", params.get("max"))))
    fix = None
    if fv is not None:
        conf = "/etc/sysctl.d/90-kbcheck-%s.conf" % entry_id
        line = re.escape(key)
        edit = "sed -i 's/^[[:space:]]*%s[[:space:]]*=.*/%s = %s/' /etc/sysctl.conf" % (line, key, fv)
        # SLE 11's boot.sysctl applies /etc/sysctl.conf only; on SLE 12 it applies after sysctl.d
        fix = {"sle11": {"runtime": "sysctl -w %s=%s" % (key, fv),
                         "persistent": "if grep -q '^[[:space:]]*%s[[:space:]]*=' /etc/sysctl.conf; then\n  %s\n"
                                       "else\n  echo '%s = %s' >> /etc/sysctl.conf\nfi\n" % (line, edit, key, fv),
                         "files": ["/etc/sysctl.conf"], "needs": "none"},
               "sle12": {"runtime": "sysctl -w %s=%s" % (key, fv),
                         "persistent": "echo '%s = %s' > %s\n[ ! -f /etc/sysctl.conf ] || %s\n" % (key, fv, conf, edit),
                         "files": [conf, "/etc/sysctl.conf"], "needs": "none"}}
    return code, manual, fix


def sysfs(params, entry_id):
    _allowed(params, {"path", "eq", "in", "min", "max", "status", "why", "selection", "absent", "fix_value", "numeric"})
    path = _need(params, "path", str)
    bad = params.get("status", "fail")
    sel = params.get("selection", False)
    absent = params.get("absent", "skip")
    numeric = params.get("numeric", any(isinstance(params.get(k), int) for k in ("eq", "min", "max")))
    read = "host.value(%r)" % path
    lines = ["raw = %s" % read,
             "if raw is None:",
             "    return %s(%r)" % (absent.upper(), "%s does not exist on this host" % path)]
    if sel:
        lines.append("value = re.search(r'\\[([^\\]]+)\\]', raw).group(1) if '[' in raw else raw")
    elif numeric:
        lines.append("value = int(raw)")
    else:
        lines.append("value = raw")
    lines += ["if %s:" % _cond_code("value", params),
              "    return PASS(%r %% value)" % ("%s is %%s" % path),
              "return %s(%r %% value)" % (bad.upper(), "%s is %%s; it should be %s%s" % (
                  path, _want_text(params), ("; " + params["why"]) if params.get("why") else ""))]
    fix = None
    fv = params.get("fix_value", params.get("eq"))
    if fv is not None:
        fix = {"all": {"runtime": "echo %s > %s" % (fv, path), "needs": "none"}}
    return "\n".join(lines) + "\n", "cat %s" % path, fix


def kernel_param(params, entry_id):
    _allowed(params, {"param", "in", "eq", "status", "why", "boot"})
    name = _need(params, "param", str)
    bad = params.get("status", "fail")
    want = params.get("in") or ([params["eq"]] if "eq" in params else None)
    lines = ["cmd = host.cmdline",
             "if cmd is None:",
             "    raise NotCollected('/proc/cmdline', 'the running kernel command line is not available')",
             "value = cmd.get(%r)" % name]
    if want is None:
        lines += ["if value is None:",
                  "    return %s(%r)" % (bad.upper(), "%s is not on the kernel command line%s" % (name, ("; " + params["why"]) if params.get("why") else "")),
                  "return PASS('%s is set (%%s)' %% (value or 'present'))" % name]
    else:
        lines += ["if value in %r:" % (tuple(want),),
                  "    return PASS('%s=%%s is on the kernel command line' %% value)" % name,
                  "return %s(%r %% (value if value is not None else 'not set'))" % (
                      bad.upper(), "%s is %%s on the kernel command line; it should be %s" % (name, " or ".join(want)))]
    value = (want or [""])[0]
    word = name + ("=" + value if value else "")
    fix = {
        "sle11": {"text": "Add `%s` to the `kernel` line of the default entry in /boot/grub/menu.lst." % word,
                  "persistent": "sed -i -E '/^[[:space:]]*(kernel|module)[[:space:]]+[^ ]*vmlinuz/{/%s/!s/$/ %s/}' /boot/grub/menu.lst" % (name, word),
                  "files": ["/boot/grub/menu.lst"], "needs": "reboot"},
        "sle12": {"text": "Add `%s` to GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, then regenerate the GRUB configuration." % word,
                  "persistent": ("sed -i '/^GRUB_CMDLINE_LINUX_DEFAULT=/{/%s/!s/\"$/ %s\"/}' /etc/default/grub\n"
                                 "grub2-mkconfig -o /boot/grub2/grub.cfg") % (name, word),
                  "files": ["/etc/default/grub", "/boot/grub2/grub.cfg"], "needs": "reboot"},
    }
    return "\n".join(lines) + "\n", "cat /proc/cmdline", fix


def domain_element(params, entry_id):
    _allowed(params, {"path", "attribute", "in", "absent", "status", "why", "hypervisors", "what"})
    path = _need(params, "path", str)
    attr = params.get("attribute")
    want = params.get("in")
    bad = params.get("status", "fail")
    absent = params.get("absent", bad)
    what = params.get("what", path + ("/@" + attr if attr else ""))
    hyps = params.get("hypervisors", ["kvm"])
    lines = ["if dom.hypervisor not in %r:" % (tuple(hyps),),
             "    return SKIP('a %%s guest; this check is for %s guests' %% dom.type)" % "/".join(hyps),
             "els = dom.findall(%r)" % path,
             "if not els:",
             "    return %s(%r)" % (absent.upper(), "no %s%s" % (what, ("; " + params["why"]) if params.get("why") else ""))]
    if attr and want is not None:
        lines += ["bad = [e.get(%r) for e in els if e.get(%r) not in %r]" % (attr, attr, tuple(want)),
                  "if bad:",
                  "    return %s('%s is %%s; it should be %s' %% ', '.join(str(b) for b in bad))" % (bad.upper(), what, " or ".join(want)),
                  "return PASS('%s is %s')" % (what, " or ".join(want))]
    else:
        lines += ["return PASS('%s is present')" % what]
    return "\n".join(lines) + "\n", "virsh dumpxml GUEST | grep -A2 '<%s'" % path.split("/")[-1], None


TEMPLATES = {"sysctl": sysctl, "sysfs": sysfs, "kernel_param": kernel_param, "domain_element": domain_element}


def expand(name, params, entry_id):
    """-> (code, manual, fix or None)."""
    return TEMPLATES[name](params or {}, entry_id)
