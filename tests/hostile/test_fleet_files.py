"""`kbcheck report` trusts no host file: wrong types, deep nesting, a summary that lies, NaN, a
200 MB file, terminal escapes; and --site-url must be http(s) or relative."""
import json
import os

import pytest

from hostile import gen, harness

ESC = "\x1b[2J\x1b[31mFAIL-looking\x1b]8;;http://x\x07\u202e"


def _result(eid, status, **kw):
    r = {"id": eid, "title": "Title of %s" % eid, "covers": ["R1"], "section": "4.1", "tags": ["memory"],
         "severity": "medium", "status": status, "subject": None, "message": "%s is %s" % (eid, status), "waived": False}
    r.update(kw)
    return r


def _report(results, hostname="h", summary=None):
    s = summary
    if s is None:
        s = dict((k, 0) for k in ("pass", "fail", "warn", "info", "skip", "error", "waived"))
        for r in results:
            s["waived" if r["waived"] else r["status"]] += 1
    return {"schema": 1, "kbcheck": "0.1.0", "kb_version": "abc", "host": {"hostname": hostname, "roles": ["kvm_host"]},
            "results": results, "summary": s}


def _fleet(work, files):
    d = os.path.join(work, "results")
    os.makedirs(d)
    for name, content in files.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(content if isinstance(content, bytes) else json.dumps(content).encode())
    return d


def test_bad_host_files_are_left_out_one_line_each_and_the_rest_is_merged(kbcheck, work):
    """One malformed host file (wrong types, 100 000-deep nesting) killed the whole merge."""
    d = _fleet(work, {"good.json": _report([_result("ksm", "fail")], "good"),
                      "types.json": _report([_result("ksm", "fail", message={"not": "text"})]),
                      "deep.json": b'{"schema": 1, "results": ' + b"[" * 100000 + b"]" * 100000 + b"}",
                      "ids.json": _report([_result("../../x", "fail")])})
    out = os.path.join(work, "fleet.json")
    o = kbcheck("bad host files", "report", d, "--json", out, files=[out]).check(1, exact_lines=3)
    assert all(line.startswith("kbcheck report: ") and line.endswith("; left out") for line in o.lines)
    assert "nested too deeply" in o.err and "message is a dict, not a text" in o.err and "not an entry id" in o.err
    assert "1 judged, 1 with failures" in o.out and "3 files left out" in o.out


def test_a_summary_that_lies_is_not_believed(kbcheck, work):
    """A host whose summary said 0 failures over 39 failing results made the report say
    "0 with failures" and exit 0."""
    results = [_result("e%02d" % i, "fail") for i in range(39)]
    d = _fleet(work, {"liar.json": _report(results, "liar", summary={"pass": 39, "fail": 0})})
    out = os.path.join(work, "fleet.json")
    o = kbcheck("a lying summary", "report", d, "--json", out, files=[out]).check(1)
    assert "1 with failures" in o.out
    host = json.load(open(out))["hosts"][0]
    assert host["summary"]["fail"] == 39 and host["summary"]["pass"] == 0


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e999", "1" * 5000],
                         ids=["NaN", "Infinity", "-Infinity", "1e999", "5000 digits"])
def test_nan_infinity_and_huge_numbers_are_refused(kbcheck, work, constant):
    text = json.dumps(_report([_result("ksm", "pass")], "n")).replace('"schema": 1', '"schema": 1, "x": %s' % constant)
    d = _fleet(work, {"good.json": _report([_result("ksm", "pass")], "good"), "nan.json": text.encode()})
    out = os.path.join(work, "fleet.json")
    o = kbcheck("fleet %s" % constant[:10], "report", d, "--json", out, files=[out]).check(3, exact_lines=1)
    with open(out) as f:
        merged = json.load(f, parse_constant=lambda c: pytest.fail("%s in the merged JSON" % c))
    assert merged["counts"]["malformed"] == 1 and "nan.json" in o.err


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScript:alert(1)", "data:text/html,<b>x</b>",
                                 "java\tscript:alert(1)", "vbscript:x", "http:/no-host"])
def test_site_url_must_be_http_or_relative(kbcheck, work, url):
    d = _fleet(work, {"good.json": _report([_result("ksm", "pass")], "good")})
    o = kbcheck("site-url %s" % url[:12], "report", d, "--site-url", url, "--html", os.path.join(work, "f.html")).check(2)
    assert "--site-url" in o.err and not os.path.exists(os.path.join(work, "f.html"))


def test_a_200_mb_host_file_is_refused_by_its_size(kbcheck, work):
    """A 200 MB host file took 1.9 GB: refused unread (sparse: it costs nothing on disk)."""
    d = _fleet(work, {"good.json": _report([_result("ksm", "pass")], "good")})
    gen.sparse(os.path.join(d, "huge.json"), 200 * 1024 * 1024)
    o = kbcheck("200 MB host file", "report", d).check(3, exact_lines=1)
    assert "larger than 64 MiB" in o.err and o.peak_mb < 100


def test_a_file_of_a_million_tiny_values_is_refused(kbcheck, work):
    d = _fleet(work, {"good.json": _report([_result("ksm", "pass")], "good"),
                      "tiny.json": b'{"schema": 1, "results": [' + b"[]," * 3000000 + b'[]], "summary": {}}'})
    o = kbcheck("3 million empty lists", "report", d).check(3, exact_lines=1)
    assert "JSON values" in o.err and o.peak_mb < 200


def test_terminal_escapes_in_host_files_are_shown_visibly(kbcheck, work):
    d = _fleet(work, {"esc.json": _report([_result("ksm", "fail", subject=ESC, message=ESC)], ESC),
                      (ESC.replace("/", "") + ".json"): _report([_result("ksm", "pass")], "x"),
                      "bad.json": b'{"schema": 1, "fleet_status": "' + ESC.encode() + b'"}'})
    html = os.path.join(work, "f.html")
    o = kbcheck("escapes in host files", "report", d, "-v", "--html", html, files=[html]).check(1, exact_lines=1)
    for text in (o.out, o.err):
        assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text, repr(text)
    assert "\\x1b[2J" in o.out
    with open(html, encoding="utf-8") as f:
        assert "\x1b" not in f.read()
    assert harness.SECRET not in o.out
