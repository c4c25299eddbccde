"""A recorded run for an entry's page: the text `kbcheck --id ID -v` prints on the host of the entry's
first failing scenario, made at build time from that scenario (one source of truth: the page shows
what the runner really says, never a copy that could drift).

The scenario's root is materialised (kbgen.scenarios), judged with the entry's own probe
(kbcheck.runner.run_entry) and rendered with the runner's text reporter; its temporary folder is
shown as /srv/scenario. The judgement is cached by what decides it (probe code, scope,
applicability, covers, scenario): entries cloned from one template with one scenario are judged
once, and only the rendering is per entry.
"""
import hashlib
import json

SHOWN_ROOT = "/srv/scenario"
_cache = {}


def _key(e, sc):
    body = json.dumps([e["code"], e["scope"], e["applies"], e["covers"], sc], sort_keys=True, default=str)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _judge(ce, sc):
    """-> ([(status, message, subject, facts, covers)], the host summary, the root it was read from)."""
    from kbcheck.detect import summary
    from kbgen import scenarios
    with scenarios.judged(ce, sc) as (host, got, root):
        return [(r.status, r.message, r.subject, r.facts, r.covers) for r in got], summary(host), root


def run_text(e, sc):
    """The text report of entry `e` (a model entry dict) on scenario `sc`, as `kbcheck -v` prints
    it, or None when the scenario cannot be judged here (the page then shows the expectation only)."""
    from kbcheck import results as results_mod
    from kbcheck.reporters import Options
    from kbcheck.reporters import text as text_mod
    from kbgen import compiler
    ce = compiler.entry(e)
    key = _key(e, sc)
    if key not in _cache:
        try:
            _cache[key] = _judge(ce, sc)
        except Exception:  # the suite judges every scenario; here a failure only leaves the run out
            _cache[key] = None
    if _cache[key] is None:
        return None
    rows, head, root = _cache[key]
    raw = [(ce, results_mod.Result(*row), 0.0) for row in rows]
    text = text_mod.render(results_mod.build(raw, head), Options(verbose=True))
    return text.replace(root, SHOWN_ROOT)
