"""The fixed bash of a fix script: the start (checks, then the dry-run sandbox or the host checks),
the prelude every step's own shell begins with, the step runner and the closing summary. Every
value from the judged host reaches this text only inside quoted here-documents (kbcheck.fixscript
fills them); the dry run is described in kbcheck.fixroot."""
from kbcheck import fixsandbox

# Commands that act on the running system: on the real host a missing one is reported instead of
# failing the step. Under KBCHECK_FIX_ROOT none of them can run at all (kbcheck.fixroot).
LIVE_COMMANDS = ("grub2-mkconfig", "grub-mkconfig", "update-bootloader", "virsh", "xl", "xm", "systemctl",
                 "service", "chkconfig", "insserv", "dracut", "mkinitrd", "modprobe", "rmmod", "insmod", "tuned-adm",
                 "udevadm", "swapon", "swapoff", "mkswap", "mount", "umount", "losetup", "qemu-nbd", "kpartx",
                 "zypper", "cpupower", "saptune", "systemd-tmpfiles", "qemu-img", "fallocate", "blkid",
                 "shutdown", "reboot", "ip", "dd", "chattr", "btrfs", "stat", "df")

START = r'''#!/usr/bin/env bash
: <<'%(about_tag)s'
%(about)s
%(about_tag)s
set -u
KBCHECK_FIX_ROOT="${KBCHECK_FIX_ROOT:-}"
if [ -n "$KBCHECK_FIX_ROOT" ] && [ -z "${KBCHECK_FIX_ROOT//\//}" ]; then
    echo "kbcheck fix: KBCHECK_FIX_ROOT=/ names this host's own root; unset it to run on this host" >&2
    exit 2
fi
while [ "${KBCHECK_FIX_ROOT%%/}" != "$KBCHECK_FIX_ROOT" ]; do KBCHECK_FIX_ROOT="${KBCHECK_FIX_ROOT%%/}"; done
KB_STAMP="$(date +%%Y%%m%%d%%H%%M%%S)"
KB_FAILED=""
KB_DONE=0
KB_ENV="$(type -P env)"
read -r KB_HOST <<'%(host_tag)s'
%(host)s
%(host_tag)s
KB_TMP="$(mktemp -d "${TMPDIR:-/tmp}/kbcheck-fix.XXXXXX")" || exit 2
trap 'rm -rf -- "$KB_TMP"' EXIT
if [ -n "$KBCHECK_FIX_ROOT" ]; then
    if [ ! -d "$KBCHECK_FIX_ROOT" ]; then
        echo "kbcheck fix: KBCHECK_FIX_ROOT=$KBCHECK_FIX_ROOT is not a directory" >&2
        exit 2
    fi
    echo "kbcheck fix: a dry run under KBCHECK_FIX_ROOT=$KBCHECK_FIX_ROOT: only file tools run, only on files inside it"
%(setup)s
else
    if [ "$(id -u)" != 0 ]; then
        echo "kbcheck fix: run this as root (or set KBCHECK_FIX_ROOT to try it on a copied tree)" >&2
        exit 2
    fi
    kb_here="$(cat /proc/sys/kernel/hostname 2>/dev/null || hostname)"
    if [ "${kb_here%%%%.*}" != "${KB_HOST%%%%.*}" ] && [ "${KBCHECK_FIX_ANY_HOST:-}" != 1 ]; then
        echo "kbcheck fix: this script was written for host $KB_HOST, this is $kb_here; set KBCHECK_FIX_ANY_HOST=1 to run it anyway" >&2
        exit 2
    fi
fi
cat > "$KB_TMP/prelude.sh" <<'KB_PRELUDE'
%(prelude)s
KB_PRELUDE

kb_run() {  # kb_run NUMBER: run the step on standard input in a shell of its own
    { cat -- "$KB_TMP/prelude.sh" && cat; } > "$KB_TMP/step.sh" || return 1
    if [ -n "$KBCHECK_FIX_ROOT" ]; then
        "$KB_ENV" -i PATH="$KB_BIN" TMPDIR="$KB_TMP" KBCHECK_FIX_ROOT="$KBCHECK_FIX_ROOT" KB_STAMP="$KB_STAMP" \
            "$BASH" --norc --noprofile -r "$KB_TMP/step.sh" 9>/dev/null
    else
        KBCHECK_FIX_ROOT="" KB_STAMP="$KB_STAMP" "$BASH" --norc --noprofile "$KB_TMP/step.sh" 9>/dev/null
    fi
    kb_rc=$?
    if [ "$kb_rc" = 0 ]; then
        KB_DONE=$((KB_DONE + 1))
    else
        echo "  FAILED (exit $kb_rc): step $1; the other steps go on" >&2
        KB_FAILED="$KB_FAILED $1"
    fi
}
'''

PRELUDE = r'''# The start of every step's shell (written by kbcheck fix).
set -u
shopt -s nullglob
kb_step() { printf '\n[%%s] %%s: %%s\n' "$1" "$2" "$3"; }
kb_backup() {  # save each existing regular file once per run as FILE.kbcheck-$KB_STAMP
    local f
    for f in "$@"; do
        [ -f "$f" ] || continue
        [ -e "$f.kbcheck-$KB_STAMP" ] && continue
        cp -p -- "$f" "$f.kbcheck-$KB_STAMP" || return 1
        echo "  saved $f.kbcheck-$KB_STAMP"
    done
}
kb_mkdirs() {  # create the folders of the files a step writes
    local f
    for f in "$@"; do mkdir -p -- "$(dirname -- "$f")" || return 1; done
}
if [ -n "${KBCHECK_FIX_ROOT:-}" ]; then
%(dry)s
else
kb_to() {  # kb_to [-a] FILE: write (-a: append) standard input to FILE
    if [ "$1" = -a ]; then cat >> "$2"; else cat > "$1"; fi
}
kb_path() { "$@"; }
kb_live() {  # a command that acts on the running system: reported when it is not installed
    local name="$1"
    shift
    if ! type -P "$name" >/dev/null 2>&1; then
        echo "  skipped: $name is not installed here; run by hand: $name $*"
        return 0
    fi
    command "$name" "$@"
}
%(live)s
kb_save_domain() {  # keep a guest's persistent definition before virsh changes it
    local d=/var/lib/kbcheck/domains
    type -P virsh >/dev/null 2>&1 || return 0
    mkdir -p -- "$d"
    command virsh dumpxml --inactive --domain "$1" > "$d/$1.xml.kbcheck-$KB_STAMP"
    echo "  saved the definition of $1 as $d/$1.xml.kbcheck-$KB_STAMP"
}
fi
set -e'''

END = r'''
kb_summary() {
    echo
    echo "kbcheck fix: $KB_DONE step(s) done${KB_FAILED:+, failed: step(s)$KB_FAILED (see above)}"
    cat
}
kb_summary <<'%(tag)s'
%(lines)s
%(tag)s
[ -z "$KB_FAILED" ]
'''


def prelude():
    live = "\n".join('%s() { kb_live %s "$@"; }' % (c, c) for c in LIVE_COMMANDS)
    return PRELUDE % {"dry": fixsandbox.dry_prelude(), "live": live}


def start(about, about_tag, host, host_tag):
    return START % {"about": about, "about_tag": about_tag, "host": host, "host_tag": host_tag,
                    "setup": fixsandbox.setup(), "prelude": prelude()}


def end(lines, tag):
    return END % {"lines": "\n".join(lines), "tag": tag}
