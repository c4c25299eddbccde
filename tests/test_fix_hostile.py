"""Hostile hosts, built by hypothesis: guest names, the hostname, mount points, device names,
file names and messages drawn from an alphabet of shell and terminal metacharacters (and
command substitutions that would leave marker files). For every entry with a fix, a failing
result carries such values; the script for all of them must pass `bash -n`, and its dry run
(KBCHECK_FIX_ROOT, with a PATH of recording shims in front) must leave no marker file and run
exactly the commands, with exactly the arguments, of the same script written for harmless twin
values (each value replaced by a plain word of the same safety class): the hostile text reaches
the commands only as data."""
import os
import re
import shutil
import stat
import subprocess
import tempfile

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")

CHARS = list("$`();&|<>'\"\\*?~{}# \t-/=!") + ["\n", "\r", "\x1b", "\x9b", "\u2028", "\u202e", "é", "日"]
PAYLOADS = ["$(touch pwnedA)", "`touch pwnedB`", ";touch pwnedC;", "\ntouch pwnedD\n", "'$(touch pwnedE)'",
            "\"$(touch pwnedF)\"", "$(PATH=/usr/bin;touch pwnedG)", ">pwnedH", "${IFS}", "$'\\x41'",
            "x'\\''y", "KB_STEP_1_", "\nKB_PRELUDE\n", "-rf", "../../../etc/passwd"]
HOSTILE = st.lists(st.one_of(st.sampled_from(CHARS), st.sampled_from(PAYLOADS),
                             st.text(alphabet="abc09._", min_size=1, max_size=3)),
                   min_size=1, max_size=6).map("".join)
DANGEROUS = ("touch", "id", "virsh", "systemctl", "mount", "umount", "losetup", "qemu-nbd", "qemu-img", "swapon",
             "mkswap", "dd", "zypper", "rclibvirtd", "chkconfig", "grub2-mkconfig", "dracut", "mkinitrd",
             "modprobe", "kill", "rm", "sh", "bash", "env", "xl")
SHIMMED = ("sed", "grep", "cat", "cp", "mkdir", "chmod", "head", "tail", "sort", "cut", "wc", "ls", "tr",
           "dirname", "basename", "date", "getconf", "readlink", "env", "mktemp", "rm", "ln", "id")
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


def cannot_be_a_word(value, kind):
    """The issue's rule, written out independently: control characters, an empty or huge value, a
    leading '-' (an option), for guests a '/' (libvirt forbids it), for devices a path that leaves
    /dev, cannot become a word."""
    return (not value or len(value) > 1024 or CONTROL.search(value) is not None or value.startswith("-")
            or (kind == "guest" and "/" in value) or (kind == "device" and "/../" in value + "/"))


def shims(tmp):
    """A PATH folder: the dispatcher's tools log every run and exec the real one; every other name
    that a broken sandbox could reach leaves a marker file."""
    d = os.path.join(tmp, "shims")
    os.mkdir(d)
    log = os.path.join(tmp, "shim.log")
    os.mkdir(log)
    bash = shutil.which("bash")
    for name in SHIMMED:
        real = shutil.which(name)
        if real is None:
            continue
        with open(os.path.join(d, name), "w") as f:
            # a file per run: the tools of a pipeline run side by side
            f.write("#!%s\nprintf '%%s\\0' %s \"$@\" $'\\1' > %s/$$.$RANDOM$RANDOM\nexec %s \"$@\"\n"
                    % (bash, name, log, real))
    for name in DANGEROUS:
        if name in SHIMMED:
            continue
        with open(os.path.join(d, name), "w") as f:
            f.write("#!%s\n: > %s/ran-%s\n" % (bash, tmp, name))
    for n in os.listdir(d):
        p = os.path.join(d, n)
        os.chmod(p, os.stat(p).st_mode | stat.S_IEXEC)
    return d, log


def decode_trace(path, root, base):
    """The %q-quoted trace -> [[status, word, ...]], root and timestamps normalised."""
    if not os.path.exists(path):
        return []
    out = subprocess.run(["bash", "-c", 'while IFS= read -r l; do eval "a=($l)"; printf "%s\\0" "${a[@]}"; '
                          'printf "\\1\\0"; done < "$1"', "_", path], stdout=subprocess.PIPE, check=True).stdout
    return _records(out, root, base)


def _records(data, root, base):
    recs = []
    for rec in data.split(b"\x01\x00"):
        if not rec:
            continue
        words = [w.decode("utf-8", "surrogateescape") for w in rec.split(b"\x00")[:-1]]
        recs.append([re.sub(r"\d{14}", "STAMP", w.replace(root, "<ROOT>").replace(base, "<RUN>")) for w in words])
    return recs


def shim_log(path, root, base):
    recs = []
    for n in os.listdir(path):
        with open(os.path.join(path, n), "rb") as f:
            recs += _records(f.read(), root, base)
    # the script's own start-up tools (mktemp, the temp folder) differ from run to run by name only
    return [[re.sub(r"kbcheck-fix\.\w+", "kbcheck-fix.TMP", w) for w in r] for r in recs]


def entries_for(model, era, guest):
    from kbcheck import fixview
    from kbcheck.catalog import Entry
    roles = ["kvm_guest"] if guest else ["kvm_host"]
    out = []
    for data in model.entries:
        e = Entry(dict(data))
        v = fixview.variant(e, era, roles)
        if v:
            out.append((e, v))
    return out, roles


def results_for(entries, values):
    """[(entry, kind, subject, message)]: a failing result per entry, subject and message taken
    from values in turn; the subject's kind follows what the entry's fix fills in."""
    out = []
    n = 0
    for e, v in entries:
        code = (v.get("runtime") or "") + (v.get("persistent") or "")
        text, msg = values[n % len(values)], values[(n + 1) % len(values)]
        n += 2
        if e.scope == "guest":
            out.append((e, "guest", text, msg))
        elif "DEVICE" in code:
            out.append((e, "device", "/dev/" + text, msg))
        elif "POINT" in code:
            out.append((e, "path", "/" + text, msg))
        else:
            out.append((e, "file", text, msg))
    return out


def write(tmp, name, results, hostname, era, roles, location):
    from kbcheck import fixscript
    from kbcheck.results import Result, build
    rs = [(e, Result("fail", msg, subject=subject), 0.0) for e, _, subject, msg in results]
    text, _, _ = fixscript.generate(build(rs, {"hostname": hostname, "location": location, "source": "root",
                                               "roles": roles}), era)
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return path, text


def dry_run(script, root, tmp, tag):
    shim_dir, log = shims(os.path.join(tmp, tag))
    trace = os.path.join(tmp, tag, "trace")
    scratch = os.path.join(tmp, tag, "cwd")
    os.mkdir(scratch)
    env = dict(os.environ, KBCHECK_FIX_ROOT=root, KBCHECK_FIX_TRACE=trace,
               PATH=shim_dir + os.pathsep + os.environ["PATH"])
    p = subprocess.run([shutil.which("bash"), script], cwd=scratch, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=300)
    base = os.path.join(tmp, tag)
    return p, decode_trace(trace, root, base), shim_log(log, root, base)


def markers(tmp):
    found = []
    for d, _, files in os.walk(tmp):
        found += [os.path.join(d, f) for f in files if f.startswith(("pwned", "ran-"))]
    return found


# the issue's own attacks, then hypothesis' choices (derandomized: the same examples every run)
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@example(era="sle12", guest=False, values=["w1$(touch pwnedA)`touch pwnedB`", "w3$(PATH=${PWD%%[a-z]*}usr${PWD%%[a-z]*}bin;id>pwnedH)",
                                            "w2\ntouch pwnedD #", "x\x1b[2K\x9b1A\u2028y"],
         hostname="kvm01$(touch${IFS}pwnedC)", folder="r\ntouch pwnedE\n#")
@example(era="sle11", guest=True, values=["'$(touch pwnedF)'", "-rf", "../../../etc/passwd"], hostname="h\r", folder="*")
@given(era=st.sampled_from(["sle11", "sle12"]), guest=st.booleans(),
       values=st.lists(HOSTILE, min_size=3, max_size=8), hostname=HOSTILE, folder=HOSTILE)
def test_hostile_values_reach_commands_only_as_data(model_once, era, guest, values, hostname, folder):
    check(model_once, era, guest, values, hostname, folder)


def check(model, era, guest, values, hostname, folder):
    tmp = tempfile.mkdtemp(prefix="kbhostile-")
    try:
        entries, roles = entries_for(model, era, guest)
        hostile = results_for(entries, values)
        # the twins: each subject a plain word of the same safety class
        twins, mapping = [], []
        for i, (e, kind, subject, _) in enumerate(hostile):
            prefix = {"device": "/dev/", "path": "/"}.get(kind, "")
            twin = prefix + "kbtwin%04d" % i
            if cannot_be_a_word(subject, kind):
                twins.append((e, kind, twin + "\n", "kbtwin message"))
            else:
                twins.append((e, kind, twin, "kbtwin message"))
                mapping.append((twin, subject))
        example = os.path.join(EXAMPLES, "sle11-xen-dom0" if era == "sle11" else "sle12-kvm-untuned")
        name = "r" + folder.replace("/", "_").replace("\x00", "")
        roots = {}
        for tag in ("hostile", "twin"):
            roots[tag] = os.path.join(tmp, tag, name)
            os.makedirs(os.path.join(tmp, tag))
            shutil.copytree(example, roots[tag], symlinks=True)
        h_script, h_text = write(tmp, "hostile.sh", hostile, hostname, era, roles, roots["hostile"])
        t_script, _ = write(tmp, "twin.sh", twins, "kbtwinhost", era, roles, roots["twin"])
        assert subprocess.call(["bash", "-n", h_script]) == 0
        assert not CONTROL.search(h_text.replace("\n", "").replace("\t", "")), "a control character reached the script"
        hp, htrace, hlog = dry_run(h_script, roots["hostile"], tmp, "hostile")
        tp, ttrace, tlog = dry_run(t_script, roots["twin"], tmp, "twin")
        assert markers(tmp) == [], (markers(tmp), hp.stdout + hp.stderr)
        assert hp.returncode == tp.returncode, hp.stderr + "\n----\n" + tp.stderr

        def untwin(recs):
            out = []
            for rec in recs:
                words = []
                for w in rec:
                    for twin, real in mapping:
                        w = w.replace(twin, real)
                    words.append(w)
                out.append(words)
            return out
        # the commands of a pipeline run at once: compare what ran, not in which order
        assert sorted(htrace) == sorted(untwin(ttrace)), _diff(sorted(htrace), sorted(untwin(ttrace)))
        assert sorted(hlog) == sorted(untwin(tlog)), _diff(sorted(hlog), sorted(untwin(tlog)))
        assert htrace, "nothing ran at all"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _diff(a, b):
    import difflib
    return "\n".join(difflib.unified_diff([repr(x) for x in b], [repr(x) for x in a], "twin", "hostile", lineterm="", n=1))


@pytest.fixture(scope="module")
def model_once(model):
    return model
