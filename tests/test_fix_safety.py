"""Fix scripts under KBCHECK_FIX_ROOT are safe by default: only file-editing tools run; every
other command (losetup, qemu-nbd, mount, modprobe, rcSERVICE, an absolute /sbin path, a script
inside the copied tree ...) is skipped with a message. Placeholders left after the subject is
filled in make a step for a person; a device subject fills DEVICE."""
import os
import shutil
import stat
import subprocess

import pytest

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")

DANGEROUS = ("losetup", "qemu-nbd", "kpartx", "umount", "mount", "swapon", "mkswap", "modprobe", "rmmod",
             "dd", "ip", "service", "rclibvirtd", "xl", "xm", "virsh", "systemctl", "frobnicate", "fallocate")


def entry(id_, runtime, persistent="", scope="host", files=()):
    from kbcheck.catalog import Entry
    return Entry({"id": id_, "title": id_, "area": "test", "section": "1", "covers": [], "tags": [],
                  "severity": "medium", "scope": scope,
                  "fix": {"all": {"runtime": runtime, "persistent": persistent, "files": list(files),
                                  "needs": "none"}}})


def script_for(pairs):
    from kbcheck import fixscript
    from kbcheck.results import Result, build
    results = [(e, Result("fail", "bad", subject=subj), 0.0) for e, subj in pairs]
    text, _, _ = fixscript.generate(build(results, {"hostname": "h"}), "sle12")
    return text


def fake_tools(tmp_path):
    """A PATH folder where each dangerous name leaves a marker file when it runs."""
    bin_dir = tmp_path / "bin"
    marks = tmp_path / "ran"
    bin_dir.mkdir()
    marks.mkdir()
    for name in DANGEROUS:
        p = bin_dir / name
        p.write_text("#!/bin/sh\ntouch %s/%s\n" % (marks, name))
        p.chmod(p.stat().st_mode | stat.S_IEXEC)
    return str(bin_dir), marks


def run(text, tmp_path, root, path_first):
    script = tmp_path / "fix.sh"
    script.write_text(text)
    env = dict(os.environ, KBCHECK_FIX_ROOT=str(root), PATH=path_first + os.pathsep + os.environ["PATH"])
    p = subprocess.Popen(["bash", str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True, env=env)
    out, err = p.communicate(timeout=60)
    return p.returncode, out, err


def test_only_file_editing_tools_run_under_a_root(tmp_path):
    root = tmp_path / "root"
    (root / "etc" / "init.d").mkdir(parents=True)
    (root / "dev").mkdir()
    (root / "etc" / "x.conf").write_text("a = 1\n")
    trap = root / "etc" / "init.d" / "trap"
    trap.write_text("#!/bin/sh\ntouch %s/ran/tree-script\n" % tmp_path)
    trap.chmod(0o755)
    bin_dir, marks = fake_tools(tmp_path)
    runtime = "\n".join("%s -x /dev/loop0" % n for n in DANGEROUS) + "\n"
    runtime += "echo 1 > /dev/sdz\n/etc/init.d/trap start\n/usr/sbin/frobnicate now\n$(command -v losetup) -d /dev/loop1\n"
    runtime += "sed -i 's/a = 1/a = 2/' /etc/x.conf\n"
    text = script_for([(entry("danger", runtime), None)])
    rc, out, err = run(text, tmp_path, root, bin_dir)
    assert sorted(os.listdir(str(marks))) == [], out + err
    assert (root / "etc" / "x.conf").read_text() == "a = 2\n"
    assert (root / "dev" / "sdz").exists() or "sdz" in out + err  # into the tree, never the real /dev
    for name in ("losetup", "qemu-nbd", "kpartx", "mount", "modprobe", "rclibvirtd", "frobnicate"):
        assert "skipped under KBCHECK_FIX_ROOT" in err and name in err


def test_device_subject_fills_device(tmp_path):
    from kbcheck import catalog
    here = os.path.dirname(os.path.abspath(__file__))
    import yaml
    with open(os.path.join(here, "..", "kb", "images", "loop-nbd-detached.yaml")) as f:
        fix = yaml.safe_load(f)["fix"]
    e = catalog.Entry({"id": "loop-nbd-detached", "title": "t", "area": "images", "section": "1",
                       "covers": [], "tags": [], "severity": "high", "scope": "host", "fix": fix})
    text = script_for([(e, "/dev/loop0"), (e, "/dev/nbd1")])
    assert "NOT RUN" not in text
    assert "device='/dev/loop0'" in text  # the device is a value: one quoted word
    assert "device='/dev/nbd1'" in text
    root = tmp_path / "root"
    root.mkdir()
    bin_dir, marks = fake_tools(tmp_path)
    rc, out, err = run(text, tmp_path, root, bin_dir)
    assert rc == 0 and os.listdir(str(marks)) == [], out + err


@pytest.mark.parametrize("snippet, word", [
    ("echo 'vm.swappiness = VALUE' > /etc/sysctl.d/90-x.conf\n", "VALUE"),
    ("sed -i 's/$/ dom0_mem=SIZE/' /etc/default/grub\n", "SIZE"),
    ("losetup -d /dev/loopN\n", "loopN"),
    ("echo 'DEVICE swap swap defaults 0 0' >> /etc/fstab\n", "DEVICE"),
])
def test_placeholders_make_a_step_for_a_person(snippet, word):
    text = script_for([(entry("p", snippet), None)])
    assert "NOT RUN (replace %s" % word in text
    assert "\nkb_step " not in text


def test_guest_placeholder_filled_other_placeholders_stay():
    text = script_for([(entry("g", "virsh setvcpus GUEST N --config\n", scope="guest"), "web1")])
    assert "NOT RUN (replace N" in text and "virsh setvcpus 'web1' N" in text
    text = script_for([(entry("g", "virsh autostart GUEST\n", scope="guest"), "web1")])
    assert "NOT RUN" not in text and "virsh autostart 'web1'" in text


def test_fix_meant_for_another_machine_runs_nothing_here(model):
    """nfs-retransmissions: the change belongs on the NFS server, so its fix is text only and the
    script carries it as a step for a person."""
    from kbcheck.catalog import Entry
    data = [e for e in model.entries if e["id"] == "nfs-retransmissions"][0]
    fix = data["fix"]["all"]
    assert not fix.get("runtime") and not fix.get("persistent") and not fix.get("files")
    assert "NFS server" in fix["text"]
    e = Entry(dict(data))
    text = script_for([(e, None)])
    assert "\nkb_step " not in text
    assert not [line for line in text.splitlines() if "nfs" in line and not line.startswith("#")]
    assert "(no commands: a step for a person" in text


# As if quoting had failed: shellquote.word returns values as they are, and each value is a line of
# hostile shell. Under KBCHECK_FIX_ROOT nothing of it may run a program beyond the dispatcher's file
# tools or change anything outside the root.
HOSTILE_STEP = r'''
id > "$o/redirect"
PATH=/usr/bin; id >> "$o/path"
x=$(PATH=/usr/bin:/bin; touch "$o/subst")
"$(printf /usr/bin/touch)" "$o/absolute"
command -p touch "$o/command-p"
exec touch "$o/exec"
enable -f "$o/x.so" x
. "$o/profile"
LD_PRELOAD="$o/evil.so" sed -n p "$r/etc/x.conf"
LD_DEBUG=all LD_DEBUG_OUTPUT="$o/lddebug" sed -n p "$r/etc/x.conf"
LC_ALL="$o/locale" sed -n p "$r/etc/x.conf"
TMPDIR="$o" sort "$r/etc/x.conf"
sed -i "1e touch $o/sed-e" "$r/etc/x.conf"
sed -n "w $o/sed-w" "$r/etc/x.conf"
cp "$r/etc/x.conf" "$o/cp"
cp "$r/etc/x.conf" "$r/etc/../../out/cp-dots"
mkdir "$o/mkdir"
touch relative-file
echo owned | kb_to "$r/etc/link-out"
echo owned | kb_to "$o/kb-to"
chmod 777 "$o"
sort -o "$o/sort" "$r/etc/x.conf"
history -s x; history -w "$o/history"
kill -9 $PPID
cd "$o"
echo done > "$r/etc/marker-redirect"
echo reached | kb_to "$r/etc/reached"
'''


def test_dry_run_holds_when_quoting_fails(tmp_path, monkeypatch):
    from kbcheck import shellquote
    monkeypatch.setattr(shellquote, "word", lambda value: value)  # the bug the sandbox must survive
    root = tmp_path / "root"
    out = tmp_path / "out"
    (root / "etc").mkdir(parents=True)
    out.mkdir()
    (root / "etc" / "x.conf").write_text("a = 1\n")
    (root / "etc" / "link-out").symlink_to(out / "via-link")
    # one step per line, so that one refusal does not hide the next attempt; the line comes in as a
    # mount point (POINT) that the broken quoting pastes into the code as it is
    head = "o=%s; r=%s\n: POINT\n" % ("'%s'" % out, "'%s'" % root)
    pairs = [(entry("h%02d" % i, head), "/x; " + line) for i, line in enumerate(HOSTILE_STEP.strip().splitlines())]
    text = script_for(pairs)
    assert ": /x; id > \"$o/redirect\"" in text  # the injection is there
    script = tmp_path / "fix.sh"
    script.write_text(text)
    env = dict(os.environ, KBCHECK_FIX_ROOT=str(root))
    p = subprocess.run(["bash", str(script)], cwd=str(tmp_path), env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True, timeout=120)
    assert os.listdir(str(out)) == [], p.stdout + p.stderr
    assert not (tmp_path / "relative-file").exists()
    assert (root / "etc" / "x.conf").read_text() == "a = 1\n"  # sed's e command is refused with it
    assert not (root / "etc" / "marker-redirect").exists()  # a restricted shell opens no file for writing
    assert (root / "etc" / "reached").read_text() == "reached\n", p.stdout + p.stderr  # inside the root: allowed
    assert "kbcheck fix:" in p.stdout  # the script itself was not killed
