"""The documentation site's Markdown, generated from the model, beside the hand-written pages of
site/. Kept plain (headings, tables, fenced code, admonitions, content tabs) so a move away from
mkdocs-material stays cheap: the only material-specific syntax is `=== "tab"` and front matter.

Pages written here: one per entry (entries/<area>/<id>.md), one per area (entries/<area>/index.md),
the list of areas (entries/index.md) and the coverage page. More pages (home parts, tags, matrix,
CLI reference, ...) come from kbgen/pages.py through write_docs(extra_pages=...).
"""
import json
import os
import shutil
import subprocess
import sys

from kbgen.areas import AREA_TITLES, area_title, areas_in_guide_order, section_key  # noqa: F401
from kbgen import scenarios as scen
from kbgen import recorded, searchkeys

HYP = {"kvm": "KVM", "xen": "Xen", "containers": "Containers"}
ROLE = {"host": "Host", "guest": "Guest"}
PROD = {"sle11": "SLE 11", "sle12": "SLE 12"}
NEEDS = {"none": "takes effect at once", "reboot": "needs a reboot", "guest-restart": "needs a guest restart",
         "service-restart": "needs a service restart"}
NAV_FILE = ".kbgen-nav.json"  # read by site/hooks.py; dot files are not part of the built site


class SiteError(Exception):
    """A page could not be generated; the message names the entry's file."""


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


def _code(value):
    """Any value as one inline code span: shown as it is, markup and all (a guest's raw
    `domain_xml` would otherwise be taken for HTML tags, and vanish from the page)."""
    text = " ".join(str(value).split())
    longest, run = 0, 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return "%s%s%s%s%s" % (ticks, pad, text, pad, ticks)


def _text(value):
    """Plain text from a scenario (its name, an expected message) as Markdown shows it: no HTML
    tag of its own (`<memnode>` stays visible), no emphasis."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("*", "\\*")


def _cell(text):
    """One line of text, safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def fix_block(variant):
    """A fix variant as Markdown: the same commands `kbcheck explain` and `--show-fix` show
    (kbcheck.fixview)."""
    from kbcheck import fixview
    out = []
    if variant.get("text"):
        out.append(variant["text"].strip() + "\n")
    parts, _ = fixview.sections(variant)
    for key, _, code in parts:
        out.append("%s:\n\n" % {"runtime": "Now (runtime)", "persistent": "Persistent"}[key] + _fence(code, "bash"))
    if variant.get("files"):
        out.append("Changes: %s (back them up first).\n" % ", ".join("`%s`" % f for f in variant["files"]))
    out.append("This %s.\n" % NEEDS.get(variant.get("needs", "none"), variant.get("needs")))
    return "\n".join(out)


def _scenario_facts(sc):
    host = sc.get("host") or {}
    facts = []
    for key in ("product", "role", "cpus", "cores", "sockets", "memory", "thp", "cmdline"):
        if key in host:
            facts.append("%s %s" % (key, _code(host[key])))
    for group in ("sysctl", "ksm", "disks"):
        for k, v in (host.get(group) or {}).items():
            facts.append("%s %s = %s" % (group, _code(k), _code(v)) if group != "disks" else
                         "disk %s: %s" % (_code(k), _code(v)))
    if host.get("numa"):
        facts.append("%d NUMA nodes" % len(host["numa"]))
    for g in host.get("guests", []):
        desc = ", ".join("%s=%s" % (k, _code(v)) for k, v in sorted(g.items())
                         if k not in ("name", "xml") and not isinstance(v, (list, dict)))
        facts.append("guest %s%s" % (_code(g["name"]), (" (" + desc + ")") if desc else ""))
    for k in (sc.get("assume") or {}):
        facts.append("declared %s" % _code("%s=%s" % (k, sc["assume"][k])))
    for p in sorted((host.get("files") or {})):
        facts.append("file %s" % _code(p))
    return facts


def _scenario_md(e, sc):
    exps = scen.expectations(sc["expect"])
    verdict = ", ".join("%s%s" % (x["status"].upper(), (" for %s" % _code(x["subject"])) if x["subject"] else "")
                        for x in exps)
    return "| %s | %s | %s |" % (_cell(_text(sc["name"])), _cell("; ".join(_scenario_facts(sc)) or "defaults"),
                                 _cell(verdict))


def _template_md(e):
    """Which template an entry uses, and its params (the code below is their expansion)."""
    if not e["template"]:
        return []
    import yaml
    params = yaml.safe_dump(e["template"]["params"], default_flow_style=None, sort_keys=False, allow_unicode=True,
                            width=100)
    return ["This entry uses the template `%s` ([Extending kbcheck](../../extending.md#add-a-template) says how "
            "templates work) with these params:" % e["template"]["name"], "",
            _fence("check:\n  template: %s\n  params:\n%s" % (e["template"]["name"], _indent(params, 4)), "yaml")]


def failing_examples(e):
    """The scenarios where the entry reports a problem: [(scenario, [expectation])] (its own, not
    the ones its template adds)."""
    out = []
    for sc in e["scenarios"]:
        if sc.get("template"):
            continue
        bad = [x for x in scen.expectations(sc["expect"]) if x["status"] in ("fail", "warn")]
        if bad:
            out.append((sc, bad))
    return out


def _failing_md(e):
    examples = failing_examples(e)
    if not examples:
        return ["This entry gives advice only; none of its test scenarios is judged a failure.", ""]
    lines = ["kbcheck reports a problem on hosts like these (from the entry's test scenarios):", ""]
    for sc, bad in examples:
        facts = _scenario_facts(sc)
        lines.append("- **%s**%s" % (_text(sc["name"]), (": " + "; ".join(facts)) if facts else ""))
        for x in bad:
            lines.append("    - %s%s%s" % (x["status"].upper(), (" for %s" % _code(x["subject"])) if x["subject"] else "",
                                           (", the message says: *…%s…*" % _text(x["message"]))
                                           if x.get("message") else ""))
    lines.append("")
    return lines


def _recorded_md(e):
    """What kbcheck prints on the host of the first failing scenario, run when the site is built."""
    examples = failing_examples(e)
    text = recorded.run_text(e, examples[0][0]) if examples else None
    if not text:
        return []
    return ["What `kbcheck --id %s -v` prints on the host of the scenario *%s* (run when this site was "
            "built, from the entry's own scenario):" % (e["id"], examples[0][0]["name"].replace("*", "\\*")), "",
            _fence(text, "text")]


def _front_matter(e):
    # JSON strings are valid YAML scalars: any title survives, colons and quotes included.
    lines = ["---", "title: %s" % json.dumps(e["title"]), "tags:"]
    lines += ["  - %s" % json.dumps(t) for t in e["tags"]]
    lines += ["search:", "  boost: 2"]
    keys = searchkeys.entry_keys(e)
    if keys:  # site/hooks.py: the `keys` search field of the page's first section
        lines.append("search_keys: %s" % json.dumps(keys))
    return lines + ["---", ""]


_INPUTS_MD = {}


def _inputs_md(e):
    """What the entry reads and which sources hold it: from its probe and the spec table (kbgen.inputs);
    made once per set of inputs (many entries read the same ones)."""
    names = tuple(e.get("inputs") or ())
    if names not in _INPUTS_MD:
        _INPUTS_MD[names] = _inputs_lines(names)
    return list(_INPUTS_MD[names])


def _inputs_lines(names):
    from kbcheck import specs
    from kbgen import inputs
    lines = ["## What it reads, and from where", ""]
    if not names:
        return lines + ["Nothing beyond what kbcheck detects about the host (product and role).", ""]
    lines.append("Inputs: %s." % "; ".join("`%s` (%s)" % (n, specs.table()[n].doc) for n in names))
    lines += ["", "| Source | Judged from |", "|---|---|"]
    for source, cov in inputs.coverage(names).items():
        if not cov["missing"] and not cov["partial"]:
            how = "all its inputs"
        else:
            bits = []
            if cov["missing"]:
                bits.append("without %s (never collected there)" % ", ".join("`%s`" % n for n in cov["missing"]))
            if cov["partial"]:
                bits.append("; ".join("`%s` in part: %s" % p for p in cov["partial"]))
            how = "; ".join(bits)
        lines.append("| %s | %s |" % (specs.SOURCE_LABELS[source], _cell(how)))
    return lines + ["", "Where an input is not in a copy, the result says so (a skip naming it), never a verdict "
                    "on a guess.", ""]


def _mark(flag):
    return "yes" if flag else "–"


def entry_page(e, model):
    ap = e["applies"]
    lines = _front_matter(e)
    # The first paragraph is what search results show: make it the advice itself.
    lines += ["# %s" % e["title"], "", "**What to do:** " + e["summary"], "",
              "%s &nbsp; severity **%s** &nbsp; id `%s`" % (_badges(e), e["severity"], e["id"]), ""]
    lines += ["## Why", "", e["rationale"], ""]
    lines += ["## Where it applies", "",
              "| KVM | Xen | Containers | Host | Guest | SLE 11 | SLE 12 |", "|---|---|---|---|---|---|---|",
              "| %s |" % " | ".join([_mark(h in ap["hypervisors"]) for h in ("kvm", "xen", "containers")] +
                                   [_mark(r in ap["roles"]) for r in ("host", "guest")] +
                                   [_mark(p in ap["products"]) for p in ("sle11", "sle12")]), ""]
    if e["scope"] == "guest":
        lines += ["kbcheck judges every libvirt guest of the host separately.", ""]
    lines += _inputs_md(e)
    lines += ["## Check by hand", "", _fence(e["manual"] or "# no manual check", "bash")]
    lines += ["## What kbcheck runs", ""] + _template_md(e) + [
              "Probe `%s` (scope: %s%s). This is the exact code the bundled runner carries under the same hash." % (
                  e["code_hash"], e["scope"], ", expanded from template `%s`" % e["template"]["name"] if e["template"] else ""),
              "", _fence(e["code"], 'text title="probe (Python)"')]
    lines += ["Run just this check:", "", _fence("python3 kbcheck.pyz --id %s --show-fix" % e["id"], "bash")]
    lines += ["## Fix", ""]
    from kbcheck import fixview
    for p in ("sle12", "sle11"):
        v = fixview.variant(e, p)
        in_guest = fixview.variant(e, p, roles=["kvm_guest"])
        # Both tabs on every page, so the product chosen once stays chosen on the next page.
        lines.append('=== "%s"' % PROD[p])
        lines.append("")
        if p not in ap["products"]:
            lines.append(_indent("This entry does not apply to %s.\n" % PROD[p]))
        elif v:
            if in_guest is not v and "host" in ap["roles"]:
                lines.append(_indent("On a host:\n"))
            lines.append(_indent(fix_block(v)))
            if in_guest is not v:
                lines.append(_indent("Inside a guest:\n"))
                lines.append(_indent(fix_block(in_guest)))
        else:
            lines.append(_indent("No fix is written for %s yet.\n" % PROD[p]))
    lines += ["## What a failing host looks like", ""]
    lines += _failing_md(e)
    lines += _recorded_md(e)
    own = [sc for sc in e["scenarios"] if not sc.get("template")]
    lines += ["### All test scenarios", "", "| Scenario | Host | Verdict |", "|---|---|---|"]
    lines += [_scenario_md(e, sc) for sc in own]
    if len(own) < len(e["scenarios"]):
        lines += ["", "The template `%s` adds its own scenarios, built from the params above (every entry that "
                  "uses it gets them):" % e["template"]["name"], "", "| Scenario | Host | Verdict |", "|---|---|---|"]
        lines += [_scenario_md(e, sc) for sc in e["scenarios"] if sc.get("template")]
    lines += ["", "## Source", ""]
    recs = model.recommendations
    lines.append("SUSE Linux Enterprise Server 12 SP5 *Virtualization Best Practices*, section %s." % e["section"])
    lines.append("")
    for rid in e["covers"]:
        r = recs[rid]
        lines.append("- [`%s`](../../coverage.md#%s) (%s): %s" % (rid, rid.lower().replace(".", ""), r["kind"], r["statement"]))
    for ref in e.get("references") or []:
        lines.append("- %s" % ref)
    lines.append("")
    lines.append("Defined in `%s`; area [%s](index.md)." % (e["file"], area_title(e["area"])))
    return "\n".join(lines) + "\n"


def area_page(area, entries):
    lines = ["---", "title: %s" % json.dumps(area_title(area)), "---", "",
             "# %s" % area_title(area), "",
             "%d %s, in the order of the guide." % (len(entries), "entry" if len(entries) == 1 else "entries"), "",
             "| Section | Entry | What to do | Applies to | Severity |", "|---|---|---|---|---|"]
    for e in entries:
        lines.append("| %s | [%s](%s.md) | %s | %s | %s |" % (e["section"], _cell(e["title"]), e["id"],
                                                            _cell(e["summary"]), _badges(e), e["severity"]))
    return "\n".join(lines) + "\n"


def areas_index(areas):
    lines = ["---", "title: Browse by area", "---", "", "# Browse by area", "",
             "The knowledge base follows the chapters of the guide.", "",
             "| Area | Entries | First section |", "|---|---|---|"]
    for area, es in areas:
        lines.append("| [%s](%s/index.md) | %d | %s |" % (area_title(area), area, len(es), es[0]["section"]))
    return "\n".join(lines) + "\n"


def coverage_page(model):
    """Every recommendation of kb/recommendations.yaml with the entries that implement it."""
    recs = model.recommendations
    lines = ["# Coverage", "",
             "The guide's recommendations, one stable ID each, as the knowledge base's content specification "
             "(`kb/recommendations.yaml`), with the entries that implement them. Source: %s." % recs.source.rstrip("."),
             "", "| Kind | Meaning |", "|---|---|"]
    lines += ["| %s | %s |" % (k, _cell(v)) for k, v in recs.kinds.items()]
    lines += ["", "| Data | Meaning |", "|---|---|"]
    lines += ["| `%s` | %s |" % (k, _cell(v)) for k, v in recs.data.items()]
    lines += ["", "| ID | Section | Kind | Role | Recommendation | Data | Entries |", "|---|---|---|---|---|---|---|"]
    for rid, r in recs.items():
        es = model.covering(rid)
        links = ", ".join("[%s](entries/%s/%s.md)" % (e["id"], e["area"], e["id"]) for e in es) or "**not covered**"
        lines.append('| <span id="%s"></span>`%s` | %s | %s | %s | %s | %s | %s |' % (
            rid.lower().replace(".", ""), rid, r["section"], r["kind"], r["role"], _cell(r["statement"]),
            ", ".join("`%s`" % d for d in r["data"]) or "none", links))
    covered = sum(1 for rid in recs if model.covering(rid))
    lines += ["", "%d of %d recommendations covered by %d entries." % (covered, len(recs), len(model.entries))]
    return "\n".join(lines) + "\n"


def nav(areas, extra_pages, docs_dir):
    """The site's navigation: areas, never single entries, so every page's sidebar stays small."""
    def have(rel):
        return rel in extra_pages or os.path.exists(os.path.join(docs_dir, rel))
    out = [{"Home": "index.md"}]
    out.append({"Browse": [{"All areas": "entries/index.md"}] +
                [{area_title(a): "entries/%s/index.md" % a} for a, _ in areas]})
    for title, rel in (("Tags", "tags.md"), ("Applicability matrix", "matrix.md"), ("Coverage", "coverage.md")):
        if have(rel):
            out.append({title: rel})
    run = [{t: r} for t, r in (("CLI reference", "cli.md"), ("JSON output", "json-output.md"),
                               ("Running on a fleet", "fleet.md"), ("Security and guarantees", "security.md"))
           if have(r)]
    if run:
        out.append({"Run kbcheck": run})
    contribute = [{t: r} for t, r in (("Adding an entry", "contributing.md"), ("Extending kbcheck", "extending.md"))
                  if have(r)]
    if len(contribute) > 1:
        out.append({"Contributing": contribute})
    elif contribute:
        out.append({"Contributing": "contributing.md"})
    return out


def write_docs(model, site_src, out_dir, catalog, extra_pages=None):
    """Copy the hand-written site/ and write every generated page into out_dir."""
    _INPUTS_MD.clear()
    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir)
    if os.path.isdir(site_src):
        shutil.copytree(site_src, out_dir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    else:
        os.makedirs(out_dir)
    pages = {}
    areas = areas_in_guide_order(model)
    for area, es in areas:
        for e in es:
            try:
                pages["entries/%s/%s.md" % (e["area"], e["id"])] = entry_page(e, model)
            except Exception as exc:  # a page that cannot render names its entry
                raise SiteError("%s: the entry's page cannot be rendered: %s: %s" % (e["file"], type(exc).__name__, exc))
        pages["entries/%s/index.md" % area] = area_page(area, es)
    pages["entries/index.md"] = areas_index(areas)
    pages["coverage.md"] = coverage_page(model)
    pages.update(extra_pages or {})
    for rel, text in pages.items():
        p = os.path.join(out_dir, rel)
        if not os.path.isdir(os.path.dirname(p)):
            os.makedirs(os.path.dirname(p))
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)
    entry_files = dict(("entries/%s/%s.md" % (e["area"], e["id"]), e["file"]) for e in model.entries)
    with open(os.path.join(out_dir, NAV_FILE), "w") as f:
        json.dump({"nav": nav(areas, pages, out_dir), "entry_files": entry_files}, f, indent=1)
    return pages


def run_mkdocs(docs, site_dir, config, strict=True, offline=False, schema=None):
    """Run `mkdocs build`; -> (exit code, the warnings and errors it printed).

    mkdocs' own -q hides warnings from --strict's count, so the build runs at normal verbosity and
    only WARNING/ERROR lines are passed on (each names its page; site/hooks.py adds the entry's file)."""
    cmd = [sys.executable, "-m", "mkdocs", "build", "-f", config, "-d", site_dir]
    if strict:
        cmd.append("--strict")
    env = dict(os.environ, KBGEN_DOCS_DIR=docs, NO_MKDOCS_2_WARNING="1", KBGEN_OFFLINE="true" if offline else "false")
    if schema:
        env["KBGEN_SCHEMA"] = schema
    r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    # everything but INFO/DEBUG chatter: warnings, errors and the lines that continue them
    keep = [ln for ln in r.stdout.splitlines() if ln.strip() and not ln.startswith(("INFO", "DEBUG"))]
    if r.returncode != 0 and not keep:
        keep = r.stdout.strip().splitlines()[-15:]
    return r.returncode, keep
