"""`kbcheck fix --script FILE`: a bash script, for review before it runs, that applies the product's
fix for every failure found on the judged host. kbcheck never runs it.

The script
- takes each entry's fix variant for the host's era (fix.sle11 / fix.sle12, else fix.all);
- for each step: saves every existing file the step changes (the entry's `files`, plus files under
  /etc and /boot that its commands name) as FILE.kbcheck-YYYYmmddHHMMSS, once per run, then runs
  the runtime commands (change now) and the persistent ones (survive a reboot) in a subshell
  with `set -e`; a failed step is reported and the others go on;
- replaces GUEST with the guest's name for guest-scope results (one step per guest), and DEVICE
  with the device for results whose subject is a /dev path (one step per device);
- comments out, for a person to finish, steps that are interactive (`virsh edit`) or still hold
  a placeholder (kbcheck.placeholders: N, SIZE, VALUE, DEVICE, loopN ..., quoted text included);
- ends by saying what needs a host reboot, and which guests need a restart (shut down and start);
- exits 0 when every step went through, 1 otherwise.

Steps are idempotent as long as the entries' snippets are (they are written to be: they set
values, overwrite their own files, and guard edits such as `sed` on the kernel command line).

KBCHECK_FIX_ROOT (default empty = this host): an absolute path prefix under which the script
works, for testing on a copied root tree. At generation time every absolute path of a system
area (/etc /sys /proc /boot /usr/lib /usr/share /var /lib /run /opt /srv) that a command names
outside quotes or inside double quotes is written as "$KBCHECK_FIX_ROOT"/etc/...; text inside
single quotes and here-document bodies is left alone (it is data, such as a tmpfiles.d line
naming a /sys path, which must keep the real path). `sysctl -w KEY=VALUE` writes
$KBCHECK_FIX_ROOT/proc/sys/KEY under a root; /dev paths go under the root too (not /dev/null and
the standard streams). Under a root the script is safe by default: its PATH holds only the
file-editing tools of SAFE_TOOLS, so any other command (losetup, qemu-nbd, mount, modprobe, virsh,
rcSERVICE, one this module never heard of) is skipped with a message by bash's
command_not_found_handle, and a command named by an absolute path (kb_path) is skipped too. On a
real host, the LIVE_COMMANDS are skipped with a message when they are not installed (`type -P`,
which, unlike `command -v`, does not see the script's own wrapper functions). Limits: paths built
at run time (from variables or command output), paths inside single quotes and relative paths are
not rerouted.
"""
import re
import time

from kbcheck import __version__
from kbcheck import placeholders as placeholders_mod

ROOT_VAR = "KBCHECK_FIX_ROOT"
PREFIXES = ("/etc", "/sys", "/proc", "/boot", "/usr/lib", "/usr/share", "/var", "/lib", "/run", "/opt", "/srv")
# Commands that act on the running system: wrapped so that, on a real host, a missing one is
# reported instead of failing the step. Under KBCHECK_FIX_ROOT nothing outside SAFE_TOOLS runs
# at all (see PREAMBLE), so this list is a convenience, not the safety rule.
LIVE_COMMANDS = ("grub2-mkconfig", "grub-mkconfig", "update-bootloader", "virsh", "xl", "xm", "systemctl",
                 "service", "chkconfig", "dracut", "mkinitrd", "modprobe", "rmmod", "insmod", "tuned-adm",
                 "udevadm", "swapon", "swapoff", "mkswap", "mount", "umount", "losetup", "qemu-nbd", "kpartx",
                 "zypper", "cpupower", "saptune", "systemd-tmpfiles", "qemu-img", "fallocate", "blkid",
                 "shutdown", "reboot", "ip", "dd")
# Under KBCHECK_FIX_ROOT the script's PATH holds only these tools (file editing and reading, on
# paths rewritten under the root): everything else is skipped with a message, whatever its name.
SAFE_TOOLS = ("sed", "grep", "cat", "cp", "mkdir", "tee", "touch", "chmod", "test", "[", "printf", "echo",
              "true", "false", "dirname", "basename", "date", "ls", "sort", "head", "tail", "tr", "cut", "awk")
PLACEHOLDERS = tuple(sorted(placeholders_mod.PLACEHOLDERS))
INTERACTIVE = re.compile(r"\b(virsh(\s+-c\s+\S+)?\s+edit|crontab\s+-e|yast2?|vi|vim|nano)\b")
NEEDS_TEXT = {"reboot": "reboot the host", "guest-restart": "restart the guest (shut down, then start)",
              "service-restart": "restart the service named in the step"}

_PREFIX_RE = re.compile(r"(%s)(?=/|$|[\s;|&)'\"<>])" % "|".join(re.escape(p) for p in PREFIXES + ("/dev",)))
# /dev paths stay as they are when they are the standard streams or /dev/null
_DEV_KEEP = re.compile(r"/dev/(null|zero|stdin|stdout|stderr|fd/|tty\b)")
# a word in command position: line start or after ; | & ( ` ! or a shell keyword
_CMD_POS = re.compile(r"(^|[;|&(`!]|\b(then|do|else|elif|if|while|until))\s*$")
_BOUNDARY = set(" \t><=(;|&`:")
_DQ_BOUNDARY = set(' \t=:"')
_HEREDOC = re.compile(r"<<(-?)\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")


def _reroot_at(line, i, prefix, path_re, out, paths):
    """At an absolute path starting at line[i]: when it lies in a system area (not /dev/null and
    the like), emit the fix-root prefix before it and note the path."""
    if _PREFIX_RE.match(line, i) and not _DEV_KEEP.match(line, i):
        out.append(prefix)
        paths.append(re.match(path_re, line[i:]).group(0))


def _reroot_line(line):
    """Rewrite one line outside here-document bodies. -> (line, [absolute paths seen])."""
    out = []
    paths = []
    state = None  # None, "'" or '"'
    i = 0
    n = len(line)
    while i < n:
        c = line[i]
        if state is None:
            if c == "\\" and i + 1 < n:
                out.append(line[i:i + 2])
                i += 2
                continue
            if c == "#" and (i == 0 or line[i - 1] in " \t;"):
                out.append(line[i:])
                break
            if c in "'\"":
                state = c
                out.append(c)
                i += 1
                continue
            if c == "/" and (i == 0 or line[i - 1] in _BOUNDARY):
                if _CMD_POS.search(line[:i]) and not re.match(r"[^\s;|&'\"<>`]*\)", line[i:]):
                    out.append("kb_path ")  # an absolute command: never run under a root
                _reroot_at(line, i, '"$%s"' % ROOT_VAR, r"[^\s;|&)'\"<>`]*", out, paths)
            out.append(c)
            i += 1
            continue
        if state == "'":
            out.append(c)
            if c == "'":
                state = None
            i += 1
            continue
        # inside double quotes
        if c == "\\" and i + 1 < n:
            out.append(line[i:i + 2])
            i += 2
            continue
        if c == '"':
            state = None
        elif c == "/" and line[i - 1] in _DQ_BOUNDARY:
            _reroot_at(line, i, "${%s}" % ROOT_VAR, r"[^\s;|&)'\"<>`$]*", out, paths)
        out.append(c)
        i += 1
    return "".join(out), paths


def reroot(snippet):
    """-> (snippet with system paths under $KBCHECK_FIX_ROOT, [absolute paths its commands name])."""
    lines = snippet.splitlines()
    out = []
    paths = []
    pending = []  # here-document delimiters still to read: (strip tabs, word)
    for line in lines:
        if pending:
            strip, word = pending[0]
            out.append(line)
            if (line.lstrip("\t") if strip else line) == word:
                pending.pop(0)
            continue
        new, seen = _reroot_line(line)
        out.append(new)
        paths.extend(seen)
        for m in _HEREDOC.finditer(line):
            pending.append((m.group(1) == "-", m.group(3)))
    return "\n".join(out) + ("\n" if snippet.endswith("\n") else ""), paths


def _quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def _comment(text, prefix="# "):
    return "\n".join((prefix + line).rstrip() for line in (text or "").strip().splitlines())


def _holds(v, word):
    return word in placeholders_mod.find("\n".join(v.get(k) or "" for k in ("runtime", "persistent")))


def variant(entry, era):
    return entry.fix_for(era)


PREAMBLE = r'''#!/usr/bin/env bash
# Written by kbcheck %(version)s (knowledge base %(kb)s) on %(when)s
# for host %(host)s (%(product)s, read from %(source)s).
#
# REVIEW THIS SCRIPT BEFORE YOU RUN IT. kbcheck never runs it. Then, as root:  bash %(name)s
#
# Every step first saves the files it changes as FILE.kbcheck-<timestamp>, then applies the
# change now (runtime) and for the next boots (persistent). Steps can be run again safely.
# KBCHECK_FIX_ROOT=/some/dir bash %(name)s applies the steps to a copied root tree instead of this
# host (for testing): paths are redirected under it, sysctl -w writes into its /proc/sys, and only
# file-editing tools run (sed, grep, cat, cp, mkdir, tee ...): every other command is skipped.
set -u
KBCHECK_FIX_ROOT="${KBCHECK_FIX_ROOT:-}"
KBCHECK_FIX_ROOT="${KBCHECK_FIX_ROOT%%/}"
KB_STAMP="$(date +%%Y%%m%%d%%H%%M%%S)"
KB_SAVED=""
KB_FAILED=""
KB_DONE=0
if [ -n "$KBCHECK_FIX_ROOT" ]; then
    if [ ! -d "$KBCHECK_FIX_ROOT" ]; then
        echo "kbcheck fix: KBCHECK_FIX_ROOT=$KBCHECK_FIX_ROOT is not a directory" >&2
        exit 2
    fi
    echo "kbcheck fix: working under KBCHECK_FIX_ROOT=$KBCHECK_FIX_ROOT"
    # Safe by default: only file-editing tools stay reachable; any other command (losetup,
    # qemu-nbd, mount, modprobe, rcSERVICE, a tool this script does not know ...) is skipped.
    KB_BIN="$(mktemp -d "${TMPDIR:-/tmp}/kbcheck-fix.XXXXXX")" || exit 2
    KB_RM="$(type -P rm)"
    trap '"$KB_RM" -rf -- "$KB_BIN"' EXIT
    for kb_tool in %(safe_tools)s; do
        kb_where="$(type -P -- "$kb_tool")" && ln -s -- "$kb_where" "$KB_BIN/$kb_tool"
    done
    PATH="$KB_BIN"
    command_not_found_handle() {
        echo "  skipped under KBCHECK_FIX_ROOT (not a file-editing tool): $*"
        return 0
    }
    kill() { echo "  skipped under KBCHECK_FIX_ROOT: kill $*"; }
else
    if [ "$(id -u)" != 0 ]; then
        echo "kbcheck fix: run this as root (or set KBCHECK_FIX_ROOT to try it on a copied tree)" >&2
        exit 2
    fi
    kb_here="$(cat /proc/sys/kernel/hostname 2>/dev/null || hostname)"
    if [ "${kb_here%%%%.*}" != %(host_q)s ] && [ "${KBCHECK_FIX_ANY_HOST:-}" != 1 ]; then
        echo "kbcheck fix: this script was written for host %(host)s, this is ${kb_here}; set KBCHECK_FIX_ANY_HOST=1 to run it anyway" >&2
        exit 2
    fi
fi

kb_backup() {  # save each existing regular file once per run: FILE.kbcheck-$KB_STAMP
    local f
    for f in "$@"; do
        [ -f "$f" ] || continue
        case "$KB_SAVED" in *"|$f|"*) continue ;; esac
        cp -p -- "$f" "$f.kbcheck-$KB_STAMP" || return 1
        KB_SAVED="$KB_SAVED|$f|"
        echo "  saved $f.kbcheck-$KB_STAMP"
    done
}

kb_mkdirs() {  # create the folders of the files a step writes, if missing
    local f
    for f in "$@"; do mkdir -p -- "$(dirname -- "$f")" || return 1; done
}

kb_path() {  # a command named by its absolute path: never under a root
    if [ -n "$KBCHECK_FIX_ROOT" ]; then
        echo "  skipped under KBCHECK_FIX_ROOT: $*"
        return 0
    fi
    "$@"
}

kb_live() {  # a command that acts on the running system: skipped under a root, or when absent
    local name="$1"
    shift
    if [ -n "$KBCHECK_FIX_ROOT" ]; then
        echo "  skipped under KBCHECK_FIX_ROOT: $name $*"
        return 0
    fi
    if ! type -P "$name" >/dev/null 2>&1; then
        echo "  skipped: $name is not installed here; run by hand: $name $*"
        return 0
    fi
    command "$name" "$@"
}
%(live_functions)s

sysctl() {  # under a root, `sysctl -w KEY=VALUE` writes $KBCHECK_FIX_ROOT/proc/sys/KEY
    if [ -z "$KBCHECK_FIX_ROOT" ]; then
        if type -P sysctl >/dev/null 2>&1; then command sysctl "$@"; return; fi
    fi
    local a key
    for a in "$@"; do
        case "$a" in
            -w|-q|--write|--quiet) ;;
            -*) echo "  skipped under KBCHECK_FIX_ROOT: sysctl $a"; return 0 ;;
            *=*)
                key="${a%%%%=*}"; key="${key// /}"
                echo "${a#*=}" | sed 's/^ *//' > "$KBCHECK_FIX_ROOT/proc/sys/${key//.//}" || return 1
                ;;
        esac
    done
}

kb_step() {  # kb_step NUMBER ID TITLE
    echo
    echo "[$1] $2: $3"
}

kb_end() {  # kb_end STATUS ID
    if [ "$1" = 0 ]; then
        KB_DONE=$((KB_DONE + 1))
    else
        echo "  FAILED (exit $1): $2; the other steps go on" >&2
        KB_FAILED="$KB_FAILED $2"
    fi
}
'''


def generate(report, era, now=None, name="kbcheck-fix.sh"):
    """report: a run's kbcheck.results.Report -> the script's text."""
    host_info, kb_version = report.host, report.kb_version
    now = now if now is not None else time.time()
    host = host_info.get("hostname") or "unknown"
    steps = []       # (entry, [subjects], guest or None, [results])
    by_entry = {}
    left_out = []    # (entry, result, why)
    for r in report.results:
        e = r.entry
        if r.status != "fail":
            continue
        if r.waiver is not None:
            left_out.append((e, r, "waived until %s: %s" % (r.waiver.expires.isoformat(), r.waiver.reason)))
            continue
        v = variant(e, era)
        if not v:
            left_out.append((e, r, "the entry has no fix for %s" % era))
            continue
        if e.scope == "guest" and r.subject:
            steps.append((e, v, r.subject, [r]))
        elif r.subject and r.subject.startswith("/dev/") and _holds(v, "DEVICE"):
            steps.append((e, v, r.subject, [r]))  # one step per device, DEVICE filled in
        elif e.id in by_entry:
            by_entry[e.id][3].append(r)
        else:
            step = (e, v, None, [r])
            by_entry[e.id] = step
            steps.append(step)

    live = "\n".join('%s() { kb_live %s "$@"; }' % (c, c) for c in LIVE_COMMANDS)
    out = [PREAMBLE % {"version": __version__, "kb": kb_version or "?",
                       "when": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now)),
                       "host": host, "host_q": _quote(host.split(".")[0]),
                       "product": host_info.get("product_name") or host_info.get("product") or "?",
                       "source": "%s %s" % (host_info.get("source") or "?", host_info.get("location") or ""),
                       "name": name, "live_functions": live, "safe_tools": " ".join(_quote(t) for t in SAFE_TOOLS)}]
    if left_out:
        out.append("# Failures this script does not touch:")
        for e, r, why in left_out:
            out.append("#   %s%s: %s" % (e.id, " [%s]" % r.subject if r.subject else "", why))
        out.append("")
    reboot = []
    guests = []
    services = []
    manual_reboot = []
    manual_guests = []
    total = len(steps)
    for n, (e, v, guest, rs) in enumerate(steps, 1):
        label = e.id + (" [%s]" % guest if guest else "")
        out.append("# " + "-" * 94)
        out.append("# [%d/%d] %s: %s" % (n, total, label, e.title))
        out.append("#   severity %s; guide section %s; covers %s; kbcheck explain %s" % (
            e.severity, e.section, ", ".join(e.covers), e.id))
        for r in rs:
            out.append("#   found%s: %s" % (" [%s]" % r.subject if r.subject and not guest else "", r.message))
        if v.get("text"):
            out.append(_comment(v["text"], "#   "))
        body = []
        named = []
        for key, label_ in (("runtime", "now (runtime)"), ("persistent", "for the next boots (persistent)")):
            snippet = v.get(key)
            if not snippet or not snippet.strip():
                continue
            if guest:
                snippet = placeholders_mod.fill(snippet, "DEVICE" if e.scope != "guest" else "GUEST", guest)
            rerooted, paths = reroot(snippet.rstrip("\n") + "\n")
            named.extend(paths)
            body.append("# %s" % label_)
            body.append(rerooted.rstrip("\n"))
        files = list(v.get("files") or [])
        backups = []
        for p in files + named:
            if p.startswith(("/etc/", "/boot/")) and not any(ch in p for ch in "*?[$") and p not in backups:
                backups.append(p)
        if not body:
            out.append("# (no commands: a step for a person; see the text above)")
            out.append("")
            continue
        code = "\n".join(body)
        reason = None
        if INTERACTIVE.search(code):
            reason = "interactive: run it by hand"
        else:
            left = placeholders_mod.find("\n".join(v.get(k) or "" for k in ("runtime", "persistent")) if not guest
                                         else placeholders_mod.fill("\n".join(v.get(k) or "" for k in (
                                             "runtime", "persistent")), "DEVICE" if e.scope != "guest" else "GUEST",
                                             guest))
            if left:
                reason = "replace %s with the right value first" % ", ".join(left)
        needs = v.get("needs") or "none"
        if reason:
            out.append("# NOT RUN (%s); edit and uncomment to apply:" % reason)
            out.append(_comment(code, "#   "))
            out.append("")
            if needs == "reboot":
                manual_reboot.append(label)
            elif needs == "guest-restart":
                manual_guests.append(guest or "the guests of %s" % e.id)
            continue
        out.append("kb_step %d %s %s" % (n, _quote(label), _quote(e.title)))
        rooted = ['"$%s"%s' % (ROOT_VAR, _quote(p)) for p in backups]
        mk = ['"$%s"%s' % (ROOT_VAR, _quote(p)) for p in files if p.startswith("/etc/")]
        out.append("if kb_backup %s%s; then" % (" ".join(rooted), (" && kb_mkdirs " + " ".join(mk)) if mk else ""))
        out.append("(")
        out.append("set -e")
        out.append(code)
        out.append(")")
        out.append("kb_end $? %s" % _quote(label))
        out.append("else kb_end 1 %s; fi" % _quote(label))
        out.append("")
        if needs == "reboot" and e.id not in reboot:
            reboot.append(e.id)
        elif needs == "guest-restart":
            for r in rs:
                who = guest or r.subject or "the guests"
                guests.append("%s (%s)" % (who, e.id))
        elif needs == "service-restart" and e.id not in services:
            services.append(e.id)

    out.append("# " + "-" * 94)
    out.append("echo")
    out.append('echo "kbcheck fix: $KB_DONE step(s) done${KB_FAILED:+, failed:$KB_FAILED}"')
    tail = []
    if reboot:
        tail.append("Reboot the host for: %s" % ", ".join(reboot))
    if guests:
        tail.append("Restart these guests (shut down, then start; a reboot from inside is not enough): %s"
                    % ", ".join(guests))
    if services:
        tail.append("Restart the services named in these steps: %s" % ", ".join(services))
    if not tail:
        tail.append("Nothing this script changed needs a reboot or a guest restart.")
    if manual_reboot or manual_guests:
        later = []
        if manual_reboot:
            later.append("reboot the host (%s)" % ", ".join(manual_reboot))
        if manual_guests:
            seen = []
            for g in manual_guests:
                if g not in seen:
                    seen.append(g)
            later.append("restart these guests: %s" % ", ".join(seen))
        tail.append("After the steps marked NOT RUN, once you have done them by hand: %s" % "; ".join(later))
    tail.append("Then check again: kbcheck")
    for t in tail:
        out.append("echo %s" % _quote(t))
    out.append('[ -z "$KB_FAILED" ]')
    return "\n".join(out) + "\n", len(steps), len(left_out)
