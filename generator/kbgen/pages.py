"""The site's pages beyond the entries: home parts, tags, applicability matrix, CLI reference, JSON
output, contributing; and, for the offline build, the iframe-worker shim.

extra_pages(model, catalog) -> {path relative to the docs directory: text}. Everything here is
generated from something that also ships or runs (the catalog, the runner's own argument parser, the
report schema, CONTRIBUTING.md), so the site cannot describe a different kbcheck than the one it
offers for download.
"""
import argparse
import glob
import hashlib
import io
import json
import os
import re
import subprocess
import tarfile

from kbgen import project
from kbgen import site as site_mod

PROJECT = project.ROOT

# The shim that lets material's search worker run from file:// (an iframe in place of a Worker).
# Pinned and checked: fetched with `npm pack` from the npm registry at build time, never committed.
SHIM_PACKAGE = "iframe-worker"
SHIM_VERSION = "1.0.4"
SHIM_MEMBER = "package/shim/index.js"
SHIM_SHA256 = "e8e412dbcfea9b7e31b5ffa288d7b6035915e714c542f4176a0cdbe262fc9609"
SHIM_TARGET = "assets/javascripts/iframe-worker-shim.js"


class PagesError(Exception):
    pass


def _cell(text):
    return site_mod._cell(text)


# ---------------------------------------------------------------- home


def home(catalog, src=None):
    """site/index.md with its markers filled in: <!-- kb:version -->, <!-- kb:stats -->, <!-- kb:areas -->."""
    src = src or os.path.join(PROJECT, "site", "index.md")
    with open(src, encoding="utf-8") as f:
        text = f.read()
    version = runner_version()
    n = len(catalog["entries"])
    covered = set()
    for e in catalog["entries"]:
        covered.update(e["covers"])
    stats = "%d entries covering %d of the guide's %d recommendations." % (
        n, len(covered & set(catalog["recommendations"])), len(catalog["recommendations"]))
    ver = "knowledge base **`%s`**%s" % (catalog["kb_version"], (", kbcheck %s" % version) if version else "")
    return text.replace("<!-- kb:version -->", ver).replace("<!-- kb:stats -->", stats)


def runner_version():
    try:
        from kbcheck import __version__
        return __version__
    except Exception:
        return None


# ---------------------------------------------------------------- tags


def tags_page():
    return "\n".join(["---", "title: Tags", "search:", "  exclude: true", "---", "", "# Tags", "",
                      "Every entry carries tags; `kbcheck --tag TAG` runs just the entries with that tag.", "",
                      "<!-- material/tags -->", ""])


# ---------------------------------------------------------------- matrix

MATRIX_COLUMNS = [("KVM", "hypervisors", "kvm"), ("Xen", "hypervisors", "xen"), ("Containers", "hypervisors", "containers"),
                  ("Host", "roles", "host"), ("Guest", "roles", "guest"),
                  ("SLE 11", "products", "sle11"), ("SLE 12", "products", "sle12")]


def matrix_page(model):
    lines = ["---", "title: Applicability matrix", "search:", "  exclude: true", "hide:", "  - toc", "---", "",
             "# Applicability matrix", "",
             "Which entry applies to which hypervisor, role and product. Choose below to filter the table "
             "(kbcheck itself skips what does not apply to the host it reads).", "",
             '<div id="kb-matrix-filters" markdown="0"></div>', "",
             "| Entry | Area | %s | Severity |" % " | ".join(c[0] for c in MATRIX_COLUMNS),
             "|---|---|%s---|" % ("---|" * len(MATRIX_COLUMNS))]
    for area, es in site_mod.areas_in_guide_order(model):
        for e in es:
            ap = e["applies"]
            marks = ["yes" if v in ap[k] else "–" for _, k, v in MATRIX_COLUMNS]
            lines.append("| [%s](entries/%s/%s.md) | %s | %s | %s |" % (
                _cell(e["title"]), e["area"], e["id"], site_mod.area_title(area), " | ".join(marks), e["severity"]))
    lines += ["", '<p id="kb-matrix-count"></p>', ""]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- CLI reference


def _option_row(parser, action):
    if action.option_strings:
        names = ", ".join("`%s`" % s for s in action.option_strings)
    else:
        names = "`%s`" % (action.metavar or action.dest)
    arg = ""
    if action.nargs != 0:
        if action.choices:
            arg = " \\| ".join("`%s`" % c for c in action.choices)
        elif action.option_strings:
            arg = "`%s`" % (action.metavar or action.dest.upper())
    try:
        helptext = parser._get_formatter()._expand_help(action) if action.help else ""
    except Exception:
        helptext = action.help or ""
    default = ""
    if action.default not in (None, False, [], argparse.SUPPRESS) and action.nargs != 0:
        default = "`%s`" % (action.default,)
    repeat = " Repeatable." if isinstance(action, argparse._AppendAction) and "repeat" not in helptext.lower() else ""
    return "| %s | %s | %s | %s |" % (names, arg, default, _cell(helptext + repeat))


def _parser_md(parser, level, title):
    lines = ["%s %s" % ("#" * level, title), ""]
    if parser.description:
        lines += [parser.description, ""]
    lines += ["```text", parser.format_usage().strip(), "```", ""]
    subs = []
    groups = [g for g in parser._action_groups if g.title not in ("optional arguments", "options")] + \
        [g for g in parser._action_groups if g.title in ("optional arguments", "options")]
    for group in groups:
        rows = []
        for a in group._group_actions:
            if isinstance(a, argparse._SubParsersAction):
                subs.append(a)
                continue
            if a.help == argparse.SUPPRESS:
                continue
            rows.append(_option_row(parser, a))
        if not rows:
            continue
        gtitle = group.title or "options"
        if gtitle in ("optional arguments", "options"):
            gtitle = "other options"
        lines += ["%s %s" % ("#" * (level + 1), gtitle[:1].upper() + gtitle[1:]), ""]
        lines += ["| Option | Argument | Default | What it does |", "|---|---|---|---|"] + rows + [""]
    for a in subs:
        for name, sub in a.choices.items():
            lines += _parser_md(sub, level + 1, "`%s %s`" % (parser.prog, name))
    if parser.epilog:
        lines += [parser.epilog, ""]
    return lines


def cli_page(catalog=None):
    """Every command of the runner (kbcheck, explain, fix, report) from its own argument parser;
    the --assume help lists the catalog's declarations when the catalog is given."""
    try:
        from kbcheck import cli
        from kbcheck.commands.assume import kinds
        declared = kinds((catalog or {}).get("declarations") or {}, (catalog or {}).get("guest_lists") or ()) or None
        parsers = cli.parsers(declared)
    except Exception as e:
        raise PagesError("cannot build the CLI reference from kbcheck.cli.parsers(): %s: %s" % (type(e).__name__, e))
    lines = ["---", "title: CLI reference", "---", "", "# CLI reference", "",
             "Generated from the runner's own argument parsers, so it lists exactly the options of the "
             "[bundled runner](download/kbcheck.pyz) built with this site. Run it as `python3 kbcheck.pyz ...` "
             "(Python 3.6 or newer).", ""]
    for n, (name, parser) in enumerate(parsers):
        part = _parser_md(parser, 2, "`%s`" % name)
        lines += part[2:] if n == 0 else part
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- JSON output


def _schema_rows(schema, prefix=""):
    rows = []
    for name, prop in (schema.get("properties") or {}).items():
        typ = prop.get("type", "")
        if isinstance(typ, list):
            typ = " or ".join(typ)
        if "enum" in prop:
            typ = " \\| ".join("`%s`" % v for v in prop["enum"])
        rows.append("| `%s%s` | %s | %s |" % (prefix, name, typ, _cell(prop.get("description", ""))))
        if prop.get("type") == "object":
            rows += _schema_rows(prop, prefix + name + ".")
        elif prop.get("type") == "array" and isinstance(prop.get("items"), dict):
            rows += _schema_rows(prop["items"], prefix + name + "[].")
    return rows


def _readme_section(heading):
    path = os.path.join(PROJECT, "README.md")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"^(#+) %s\s*$(.*?)(?=^#{1,%d} |\Z)" % (re.escape(heading), 6), text, re.M | re.S)
    if not m:
        return None
    level = len(m.group(1))
    body = m.group(2)
    stop = re.search(r"^#{1,%d} " % level, body, re.M)
    return (body[:stop.start()] if stop else body).strip()


def json_page():
    lines = ["---", "title: JSON output", "---", "", "# JSON output", "",
             "`kbcheck --format json` prints one JSON document; other tools read it, so fields are only ever added.", ""]
    schemas = sorted(glob.glob(os.path.join(PROJECT, "checks", "kbcheck", "report", "*.json")))
    schema = None
    for p in schemas:
        try:
            with open(p) as f:
                data = json.load(f)
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and ("properties" in data or "$schema" in data):
            schema = (p, data)
            break
    if schema:
        path, data = schema
        if data.get("description"):
            lines += [data["description"], ""]
        lines += ["The contract is the JSON Schema `%s`:" % os.path.relpath(path, PROJECT), "",
                  "| Field | Type | Meaning |", "|---|---|---|"] + _schema_rows(data) + [""]
        lines += ["??? note \"The schema\"", "", site_mod._indent(site_mod._fence(json.dumps(data, indent=2), "json")), ""]
    else:
        section = _readme_section("JSON output")
        if section:
            lines += [section, ""]
        else:
            lines += ["Run `python3 kbcheck.pyz --format json` to see the document.", ""]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- contributing

_LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def _repo_links(text):
    """Links into the repository do not exist on the site: keep the words, show the path."""
    def fix(m):
        bang, label, target = m.groups()
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            return m.group(0)
        return "%s (`%s`)" % (label, target) if label and label.strip("`") != target else "`%s`" % target
    return _LINK.sub(fix, text)


EXTENDING = re.compile(r"^## [0-9]+\. Extending kbcheck\n", re.M)


def _contributing_parts():
    """CONTRIBUTING.md -> (the guide to entries, its last section "Extending kbcheck" or None)."""
    path = os.path.join(PROJECT, "CONTRIBUTING.md")
    if not os.path.exists(path):
        return None, None
    with open(path, encoding="utf-8") as f:
        text = f.read()
    m = EXTENDING.search(text)
    if m is None:
        return text, None
    return text[:m.start()], text[m.end():]


def contributing_page():
    head = ["---", "title: Contributing", "---", ""]
    text, extending = _contributing_parts()
    if text is not None:
        more = ("\n\nTo add a source, an output format, a fact or a template: [Extending kbcheck](extending.md).\n"
                if extending is not None else "")
        return "\n".join(head) + _repo_links(text.rstrip("\n")) + more
    return "\n".join(head + [
        "# Contributing", "",
        "Each best practice is one YAML file, `kb/<area>/<id>.yaml`, validated by `kb/entry.schema.json`.", "",
        "```bash", "kbgen new memory/my-new-entry   # scaffold, with scenarios that fail until filled in",
        "kbgen test --id my-new-entry    # run its scenarios", "kbgen build                     # catalog, runner and this site",
        "```", ""]) + "\n"


def extending_page():
    """CONTRIBUTING.md's section "Extending kbcheck" as a page of its own (its recipes one level up)."""
    _, extending = _contributing_parts()
    if extending is None:
        return None
    body = re.sub(r"^### ", "## ", extending.strip("\n"), flags=re.M)
    return "\n".join(["---", "title: Extending kbcheck", "---", "", "# Extending kbcheck", "",
                      "The sections named below are those of [Contributing](contributing.md).", "",
                      _repo_links(body), ""])


# ---------------------------------------------------------------- offline shim


def fetch_shim(cache_dir=None):
    """-> the iframe-worker shim's text, from the cache or `npm pack` (checked against SHIM_SHA256)."""
    cache_dir = cache_dir or os.environ.get("KBGEN_CACHE") or os.path.join(PROJECT, "build", ".cache")
    if not os.path.isdir(cache_dir):
        os.makedirs(cache_dir)
    tgz = os.path.join(cache_dir, "%s-%s.tgz" % (SHIM_PACKAGE, SHIM_VERSION))
    if not os.path.exists(tgz):
        try:
            r = subprocess.run(["npm", "pack", "--silent", "--pack-destination", cache_dir,
                                "%s@%s" % (SHIM_PACKAGE, SHIM_VERSION)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise PagesError("the offline build needs npm to fetch %s@%s: %s" % (SHIM_PACKAGE, SHIM_VERSION, e))
        if r.returncode != 0 or not os.path.exists(tgz):
            raise PagesError("npm pack %s@%s failed: %s" % (SHIM_PACKAGE, SHIM_VERSION, (r.stderr or r.stdout).strip()[-300:]))
    with tarfile.open(tgz) as t:
        data = t.extractfile(SHIM_MEMBER).read()
    if hashlib.sha256(data).hexdigest() != SHIM_SHA256:
        os.unlink(tgz)
        raise PagesError("%s@%s: %s does not have the expected sha256; removed %s, try again" % (
            SHIM_PACKAGE, SHIM_VERSION, SHIM_MEMBER, tgz))
    return io.BytesIO(data).read().decode("utf-8")


def offline_wanted():
    return os.environ.get("KBGEN_OFFLINE", "").lower() in ("1", "true", "yes")


# ---------------------------------------------------------------- all


def extra_pages(model, catalog, offline=None):
    pages = {
        "index.md": home(catalog),
        "tags.md": tags_page(),
        "matrix.md": matrix_page(model),
        "cli.md": cli_page(catalog),
        "json-output.md": json_page(),
        "contributing.md": contributing_page(),
    }
    extending = extending_page()
    if extending is not None:
        pages["extending.md"] = extending
    if offline if offline is not None else offline_wanted():
        pages[SHIM_TARGET] = fetch_shim()
    return pages
