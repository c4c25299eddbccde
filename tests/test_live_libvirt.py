"""kbcheck run as a command against real libvirt, and against no libvirt at all.

* live (marker `live`, root): a real libvirtd answers qemu:///system (tests/support/libvirtd.py),
  a tiny TCG guest is defined and started, and `python -m kbcheck` judges this machine live: the
  guest is a subject, in state running, with the verdicts its XML deserves;
* a bogus URI, a missing libvirt-python (an import blocker) and an unprivileged run (user
  `nobody` on a tree with a mode-000 file) each give one clear notice line, no traceback, and
  the right skips, counted in the summary.
"""
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time

import pytest

from kbgen import scenarios

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CHECKS = os.path.join(ROOT, "checks")

try:
    import libvirt
except ImportError:  # pragma: no cover
    libvirt = None

try:
    from support import libvirtd as lvd
    from support import nobody
except ImportError:  # pragma: no cover
    from tests.support import libvirtd as lvd
    from tests.support import nobody


@pytest.fixture(scope="module")
def shared_dir():
    """A world-readable scratch folder (user nobody must be able to read the catalog and the tree),
    outside the clone, which may lie in a private folder."""
    d = nobody.world_dir("kbcheck-live-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def as_nobody(shared_dir):
    """kbcheck(..., **as_nobody) runs the runner as user nobody from a world-readable copy."""
    lib = nobody.readable_copy(os.path.join(shared_dir, "lib"))
    return {"prefix": nobody.AS_NOBODY, "python": nobody.interpreter(lib), "path": lib}


@pytest.fixture(scope="module")
def catalog_file(catalog_data, shared_dir):
    path = os.path.join(shared_dir, "catalog.json")
    with open(path, "w") as f:
        json.dump(catalog_data, f)
    os.chmod(path, 0o644)
    return path


def kbcheck(args, catalog, prefix=(), pre="", timeout=120, python=None, path=CHECKS):
    """Run kbcheck as a command -> (rc, stdout, stderr). `pre`: Python run before kbcheck starts;
    `path`: where the kbcheck package is imported from."""
    code = "import sys; sys.path.insert(0, %r)\n%s\nfrom kbcheck.cli import main\nsys.exit(main())" % (path, pre)
    cmd = list(prefix) + [python or sys.executable, "-c", code, "--catalog", catalog] + list(args)
    env = dict(os.environ, NO_COLOR="1")
    env.pop("LIBVIRT_DEFAULT_URI", None)
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, env=env,
                         cwd="/")
    out, err = p.communicate(timeout=timeout)
    return p.returncode, out, err


def tree(shared_dir, name, spec):
    root = os.path.join(shared_dir, name)
    scenarios.materialise(spec, root)
    for d, _dirs, files in os.walk(root):
        os.chmod(d, 0o755)
        for f in files:
            os.chmod(os.path.join(d, f), 0o644)
    return root


GUESTS = {"guests": [{"name": "idedisk", "disks": [{"dev": "hda", "bus": "ide"}]}, {"name": "fine"}],
          "sysctl": {"kernel.numa_balancing": 1}, "cpus": 8,
          "numa": [{"cpus": "0-3", "memory": "16G"}, {"cpus": "4-7", "memory": "16G"}]}


def by_subject(doc, entry_id):
    return dict((r["subject"], r) for r in doc["results"] if r["id"] == entry_id)


# -- no libvirt to be had ------------------------------------------------------------------------
@pytest.mark.skipif(libvirt is None, reason="libvirt-python is not installed (pip install -r tests/requirements-libvirt.txt): "
                    "without it the notice is the missing module's (test_missing_libvirt_python_one_notice)")
def test_unreachable_libvirt_one_notice_and_guests_from_files(catalog_file, shared_dir):
    root = tree(shared_dir, "unreach", GUESTS)
    uri = "qemu+unix:///system?socket=/nonexistent/libvirt-sock"
    rc, out, err = kbcheck(["--root", root, "--connect", uri, "--format", "json"], catalog_file)
    assert err == "" and rc in (0, 1, 3), err
    doc = json.loads(out)
    notes = [n for n in doc.get("notices", []) if "libvirt" in n]
    assert len(notes) == 1 and notes[0].startswith("libvirt unreachable (%s: " % uri), notes
    assert notes[0].endswith("; guests read from /etc/libvirt")
    assert by_subject(doc, "virtio-disk-bus")["idedisk"]["status"] == "fail"
    assert by_subject(doc, "virtio-disk-bus")["fine"]["status"] == "pass"
    rc, text, err = kbcheck(["--root", root, "--connect", uri], catalog_file)
    assert err == "" and text.count("libvirt unreachable") == 1 and "Traceback" not in text


def test_missing_libvirt_python_one_notice(catalog_file, shared_dir):
    root = tree(shared_dir, "nolibvirt", GUESTS)
    blocker = "sys.modules['libvirt'] = None  # `import libvirt` now raises ImportError"
    rc, out, err = kbcheck(["--root", root, "--connect", "test:///default", "--format", "json"], catalog_file,
                           pre=blocker)
    assert err == "", err
    doc = json.loads(out)
    notes = [n for n in doc.get("notices", []) if "libvirt" in n]
    assert len(notes) == 1 and notes[0].startswith("libvirt-python is not installed"), notes
    assert notes[0].endswith("; guests read from /etc/libvirt")
    assert by_subject(doc, "virtio-disk-bus")["idedisk"]["status"] == "fail"


@pytest.mark.skipif(os.geteuid() != 0, reason="switching to user nobody needs root")
def test_unprivileged_run_skips_needs_root_and_counts_them(catalog_file, shared_dir, as_nobody):
    root = tree(shared_dir, "unpriv", GUESTS)
    secret = os.path.join(root, "proc/sys/kernel/numa_balancing")
    os.chmod(secret, 0)
    rc, out, err = kbcheck(["--root", root, "--format", "json"], catalog_file, **as_nobody)
    assert err == "", err
    doc = json.loads(out)
    r = by_subject(doc, "numa-balancing")[None]
    assert r["status"] == "skip" and r["message"] == "needs root: cannot read /proc/sys/kernel/numa_balancing"
    assert doc["summary"]["needs_root"] >= 1
    notes = [n for n in doc.get("notices", []) if "root" in n]
    assert len(notes) == 1 and notes[0].startswith("not running as root"), notes
    rc, text, err = kbcheck(["--root", root], catalog_file, **as_nobody)
    assert "result(s) limited by privileges (needs root)" in text and err == ""
    # as root, the same tree is judged in full and says nothing about privileges
    rc, out, err = kbcheck(["--root", root, "--format", "json"], catalog_file)
    doc = json.loads(out)
    assert by_subject(doc, "numa-balancing")[None]["status"] == "pass"
    assert doc["summary"]["needs_root"] == 0 and not [n for n in doc.get("notices", []) if "root" in n]


# -- Ctrl-C ------------------------------------------------------------------------------------
def test_ctrl_c_exits_130_without_traceback_and_writes_no_partial_output(catalog_data, shared_dir):
    data = dict(catalog_data)
    slow = {"id": "slow-probe", "title": "a probe that takes its time", "area": "test", "scope": "host",
            "file": "kb/test/slow.yaml", "applies": {"hypervisors": ["kvm"], "roles": ["host"]},
            "code": "n = 0\nwhile n >= 0:\n    n += 1\nreturn PASS('never')\n"}
    data["entries"] = [slow] + list(catalog_data["entries"])
    cat = os.path.join(shared_dir, "slow-catalog.json")
    with open(cat, "w") as f:
        json.dump(data, f)
    root = tree(shared_dir, "sigint", GUESTS)
    report = os.path.join(shared_dir, "report.json")
    # the slow probe says when it has started (on stdout, which --output leaves free): the signal
    # then lands inside it, however slowly this machine got there
    code = ("import sys; sys.path.insert(0, %r)\n"
            "import kbcheck.runner as runner\n"
            "_call = runner.call_probe\n"
            "def call_probe(entry, host, dom=None):\n"
            "    if entry.id == 'slow-probe':\n"
            "        sys.stdout.write('slow probe started\\n'); sys.stdout.flush()\n"
            "    return _call(entry, host, dom)\n"
            "runner.call_probe = call_probe\n"
            "from kbcheck.cli import main\nsys.exit(main())" % CHECKS)
    p = subprocess.Popen([sys.executable, "-c", code, "--catalog", cat, "--root", root, "--timeout", "60",
                          "--output", report], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True)
    ready, _, _ = select.select([p.stdout], [], [], 60)
    assert ready and p.stdout.readline() == "slow probe started\n", "the slow probe did not start within 60 s"
    assert p.poll() is None
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    assert p.returncode == 130, (p.returncode, err)
    assert "Traceback" not in err and err.strip() == "kbcheck: interrupted"
    assert not os.path.exists(report)
    assert not [n for n in os.listdir(shared_dir) if n.startswith(".report.json")]


# -- live, through a real libvirtd -------------------------------------------------------------
@pytest.mark.live
@pytest.mark.skipif(libvirt is None, reason="libvirt-python is not installed")
@pytest.mark.skipif(os.geteuid() != 0, reason="qemu:///system needs root")
def test_live_run_through_qemu_system(catalog_file):
    name = "%slive-%d" % (lvd.TEST_PREFIX, os.getpid())
    with lvd.system_libvirtd(timeout=30) as daemons:
        conn = libvirt.open(daemons.uri)
        try:
            dom = conn.defineXML(lvd.tiny_tcg_guest_xml(name))
            try:
                dom.create()
                args = ["--connect", daemons.uri, "--assume", "role=kvm_host", "--format", "json", "-v"]
                t0 = time.time()
                rc, out, err = kbcheck(args, catalog_file)
                took = time.time() - t0
                assert err == "", err
                doc = json.loads(out)
                assert not [n for n in doc.get("notices", []) if "libvirt" in n], doc.get("notices")
                mine = [r for r in doc["results"] if r["subject"] == name]
                assert mine, "the running guest is not a subject: %s" % sorted(set(r["subject"] for r in doc["results"]))
                got = dict((r["id"], r) for r in mine)
                # what this guest deserves: 1 vCPU fits any host; no disks at all; a virtio balloon
                assert got["guest-vcpus-within-host"]["status"] == "pass"
                assert got["virtio-disk-bus"]["status"] == "skip"
                assert got["virtio-disk-bus"]["message"] == "the guest has no disks"
                assert not [r for r in mine if r["status"] == "error"], mine
                # the same guest judged from its files (libvirt made unreachable): same verdicts
                rc2, out2, err2 = kbcheck(["--connect", "qemu+unix:///system?socket=/nonexistent"] + args[2:],
                                          catalog_file)
                doc2 = json.loads(out2)
                offline = dict((r["id"], r["status"]) for r in doc2["results"] if r["subject"] == name)
                # the same verdicts, except where only live libvirt has the evidence (host capabilities:
                # offline, those checks skip for want of them)
                assert set(offline) == set(got)
                differ = dict((k, (offline[k], got[k]["status"])) for k in got if offline[k] != got[k]["status"])
                assert all(o == "skip" for o, _ in differ.values()), differ
                assert doc["host"]["guests"] >= 1
                print("\nlive run through %s: %d results for %s in %.2fs" % (daemons.uri, len(mine), name, took))
            finally:
                lvd.destroy_and_undefine(dom)
        finally:
            conn.close()
