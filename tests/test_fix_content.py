"""Fixes that do what they say (issue 12's content review), per product: each item of the review
as a test. The snippets run in bash with the commands they call as recording fakes, under a
scratch root (the steps' paths are rerouted as in the dry run), or through the generated script."""
import os
import re
import shutil
import subprocess

import pytest

from conftest import EXAMPLES
from support.run import fix_script

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")


_MODEL = []


def fix_of(entry_id):
    """The entry's fix as the catalog carries it (its own, or the one its template writes)."""
    if not _MODEL:
        from kbgen import model
        _MODEL.append(model.load())
    return _MODEL[0].by_id[entry_id]["fix"]


def run_snippets(variant, root, fakes="", fill=None):
    """Run a variant's runtime and persistent code as a step does (rerouted under root, through
    kb_to), with fakes: bash functions standing for the commands it calls, each logging
    `name args` to $LOG. -> (exit status, [logged calls], stderr)."""
    from kbcheck import fixroot, shellquote
    log = os.path.join(root, ".calls")
    code = []
    for key in ("runtime", "persistent"):
        if variant.get(key):
            c, _ = fixroot.prepare(variant[key])
            for word, (value, kind) in (fill or {}).items():
                c = shellquote.fill(c, word, value, kind)
            code.append(c)
    prelude = ('set -eu\nshopt -s nullglob\nexec 9>/dev/null\nLOG=%s\nKBCHECK_FIX_ROOT=%s\n'
               'kb_to() { if [ "$1" = -a ]; then cat >> "$2"; else cat > "$1"; fi; }\n'
               'kb_path() { echo "kb_path $*" >> "$LOG"; }\n'
               'fake() { local n="$1"; shift; echo "$n $*" >> "$LOG"; }\n'
               % (shellquote.word(log), shellquote.word(root)))
    p = subprocess.run(["bash", "-c", prelude + fakes + "\n" + "\n".join(code), "kbtest"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=60,
                       stdin=subprocess.DEVNULL, env=dict(os.environ), cwd=root)
    calls = open(log).read().splitlines() if os.path.exists(log) else []
    return p.returncode, calls, p.stderr + p.stdout


def write(root, rel, text):
    p = os.path.join(root, rel.lstrip("/"))
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write(text)


def read(root, rel):
    with open(os.path.join(root, rel.lstrip("/"))) as f:
        return f.read()


# -- io-scheduler-persistent inside a guest agrees with guest-io-scheduler ---------------------

def test_io_scheduler_persistent_in_a_guest_writes_what_guest_io_scheduler_writes():
    from kbcheck import fixview
    mine, theirs = fix_of("io-scheduler-persistent"), fix_of("guest-io-scheduler")
    for era in ("sle11", "sle12"):
        v = fixview.variant({"fix": mine}, era, roles=["kvm_guest"])
        assert v is mine[era + "-guest"]
        assert v["persistent"] == theirs[era]["persistent"]
        assert fixview.variant({"fix": mine}, era, roles=["kvm_host"]) is mine[era]
    assert "mq-deadline" not in mine["sle12-guest"]["persistent"]


def test_on_the_guest_example_the_udev_rule_stays_the_guests(kb, tmp_path):
    root = str(tmp_path / "root")
    shutil.copytree(os.path.join(EXAMPLES, "sle12-kvm-guest"), root, symlinks=True)
    script = str(tmp_path / "fix.sh")
    assert kb("fix", "--root", root, "--script", script)[0] == 0
    assert fix_script(script, root)[0] == 0
    rule = read(root, "/etc/udev/rules.d/60-kbcheck-io-scheduler.rules")
    assert 'ATTR{queue/scheduler}="none"' in rule and "mq-deadline" not in rule
    rc, out, _ = kb("--root", root, "--id", "io-scheduler-persistent", "--format", "json")
    import json
    assert set(r["status"] for r in json.loads(out)["results"]) == {"pass"}, out


def test_host_io_scheduler_persists_as_io_scheduler_persistent_does():
    """The same files and lines for a host (SLE 12 era, SLE 15 included): never `elevator=` on the
    kernel command line alone, which multi-queue disks ignore."""
    mine, theirs = fix_of("host-io-scheduler"), fix_of("io-scheduler-persistent")
    assert mine["sle12"]["persistent"] == theirs["sle12"]["persistent"]
    assert mine["sle12"]["files"] == theirs["sle12"]["files"]
    assert "elevator=" not in mine["sle12"]["persistent"]
    assert mine["sle11"]["persistent"] == theirs["sle11"]["persistent"]  # (SLE 11: single-queue only)


# -- hugepages-1g-at-boot: the reservation follows an existing default-size hugepages= ---------

def test_kernel_reads_a_second_hugepages_without_hugepagesz_as_nothing():
    from kbcheck.parsers import kernel
    assert kernel.cmdline("hugepagesz=1G hugepages=16 hugepages=512").hugepage_pools(2048) == {1048576: 16}
    assert kernel.cmdline("hugepages=512 hugepagesz=1G hugepages=16").hugepage_pools(2048) == {2048: 512, 1048576: 16}
    assert kernel.cmdline("hugepagesz=2M hugepages=8 hugepagesz=2M hugepages=9").hugepage_pools(2048) == {2048: 8}
    assert kernel.cmdline("hugepagesz=bogus hugepages=5 hugepages=7").hugepage_pools(2048) == {2048: 7}


@pytest.mark.parametrize("era, rel, line", [
    ("sle12", "/etc/default/grub", 'GRUB_CMDLINE_LINUX_DEFAULT="splash=silent hugepages=512 quiet"\n'),
    ("sle11", "/boot/grub/menu.lst", "title SLES\n    kernel /boot/vmlinuz-3.0.101-63-default root=/dev/sda2 hugepages=512\n"),
])
def test_hugepages_1g_keeps_the_default_pool(tmp_path, era, rel, line):
    from kbcheck.parsers import kernel
    root = str(tmp_path)
    write(root, rel, line)
    v = dict(fix_of("hugepages-1g-at-boot")[era])
    v["persistent"] = v["persistent"].replace("hugepages=N", "hugepages=16")
    rc, _, err = run_snippets(v, root, "grub2-mkconfig() { fake grub2-mkconfig \"$@\"; }")
    assert rc == 0, err
    text = read(root, rel)
    args = re.search(r'GRUB_CMDLINE_LINUX_DEFAULT="([^"]*)"', text) or re.search(r"kernel \S+ (.*)", text)
    assert kernel.cmdline(args.group(1)).hugepage_pools(2048) == {2048: 512, 1048576: 16}
    assert run_snippets(v, root, "grub2-mkconfig() { :; }")[0] == 0 and read(root, rel) == text  # once


# -- KSM: unmerge only when the memory can take the copies; SLE 11 persists in boot.local ------

KSM_FAKES = "getconf() { echo 4096; }"


def ksm_root(tmp_path, sharing, avail_kib):
    root = str(tmp_path)
    write(root, "/sys/kernel/mm/ksm/run", "1\n")
    write(root, "/sys/kernel/mm/ksm/merge_across_nodes", "1\n")
    write(root, "/sys/kernel/mm/ksm/pages_sharing", "%d\n" % sharing)
    write(root, "/sys/kernel/mm/ksm/pages_shared", "%d\n" % (sharing // 4))
    write(root, "/proc/meminfo", "MemTotal: 67108864 kB\nMemFree: 1000 kB\nMemAvailable: %d kB\n" % avail_kib)
    return root


@pytest.mark.parametrize("entry_id, era", [("ksm-merge-across-nodes", "sle12"), ("ksm-multi-tenant", "sle12"),
                                           ("ksm-multi-tenant", "sle11")])
def test_ksm_unmerge_stops_when_memory_cannot_take_the_copies(tmp_path, entry_id, era):
    v = {"runtime": fix_of(entry_id)[era]["runtime"]}
    root = ksm_root(tmp_path / "short", sharing=4 * 1024 * 1024, avail_kib=8 * 1024 * 1024)  # 16 GiB to copy
    rc, _, err = run_snippets(v, root, KSM_FAKES)
    assert rc == 1 and "unmerging needs" in err
    assert read(root, "/sys/kernel/mm/ksm/run") == "1\n"
    assert read(root, "/sys/kernel/mm/ksm/merge_across_nodes") == "1\n"
    root = ksm_root(tmp_path / "room", sharing=1024, avail_kib=8 * 1024 * 1024)
    rc, _, err = run_snippets(v, root, KSM_FAKES)
    assert rc == 0, err
    assert read(root, "/sys/kernel/mm/ksm/run") == ("1\n" if entry_id == "ksm-merge-across-nodes" else "2\n")


def test_ksm_merge_across_nodes_leaves_a_stopped_ksm_stopped(tmp_path):
    root = ksm_root(tmp_path, sharing=0, avail_kib=1)
    write(root, "/sys/kernel/mm/ksm/run", "2\n")
    write(root, "/sys/kernel/mm/ksm/pages_shared", "0\n")
    assert run_snippets({"runtime": fix_of("ksm-merge-across-nodes")["sle12"]["runtime"]}, root, KSM_FAKES)[0] == 0
    assert read(root, "/sys/kernel/mm/ksm/run") == "2\n"  # the multi-tenant fix's unmerge is not undone
    assert read(root, "/sys/kernel/mm/ksm/merge_across_nodes") == "0\n"


def test_nothing_meant_for_sle11_uses_what_sle11_does_not_have(model):
    """SLE 11 has no systemd (no systemctl, no tmpfiles.d) and its boot.sysctl applies
    /etc/sysctl.conf, not /etc/sysctl.d: no fix variant an SLE 11 host gets relies on them."""
    from kbcheck import fixview
    bad = []
    for e in model.entries:
        if "sle11" not in e["applies"]["products"]:
            continue
        for roles in (["kvm_host"], ["kvm_guest"]):
            v = fixview.variant(e, "sle11", roles)
            code = v and "\n".join(v.get(k) or "" for k in ("runtime", "persistent"))
            for word in ("systemctl", "/etc/tmpfiles.d", "/etc/sysctl.d", "systemd-tmpfiles"):
                if code and word in code:
                    bad.append("%s: %s" % (e["id"], word))
    assert not bad, bad


def test_sle11_sysctl_goes_into_sysctl_conf(tmp_path):
    root = str(tmp_path)
    write(root, "/etc/sysctl.conf", "net.ipv4.ip_forward = 0\nfs.aio-max-nr = 65536\n")
    write(root, "/proc/sys/fs/aio-max-nr", "65536\n")
    v = fix_of("aio-max-nr")["sle11"]
    sysctl = 'sysctl() { k="${2%%=*}"; printf "%s\\n" "${2#*=}" > "$KBCHECK_FIX_ROOT/proc/sys/${k//.//}"; }'
    assert run_snippets(v, root, sysctl)[0] == 0
    assert read(root, "/etc/sysctl.conf") == "net.ipv4.ip_forward = 0\nfs.aio-max-nr = 1048576\n"
    assert not os.path.exists(os.path.join(root, "etc", "sysctl.d"))
    os.remove(os.path.join(root, "etc", "sysctl.conf"))
    assert run_snippets(v, root, sysctl)[0] == 0
    assert read(root, "/etc/sysctl.conf") == "fs.aio-max-nr = 1048576\n"


def test_sle11_ksm_pause_persists_in_boot_local(tmp_path):
    root = str(tmp_path)
    write(root, "/etc/init.d/boot.local", "#! /bin/sh\n")
    write(root, "/sys/kernel/mm/ksm/sleep_millisecs", "20\n")
    v = fix_of("ksm-sleep-millisecs")["sle11"]
    for _ in range(2):
        assert run_snippets(v, root)[0] == 0
    assert read(root, "/etc/init.d/boot.local").count("echo 1500 > /sys/kernel/mm/ksm/sleep_millisecs") == 1


# -- guest-memtune-limits: --config always, --live only for a running guest --------------------

@pytest.mark.parametrize("state, live_fails, want", [
    ("shut off", False, ["virsh memtune --domain g1 --hard-limit -1 --swap-hard-limit -1 --config"]),
    ("running", False, ["virsh memtune --domain g1 --hard-limit -1 --swap-hard-limit -1 --live",
                        "virsh memtune --domain g1 --hard-limit -1 --swap-hard-limit -1 --config"]),
    ("running", True, ["virsh memtune --domain g1 --hard-limit -1 --swap-hard-limit -1 --live",
                       "virsh memtune --domain g1 --hard-limit -1 --swap-hard-limit -1 --config"]),
])
def test_memtune_changes_the_definition_of_a_shut_off_guest(tmp_path, state, live_fails, want):
    fakes = ('virsh() { if [ "$1" = domstate ]; then echo "%s"; echo; return 0; fi; fake virsh "$@"; '
             '%s }' % (state, '[ "${@: -1}" != --live ];' if live_fails else "return 0;"))
    rc, calls, err = run_snippets(fix_of("guest-memtune-limits")["all"], str(tmp_path), fakes,
                                  fill={"GUEST": ("g1", "guest")})
    assert rc == 0, err
    assert calls == want


def test_a_virsh_change_saves_the_definition_first():
    from kbcheck import fixsteps
    from kbcheck.catalog import Entry
    from kbcheck.results import Result, build
    e = Entry({"id": "guest-memtune-limits", "title": "t", "area": "swap", "section": "4.2", "covers": [],
               "tags": [], "severity": "high", "scope": "guest", "fix": fix_of("guest-memtune-limits")})
    steps, _ = fixsteps.plan(build([(e, Result("fail", "x", subject="g1"), 0.0)], {}).results, "sle12")
    body, _, reason = fixsteps.build(steps[0])
    assert reason is None
    text = "\n".join(body)
    assert text.index("kb_save_domain 'g1'") < text.index("virsh memtune")
    assert "kb_save_domain" in __import__("kbcheck.fixshell", fromlist=["x"]).PRELUDE
    assert "dumpxml --inactive" in __import__("kbcheck.fixshell", fromlist=["x"]).PRELUDE


# -- spice-listen-ipv6: rclibvirtd on SLE 11, virtqemud or libvirtd on SLE 12 and later -----------

@pytest.mark.parametrize("active, want", [("virtqemud", "systemctl restart virtqemud.service"),
                                          ("libvirtd", "systemctl restart libvirtd.service")])
def test_spice_restarts_the_daemon_that_runs(tmp_path, active, want):
    root = str(tmp_path)
    write(root, "/etc/libvirt/qemu.conf", '#spice_listen = "0.0.0.0"\n')
    fakes = 'systemctl() { fake systemctl "$@"; [ "$1" != -q ] || [ "$3" = %s.service ]; }' % active
    rc, calls, err = run_snippets(fix_of("spice-listen-ipv6")["sle12"], root, fakes)
    assert rc == 0, err
    assert [c for c in calls if "restart" in c] == [want]
    assert read(root, "/etc/libvirt/qemu.conf") == 'spice_listen = "::1"\n'


def test_spice_on_sle11_has_no_systemctl(tmp_path):
    root = str(tmp_path)
    write(root, "/etc/libvirt/qemu.conf", "# qemu driver configuration\n")
    rc, calls, err = run_snippets(fix_of("spice-listen-ipv6")["sle11"], root, 'rclibvirtd() { fake rclibvirtd "$@"; }')
    assert rc == 0, err
    assert calls == ["rclibvirtd restart"]
    assert read(root, "/etc/libvirt/qemu.conf") == '# qemu driver configuration\nspice_listen = "::1"\n'


# -- nfs-image-mounts: soft also as the first option, small rsize/wsize dropped ----------------

@pytest.mark.parametrize("line, want", [
    ("nas:/vm /var/lib/libvirt/images nfs soft,rw 0 0", "nas:/vm /var/lib/libvirt/images nfs hard,rw 0 0"),
    ("nas:/vm  /var/lib/libvirt/images  nfs  soft,rsize=8192,wsize=8192  0  0",
     "nas:/vm /var/lib/libvirt/images nfs hard 0 0"),
    ("nas:/vm /var/lib/libvirt/images nfs4 rw,softerr,rsize=1048576,timeo=600 0 0",
     "nas:/vm /var/lib/libvirt/images nfs4 hard,rw,rsize=1048576,timeo=600 0 0"),
])
def test_nfs_fix_makes_the_share_hard(tmp_path, line, want):
    root = str(tmp_path)
    other = "filer:/home /home nfs soft 0 0"
    write(root, "/etc/fstab", "UUID=1 / btrfs defaults 0 0\n# a comment, soft\n%s\n%s\n" % (line, other))
    v = fix_of("nfs-image-mounts")["all"]
    fill = {"POINT": ("/var/lib/libvirt/images", "path")}
    for _ in range(2):
        rc, _, err = run_snippets(v, root, fill=fill)
        assert rc == 0, err
        assert read(root, "/etc/fstab") == "UUID=1 / btrfs defaults 0 0\n# a comment, soft\n%s\n%s\n" % (want, other)


def test_nfs_fix_finds_an_escaped_mount_point_and_reports_a_missing_one(tmp_path):
    root = str(tmp_path)
    write(root, "/etc/fstab", "nas:/vm /srv/vm\\040images nfs soft 0 0\n")
    rc, _, err = run_snippets(fix_of("nfs-image-mounts")["all"], root, fill={"POINT": ("/srv/vm images", "path")})
    assert rc == 0, err
    assert read(root, "/etc/fstab") == "nas:/vm /srv/vm\\040images nfs hard 0 0\n"
    rc, _, err = run_snippets(fix_of("nfs-image-mounts")["all"], root, fill={"POINT": ("/elsewhere", "path")})
    assert rc == 1 and "no NFS line for /elsewhere" in err


# -- ksm-swap-reserve: dd, Btrfs before 5.0 refused, no fstab line without swapon -------------

SWAP_FAKES = ('stat() { echo "$FS"; }\nuname() { echo "$KV"; }\nchattr() { fake chattr "$@"; }\n'
              'dd() { fake dd "$@"; : > "${2#of=}"; }\nmkswap() { fake mkswap "$@"; }\n'
              'swapon() { fake swapon "$@"; [ "$SWAPON" = ok ] && echo "${1#"$KBCHECK_FIX_ROOT"} file 8388604 0 -2" >> "$KBCHECK_FIX_ROOT/proc/swaps"; }')


@pytest.mark.parametrize("fs, kv, swapon, rc_want, swap_in_fstab", [
    ("xfs", "4.12.14-122.37-default", "ok", 0, True),
    ("ext2/ext3", "3.0.101-63-default", "ok", 0, True),
    ("xfs", "4.12.14-122.37-default", "fails", 1, False),
    ("btrfs", "4.12.14-122.37-default", "ok", 1, False),
    ("btrfs", "5.14.21-150500.53-default", "ok", 0, True),
])
def test_swap_file_is_written_with_dd_and_listed_only_when_swapon_took_it(tmp_path, fs, kv, swapon, rc_want, swap_in_fstab):
    root = str(tmp_path)
    write(root, "/etc/fstab", "UUID=1 / xfs defaults 0 0\n")
    write(root, "/proc/swaps", "Filename Type Size Used Priority\n")
    os.makedirs(os.path.join(root, "var", "lib"))
    v = dict(fix_of("ksm-swap-reserve")["all"])
    v["runtime"] = v["runtime"].replace("count=N", "count=8192")
    fakes = "FS=%s KV=%s SWAPON=%s\n%s" % (fs, kv, swapon, SWAP_FAKES)
    rc, calls, err = run_snippets(v, root, fakes)
    assert rc == rc_want, err
    assert not any(c.startswith("fallocate") for c in calls)
    if fs == "btrfs" and rc_want == 0:
        assert calls.index("chattr +C %s/var/lib/kbcheck-swap" % root) < [i for i, c in enumerate(calls) if c.startswith("dd ")][0]
    if rc_want == 0:
        assert "dd if=/dev/zero of=%s/var/lib/kbcheck-swap bs=1M count=8192" % root in calls
    assert ("/var/lib/kbcheck-swap swap swap" in read(root, "/etc/fstab")) == swap_in_fstab


# -- hugetlbfs on SLE 11 outside /dev -----------------------------------------------------------

def test_sle11_hugetlbfs_mount_point_is_not_under_dev():
    v = fix_of("hugetlbfs-mounted")["sle11"]
    assert "/dev/" not in v["runtime"] + v["persistent"]
    assert "/hugepages" in v["persistent"]


# -- qemu-img steps: the guest must be off, a copy comes first, a person runs them -------------

def test_image_steps_check_the_guest_is_off_copy_first_and_never_run_by_themselves(model):
    from kbcheck import placeholders
    seen = 0
    for e in model.entries:
        for key, v in (e.get("fix") or {}).items():
            code = "\n".join(v.get(k) or "" for k in ("runtime", "persistent"))
            m = re.search(r"qemu-img (amend|rebase|convert)", code)
            if not m:
                continue
            seen += 1
            before = code[:m.start()]
            assert "virsh domstate" in before and "shut off" in before, (e["id"], key)
            if m.group(1) in ("amend", "rebase"):
                assert re.search(r"\bcp\b", before), (e["id"], key)
            assert set(placeholders.find(code)) - {"GUEST"}, "%s runs an image step by itself" % e["id"]
    assert seen >= 3


# -- the closing summary names guests only ----------------------------------------------------

def test_summary_names_no_host_subject_as_a_guest():
    from kbcheck import fixscript
    from kbcheck.catalog import Entry
    from kbcheck.results import Result, build
    nfs = Entry({"id": "nfs-image-mounts", "title": "t", "area": "storage", "section": "4.4", "covers": [],
                 "tags": [], "severity": "high", "scope": "host", "fix": fix_of("nfs-image-mounts")})
    virtio = Entry({"id": "guest-virtio-drivers", "title": "t", "area": "g", "section": "6.1", "covers": [],
                    "tags": [], "severity": "high", "scope": "host", "fix": fix_of("guest-virtio-drivers")})
    text, _, _ = fixscript.generate(build([(nfs, Result("fail", "soft", subject="/var/lib/libvirt/images"), 0.0)],
                                          {"hostname": "h", "roles": ["kvm_host"]}), "sle12")
    assert "the guests that use /var/lib/libvirt/images (nfs-image-mounts)" in text
    assert not re.search(r"Restart these guests[^\n]*: /var/lib/libvirt/images \(", text)
    text, _, _ = fixscript.generate(build([(virtio, Result("fail", "e1000", subject="eth1"), 0.0)],
                                          {"hostname": "g", "roles": ["kvm_guest"]}), "sle12")
    assert "this guest, from its host (guest-virtio-drivers)" in text and "eth1 (" not in text


def test_explain_show_fix_and_the_site_show_the_same_commands(kb, model):
    """One rendering (kbcheck.fixview): explain and the site print a fix's commands line for line
    as the entry has them; --show-fix fills the guest in as a quoted word."""
    from kbgen import site
    rc, out, _ = kb("explain", "nfs-image-mounts")
    assert rc == 0
    code = fix_of("nfs-image-mounts")["all"]["persistent"].rstrip()
    assert code in out.replace("\n  ", "\n")
    page = site.entry_page(model.by_id["nfs-image-mounts"], model)
    page = page if isinstance(page, str) else page[1]
    assert code.replace("\n", "\n    ") in page
    root = os.path.join(EXAMPLES, "sle12-kvm-untuned")
    rc, out, _ = kb("--root", root, "--id", "guest-memtune-limits", "--show-fix")
    assert "virsh memtune --domain 'web02' --hard-limit -1" in out
