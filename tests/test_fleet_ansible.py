"""The fleet playbook for real: ansible-core runs fleet/kbcheck.yml over an inventory of
localhost aliases (ansible_connection=local), each pointed at a different root tree, plus hosts
that cannot be judged (unreachable over ssh, no Python 3.6+, kbcheck exit 2); then
`kbcheck report` merges what the playbook fetched."""
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys

import pytest

from support import tools

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLAYBOOK = os.path.join(ROOT, "fleet", "kbcheck.yml")
EXAMPLE = os.path.join(ROOT, "examples", "sle12-kvm-untuned")
ARTIFACTS = os.path.join(ROOT, "test-artifacts")
TIMEOUT = 420


def _playbook_cmd():
    exe = tools.tool("ansible-playbook")
    if exe is None:
        pytest.skip("ansible-core is not installed (pip install 'ansible-core>=2.15')")
    return [exe]


def _closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _materialise(spec, root):
    from kbgen.scenarios import materialise
    os.makedirs(root)
    return materialise(spec, root)


@pytest.fixture(scope="module")
def fleet_run(tmp_path_factory, built):
    """One playbook run over the whole inventory: (workdir, completed process, results dir)."""
    cmd = _playbook_cmd()
    work = str(tmp_path_factory.mktemp("fleet"))
    roots = {
        "untuned": EXAMPLE,
        "tuned": _materialise({"cpus": 16, "cores": 8, "memory": "64G",
                               "numa": [{"cpus": "0-7", "memory": "32G"}, {"cpus": "8-15", "memory": "32G"}],
                               "sysctl": {"kernel.numa_balancing": 0},
                               "ksm": {"run": 0, "merge_across_nodes": 0, "sleep_millisecs": 200}},
                              os.path.join(work, "roots", "tuned")),
        "guest": _materialise({"role": "kvm_guest", "cpus": 2, "memory": "4G"}, os.path.join(work, "roots", "guest")),
    }
    # a catalog of another knowledge-base version, as a host that was not updated would carry
    with open(built["catalog"]) as f:
        cat = json.load(f)
    cat["kb_version"] = "0therkb00000"
    other_catalog = os.path.join(work, "other-catalog.json")
    with open(other_catalog, "w") as f:
        json.dump(cat, f)
    waivers = os.path.join(work, "waivers.ini")
    with open(waivers, "w") as f:
        f.write("[ksm]\nid = ksm-*\nreason = ksmtuned manages KSM here\nexpires = 2099-12-31\n")
    fake_python = os.path.join(work, "python3.4")
    with open(fake_python, "w") as f:
        f.write("#!/bin/sh\n# an interpreter too old for kbcheck\n[ \"$1\" = -V ] && echo 'Python 3.4.10'\nexit 1\n")
    os.chmod(fake_python, 0o755)
    remote_tmp = os.path.join(work, "remote")
    keep_tmp = os.path.join(work, "remote-keep")
    os.makedirs(remote_tmp)
    os.makedirs(keep_tmp)

    def local(root, **more):
        h = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable,
             "kbcheck_extra_args": "--root %s" % shlex.quote(root), "kbcheck_remote_tmp": remote_tmp}
        h.update(more)
        return h

    hosts = {
        "untuned": local(roots["untuned"]),
        "tuned": local(roots["tuned"]),
        "guest": local(roots["guest"], kbcheck_keep_remote=True, kbcheck_remote_tmp=keep_tmp),
        "numa-only": local(roots["untuned"], kbcheck_tags=["numa"]),
        "xen-only": local(roots["untuned"], kbcheck_ids=["xen-*"]),  # nothing applies: kbcheck exits 4
        "waived": local(roots["untuned"], kbcheck_waivers=waivers),
        "other-kb": local(roots["untuned"], kbcheck_extra_args="--root %s --catalog %s" % (
            shlex.quote(roots["untuned"]), shlex.quote(other_catalog))),
        "old-python": local(roots["untuned"], kbcheck_python=fake_python),
        "bad-root": local(os.path.join(work, "no-such-root")),
        "gone": {"ansible_connection": "ssh", "ansible_host": "127.0.0.1", "ansible_port": _closed_port(),
                 "ansible_user": "nobody",
                 "ansible_ssh_common_args": "-F /dev/null -o ConnectTimeout=5 -o BatchMode=yes "
                                            "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"},
    }
    inventory = os.path.join(work, "inventory.yml")
    with open(inventory, "w") as f:
        json.dump({"all": {"hosts": hosts}}, f, indent=1)
    results = os.path.join(work, "results")
    extra = os.path.join(work, "vars.json")
    with open(extra, "w") as f:
        json.dump({"kbcheck_runner": built["pyz"], "kbcheck_results_dir": results}, f)
    cfg = os.path.join(work, "ansible.cfg")
    open(cfg, "w").close()
    env = dict(os.environ, ANSIBLE_CONFIG=cfg, ANSIBLE_HOME=os.path.join(work, ".ansible"),
               ANSIBLE_LOCAL_TEMP=os.path.join(work, ".ansible", "tmp"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_FORCE_COLOR="0", ANSIBLE_RETRY_FILES_ENABLED="0", ANSIBLE_HOST_KEY_CHECKING="0",
               ANSIBLE_TIMEOUT="5", ANSIBLE_GATHERING="explicit", ANSIBLE_STDOUT_CALLBACK="default",
               ANSIBLE_INVENTORY_ENABLED="yaml", ANSIBLE_DEPRECATION_WARNINGS="0")
    env.pop("ANSIBLE_VAULT_PASSWORD_FILE", None)
    proc = subprocess.Popen(cmd + ["-i", inventory, PLAYBOOK, "-f", "8", "-e", "@" + extra],
                            cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True)
    try:
        out, _ = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        pytest.fail("ansible-playbook did not finish in %d s:\n%s" % (TIMEOUT, out[-4000:]))
    with open(os.path.join(work, "play.log"), "w") as f:
        f.write(out)
    return {"work": work, "rc": proc.returncode, "out": out, "results": results, "hosts": hosts, "roots": roots,
            "remote_tmp": remote_tmp, "keep_tmp": keep_tmp, "built": built}


def _load(fleet_run, name):
    with open(os.path.join(fleet_run["results"], name + ".json")) as f:
        return json.load(f)


def test_one_file_per_inventory_host(fleet_run):
    # exit 2: one host failed for real (kbcheck exit 2); every other outcome is a result
    assert fleet_run["rc"] == 2, fleet_run["out"][-3000:]
    assert sorted(os.listdir(fleet_run["results"])) == sorted(n + ".json" for n in fleet_run["hosts"])


def test_each_host_judged_its_own_root(fleet_run):
    for name in ("untuned", "tuned", "guest", "numa-only", "waived", "other-kb"):
        doc = _load(fleet_run, name)
        assert doc["schema"] == 1 and doc["results"], name
        root = fleet_run["hosts"][name]["kbcheck_extra_args"].split()[1]
        assert doc["host"]["location"] == os.path.abspath(root.strip("'")), name
    assert _load(fleet_run, "guest")["host"]["roles"] == ["kvm_guest"]
    assert _load(fleet_run, "tuned")["summary"] != _load(fleet_run, "untuned")["summary"]


def test_selection_and_waivers_travel(fleet_run):
    numa = _load(fleet_run, "numa-only")
    assert numa["results"] and all("numa" in r["tags"] for r in numa["results"])
    waived = _load(fleet_run, "waived")
    ksm = [r for r in waived["results"] if r["id"].startswith("ksm-") and r["status"] in ("fail", "warn")]
    assert ksm and all(r["waived"] for r in ksm)
    assert waived["summary"]["waived"] == len(ksm)
    assert _load(fleet_run, "other-kb")["kb_version"] == "0therkb00000"


def test_nothing_applicable_is_a_result_not_a_failure(fleet_run):
    """kbcheck exits 4 when none of the selected entries applies (Xen entries on a KVM host): the
    report comes back like any other, every result a skip saying why."""
    doc = _load(fleet_run, "xen-only")
    assert doc["schema"] == 1 and doc["results"] and doc["summary"]["applicable"] == 0
    assert all(r["status"] == "skip" and r["id"].startswith("xen-") for r in doc["results"])


def test_hosts_not_judged_leave_markers(fleet_run):
    gone = _load(fleet_run, "gone")
    # without an ssh client the connection cannot even start: Ansible may call that a failure
    expected = ("unreachable",) if shutil.which("ssh") else ("unreachable", "failed")
    assert gone["fleet_status"] in expected and gone["schema"] == 1
    assert gone["message"]
    old = _load(fleet_run, "old-python")
    assert old["fleet_status"] == "no-python" and "Python 3.6" in old["message"]
    bad = _load(fleet_run, "bad-root")
    assert bad["fleet_status"] == "failed" and "kbcheck exited 2" in bad["message"]
    assert "no-such-root" in bad["message"]


def test_nothing_left_on_the_hosts_unless_asked(fleet_run):
    assert os.listdir(fleet_run["remote_tmp"]) == []
    kept = os.listdir(fleet_run["keep_tmp"])
    assert len(kept) == 1 and kept[0].startswith("kbcheck.")
    assert sorted(os.listdir(os.path.join(fleet_run["keep_tmp"], kept[0]))) == ["kbcheck.pyz", "report.json", "stderr.txt"]


def test_report_over_what_the_playbook_fetched(fleet_run, tmp_path):
    html, js = str(tmp_path / "fleet.html"), str(tmp_path / "fleet.json")
    p = subprocess.Popen([sys.executable, fleet_run["built"]["pyz"], "report", fleet_run["results"], "--html", html,
                          "--json", js], stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 1, err
    assert err == ""
    lines = out.splitlines()
    assert lines[0].startswith("kbcheck report: 10 hosts in ") and "7 judged" in lines[0]
    assert "1 unreachable" in lines[0] and "1 without Python 3.6+" in lines[0] and "1 kbcheck failed" in lines[0]
    assert "unreachable (1): gone" in lines and "without Python 3.6+ (1): old-python" in lines
    assert "kbcheck failed (1): bad-root" in lines
    assert "DIFFERENT KNOWLEDGE BASE on 1 host: other-kb (0therkb00000)" in lines[1]
    doc = json.load(open(js))
    ksm = [e for e in doc["entries"] if e["id"] == "ksm-merge-across-nodes"][0]
    # the untuned root warns (merging across its 2 nodes; numa_latency is not declared: the entry is
    # a warning naming it) and numa-only ran it too (the entry is tagged numa); the waiver holds, the
    # tuned root passes
    assert set(ksm["hosts"]["warn"]) == {"untuned", "other-kb", "numa-only"}
    assert ksm["hosts"]["waived"] == ["waived"]
    assert "tuned" in ksm["hosts"].get("pass", [])
    assert ksm["url"] == "entries/memory/ksm-merge-across-nodes.html"
    page = open(html).read()
    assert 'id="kb-mixed"' in page
    if not os.path.isdir(ARTIFACTS):
        os.makedirs(ARTIFACTS)
    shutil.copy(html, os.path.join(ARTIFACTS, "fleet-ansible.html"))
