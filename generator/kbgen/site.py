"""The documentation site's Markdown, generated from the model, beside the hand-written pages of
site/. Kept plain (headings, tables, fenced code, admonitions, content tabs) so a move away from
mkdocs-material stays cheap."""
import os
import shutil

from kbgen import scenarios as scen

HYP = {"kvm": "KVM", "xen": "Xen", "containers": "Containers"}
ROLE = {"host": "Host", "guest": "Guest"}
PROD = {"sle11": "SLE 11", "sle12": "SLE 12"}
NEEDS = {"none": "takes effect at once", "reboot": "needs a reboot", "guest-restart": "needs a guest restart",
         "service-restart": "needs a service restart"}
AREA_TITLES = {
    "process": "Before you change anything", "libvirt": "Management with libvirt", "memory": "Memory",
    "swap": "Swap", "io": "I/O", "storage": "Storage and file systems", "cpu": "CPUs", "numa": "NUMA",
    "images": "Guest images", "guest-devices": "Guest devices", "guest-settings": "Guest settings",
    "xen": "Xen", "containers": "Containers", "boot": "Boot configuration",
}


def area_title(area):
    return AREA_TITLES.get(area, area.replace("-", " ").capitalize())


def _badges(e):
    ap = e["applies"]
    parts = ["`%s`" % HYP[h] for h in ap["hypervisors"]] + ["`%s`" % ROLE[r] for r in ap["roles"]] + \
            ["`%s`" % PROD[p] for p in ap["products"]]
    return " ".join(parts)


def _fence(text, lang=""):
    text = text.rstrip("\n")
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return "%s%s\n%s\n%s\n" % (ticks, lang, text, ticks)


def _indent(text, n=4):
    return "".join((" " * n + line) if line.strip() else line for line in text.splitlines(True))


def fix_block(variant):
    out = []
    if variant.get("text"):
        out.append(variant["text"].strip() + "\n")
    if variant.get("runtime"):
        out.append("Now (runtime):\n\n" + _fence(variant["runtime"], "bash"))
    if variant.get("persistent"):
        out.append("Persistent:\n\n" + _fence(variant["persistent"], "bash"))
    if variant.get("files"):
        out.append("Changes: %s (back them up first).\n" % ", ".join("`%s`" % f for f in variant["files"]))
    out.append("This %s.\n" % NEEDS.get(variant.get("needs", "none"), variant.get("needs")))
    return "\n".join(out)


def _scenario_md(e, sc):
    exps = scen.expectations(sc["expect"])
    verdict = ", ".join("%s%s" % (x["status"].upper(), (" for `%s`" % x["subject"]) if x["subject"] else "")
                        for x in exps)
    host = sc.get("host") or {}
    facts = []
    for key in ("product", "role", "cpus", "cores", "memory", "thp", "cmdline"):
        if key in host:
            facts.append("%s `%s`" % (key, host[key]))
    for group in ("sysctl", "ksm", "disks"):
        for k, v in (host.get(group) or {}).items():
            facts.append("%s `%s` = `%s`" % (group, k, v) if group != "disks" else "disk `%s`: `%s`" % (k, v))
    if host.get("numa"):
        facts.append("%d NUMA nodes" % len(host["numa"]))
    for g in host.get("guests", []):
        desc = ", ".join("%s=%s" % (k, v) for k, v in sorted(g.items()) if k not in ("name", "xml") and not isinstance(v, (list, dict)))
        facts.append("guest `%s`%s" % (g["name"], (" (" + desc + ")") if desc else ""))
    for k in (sc.get("assume") or {}):
        facts.append("declared `%s=%s`" % (k, sc["assume"][k]))
    for p in sorted((host.get("files") or {})):
        facts.append("file `%s`" % p)
    return "| %s | %s | %s |" % (sc["name"].replace("|", "\\|"), "; ".join(facts).replace("|", "\\|") or "defaults", verdict)


def entry_page(e, model):
    ap = e["applies"]
    lines = ["---", "title: %s" % e["title"].replace(":", " -"), "tags:"]
    lines += ["  - %s" % t for t in e["tags"]]
    lines += ["---", "", "# %s" % e["title"], "", _badges(e) + " &nbsp; severity **%s** &nbsp; `%s`" % (e["severity"], e["id"]), ""]
    lines += [e["summary"], "", "## Why", "", e["rationale"], ""]
    lines += ["## Where it applies", "",
              "| Hypervisor | Role | Product |", "|---|---|---|",
              "| %s | %s | %s |" % (", ".join(HYP[h] for h in ap["hypervisors"]), ", ".join(ROLE[r] for r in ap["roles"]),
                                   ", ".join(PROD[p] for p in ap["products"])), ""]
    lines += ["## Check by hand", "", _fence(e["manual"] or "# no manual check", "bash")]
    lines += ["## What kbcheck runs", "",
              "Probe `%s` (scope: %s%s). This is the exact code of the bundled runner; `kbcheck --list` shows the same hash." % (
                  e["code_hash"], e["scope"], ", from template `%s`" % e["template"]["name"] if e["template"] else ""), "",
              _fence(e["code"], "python")]
    lines += ["Run just this check:", "", _fence("kbcheck --id %s" % e["id"], "bash")]
    lines += ["## Fix", ""]
    fix = e["fix"]
    for p in ("sle12", "sle11"):
        v = fix.get(p) or fix.get("all")
        if v and p in ap["products"]:
            lines.append('=== "%s"' % PROD[p])
            lines.append("")
            lines.append(_indent(fix_block(v)))
    lines += ["## Scenarios", "", "The host states kbcheck's test suite judges with this probe:", "",
              "| Scenario | Host | Verdict |", "|---|---|---|"]
    lines += [_scenario_md(e, sc) for sc in e["scenarios"]]
    lines += ["", "## Source", ""]
    recs = model.recommendations
    lines.append("SUSE Linux Enterprise Server 12 SP5 *Virtualization Best Practices*, section %s." % e["section"])
    lines.append("")
    for rid in e["covers"]:
        r = recs[rid]
        lines.append("- [`%s`](../../coverage.md#%s) (%s): %s" % (rid, rid.lower().replace(".", ""), r["kind"], r["text"]))
    lines.append("")
    lines.append("Defined in `%s`." % e["file"])
    return "\n".join(lines) + "\n"


def area_page(area, entries):
    lines = ["# %s" % area_title(area), "", "| Entry | What to do | Applies to | Covers |", "|---|---|---|---|"]
    for e in entries:
        lines.append("| [%s](%s.md) | %s | %s | %s |" % (e["title"], e["id"], e["summary"].split("\n")[0].replace("|", "\\|"),
                                                     _badges(e), ", ".join(e["covers"])))
    return "\n".join(lines) + "\n"


def coverage_page(model):
    lines = ["# Coverage", "", "Every recommendation of the guide, with the entries that implement it.", "",
             "| ID | Section | Kind | Recommendation | Entries |", "|---|---|---|---|---|"]
    for rid, r in model.recommendations.items():
        es = model.covering(rid)
        links = ", ".join("[%s](entries/%s/%s.md)" % (e["id"], e["area"], e["id"]) for e in es) or "**not covered**"
        lines.append('| <span id="%s"></span>`%s` | %s | %s | %s | %s |' % (
            rid.lower().replace(".", ""), rid, r["section"], r["kind"], r["text"].replace("|", "\\|"), links))
    covered = sum(1 for rid in model.recommendations if model.covering(rid))
    lines += ["", "%d of %d recommendations covered by %d entries." % (covered, len(model.recommendations), len(model.entries))]
    return "\n".join(lines) + "\n"


def write_docs(model, site_src, out_dir, catalog, extra_pages=None):
    """Copy the hand-written site/ and write every generated page into out_dir."""
    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir)
    if os.path.isdir(site_src):
        shutil.copytree(site_src, out_dir)
    else:
        os.makedirs(out_dir)
    pages = {}
    by_area = {}
    for e in model.entries:
        by_area.setdefault(e["area"], []).append(e)
        pages["entries/%s/%s.md" % (e["area"], e["id"])] = entry_page(e, model)
    for area, es in by_area.items():
        pages["entries/%s/index.md" % area] = area_page(area, es)
    pages["coverage.md"] = coverage_page(model)
    pages.update(extra_pages or {})
    for rel, text in pages.items():
        p = os.path.join(out_dir, rel)
        if not os.path.isdir(os.path.dirname(p)):
            os.makedirs(os.path.dirname(p))
        with open(p, "w") as f:
            f.write(text)
    return pages
