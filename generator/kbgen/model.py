"""Loading kb/: every entry file read strictly, validated, templates expanded, probes compiled.

All problems of all files are collected and reported together, each as `file:line: field: what`.
"""
import ast
import glob
import hashlib
import json
import os

from kbcheck.gcpause import without_collector
from kbgen import guestxml, inputs, project, recommendations, templates, validate, yamlload

PROJECT = project.ROOT
KB_DIR = os.path.join(PROJECT, "kb")
SCHEMA_FILE = "entry.schema.json"
FORBIDDEN_NAMES = {"open", "exec", "eval", "compile", "__import__", "globals", "locals", "vars", "input",
                   "breakpoint", "setattr", "delattr", "os", "sys", "subprocess", "socket"}


class Problem(object):
    def __init__(self, file, line, field, message):
        self.file, self.line, self.field, self.message = file, line, field, message

    def __str__(self):
        where = "%s:%s" % (self.file, self.line)
        return "%s: %s: %s" % (where, self.field, self.message) if self.field else "%s: %s" % (where, self.message)


class KBError(Exception):
    def __init__(self, problems):
        Exception.__init__(self, "\n".join(str(p) for p in problems))
        self.problems = problems


_field = validate.field


def code_hash(code):
    return hashlib.sha256(code.encode("utf-8")).hexdigest()[:16]


def _schema(kb_dir):
    with open(os.path.join(kb_dir, SCHEMA_FILE)) as f:
        return json.load(f)


def check_probe(code, file, first_line):
    """Compile the probe as the runner will; -> list of (line, message)."""
    return probe_tree(code, file, first_line)[1]


def probe_tree(code, file, first_line):
    """-> (the probe's syntax tree or None, [(line, message)]): parsed once, for the checks below
    and for kbgen.inputs.entry_inputs."""
    body = "".join("    " + ln if ln.strip() else ln for ln in code.splitlines(True))
    src = "\n" * max(0, first_line - 2) + "def probe(host, dom=None):\n" + body
    try:
        tree = ast.parse(src, file)
        compile(tree, file, "exec")
    except SyntaxError as e:
        return None, [(e.lineno or first_line, "probe does not compile: %s" % e.msg)]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out.append((node.lineno, "probes may not import: they read only through `host`"))
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            out.append((node.lineno, "probes may not use %r: they read only through `host`" % node.id))
        elif isinstance(node, ast.Attribute) and node.attr.startswith("__"):
            out.append((node.lineno, "probes may not use dunder attributes (%s)" % node.attr))
    return tree, out


_CTX = {}


def _load_one(job):
    path, rel = job
    return load_file(path, rel, _CTX["schema"], _CTX["recs"])


def load_files(jobs, schema, recs):
    """load_file over many (path, rel) jobs; a large knowledge base is read by one forked process
    per core (the schema and the recommendations are inherited, not pickled per file)."""
    import multiprocessing
    n = min(8, multiprocessing.cpu_count() or 1)
    if len(jobs) < 400 or n < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [load_file(path, rel, schema, recs) for path, rel in jobs]
    _CTX.update(schema=schema, recs=recs)
    try:
        with multiprocessing.get_context("fork").Pool(n) as pool:
            return pool.map(_load_one, jobs, chunksize=50)
    finally:
        _CTX.clear()


def load_file(path, rel, schema, recs):
    """-> (entry dict or None, [Problem])."""
    problems = []

    def bad(line, field, msg):
        problems.append(Problem(rel, line, field, msg))

    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        bad(1, "", "cannot read: %s" % e)
        return None, problems
    try:
        loc = yamlload.load(text)
    except yamlload.YamlError as e:
        bad(e.line, "", e.message)
        return None, problems
    data = loc.data
    if not isinstance(data, dict):
        bad(1, "", "an entry is a mapping of fields, not a %s" % type(data).__name__)
        return None, problems
    def explain(err, p):
        if err.validator == "oneOf" and p and p[-1] == "check":
            c = err.instance if isinstance(err.instance, dict) else {}
            if "probe" in c and "template" not in c and "manual" not in c:
                return "a probe needs `manual`: the commands to check by hand (a template writes its own)"
            return "give either `probe` (Python) or `template` with `params`, not both or neither"
        return None

    for line, field, msg in validate.schema_problems(schema, data, loc, explain):
        bad(line, field, msg)
    if problems:
        return None, problems
    stem = os.path.splitext(os.path.basename(path))[0]
    if data["id"] != stem:
        bad(loc.line(["id"]), "id", "id %r must equal the file name %r" % (data["id"], stem))
    for i, rid in enumerate(data["covers"]):
        if rid not in recs:
            bad(loc.line(["covers", i]), "covers[%d]" % i, "unknown recommendation ID %r (see kb/recommendations.yaml)" % rid)
    check = data["check"]
    fix = data.get("fix")
    own_scenarios = data["scenarios"]
    template_scenarios = []
    scope = check.get("scope", "host")
    if data["applies"].get("guests") and scope != "guest":
        bad(loc.line(["applies", "guests"]), "applies.guests", "only a guest-scope entry (check.scope: guest) "
            "judges guests one by one; say which guests it judges there, or drop applies.guests")
    if "template" in check:
        try:
            exp = templates.expand(check["template"], check["params"], data)
        except templates.TemplateError as e:
            bad(loc.line(list(e.field)), _field(e.field), e.message)
            return None, problems
        code_line = loc.line(["check", "template"])
        if "scope" in check and check["scope"] != exp.scope:
            bad(loc.line(["check", "scope"]), "check.scope", "template %s runs with scope %s" % (check["template"], exp.scope))
        scope = exp.scope
        code, manual = exp.code, check.get("manual") or exp.manual
        fix = fix or exp.fix
        template_scenarios = exp.scenarios
        tree, said = probe_tree(code, rel, code_line)
        for _line, msg in said:  # the template's own code, held to the same rules
            bad(code_line, "check.template", "the expanded code: " + msg)
    else:
        code = check["probe"]
        code_line = loc.block_lines.get(("check", "probe"), loc.line(["check", "probe"]) + 1)
        manual = check["manual"]
        tree, said = probe_tree(code, rel, code_line)
        for line, msg in said:
            bad(line, "check.probe", msg)
    if not fix:
        bad(loc.line(["fix"]), "fix", "no fix: write one per product (or use a template that provides one)")
    scenarios = own_scenarios + template_scenarios
    for i, sc in enumerate(own_scenarios):
        for j, g in enumerate((sc.get("host") or {}).get("guests", [])):
            for field, msg in guestxml.validate(g):
                bad(loc.line(["scenarios", i, "host", "guests", j, field]), "scenarios[%d].host.guests[%d].%s" % (i, j, field), msg)
    kinds = set(recs[r]["kind"] for r in data["covers"] if r in recs)
    kind = data.get("kind") or ("check" if "check" in kinds else "advice" if "advice" in kinds else "process")
    entry = {
        "id": data["id"], "title": data["title"], "area": os.path.basename(os.path.dirname(path)),
        "section": data["section"], "covers": data["covers"], "tags": data["tags"], "severity": data["severity"],
        "kind": kind, "applies": data["applies"], "summary": data["summary"].strip(),
        "rationale": data["rationale"].strip(), "manual": (manual or "").strip(),
        "scope": scope, "code": code, "code_line": code_line, "code_hash": code_hash(code),
        "inputs": inputs.entry_inputs(code, scope, tree=tree),
        "template": {"name": check["template"], "params": check["params"]} if "template" in check else None,
        "fix": fix or {}, "references": data.get("references", []), "file": rel,
        "scenarios": scenarios,
        "scenario_lines": [loc.line(["scenarios", i]) for i in range(len(own_scenarios))] +
                          [code_line] * len(template_scenarios),
    }
    return entry, problems


class Model(object):
    """The whole knowledge base, loaded once; both outputs are made from it."""

    def __init__(self, entries, recs, kb_dir):
        self.entries = entries
        self.recommendations = recs
        self.kb_dir = kb_dir
        self.by_id = dict((e["id"], e) for e in entries)

    @property
    def areas(self):
        out = []
        for e in self.entries:
            if e["area"] not in out:
                out.append(e["area"])
        return out

    def covering(self, rid):
        return [e for e in self.entries if rid in e["covers"]]


def load(kb_dir=None, recs_path=None):
    """Load and validate kb/: the recommendation list (kb/recommendations.yaml, or recs_path) and
    every entry. Raises KBError with every problem found."""
    # Loading makes millions of small objects and keeps most of them (lines, entries) and no
    # cycles: the cyclic collector would only scan the growing heap again and again.
    return without_collector(_load, kb_dir, recs_path)


def _load(kb_dir, recs_path):
    kb_dir = os.path.abspath(kb_dir or KB_DIR)
    if not os.path.isfile(os.path.join(kb_dir, SCHEMA_FILE)):
        raise KBError([Problem(kb_dir, 1, "", "no knowledge base here (no %s): run kbgen inside the kbcheck "
                               "project, or pass --kb DIR / set KBGEN_PROJECT" % SCHEMA_FILE)])
    try:
        recs = recommendations.load(kb_dir, recs_path)
    except recommendations.RecommendationsError as e:
        raise KBError([Problem(*p) for p in e.problems])
    try:
        schema = _schema(kb_dir)
    except (OSError, ValueError) as e:
        raise KBError([Problem(os.path.join(kb_dir, SCHEMA_FILE), 1, "", "cannot load the entry schema: %s" % e)])
    files = sorted(glob.glob(os.path.join(kb_dir, "*", "*.yaml")) + glob.glob(os.path.join(kb_dir, "*", "*.yml")))
    entries, problems, seen = [], [], {}
    base = os.path.dirname(kb_dir)
    jobs = [(path, os.path.relpath(path, base)) for path in files]
    for (_path, rel), (entry, probs) in zip(jobs, load_files(jobs, schema, recs)):
        problems.extend(probs)
        if entry is None:
            continue
        if entry["id"] in seen:
            problems.append(Problem(rel, 1, "id", "duplicate entry id %r (also in %s)" % (entry["id"], seen[entry["id"]])))
            continue
        seen[entry["id"]] = rel
        entries.append(entry)
    stray = [p for p in glob.glob(os.path.join(kb_dir, "*.yaml"))
             if os.path.abspath(p) != recommendations.default_path(kb_dir)]
    for p in stray:
        problems.append(Problem(os.path.relpath(p, base), 1, "", "entries live in kb/<area>/<id>.yaml, not directly in kb/"))
    if problems:
        raise KBError(problems)
    entries.sort(key=lambda e: (e["area"], e["section"], e["id"]))
    return Model(entries, recs, kb_dir)
