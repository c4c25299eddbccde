"""The guest_element template's own scenarios: every entry that uses the template gets them, built
from its params (a guest per rule, the kinds of guests not judged, and definition files that only
an offline run reads as written)."""
import re

from kbgen.templates.common import BAD
from kbgen.templates.guest_element import _path
from kbgen.templates.guest_element_code import RANK

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
