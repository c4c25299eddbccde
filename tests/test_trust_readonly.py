"""Read-only, proven: every probe of every scenario of every entry runs under a Python audit hook that
records any write, any change to the file system, any new process and any network connection.

The hook is armed only while the probes run and judge (materialising a scenario's root writes
files, and that is the test's doing, not kbcheck's). Audit hooks cannot be removed, so all of it
runs in a child interpreter. The child also proves the hook works: an armed deliberate write and
an armed subprocess are caught.
"""
import json
import os
import subprocess
import sys
import textwrap

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

CHILD = textwrap.dedent(r'''
    import json, os, sys
    sys.path[:0] = [os.path.join(ROOT, "checks"), os.path.join(ROOT, "generator"), os.path.join(ROOT, "tests")]

    WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    FORBIDDEN = {
        "os.remove", "os.unlink", "os.rename", "os.replace", "os.mkdir", "os.rmdir", "os.symlink", "os.link",
        "os.chmod", "os.chown", "os.chflags", "os.lchmod", "os.lchown", "os.truncate", "os.utime", "os.mkfifo",
        "os.mknod", "os.setxattr", "os.removexattr", "shutil.rmtree", "shutil.copyfile", "shutil.move",
        "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "os.kill", "os.killpg",
        "subprocess.Popen", "pty.spawn", "socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg",
        "ctypes.dlopen", "ctypes.call_function", "os.startfile", "webbrowser.open", "urllib.Request",
        "sqlite3.connect", "os.putenv", "os.unsetenv", "tempfile.mkstemp", "tempfile.mkdtemp",
    }
    ALLOWED_SOCKETS = ("/run/libvirt/libvirt-sock-ro", "/var/run/libvirt/libvirt-sock-ro")
    state = {"armed": False, "what": None}
    seen = []

    def hook(event, args):
        if not state["armed"]:
            return
        bad = None
        if event == "open":
            path, mode, flags = (list(args) + [None, None, None])[:3]
            if isinstance(mode, str) and any(c in mode for c in "wax+"):
                bad = "open(%r, %r)" % (path, mode)
            elif isinstance(flags, int) and flags & WRITE_FLAGS:
                bad = "open(%r, flags=%#o)" % (path, flags)
        elif event == "socket.connect":
            addr = args[1] if len(args) > 1 else None
            if not (isinstance(addr, str) and addr in ALLOWED_SOCKETS):
                bad = "socket.connect(%r)" % (addr,)
        elif event in FORBIDDEN or event.startswith("os.exec") or event.startswith("os.spawn"):
            bad = "%s%r" % (event, tuple(str(a)[:80] for a in args))
        if bad:
            seen.append({"during": state["what"], "what": bad})

    sys.addaudithook(hook)

    from kbgen import model as model_mod, scenarios
    from kbgen.compiler import compile_catalog
    from kbcheck.catalog import Entry
    from kbcheck.facts import Host
    from kbcheck import runner
    from kbcheck.sources.root import RootSource

    class Armed(RootSource):
        """Arms the hook once the root is materialised; disarms when the run closes the source."""
        def __init__(self, root, what):
            RootSource.__init__(self, root)
            state["what"] = what
            state["armed"] = True
        def close(self):
            state["armed"] = False

    # 1. the hook works: armed, a write, a mkdir and a subprocess are caught
    import tempfile, subprocess
    probe_dir = tempfile.mkdtemp()
    state.update(armed=True, what="self-test")
    try:
        with open(os.path.join(probe_dir, "x"), "w") as f:
            f.write("x")
    except Exception:
        pass
    try:
        os.mkdir(os.path.join(probe_dir, "d"))
    except Exception:
        pass
    try:
        subprocess.call(["true"])
    except Exception:
        pass
    state["armed"] = False
    selftest = [s["what"].split("(")[0] for s in seen]
    del seen[:]

    # 2. every probe of every scenario, judged through run_entry and through the bounded runner
    m = model_mod.load()
    cat = dict((d["id"], d) for d in compile_catalog(m)["entries"])
    runs = 0
    for e in m.entries:
        ce = Entry(cat[e["id"]])
        for i, sc in enumerate(e["scenarios"]):
            what = "%s scenario %d (%s)" % (e["id"], i, sc["name"])
            results, problems = scenarios.run(ce, sc, source_factory=lambda root, sc, what=what: Armed(root, what))
            runs += 1

            def bounded(root, sc, what=what):
                src = Armed(root, what + " [bounded runner]")
                host = Host(src, assume=dict((k, str(v).lower() if isinstance(v, bool) else str(v))
                                             for k, v in (sc.get("assume") or {}).items()))
                runner.run([ce], host, timeout=5)
                return src
            # the bounded runner (worker thread, deadline) on the same tree: materialise, arm, run
            tmp = tempfile.mkdtemp(prefix="kbro-")
            scenarios.materialise(sc.get("host"), tmp, ce)
            bounded(tmp, sc).close()
            import shutil
            shutil.rmtree(tmp)
    print(json.dumps({"selftest": selftest, "violations": seen, "runs": runs}))
''')


def test_every_probe_of_every_scenario_is_read_only():
    if sys.version_info < (3, 8):
        pytest.skip("audit hooks need Python 3.8+")
    code = "ROOT = %r\n" % ROOT + CHILD
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True, cwd=ROOT)
    out, err = p.communicate(timeout=600)
    assert p.returncode == 0, err[-3000:]
    doc = json.loads(out.strip().splitlines()[-1])
    # the hook catches what it must (else a clean result would prove nothing)
    assert {"open", "os.mkdir", "subprocess.Popen"} <= set(doc["selftest"]), doc["selftest"]
    assert doc["runs"] > 0
    assert not doc["violations"], "\n".join("%s: %s" % (v["during"], v["what"]) for v in doc["violations"])
