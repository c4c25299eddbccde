"""An entry's fix as people read it: which variant applies (per product, and inside a guest where
an entry has one), and the same text for `kbcheck explain`, `--show-fix` and the site, with the
result's subject filled in by the one quoting rule (kbcheck.shellquote)."""
from kbcheck import shellquote

GUEST_ROLES = frozenset(("kvm_guest", "xen_guest"))
HOST_ROLES = frozenset(("kvm_host", "xen_dom0", "container_host"))
# variant keys, in the order the site and explain show them
KEYS = ("sle11", "sle12", "all", "sle11-guest", "sle12-guest", "all-guest")
LABELS = {"sle11": "SLE 11", "sle12": "SLE 12", "all": "all products",
          "sle11-guest": "SLE 11, inside a guest", "sle12-guest": "SLE 12, inside a guest",
          "all-guest": "inside a guest"}
NEEDS = {"reboot": "reboot the host", "guest-restart": "restart the guest (shut down, then start)",
         "service-restart": "restart the service"}


def on_guest(roles):
    """True when the judged machine is a guest (a guest role and no host role)."""
    roles = set(roles or ())
    return bool(roles & GUEST_ROLES) and not roles & HOST_ROLES


def fix_of(entry):
    """The fix dict of a kbcheck.catalog.Entry, or of an entry's dict (the model, the catalog)."""
    if isinstance(entry, dict):
        return entry.get("fix") or {}
    return getattr(entry, "fix", None) or {}


def variant_key(fix, era, roles=None):
    keys = ([era + "-guest", "all-guest"] if on_guest(roles) else []) + [era, "all"]
    for k in keys:
        if fix.get(k):
            return k
    return None


def variant(entry, era, roles=None):
    """The fix variant for this product (and role): <era>-guest, all-guest inside a guest, then
    <era>, then all."""
    fix = fix_of(entry)
    k = variant_key(fix, era, roles)
    return fix[k] if k else None


def shown(fix):
    """[(key, label)] of the variants an entry has, in display order."""
    eras = [k for k in KEYS if fix.get(k)]
    return [(k, ("other products" if k == "all" and len(eras) > 1 else LABELS[k])) for k in eras]


def filled(code, subject=None, placeholder="GUEST", kind="guest"):
    """A snippet with the subject filled in as one quoted word; (snippet, None) or, when the subject
    cannot be made safe, (the snippet unfilled, why)."""
    if subject is None or placeholder not in code:
        return code, None
    try:
        return shellquote.fill(code, placeholder, subject, kind), None
    except shellquote.Unsafe as e:
        return code, str(e)


def sections(v, subject=None, placeholder="GUEST", kind="guest"):
    """[(key, label, code)] of a variant's runtime and persistent commands, the subject filled in,
    and [why the subject could not be filled in]: what explain, --show-fix and the site show."""
    out, notes = [], []
    for key, label in (("runtime", "now (runtime)"), ("persistent", "persistent")):
        if v.get(key):
            code, why = filled(v[key].rstrip(), subject, placeholder, kind)
            if why and why not in notes:
                notes.append(why)
            out.append((key, label, "\n".join(shellquote.printable(line) for line in code.split("\n"))))
    return out, notes


def render(v, subject=None, placeholder="GUEST", kind="guest"):
    """A variant as plain text: what it does, the runtime and persistent commands, the files and
    what must follow. Every line is visible text (safe for a terminal)."""
    if not v:
        return ""
    out = []
    if v.get("text"):
        text = v["text"].strip()
        if subject is not None:
            text = text.replace(placeholder, shellquote.visible(subject))
        out.append(text)
    parts, notes = sections(v, subject, placeholder, kind)
    for _, label, code in parts:
        out.append("# %s" % label)
        out.append(code)
    for why in notes:
        out.append("# %s not filled in: %s" % (placeholder, why))
    if v.get("files"):
        out.append("# changes: %s" % ", ".join(v["files"]))
    if v.get("needs") and v["needs"] != "none":
        out.append("# then: %s" % NEEDS.get(v["needs"], v["needs"]))
    return "\n".join(shellquote.printable(line) for line in "\n".join(out).splitlines()) + "\n"


def text_for(entry, era, roles=None, subject=None):
    """The fix of an entry for this host as text (`--show-fix`), the subject filled in for
    guest-scope entries."""
    scope = entry.get("scope") if isinstance(entry, dict) else getattr(entry, "scope", None)
    return render(variant(entry, era, roles), subject if scope == "guest" else None)
