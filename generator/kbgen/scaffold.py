"""`kbgen new AREA/ID`: write a new entry that validates but whose scenarios fail until filled in.

The skeleton is a valid entry (`kbgen check` accepts it), so a newcomer can run the tools at once;
its probe returns ERROR("TODO: write the probe") and its three scenarios (fail, pass, skip) all
expect real verdicts, so `kbgen test --id ID` fails until the probe and the scenarios are written.
"""
import glob
import json
import os
import re
import sys

from kbgen import recommendations

AREA_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,40}$")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{2,63}$")


class ScaffoldError(SystemExit):
    """A one-line usage problem; `kbgen` exits with code 2 after printing it."""

    def __init__(self, message):
        SystemExit.__init__(self, 2)
        self.message = message


def _fail(message):
    sys.stderr.write("kbgen new: %s\n" % message)
    raise ScaffoldError(message)


def parse_name(name):
    """'memory/ksm-foo' -> ('memory', 'ksm-foo'); a ScaffoldError (one line) otherwise."""
    name = (name or "").strip().strip("/")
    if name.endswith(".yaml"):
        name = name[:-5]
    parts = name.split("/")
    if len(parts) != 2:
        _fail("give the entry as AREA/ID, e.g. `kbgen new memory/ksm-pages-to-scan` (got %r)" % name)
    area, eid = parts
    if not AREA_RE.match(area):
        _fail("bad area %r: lower-case letters, digits and dashes, starting with a letter or digit" % area)
    if not ID_RE.match(eid):
        _fail("bad id %r: 3 to 64 lower-case letters, digits and dashes, starting with a letter or digit" % eid)
    return area, eid


def _tags(kb_dir, area):
    try:
        with open(os.path.join(kb_dir, "entry.schema.json")) as f:
            allowed = json.load(f)["properties"]["tags"]["items"]["enum"]
    except (OSError, ValueError, KeyError):
        allowed = []
    tags = [t for t in area.split("-") if t in allowed]
    return tags or (["kvm"] if "kvm" in allowed or not allowed else allowed[:1])


def _covers(kb_dir):
    """The first recommendation no entry covers yet (a guess to be corrected), else the first one."""
    try:
        recs = recommendations.load(kb_dir)
    except recommendations.RecommendationsError:
        return "R2.1", "2.1"
    covered = set()
    for p in glob.glob(os.path.join(kb_dir, "*", "*.yaml")):
        try:
            with open(p, encoding="utf-8") as f:
                m = re.search(r"^covers:\s*\[([^\]]*)\]", f.read(), re.M)
        except OSError:
            continue
        if m:
            covered.update(x.strip() for x in m.group(1).split(","))
    for rid, r in recs.items():
        if rid not in covered:
            return rid, r["section"]
    rid = next(iter(recs))
    return rid, recs[rid]["section"]


TEMPLATE = '''\
# A new kbcheck entry. Every field is explained in CONTRIBUTING.md; the schema is kb/entry.schema.json.
# Replace every TODO, then run:  kbgen check  and  kbgen test --id {id}
id: {id}
title: "TODO: an imperative one-line title (what to do)"
section: "{section}"          # TODO: the guide's section this comes from
covers: [{rid}]               # TODO: the IDs of kb/recommendations.yaml this entry implements
tags: [{tags}]
severity: medium              # low | medium | high | critical
applies:
  hypervisors: [kvm]          # kvm | xen | containers
  roles: [host]               # host | guest: where the probe runs
  products: [sle11, sle12]
summary: >
  TODO: what to do, in one or two sentences.
rationale: |
  TODO: why, in your own words (never copied from the guide); what kbcheck reads and how it
  judges edge cases.
check:
  manual: |
    # TODO: the commands an administrator would run by hand
  probe: |
    # TODO: read through `host` (and `dom` with `scope: guest`), return PASS/FAIL/WARN/INFO/SKIP
    return ERROR("TODO: write the probe")
fix:
  all:
    text: "TODO: what the fix does, in words; add runtime/persistent shell and files where it applies."
    needs: none               # none | reboot | guest-restart | service-restart
scenarios:
  # TODO: describe real host states with the `host:` shorthand (see CONTRIBUTING.md).
  - name: "TODO: a host that breaks the rule"
    host: {{}}
    expect: fail
  - name: "TODO: a host that follows the rule"
    host: {{}}
    expect: pass
  - name: "TODO: a host where the entry does not apply (or a fact is missing)"
    host: {{}}
    expect: skip
'''


def render(area, eid, kb_dir):
    rid, section = _covers(kb_dir)
    return TEMPLATE.format(id=eid, rid=rid, section=section, tags=", ".join(_tags(kb_dir, area)))


def write(name, kb_dir):
    """Write kb_dir/AREA/ID.yaml -> its path. Refuses to overwrite or to reuse an id."""
    area, eid = parse_name(name)
    kb_dir = os.path.abspath(kb_dir)
    if not os.path.isdir(kb_dir):
        _fail("no knowledge base directory at %s" % kb_dir)
    path = os.path.join(kb_dir, area, eid + ".yaml")
    if os.path.exists(path):
        _fail("%s already exists; refusing to overwrite it" % path)
    taken = glob.glob(os.path.join(kb_dir, "*", eid + ".yaml")) + glob.glob(os.path.join(kb_dir, "*", eid + ".yml"))
    if taken:
        _fail("the id %r is already used by %s; ids are unique across areas" % (eid, taken[0]))
    text = render(area, eid, kb_dir)
    if not os.path.isdir(os.path.dirname(path)):
        os.makedirs(os.path.dirname(path))
    with open(path, "x", encoding="utf-8") as f:
        f.write(text)
    return path
