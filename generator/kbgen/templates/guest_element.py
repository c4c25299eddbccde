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

from kbgen.templates import guest_element_code as gen
from kbgen.templates.common import BAD, Params, TemplateError, message, status

SCOPE = "guest"
KNOWN = ("element", "value", "except", "first", "name", "noun", "what", "rules", "otherwise", "missing",
         "present", "none", "qemu_arg", "guests")
OUTCOME = ("status", "say", "label")
SAY_KEYS = ("count", "items", "value", "what", "noun", "want")
_SEG = re.compile(r"^([A-Za-z_][\w.-]*)((?:\[@[A-Za-z_][\w.-]*='[^'\"\[\]%]*'\])*)$")
_PRED = re.compile(r"\[@([A-Za-z_][\w.-]*)='([^']*)'\]")
_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")


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


def manual(s):
    last = s["segments"][-1][0]
    if s["qemu"]:
        return 'virsh dumpxml GUEST | grep -E "<%s|qemu:arg"\n' % last
    return 'virsh dumpxml GUEST | grep -A4 "<%s"\n' % last


def fix(s, entry):
    good = [r for r in s["rules"] if r["status"] == "pass" and r["in"]]
    if s["value"] is not None and good:
        sample = good[0]["in"][0].rstrip("*")
        what = "set %s" % gen.where(s, sample) + (" (and %s)" % good[0]["with"] if good[0]["with"] else "")
    else:
        what = "add %s" % gen.where(s, value=None)
    return {"all": {"text": "With `virsh edit GUEST`, %s%s. The guest sees the change at its next start.\n"
                            % (what, " in every %s" % s["noun"] if not s["first"] else ""),
                    "persistent": "virsh edit GUEST", "needs": "guest-restart"}}


def code(s):
    return gen.code(s)


def scenarios(s, entry):
    from kbgen.templates import guest_element_scenarios
    return guest_element_scenarios.scenarios(s, entry)
