"""`kbcheck explain ID`: an entry in the terminal, from the compiled catalog."""
import textwrap

PRODUCT_NAMES = {"sle11": "SLE 11", "sle12": "SLE 12", "all": "all products"}


def fix_text(entry, era):
    """The fix variant for this era as plain text (runtime and persistent steps, what it needs)."""
    fix = entry.data.get("fix") or {}
    v = fix.get(era) or fix.get("all")
    if not v:
        return ""
    out = []
    if v.get("text"):
        out.append(v["text"].strip())
    for key, label in (("runtime", "now (runtime)"), ("persistent", "persistent")):
        if v.get(key):
            out.append("# %s" % label)
            out.append(v[key].rstrip())
    if v.get("needs") and v["needs"] != "none":
        out.append("# then: %s" % {"reboot": "reboot the host", "guest-restart": "restart the guest",
                                     "service-restart": "restart the service"}.get(v["needs"], v["needs"]))
    return "\n".join(out) + "\n"


def _wrap(text, indent="  "):
    paras = [p.strip() for p in (text or "").strip().split("\n\n") if p.strip()]
    return "\n\n".join(textwrap.fill(" ".join(p.split()), 96, initial_indent=indent, subsequent_indent=indent)
                       if not p.lstrip().startswith(("-", "*", "```", "|")) else textwrap.indent(p, indent)
                       for p in paras)


def render(e, catalog):
    d = e.data
    ap = d.get("applies", {})
    recs = catalog.recommendations
    lines = ["%s: %s" % (e.id, e.title), "=" * min(100, len(e.id) + len(e.title) + 2), ""]
    lines.append("Guide section %s; covers %s; severity %s; tags %s" % (
        e.section, ", ".join(e.covers), e.severity, ", ".join(e.tags)))
    lines.append("Applies to: %s; %s; %s" % (
        ", ".join(ap.get("hypervisors", [])), ", ".join(ap.get("roles", [])),
        ", ".join(PRODUCT_NAMES.get(p, p) for p in ap.get("products", []))))
    lines.append("")
    lines.append("What to do")
    lines.append(_wrap(d.get("summary", "")))
    lines.append("")
    lines.append("Why")
    lines.append(_wrap(d.get("rationale", "")))
    lines.append("")
    for rid in e.covers:
        if rid in recs:
            lines.append("  %s (%s, %s): %s" % (rid, recs[rid].get("kind"), recs[rid].get("section"), recs[rid].get("text")))
    lines.append("")
    lines.append("Check by hand")
    lines.append(textwrap.indent((d.get("manual") or "").rstrip(), "  $ ") if d.get("manual") else "  (no manual check)")
    lines.append("")
    for era in ("sle11", "sle12", "all"):
        t = fix_text(e, era)
        if t and (era != "all" or not any(fix_text(e, x) for x in ("sle11", "sle12"))):
            lines.append("Fix (%s)" % PRODUCT_NAMES[era])
            lines.append(textwrap.indent(t.rstrip(), "  "))
            lines.append("")
    lines.append("Probe %s (scope %s), from %s" % (e.code_hash[:12], e.scope, e.source_file))
    lines.append("Run just this check: kbcheck --id %s" % e.id)
    return "\n".join(lines) + "\n"
