"""Prometheus text exposition format (`--format prometheus`), for node_exporter's textfile
collector: write it with `--output /var/lib/node_exporter/textfile/kbcheck.prom` (atomic).

Series: kbcheck_result{id,subject,covers,severity,status,waived} 1 for every result (subject "" for a
host-wide result; covers the recommendation IDs the result judges, comma-separated; status is the real status, waived="true" when a waiver covers it),
kbcheck_results{status} per status (waived results are counted under status="waived" only, as in
the JSON summary), kbcheck_info{...} 1 with versions and the judged host, kbcheck_entries,
kbcheck_applicable_entries (0: nothing judged),
kbcheck_run_duration_seconds and kbcheck_last_run_timestamp_seconds."""
import time

from kbcheck import __version__
from kbcheck.results import covers_of

STATUSES = ("pass", "fail", "warn", "info", "skip", "error", "waived")


def _label(v):
    return (u"%s" % (v,)).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _help(v):
    return v.replace("\\", "\\\\").replace("\n", "\\n")


def _series(name, labels, value):
    if labels:
        inner = ",".join('%s="%s"' % (k, _label(v)) for k, v in labels)
        return "%s{%s} %s" % (name, inner, value)
    return "%s %s" % (name, value)


def _num(x):
    return repr(float(x)) if isinstance(x, float) else str(x)


def render(report, options=None):
    results = report.results
    summary = report.summary
    run_info = report.run
    out = []

    def metric(name, help_text, rows):
        out.append("# HELP %s %s" % (name, _help(help_text)))
        out.append("# TYPE %s gauge" % name)
        for labels, value in rows:
            out.append(_series(name, labels, _num(value)))

    seen = set()
    rows = []
    for r in results:
        e = r.entry
        covers = ",".join(covers_of(e, r))
        key = (e.id, r.subject or "", covers)
        if key in seen:  # one series per entry, subject and IDs: keep the first (worst-case rare)
            continue
        seen.add(key)
        rows.append(([("id", e.id), ("subject", r.subject or ""), ("covers", covers), ("severity", e.severity),
                      ("status", r.status), ("waived", "true" if r.waiver is not None else "false")], 1))
    metric("kbcheck_result", "One series per kbcheck result (entry id, subject and the recommendation IDs it "
           "judges); the status label is the "
           "real status, waived=\"true\" when a waiver covers it. Value always 1.", rows)
    metric("kbcheck_results", "Results of the last run per status; waived results count only under status=\"waived\".",
           [([("status", s)], summary.get(s, 0)) for s in STATUSES])
    h = report.host
    metric("kbcheck_info", "The last kbcheck run: versions and the judged host. Value always 1.",
           [([("kbcheck", __version__), ("kb_version", report.kb_version or ""), ("hostname", h.get("hostname") or ""),
              ("source", h.get("source") or ""), ("product", h.get("product") or ""), ("era", h.get("era") or ""),
              ("roles", ",".join(h.get("roles") or []))], 1)])
    metric("kbcheck_entries", "Knowledge-base entries the last run judged.",
           [([], len(report.entries))])
    metric("kbcheck_applicable_entries", "Entries of the last run that apply to the judged host (0: nothing was "
           "judged, exit code 4).", [([], report.applicable)])
    metric("kbcheck_notices", "Notices of the last run (expired or unused waivers, unreadable inputs).",
           [([], len(report.notices))])
    metric("kbcheck_run_duration_seconds", "Wall time of the last run's checks.",
           [([], round(float(run_info.get("seconds", sum(r.seconds for r in results))), 6))])
    metric("kbcheck_last_run_timestamp_seconds", "When the last run ended (Unix time).",
           [([], round(float(run_info.get("ended", time.time())), 3))])
    return "\n".join(out) + "\n"
