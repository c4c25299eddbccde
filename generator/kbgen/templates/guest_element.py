"""Template `guest_element`: an element of each libvirt guest, or one of its attributes, judged
against sets of values (guest scope: the probe runs once per guest, with `dom`).

    element: devices/disk            the elements judged (an ElementTree path from <domain>;
                                     [@attr='value'] predicates allowed)
    value: target/@bus               the attribute judged, below the element; without `value`,
                                     only whether such an element is there (`present` / `none`)
    except: {device: [cdrom]}        elements left out: an attribute with one of these values
    first: true                      judge the first such element only (the primary one)
    name: [target/@dev, source/@file]  how an element is named in messages (first that is set)
    noun: disk                       counted in messages (default: the element's name)
    what: disk bus                   what the value is, in messages
    rules: [{in: [virtio], status: pass, say: ..., with: PATH, example: VALUE}, ...]
                                     first match wins; `in` values ending in * match as prefixes;
                                     no `in`: any value; `with`: only when PATH (from <domain>)
                                     is in the guest too; `example`: a value for the template's
                                     scenarios (for a rule without `in`)
    otherwise: {status, say}         a value no rule matches (default: fail)
    missing: {status, say, label, off_x86: {...}}
                                     an element without the attribute (label: what stands for the
                                     value; off_x86: the outcome on other architectures)
    present: {status, say}           without `value`: such an element is there (default: pass)
    none: {status, say}              the guest has no such element (default: skip)
    qemu_arg: {flag: -k, status, say}  the setting given to QEMU behind libvirt's back
                                     (<qemu:commandline>): judged first
    guests: {hypervisors: [kvm], os: [hvm], arch: x86}
                                     the guests judged; the others are skipped, saying why

Messages (`say`) may use {count} (the group's elements, counted), {items} (named elements with
their values), {value} (the values), {what}, {noun} and {want} (what it should be); the qemu_arg
one {value} and {flag}. A fail or warn message ends with where the value is set in the domain
XML. The template owns scenarios: a guest per rule, per outcome and per skipped kind of guest.
"""
import re

from kbgen.templates.common import BAD, Params, TemplateError, call, literal, message, status

SCOPE = "guest"
KNOWN = ("element", "value", "except", "first", "name", "noun", "what", "rules", "otherwise", "missing",
         "present", "none", "qemu_arg", "guests")
OUTCOME = ("status", "say", "label")
RANK = ("fail", "warn", "info", "pass")
X86 = ("x86_64", "i686", "i386", None)
SAY_KEYS = ("count", "items", "value", "what", "noun", "want")
_SEG = re.compile(r"^([A-Za-z_][\w.-]*)((?:\[@[A-Za-z_][\w.-]*='[^'\"\[\]%]*'\])*)$")
_PRED = re.compile(r"\[@([A-Za-z_][\w.-]*)='([^']*)'\]")
_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")
_HYPERVISOR = {"kvm": "KVM", "xen": "Xen", "lxc": "LXC"}


def _path(text, field, predicates=True):
    """'devices/controller[@type='scsi']' -> [(name, [(attr, value)])]."""
    if not isinstance(text, str) or not text:
        raise TemplateError(field, "a path of element names, e.g. devices/disk")
    out = []
    for seg in text.split("/"):
        m = _SEG.match(seg)
        if not m or (m.group(2) and not predicates):
            raise TemplateError(field, "%r is not an element name%s" % (seg, " with [@attr='value'] predicates"
                                                                        if predicates else ""))
        out.append((m.group(1), _PRED.findall(m.group(2))))
    return out


def _attr_path(text, field):
    """'target/@bus' -> ('target', 'bus'); '@keymap' -> ('', 'keymap')."""
    if not isinstance(text, str) or "@" not in text:
        raise TemplateError(field, "the value is an attribute: target/@bus, @keymap")
    child, _, attr = text.rpartition("@")
    child = child.rstrip("/")
    if not _NAME.match(attr) or child and any(not _NAME.match(s) for s in child.split("/")):
        raise TemplateError(field, "%r: element names and one @attribute, e.g. target/@bus" % text)
    return child, attr


def _outcome(p, key, default_status, default_raw, label=None, allowed=SAY_KEYS):
    """An outcome param ({status, say, label}) -> {status, raw (the entry's words), say (compiled), label}."""
    sub = p.sub(key, OUTCOME + (("off_x86",) if key == "missing" else ()), default={})
    raw = sub.get("say", default_raw, str)
    out = {"status": status(sub, "status", default_status), "raw": raw, "label": sub.get("label", label, str),
           "say": message(sub, "say", default_raw, allowed)}
    if key == "missing" and "off_x86" in sub.data:
        out["off_x86"] = _outcome(sub, "off_x86", out["status"], raw, out["label"])
    return out


def spec(params, entry):
    """The params, checked and completed with their defaults."""
    p = Params(params, KNOWN)
    s = {"element": p.get("element", kind=str, required=True)}
    s["segments"] = _path(s["element"], p.field("element"))
    s["value"] = _attr_path(p.data["value"], p.field("value")) if "value" in p.data else None
    last = s["segments"][-1][0]
    s["noun"] = p.get("noun", last, str)
    s["what"] = p.get("what", s["value"][1] if s["value"] else last, str)
    s["first"] = p.get("first", False, bool)
    s["names"] = [_attr_path(n, p.field("name", i)) for i, n in enumerate(p.get("name", [], list))]
    s["except"] = []
    for k, vs in sorted((p.get("except", {}, dict)).items()):
        if not _NAME.match(k) or not isinstance(vs, list) or not all(isinstance(v, str) for v in vs):
            raise TemplateError(p.field("except", k), "except: {attribute: [values]}")
        s["except"].append((k, tuple(vs)))
    g = p.sub("guests", ("hypervisors", "os", "arch"), default={})
    hyps = [h for h in (entry.get("applies") or {}).get("hypervisors", ["kvm"]) if h != "containers"] or ["kvm"]
    s["hypervisors"] = tuple(g.get("hypervisors", hyps, list))
    s["os"] = tuple(g.get("os", [], list)) or None
    s["x86"] = g.get("arch", None, str) == "x86"
    if g.get("arch") not in (None, "x86"):
        raise TemplateError(g.field("arch"), "arch: x86 (or leave it out)")
    s["rules"], want = [], []
    if s["value"] is None:
        for k in ("rules", "otherwise", "missing"):
            if k in p.data:
                raise TemplateError(p.field(k), "%s judges a value: give `value` too" % k)
        s["present"] = _outcome(p, "present", "pass", "{what} present")
    else:
        rules = p.get("rules", kind=list, required=True)
        for i, r in enumerate(rules):
            rp = Params(r, ("in", "status", "say", "with", "example"), p.field("rules", i))
            values = rp.get("in", None, list)
            if values is not None and (not values or not all(isinstance(v, str) for v in values)):
                raise TemplateError(rp.field("in"), "in: a list of values (strings; quote numbers)")
            if s["rules"] and s["rules"][-1]["in"] is None:
                raise TemplateError(rp.where, "the rule before matches every value: this one is never used")
            st = status(rp, "status", "pass")
            rule = {"in": tuple(values) if values is not None else None, "status": st,
                    "with": rp.get("with", None, str), "example": rp.get("example", None, str)}
            if rule["with"]:
                _path(rule["with"], rp.field("with"))
            if values is not None and st not in BAD:
                want.append(" or ".join(values) + (" with %s" % rule["with"] if rule["with"] else ""))
            default = "{what} {items}" if st not in BAD else "{what} {items}; it should be {want}"
            rule["say"] = message(rp, "say", default, SAY_KEYS)
            rule["raw"] = rp.get("say", default, str)
            s["rules"].append(rule)
        s["otherwise"] = _outcome(p, "otherwise", "fail", "{what} {items}; it should be {want}")
        s["missing"] = _outcome(p, "missing", s["otherwise"]["status"], s["otherwise"]["raw"], "not set")
    s["want"] = ", or ".join(want) or "set"
    s["none"] = _outcome(p, "none", "skip", "no {noun} in the domain XML", allowed=("what", "noun", "want"))
    q = p.sub("qemu_arg", ("flag", "status", "say"))
    s["qemu"] = None
    if q is not None:
        s["qemu"] = {"flag": q.get("flag", kind=str, required=True), "status": status(q, "status", "warn"),
                     "say": message(q, "say", "{what} {value} given with {flag} in <qemu:commandline>, behind "
                                    "libvirt's back; set it in the domain XML", ("value", "flag", "what"))}
    for k in ("what", "noun"):
        if "%" in s[k] or "\n" in s[k]:
            raise TemplateError(p.field(k), "plain words, no % and no newline")
    return s


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


def manual(s):
    last = s["segments"][-1][0]
    if s["qemu"]:
        return 'virsh dumpxml GUEST | grep -E "<%s|qemu:arg"\n' % last
    return 'virsh dumpxml GUEST | grep -A4 "<%s"\n' % last


def fix(s, entry):
    good = [r for r in s["rules"] if r["status"] == "pass" and r["in"]]
    if s["value"] is not None and good:
        sample = good[0]["in"][0].rstrip("*")
        what = "set %s" % where(s, sample) + (" (and %s)" % good[0]["with"] if good[0]["with"] else "")
    else:
        what = "add %s" % where(s, value=None)
    return {"all": {"text": "With `virsh edit GUEST`, %s%s. The guest sees the change at its next start.\n"
                            % (what, " in every %s" % s["noun"] if not s["first"] else ""),
                    "persistent": "virsh edit GUEST", "needs": "guest-restart"}}


# -- the template's own scenarios -----------------------------------------------------------------
QEMU_NS = "http://libvirt.org/schemas/domain/qemu/1.0"
OFFLINE = ("libvirt fills in defaults for absent elements and attributes (a disk's bus from its target "
           "name, a video device beside graphics) and refuses values it does not know: these guests "
           "show what a definition file can hold, read from the file")


def _sample(s, i):
    """A value of rule i that no earlier rule takes (None when there is none)."""
    r = s["rules"][i]
    values = r["in"] if r["in"] is not None else (r["example"] or "kbcheck-example",)
    for v in values:
        v = v.rstrip("*")
        if all(not _takes(s["rules"][j], v, r["with"] is not None) for j in range(i)):
            return v
    return None


def _takes(rule, value, with_present):
    if rule["with"] and not with_present:
        return False
    if rule["in"] is None:
        return True
    return any(value.startswith(v[:-1]) if v.endswith("*") else value == v for v in rule["in"])


def _edit(s, name, kind="kvm", value=None, unset=False, none=False, exclude=False, with_path=None,
          extra=None, second=None):
    """A scenario guest: virt-install's default guest of `kind`, its judged elements changed."""
    import xml.etree.ElementTree as ET

    from kbgen import guestxml
    ET.register_namespace("qemu", QEMU_NS)
    g = dict(extra or {}, name=name)
    if kind == "xen-pv":
        g.update(type="xen", os="linux")
    elif kind != "kvm":
        g["type"] = kind
    root = ET.fromstring(guestxml.expand(g))
    if kind == "lxc" or kind == "xen-pv":
        return {"name": name, "xml": ET.tostring(root, encoding="unicode")}
    parents = dict((c, p) for p in root.iter() for c in p)
    targets = [el for el in root.findall(s["element"])
               if not any(el.get(k) in vs for k, vs in s["except"])][:1 if s["first"] and not none else None]
    if none:
        for el in targets:
            parents[el].remove(el)
    else:
        if not targets:
            targets = [_make(root, s["segments"], always_last=True)]
        if second is not None:  # a second element beside the first, of value `second`
            import copy
            twin = copy.deepcopy(targets[0])
            parent = parents.get(targets[0], root)
            parent.insert(list(parent).index(targets[0]) + 1, twin) if targets[0] in parents else parent.append(twin)
            _set(s, twin, second)
        for el in targets:
            if exclude:
                el.set(s["except"][0][0], s["except"][0][1][0])
            if s["value"] is not None:
                if unset:
                    child, attr = s["value"]
                    (_make(el, [(c, []) for c in child.split("/") if c]) if child else el).attrib.pop(attr, None)
                elif value is not None:
                    _set(s, el, value)
    if with_path:
        _make(root, _path(with_path, ()), always_last=True)
    return {"name": name, "xml": ET.tostring(root, encoding="unicode")}


def _set(s, el, value):
    child, attr = s["value"]
    (_make(el, [(c, []) for c in child.split("/") if c]) if child else el).set(attr, value)


def _make(base, segments, always_last=False):
    """Find or create the element path below base (the last one always created when asked)."""
    import xml.etree.ElementTree as ET
    el = base
    for i, (n, preds) in enumerate(segments):
        last = i == len(segments) - 1
        found = None if last and always_last else next(
            (c for c in el.findall(n) if all(c.get(a) == v for a, v in preds)), None)
        el = found if found is not None else ET.SubElement(el, n, dict(preds))
    return el


def _expect(name, st):
    e = {"subject": name, "status": st}
    if st in BAD:
        e["message"] = "(domain XML: "
    return e


def scenarios(s, entry):
    """[scenario]: every guest of the first through libvirt as well; the second from files only."""
    kind = "kvm" if "kvm" in s["hypervisors"] else s["hypervisors"][0]
    served, skipped, offline = [], [], []
    if s["value"] is None:
        served.append((_edit(s, "present", kind), s["present"]["status"]))
    for i, r in enumerate(s["rules"]):
        v = _sample(s, i)
        if v is None:
            continue
        name = "value-" + re.sub(r"[^A-Za-z0-9_.-]+", "-", v)
        served.append((_edit(s, name, kind, value=v, with_path=r["with"]), r["status"]))
        if r["with"]:
            outcome = next((x["status"] for x in s["rules"][i + 1:] if _takes(x, v, False)), s["otherwise"]["status"])
            served.append((_edit(s, name + "-alone", kind, value=v), outcome))
    others = [h for h in ("kvm", "xen", "lxc") if h not in s["hypervisors"]]
    if others:
        skipped.append((_edit(s, "other-hypervisor", others[0]), "skip"))
    if s["os"] and "xen" in s["hypervisors"] and "linux" not in s["os"]:
        skipped.append((_edit(s, "xen-pv", "xen-pv"), "skip"))
    if s["x86"]:
        skipped.append((_edit(s, "aarch64", kind, extra={"arch": "aarch64"}), "skip"))
    if s["value"] is not None:
        anything = [x["status"] for x in s["rules"] if x["in"] is None and not x["with"]]
        offline.append((_edit(s, "unknown-value", kind, value="kbcheck-unknown-value"),
                        (anything or [s["otherwise"]["status"]])[0]))
        offline.append((_edit(s, "unset", kind, unset=True), s["missing"]["status"]))
        good = [i for i, r in enumerate(s["rules"]) if r["status"] not in BAD and r["in"] and not r["with"]]
        if not s["first"] and good and not anything and _sample(s, good[0]) is not None:
            statuses = [s["rules"][good[0]]["status"], s["otherwise"]["status"]]
            offline.append((_edit(s, "two-elements", kind, value=_sample(s, good[0]), second="kbcheck-unknown-value"),
                            min(statuses, key=lambda x: RANK.index(x) if x in RANK else len(RANK))))
        if "off_x86" in s["missing"] and not s["x86"]:
            offline.append((_edit(s, "unset-aarch64", kind, unset=True, extra={"arch": "aarch64"}),
                            s["missing"]["off_x86"]["status"]))
    offline.append((_edit(s, "none", kind, none=True), s["none"]["status"]))
    if s["except"]:
        offline.append((_edit(s, "left-out", kind, exclude=True), s["none"]["status"]))
    def scenario(what, guests, **more):
        return dict({"name": "template guest_element: " + what, "host": {"guests": [g for g, _ in guests]},
                     "expect": [_expect(g["name"], st) for g, st in guests]}, **more)
    out = [scenario("one guest per rule", served)]
    if skipped:
        out.append(scenario("guests of the kinds not judged", skipped))
    out.append(scenario("values no rule knows, unset, no such element (definition files)", offline, offline=OFFLINE))
    if s["qemu"]:
        g = _edit(s, "qemu-arg", kind, extra={"qemu_args": [s["qemu"]["flag"], "kbcheck-qemu-value"]})
        e = dict(_expect("qemu-arg", s["qemu"]["status"]), message="kbcheck-qemu-value")
        out.append({"name": "template guest_element: the setting given on the QEMU command line",
                    "host": {"guests": [g]}, "expect": [e]})
    return out
