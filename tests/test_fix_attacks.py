"""The attacks of issue 12, reproduced: hostile names and text from a judged host never become code
in a fix script, under KBCHECK_FIX_ROOT or not, in comments or in commands, and `--show-fix`
prints the same safe form. Each test builds the hostile host, writes the script with `kbcheck fix`
and runs it in a scratch folder; a marker file anywhere means the attack worked."""
import os
import re
import shutil
import subprocess

import pytest

from conftest import EXAMPLES

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")

EXAMPLE = os.path.join(EXAMPLES, "sle12-kvm-untuned")


def hostile_root(tmp_path, name="root", guest=None, hostname=None, fstab_extra=None, mounts_extra=None):
    """A copy of the untuned SLE 12 example with a hostile guest name (web02, which fails
    guest-memtune-limits), hostname, /etc/fstab line or /proc/mounts line."""
    root = os.path.join(str(tmp_path), name)
    shutil.copytree(EXAMPLE, root, symlinks=True)
    if guest is not None:
        p = os.path.join(root, "etc", "libvirt", "qemu", "web02.xml")
        with open(p) as f:
            xml = f.read()
        with open(p, "w") as f:
            f.write(xml.replace("<name>web02</name>", "<name>%s</name>" % guest))
    if hostname is not None:
        with open(os.path.join(root, "etc", "hostname"), "w") as f:
            f.write(hostname + "\n")
    for rel, extra in (("etc/fstab", fstab_extra), ("proc/mounts", mounts_extra)):
        if extra:
            with open(os.path.join(root, rel), "a") as f:
                f.write(extra)
    return root


def write_script(kb, root, tmp_path, *argv):
    script = os.path.join(str(tmp_path), "fix.sh")
    rc, out, err = kb("fix", "--root", root, "--script", script, *argv)
    assert rc == 0, err
    with open(script, "rb") as f:
        return script, f.read().decode("utf-8")


def run_in_scratch(script, root, tmp_path, env_extra=None, dry=True):
    scratch = os.path.join(str(tmp_path), "scratch")
    os.makedirs(scratch, exist_ok=True)
    env = dict(os.environ)
    env.pop("KBCHECK_FIX_ROOT", None)
    if dry:
        env["KBCHECK_FIX_ROOT"] = root
    env.update(env_extra or {})
    p = subprocess.Popen(["bash", script], cwd=scratch, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True, env=env)
    out, err = p.communicate(timeout=120)
    return p.returncode, out, err


def markers(tmp_path):
    found = []
    for d, _, files in os.walk(str(tmp_path)):
        found += [os.path.join(d, f) for f in files if f.startswith("pwned")]
    return found


def test_guest_name_with_command_substitution_runs_nothing(kb, tmp_path):
    """Attack 1: `w1$(touch pwned)`touch pwned2`` as a guest name."""
    root = hostile_root(tmp_path, guest="w1$(touch pwned)`touch pwned2`")
    script, text = write_script(kb, root, tmp_path, "--id", "guest-memtune-limits")
    assert "w1$(touch pwned)" in text  # the guest is there: the step was written
    commands = [line for line in text.splitlines() if "virsh memtune" in line and not line.lstrip().startswith("#")]
    assert commands and all("'w1$(touch pwned)`touch pwned2`'" in line for line in commands), commands
    run_in_scratch(script, root, tmp_path)
    assert markers(tmp_path) == []


def test_show_fix_prints_the_guest_name_quoted(kb, tmp_path):
    root = hostile_root(tmp_path, guest="w1$(touch pwned)")
    rc, out, err = kb("--root", root, "--id", "guest-memtune-limits", "--show-fix")
    lines = [line for line in out.splitlines() if "virsh memtune" in line]
    assert lines and all("'w1$(touch pwned)'" in line for line in lines), out


def test_sandbox_holds_against_a_name_that_restores_path(kb, tmp_path):
    """Attack 2: a name without a slash that rebuilds PATH and redirects output."""
    root = hostile_root(tmp_path, guest="w3$(PATH=${PWD%%[a-z]*}usr${PWD%%[a-z]*}bin;id>pwned3)")
    script, _ = write_script(kb, root, tmp_path, "--id", "guest-memtune-limits")
    run_in_scratch(script, root, tmp_path)
    assert markers(tmp_path) == []


def test_newline_in_a_guest_name_stays_in_its_comment(kb, tmp_path):
    """Attack 3: `<name>w2&#10;touch pwned #</name>`."""
    root = hostile_root(tmp_path, guest="w2&#10;touch pwned #")
    script, text = write_script(kb, root, tmp_path, "--id", "guest-memtune-limits", "--id", "virtio-*")
    assert not re.search(r"^touch pwned", text, re.M)
    assert subprocess.call(["bash", "-n", script]) == 0
    run_in_scratch(script, root, tmp_path)
    assert markers(tmp_path) == []


def test_newline_from_the_mount_table_stays_in_its_comment(kb, tmp_path):
    """Attack 3 through /proc/mounts: the kernel's \\012 escape decodes to a newline in a mount point
    that then holds a guest's image (nfs-image-mounts fails it, naming the mount point)."""
    point = "/srv/img\\012touch\\040pwned5\\040#"
    root = hostile_root(tmp_path, mounts_extra="nas:/x %s nfs rw,soft,rsize=8192,wsize=8192 0 0\n" % point)
    p = os.path.join(root, "etc", "libvirt", "qemu", "web01.xml")
    with open(p) as f:
        xml = f.read()
    with open(p, "w") as f:
        f.write(re.sub(r"<source file=['\"][^'\"]*['\"]", "<source file='/srv/img&#10;touch pwned5 #/web01.qcow2'", xml, count=1))
    script, text = write_script(kb, root, tmp_path, "--id", "nfs-image-mounts")
    assert "pwned5" in text
    assert not re.search(r"^touch pwned5", text, re.M)
    run_in_scratch(script, root, tmp_path)
    assert markers(tmp_path) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="the host check runs after the root check: needs root")
def test_hostile_hostname_runs_nothing_on_another_host(kb, tmp_path):
    """Attack 4: the host check runs on any other host before any step."""
    root = hostile_root(tmp_path, hostname="kvm01$(touch${IFS}pwned)")
    script, _ = write_script(kb, root, tmp_path, "--id", "ksm-sleep-millisecs")
    rc, out, err = run_in_scratch(script, root, tmp_path, dry=False)
    assert rc == 2, out + err
    assert markers(tmp_path) == []


def test_root_folder_name_with_a_newline_stays_in_the_header(kb, tmp_path):
    """Attack 4: a --root folder whose name holds a newline."""
    root = hostile_root(tmp_path, name="r\ntouch pwned4\n#")
    script, text = write_script(kb, root, tmp_path, "--id", "ksm-sleep-millisecs")
    assert not re.search(r"^touch pwned4", text, re.M)
    run_in_scratch(script, root, tmp_path)
    assert markers(tmp_path) == []


def test_terminal_escapes_never_reach_the_script(kb, tmp_path):
    """Attack 5: a name with ESC and CSI sequences (which could hide lines from `cat fix.sh`)."""
    # XML 1.0 forbids ESC itself; C1 controls (CSI is 0x9b) and U+2028 pass a domain definition
    root = hostile_root(tmp_path, guest="w5&#155;2K&#155;1Ahidden&#8232;y", hostname="kvm\x1b]0;t\x07")
    _, text = write_script(kb, root, tmp_path)
    bad = [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7f <= ord(c) < 0xa0 or c in "\u2028\u2029"]
    assert bad == []
    assert "w5\\x9b2K\\x9b1Ahidden\\u2028y" in text and "kvm\\e]0;t\\x07" in text  # shown, escaped
