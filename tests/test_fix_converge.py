"""Fixes converge, and no fix undoes another.

- Every entry with a runnable fix, on every failing scenario of it (both derived from kb/ when
  the tests are collected): materialise the scenario, write the fix script for the entry's
  results, run it under KBCHECK_FIX_ROOT, judge the changed tree again. Each subject that failed
  now passes, unless the entry is named in PENDING, the one list of fixes that cannot converge
  on a copied tree, each with the reason; an entry there that converges anyway fails the test,
  so the list stays true. A second run of the script changes nothing.
- Every example (examples/*): all fixes together. No fixed entry fails afterwards (PENDING
  aside), no subject that passed before fails, warns or errs afterwards (but for the honest
  "reboot pending" of REPORTS_PENDING), and a second run changes nothing.
"""
import json
import os
import shutil

import pytest

from conftest import EXAMPLES
from support.run import fix_script, tree

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")

# entry id -> why its fix cannot make it pass on a copied tree
PENDING = {
    "boot-config-applied": "grub2-mkconfig writes grub.cfg and the new command line counts from the next "
                           "boot: the dry run does not run it (reboot pending)",
    "pv-fstab-stable-names": "blkid reads the UUIDs from the guest's real devices: the dry run does not run it",
    "pv-kernel-default": "the -default kernel comes from zypper, which the dry run does not run",
    "guest-virtio-drivers": "the emulated controller and NIC are changed on the host (virsh edit), then "
                            "the guest restarts (guest restart pending)",
    "guest-virtio-rng-in-use": "rng-tools comes from zypper and starts with systemctl: the dry run runs neither",
    "spice-listen-ipv6": "a guest that names its own listen address changes through libvirt (virsh edit), "
                         "and every guest at its next start (guest restart pending)",
    "loop-nbd-detached": "losetup and qemu-nbd detach devices of the running host: the dry run does not run them",
    "libvirtd-enabled": "systemctl (chkconfig on SLE 11) enables and starts the daemon: the dry run does not run them",
    "hugetlbfs-mounted": "mount makes the mount now, which the dry run does not run; the /etc/fstab line "
                         "mounts it from the next boot (reboot pending)",
    "nfs-image-mounts": "a mounted share keeps its options until it is mounted again with its guests "
                        "stopped (guest restart pending); a share with no /etc/fstab line is reported by the step",
    "guest-memtune-limits": "virsh memtune changes the definition through libvirt: the dry run does not run it",
    "xenstore-tmpfs": "xenstored holds its database open: the tmpfs is mounted at the next boot (reboot pending)",
}

# entry id -> (what its message says, why): entries that judge what other fixes change and say
# so honestly; on an example they may turn from pass to fail with that message after the fixes
REPORTS_PENDING = {
    "boot-config-applied": ("reboot pending", "it compares the boot configuration with the running "
                            "kernel: after a fix that edits the boot configuration the reboot is due"),
}


def _model():
    from kbgen import model as model_mod
    return model_mod.load()


def _failing_scenarios(entry):
    from kbgen import scenarios
    return [sc for sc in entry["scenarios"]
            if "fail" in [x["status"] for x in scenarios.expectations(sc["expect"])]]


def _entries_with_fixes():
    return [e["id"] for e in _model().entries if e.get("fix") and _failing_scenarios(e)]


def _judge(entry, root, scenario):
    from kbcheck.facts import Host
    from kbcheck.runner import run_entry
    from kbcheck.sources.root import RootSource
    source = RootSource(root)
    try:
        host = Host(source, assume=dict((k, str(v).lower() if isinstance(v, bool) else str(v))
                                        for k, v in (scenario.get("assume") or {}).items()))
        from kbcheck import detect
        return host, run_entry(entry, host), detect.summary(host)
    finally:
        source.close()


def _runnable(report, era, roles):
    from kbcheck import fixsteps
    steps, _ = fixsteps.plan(report.results, era, roles)
    for s in steps:
        body, _, reason = fixsteps.build(s)
        if body and reason is None:
            return True
    return False


@pytest.mark.parametrize("entry_id", _entries_with_fixes())
def test_fix_converges_on_every_failing_scenario(model, catalog_data, entry_id, tmp_path):
    from kbcheck import fixscript
    from kbcheck.catalog import Entry
    from kbcheck.results import build
    from kbgen import scenarios
    me = model.by_id[entry_id]
    entry = Entry(next(d for d in catalog_data["entries"] if d["id"] == entry_id))
    ran, converged, problems = 0, 0, []
    for n, sc in enumerate(_failing_scenarios(me)):
        root = str(tmp_path / ("root%d" % n))
        os.makedirs(root)
        scenarios.materialise(sc.get("host"), root, entry)
        host, before, info = _judge(entry, root, sc)
        report = build([(entry, r, 0.0) for r in before], info)
        failed = set(r.subject for r in before if r.status == "fail")
        if not failed or not _runnable(report, host.era, host.roles):
            continue
        ran += 1
        text, _, _ = fixscript.generate(report, host.era)
        script = str(tmp_path / ("fix%d.sh" % n))
        with open(script, "w") as f:
            f.write(text)
        rc, out, err = fix_script(script, root)
        _, after, _ = _judge(entry, root, sc)
        left = dict((r.subject, r) for r in after if r.subject in failed and r.status not in ("pass", "info", "skip"))
        new = [r for r in after if r.subject not in failed and r.status == "fail"]
        if new:
            problems.append("%r: the fix made new failures: %s" % (sc["name"], new))
        if not left and rc == 0:
            converged += 1
        elif entry_id not in PENDING:
            problems.append("%r: exit %d, still %s\n%s" % (sc["name"], rc, list(left.values()), (out + err)[-2000:]))
        first = tree(root)
        fix_script(script, root)
        changed = sorted(k for k in set(first) | set(tree(root)) if first.get(k) != tree(root).get(k))
        if changed:
            problems.append("%r: a second run changed %s" % (sc["name"], changed))
    if ran and entry_id in PENDING and converged == ran:
        problems.append("the fix converges on every failing scenario: take %s out of PENDING" % entry_id)
    assert not problems, "%s: %s" % (entry_id, "\n".join(problems))


def test_pending_names_only_entries_with_fixes(model):
    ids = set(e["id"] for e in model.entries if e.get("fix"))
    assert not set(PENDING) - ids
    assert all(why and "\n" not in why for why in PENDING.values())


def _report(kb, root):
    rc, out, err = kb("--root", root, "--format", "json")
    assert rc in (0, 1, 3), err
    got = {}
    for r in json.loads(out)["results"]:
        got[(r["id"], r["subject"])] = (r["status"], r["message"])
    return got


EXAMPLE_NAMES = sorted(d for d in os.listdir(EXAMPLES) if os.path.isdir(os.path.join(EXAMPLES, d)))


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_all_fixes_of_an_example_together_undo_nothing(kb, example, tmp_path):
    root = str(tmp_path / "root")
    shutil.copytree(os.path.join(EXAMPLES, example), root, symlinks=True)
    before = _report(kb, root)
    script = str(tmp_path / "fix.sh")
    rc, out, err = kb("fix", "--root", root, "--script", script)
    assert rc == 0, err
    with open(script) as f:
        text = f.read()
    untouched = tree(root)
    rc, out, err = fix_script(script, root)
    if not any(line.startswith("kb_run ") for line in text.splitlines()):
        assert rc == 0 and tree(root) == untouched, out + err  # a well-tuned host: nothing to do
    after = _report(kb, root)
    problems = []
    for key, (status, _) in sorted(before.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        now, message = after.get(key, ("gone", ""))
        honest = key[0] in REPORTS_PENDING and REPORTS_PENDING[key[0]][0] in message
        if status == "pass" and now in ("fail", "warn", "error") and not honest:
            problems.append("%s [%s] passed before and is %s after the fixes: %s" % (key[0], key[1], now, message))
        if status == "fail" and now == "fail" and key[0] not in PENDING and _ran(text, key[0]):
            problems.append("%s [%s] still fails after its fix ran: %s" % (key[0], key[1], message))
    for key, (status, message) in after.items():
        if key not in before and status == "fail":
            problems.append("%s [%s] is new and fails after the fixes: %s" % (key[0], key[1], message))
    first = tree(root)
    fix_script(script, root)
    second = tree(root)
    changed = sorted(k for k in set(first) | set(second) if first.get(k) != second.get(k))
    if changed:
        problems.append("a second run changed %s" % changed)
    assert not problems, "%s:\n%s\n%s" % (example, "\n".join(problems), (out + err)[-3000:])


def _ran(text, entry_id):
    """True when the script runs a step of this entry (not only notes for a person)."""
    return any(line.startswith("kb_step ") and ("'%s'" % entry_id in line or "'%s [" % entry_id in line)
               for line in text.splitlines())
