"""JUnit XML (`--format junit`): one testcase per result, for CI dashboards.

classname is the entry id, name the subject (or "host" for a host-wide result), followed by the
recommendation IDs in parentheses when the entry reports one result per ID. fail becomes a
<failure>, error an <error>, skip and waived results a <skipped> (a waived one says its real
status and the waiver's reason); warn and info pass, with their message in <system-out>. The
output validates against the Jenkins xUnit plugin's junit-10.xsd (tests/data/junit-10.xsd)."""
import re
import time
from xml.sax.saxutils import escape, quoteattr

from kbcheck import __version__
from kbcheck.results import covers_of

# characters XML 1.0 cannot carry at all (lone surrogates among them)
_BAD_XML = re.compile(u"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text):
    return _BAD_XML.sub(u"\ufffd", u"%s" % (text,))


def _attr(name, value):
    return " %s=%s" % (name, quoteattr(_clean(value)))


def _text(value):
    return escape(_clean(value))


def render(report, options=None):
    results = report.results
    host_info = report.host
    run_info = report.run
    counts = {}
    per_entry = {}
    for r in results:
        per_entry[r.entry.id] = per_entry.get(r.entry.id, 0) + 1
    cases = []
    for r in results:
        e, w, dt = r.entry, r.waiver, r.seconds
        kind = "skipped" if w is not None else {"fail": "failure", "error": "error", "skip": "skipped"}.get(r.status)
        counts[kind] = counts.get(kind, 0) + 1
        name = (r.subject or "host") + ((" (%s)" % ", ".join(r.covers)) if r.covers else "")
        head = "  <testcase%s%s%s>" % (_attr("classname", e.id), _attr("name", name),
                                       _attr("time", "%.6f" % (dt / max(1, per_entry[e.id]))))
        body = []
        detail = "%s\nseverity %s; guide section %s; covers %s" % (
            e.title, e.severity, e.section or "-", ", ".join(covers_of(e, r)) or "-")
        if w is not None:
            msg = "waived until %s: %s (real status %s: %s)" % (w.expires.isoformat(), w.reason, r.status, r.message)
            body.append("    <skipped%s%s>%s</skipped>" % (_attr("type", "waived"), _attr("message", msg), _text(detail)))
        elif kind is not None:
            body.append("    <%s%s%s>%s</%s>" % (kind, _attr("type", r.status), _attr("message", r.message),
                                                   _text(detail), kind))
        if r.status in ("warn", "info") and w is None:
            body.append("    <system-out>%s</system-out>" % _text("%s: %s" % (r.status.upper(), r.message)))
        if body:
            cases.append(head + "\n" + "\n".join(body) + "\n  </testcase>")
        else:
            cases.append(head[:-1] + "/>")
    total = len(results)
    seconds = run_info.get("seconds", sum(r.seconds for r in results))
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(run_info.get("ended", time.time())))
    host = host_info.get("hostname") or "unknown"
    props = [("kbcheck", __version__), ("kb_version", report.kb_version or ""), ("source", host_info.get("source") or ""),
             ("location", host_info.get("location") or ""), ("product", host_info.get("product") or ""),
             ("era", host_info.get("era") or ""), ("roles", ",".join(host_info.get("roles") or []))]
    props += [("waived", str(report.summary.get("waived", 0)))]
    props += [("notice", n) for n in report.notices]
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           "<testsuites%s%s%s%s%s>" % (_attr("name", "kbcheck"), _attr("tests", total),
                                       _attr("failures", counts.get("failure", 0)),
                                       _attr("errors", counts.get("error", 0)), _attr("time", "%.6f" % seconds)),
           "<testsuite%s%s%s%s%s%s%s%s>" % (
               _attr("name", "kbcheck on %s" % host), _attr("tests", total),
               _attr("failures", counts.get("failure", 0)), _attr("errors", counts.get("error", 0)),
               _attr("skipped", counts.get("skipped", 0)), _attr("time", "%.6f" % seconds),
               _attr("timestamp", stamp), _attr("hostname", host)),
           "  <properties>"]
    out += ["    <property%s%s/>" % (_attr("name", k), _attr("value", v)) for k, v in props]
    out.append("  </properties>")
    out += cases
    out += ["</testsuite>", "</testsuites>"]
    return "\n".join(out) + "\n"
