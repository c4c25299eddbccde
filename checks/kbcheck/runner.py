"""The runner: selects entries, decides applicability, runs each probe isolated, and times it."""
import time

from kbcheck.detect import ROLE_AXES, ROLE_LABELS
from kbcheck.errors import Evidence, NeedsRoot
from kbcheck.results import Result

HYPERVISOR_LABELS = {"kvm": "KVM", "xen": "Xen", "containers": "containers"}
PRODUCT_LABELS = {"sle11": "SLE 11", "sle12": "SLE 12"}


def applicability(entry, host):
    """None when the entry applies to this host, else the reason it does not (a skip message)."""
    ap = entry.applies
    prods = ap.get("products") or ["sle11", "sle12"]
    if host.era not in prods:
        return "written for %s only; this host is %s" % (
            " and ".join(PRODUCT_LABELS.get(p, p) for p in prods), PRODUCT_LABELS.get(host.era, host.era))
    hyps = ap.get("hypervisors") or ["kvm", "xen", "containers"]
    roles = ap.get("roles") or ["host", "guest"]
    have = [ROLE_AXES[r] for r in sorted(host.roles) if r in ROLE_AXES]
    if not have:
        return "no virtualization role detected (use --assume role=...)"
    for hv, role in have:
        if hv in hyps and role in roles:
            return None
    want = "/".join(HYPERVISOR_LABELS.get(h, h) for h in hyps) + " " + "/".join(roles)
    return "applies to %s; this host is a %s" % (want, ", ".join(ROLE_LABELS[r] for r in sorted(host.roles)))


def _normalise(out, default_subject):
    if out is None:
        return [Result("error", "the probe returned no result", default_subject)]
    if isinstance(out, Result):
        out = [out]
    results = []
    for r in out:
        if not isinstance(r, Result):
            results.append(Result("error", "the probe returned %r instead of a result" % (r,), default_subject))
            continue
        if r.subject is None and default_subject is not None:
            r.subject = default_subject
        results.append(r)
    if not results:
        results.append(Result("error", "the probe returned an empty list", default_subject))
    return results


def _evidence_result(e, subject):
    if isinstance(e, NeedsRoot):
        return Result("skip", "needs root: cannot read %s" % e.path, subject)
    return Result(e.status, "%s: %s" % (e.path, e.reason), subject)


def call_probe(entry, host, dom=None):
    """Run one probe once, isolated: whatever it raises becomes a result."""
    subject = dom.name if dom is not None else None
    try:
        fn = entry.probe()
    except SyntaxError as e:
        return [Result("error", "probe does not compile: %s (%s line %s)" % (e.msg, entry.source_file, e.lineno), subject)]
    try:
        return _normalise(fn(host, dom), subject)
    except Evidence as e:
        return [_evidence_result(e, subject)]
    except KeyboardInterrupt:
        raise
    except Exception as e:  # a crashing probe is an error result, never a crashed run
        line = ""
        tb = e.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == entry.source_file:
                line = " at %s line %d" % (entry.source_file, tb.tb_lineno)
            tb = tb.tb_next
        return [Result("error", "probe crashed: %s: %s%s" % (type(e).__name__, e, line), subject)]


def run_entry(entry, host):
    reason = applicability(entry, host)
    if reason:
        return [Result("skip", reason)]
    if entry.scope != "guest":
        return call_probe(entry, host)
    try:
        doms = host.domains
        bad = host.domain_errors
    except Evidence as e:
        return [_evidence_result(e, None)]
    results = []
    for name, origin, why in bad:
        results.append(Result("error", "cannot judge this guest: %s: %s" % (origin, why), name))
    for d in doms:
        results.extend(call_probe(entry, host, d))
    if not results:
        results.append(Result("skip", "no libvirt guests found"))
    return results


def run(entries, host, on_result=None, timeout=None):
    """Run entries on host -> list of (entry, Result, seconds). `timeout`: per-probe deadline (seconds)."""
    out = []
    for e in entries:
        t0 = time.time()
        try:
            rs = run_entry(e, host)
        except Evidence as ex:
            rs = [_evidence_result(ex, None)]
        dt = time.time() - t0
        for r in rs:
            out.append((e, r, dt))
            if on_result:
                on_result(e, r)
    return out


def summary(results):
    s = dict((k, 0) for k in ("pass", "fail", "warn", "info", "skip", "error"))
    for _, r, _ in results:
        s[r.status] += 1
    return s


def exit_code(summ):
    """0 no fail and no error; 1 at least one fail; 3 errors but no fail."""
    if summ.get("fail"):
        return 1
    if summ.get("error"):
        return 3
    return 0
