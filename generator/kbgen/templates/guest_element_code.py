"""What the guest_element template generates from its checked params (guest_element.spec): the
probe's body, and where a value is set in the domain XML."""
import re

from kbgen.templates.common import BAD, call, literal

RANK = ("fail", "warn", "info", "pass")
X86 = ("x86_64", "i686", "i386", None)
_HYPERVISOR = {"kvm": "KVM", "xen": "Xen", "lxc": "LXC"}


def where(s, value="..."):
    """Where the value is set, as domain XML: <disk><target bus='...'/>."""
    segs = [(n, list(pr)) for n, pr in s["segments"] if n != "devices"][-2:] if len(s["segments"]) > 1 \
        else [(n, list(pr)) for n, pr in s["segments"]]
    if s["value"] is not None and value is not None:
        child, attr = s["value"]
        segs += [(c, []) for c in child.split("/") if c]
        segs[-1] = (segs[-1][0], segs[-1][1] + [(attr, value)])
    out = ""
    for i, (n, attrs) in enumerate(segs):
        out += "<%s%s%s" % (n, "".join(" %s='%s'" % a for a in attrs), "/>" if i == len(segs) - 1 else ">")
    return out


def _outcomes(s):
    """[(status, raw say, label)] in the order of the generated code's outcome numbers."""
    if s["value"] is None:
        return [(s["present"]["status"], s["present"]["raw"], None)]
    out = [(r["status"], r["raw"], None) for r in s["rules"]]
    out.append((s["otherwise"]["status"], s["otherwise"]["raw"], None))
    m = s["missing"]
    out.append((m["status"], m["raw"], m["label"]))
    if "off_x86" in m:
        out.append((m["off_x86"]["status"], m["off_x86"]["raw"], m["off_x86"]["label"]))
    return out


def _say_code(s, raw, label, group="group"):
    """The expression of one outcome's message: over `group` ([(outcome, element, value)]), or with
    group=None over the one element `el` and its `value`. Only the placeholders it uses are computed
    (a thousand guests ask it once each)."""
    fmt, args = "", []
    const = {"what": s["what"], "noun": s["noun"], "want": s["want"]}
    if group is None:
        const["count"] = "1 " + s["noun"]
    value = literal(label) if label is not None else ("v" if group else "value")
    for i, part in enumerate(re.split(r"\{([a-z_]*)\}", raw)):
        if i % 2 == 0:
            fmt += part.replace("%", "%%")
        elif part in const:
            fmt += const[part].replace("%", "%%")
        elif group is None:  # {value}; {items}: `n`, the element's name, read by _name_lines
            fmt += "%s"
            args.append(value if part == "value" or not s["names"] else
                        "('%%s (%%s)' %% (n, %s)) if n else %s" % (value, value))
        else:
            fmt += "%s"
            args.append({
                "count": "plural(len(%s), %s)" % (group, literal(s["noun"])),
                "value": "names(sorted(set(%s for _, _, v in %s)))" % (value, group) if label is None else value,
                "items": "names(('%%s (%%s)' %% (n, %s)) if n else %s for n, v in ((name(e), v) for _, e, v in %s))"
                         % (value, value, group) if s["names"] else
                         "names(sorted(set(%s for _, _, v in %s)))" % (value, group),
            }[part])
    if not args:
        return literal(fmt.replace("%%", "%"))
    return "%s %% (%s, )" % (literal(fmt), ", ".join(args))


def _match(values):
    exact = tuple(v for v in values if not v.endswith("*"))
    prefix = tuple(v[:-1] for v in values if v.endswith("*"))
    tests = (["value in %s" % literal(exact)] if exact else []) + (["value.startswith(%s)" % literal(prefix)] if prefix else [])
    return " or ".join(tests) if len(tests) == 1 else "(%s)" % " or ".join(tests)


def _elements(s):
    """Lines finding the elements judged (`els`): one simple step at a time, which ElementTree's C
    code answers directly; the last step's predicates are tested in the loop."""
    segs = s["segments"]

    def text(seg):
        return seg[0] + "".join("[@%s='%s']" % p for p in seg[1])
    if len(segs) == 1:
        return ["els = dom.findall(%s)" % literal(segs[0][0])]
    out = ["node = dom.find(%s)" % literal(text(segs[0]))]
    for seg in segs[1:-1]:
        out.append("node = node.find(%s) if node is not None else None" % literal(text(seg)))
    return out + ["els = node.findall(%s) if node is not None else []" % literal(segs[-1][0])]


def code(s):
    """The probe's body."""
    if s["value"]:
        head = "%s (%s) of %s %s (%s)" % (s["what"], "/@".join(x for x in s["value"] if x) if s["value"][0] else
                                         "@" + s["value"][1], "the first" if s["first"] else "each", s["noun"],
                                         s["element"])
    else:
        head = "the guest's %s (%s), there or not" % (s["noun"], s["element"])
    L = ["# template guest_element: " + head]
    names = " and ".join(_HYPERVISOR.get(h, h) for h in s["hypervisors"])
    L += ["if dom.hypervisor not in %s:" % literal(s["hypervisors"]),
          "    return SKIP(%s %% (dom.type or 'typeless'))" % literal("a %%s guest; %s is judged on %s guests"
                                                                     % (s["what"], names))]
    if s["os"]:
        L += ["if dom.os_type not in %s:" % literal(s["os"]),
              "    return SKIP(%s %% dom.os_type)" % literal("a guest of os type %%s; %s is judged on %s guests"
                                                          % (s["what"], "/".join(s["os"])))]
    if s["x86"]:
        L += ["if dom.arch not in %s:" % literal(X86),
              "    return SKIP(%s %% dom.arch)" % literal("an %%s guest; %s is judged on x86 guests" % s["what"])]
    if s["qemu"]:
        q = s["qemu"]
        L += ["args = dom.qemu_commandline",
              "given = [args[i + 1] for i in range(len(args) - 1) if args[i] == %s]" % literal(q["flag"]),
              "if given:",
              "    return %s(%s %% {'value': given[-1], 'flag': %s, 'what': %s})" % (
                  call(q["status"]), literal(q["say"]), literal(q["flag"]), literal(s["what"]))]
    L += _elements(s)
    skips = ["el.get(%s) != %s" % (literal(a), literal(v)) for a, v in s["segments"][-1][1]]
    skips += ["el.get(%s) in %s" % (literal(k), literal(vs)) for k, vs in s["except"]]
    none = s["none"]
    none_say = none["say"] % {"what": s["what"], "noun": s["noun"], "want": s["want"]}
    none_say += (" (domain XML: %s)" % where(s, value=None)) if none["status"] in BAD else ""
    if s["value"] is None:  # there or not: nothing to read below the element
        present = s["present"]
        L += ["for el in els:"] + sum((["    if %s:" % test, "        continue"] for test in skips), []) + [
            "    return %s(%s)" % (call(present["status"]), _say_code(s, present["raw"], None, None)),
            "return %s(%s)" % (call(none["status"]), literal(none_say))]
        return "\n".join(L) + "\n"
    L += ["found = []", "for el in els:"]
    for test in skips:
        L += ["    if %s:" % test, "        continue"]
    L += _judge(s)
    if s["first"]:
        L.append("    break")
    L += ["if not found:", "    return %s(%s)" % (call(none["status"]), literal(none_say))]
    return "\n".join(L + _verdict(s)) + "\n"


def _read(child, attr, subs, L, indent="    "):
    """An expression reading attr of child (below `el`), the child looked up once (into L)."""
    if not child:
        return "el.get(%s)" % literal(attr)
    if child not in subs:
        subs[child] = "c%d" % len(subs)
        L.append("%s%s = el.find(%s)" % (indent, subs[child], literal(child)))
    return "(%s.get(%s) if %s is not None else None)" % (subs[child], literal(attr), subs[child])


def _judge(s):
    """The loop body: the value read, its outcome found, (outcome, element, value) kept."""
    L = []
    expr = _read(s["value"][0], s["value"][1], {}, L)
    L.append("    value = %s" % (expr[1:-1] if expr.startswith("(") else expr))
    n = len(s["rules"])
    missing = "%d" % (n + 1) if "off_x86" not in s["missing"] else "%d if dom.arch in %s else %d" % (
        n + 1, literal(X86), n + 2)
    L += ["    if value is None:", "        outcome = %s" % missing]
    for i, r in enumerate(s["rules"]):
        test = _match(r["in"]) if r["in"] is not None else "True"
        if r["with"]:  # asked only of a value the rule takes
            found = "dom.find(%s) is not None" % literal(r["with"])
            test = "%s and %s" % (test, found) if r["in"] is not None else found
        if test == "True":
            L += ["    else:", "        outcome = %d" % i]
            break
        L += ["    elif %s:" % test, "        outcome = %d" % i]
    else:
        L += ["    else:", "        outcome = %d" % n]
    return L + ["    found.append((outcome, el, value))"]


def _name_lines(s, indent):
    """Lines setting `n`, the name of element `el` (the first name param that is set)."""
    L, subs = [], {}
    expr = " or ".join(_read(c, a, subs, L, indent) for c, a in s["names"])
    return L + ["%sn = %s" % (indent, expr)]


def _verdict(s):
    """The result of the kept (outcome, element, value)s: the worst outcome's message, and where
    the value is set when it is a fail or a warn. One element (the common case) is judged inline;
    names are read only for messages that show them."""
    outs = _outcomes(s)
    suffix = " (domain XML: %s)" % where(s)
    named = bool(s["names"]) and any("{items}" in raw for _, raw, _ in outs)
    L = ["", "if len(found) == 1:", "    outcome, el, value = found[0]"]
    for k, (st, raw, label) in enumerate(outs):
        tail = " + %s" % literal(suffix) if st in BAD else ""
        body = _name_lines(s, "        ") if named and "{items}" in raw else []
        body.append("        return %s(%s%s)" % (call(st), _say_code(s, raw, label, None), tail))
        if k < len(outs) - 1:
            L += ["    if outcome == %d:" % k] + body
        else:
            L += [ln[4:] for ln in body]
    if s["first"]:
        return L
    if named:
        L += ["", "def name(el):"] + _name_lines(s, "    ") + ["    return n"]
    L += ["", "def say(k, group):"]
    for k, (_st, raw, label) in enumerate(outs):
        ret = "return " + _say_code(s, raw, label)
        L += ["    if k == %d:" % k, "        " + ret] if k < len(outs) - 1 else ["    " + ret]
    return L + ["",
                "RESULT = (%s, )" % ", ".join(call(o[0]) for o in outs),
                "TAIL = %s" % literal([suffix if o[0] in BAD else "" for o in outs]),
                "RANK = %s" % literal([RANK.index(o[0]) for o in outs]),
                "worst = min(RANK[f[0]] for f in found)",
                "ks = sorted(set(f[0] for f in found if RANK[f[0]] == worst))",
                "message = '; '.join(say(k, [f for f in found if f[0] == k]) for k in ks)",
                "return RESULT[ks[0]](message + TAIL[ks[0]])"]
