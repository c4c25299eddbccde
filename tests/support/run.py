"""Running the bundled runner and generated fix scripts as subprocesses, for the tests."""
import json
import os
import subprocess
import sys


def kbcheck(built, *argv):
    """The bundled runner of a build -> (exit code, stdout, stderr)."""
    p = subprocess.Popen([sys.executable, built["pyz"]] + list(argv), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True)
    out, err = p.communicate(timeout=120)
    return p.returncode, out, err


def statuses(built, root, ids, extra=()):
    """{entry id: set of statuses} of a JSON run of those entries on a root (extra: more options)."""
    argv = ["--root", root, "--format", "json"] + list(extra)
    for i in ids:
        argv += ["--id", i]
    got = {}
    for r in json.loads(kbcheck(built, *argv)[1])["results"]:
        got.setdefault(r["id"], set()).add(r["status"])
    return got


def fix_script(script, root, env_extra=None):
    """Run a generated fix script with bash against a copied root -> (exit code, stdout, stderr)."""
    env = dict(os.environ, KBCHECK_FIX_ROOT=root)
    env.update(env_extra or {})
    p = subprocess.Popen(["bash", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True, env=env)
    out, err = p.communicate(timeout=120)
    return p.returncode, out, err


def tree(root):
    """{relative path: content} of a root (links as '-> target'), without kbcheck's backups."""
    got = {}
    for d, dirs, files in os.walk(root):
        for name in files + [x for x in dirs if os.path.islink(os.path.join(d, x))]:
            p = os.path.join(d, name)
            if ".kbcheck-" in name:
                continue
            rel = os.path.relpath(p, root)
            if os.path.islink(p):
                got[rel] = "-> " + os.readlink(p)
            else:
                with open(p, "rb") as f:
                    got[rel] = f.read()
    return got
