"""The bash of the dry run (the design is described in kbcheck.fixroot): SETUP builds the
dispatcher when the script starts under KBCHECK_FIX_ROOT, DRY_PRELUDE opens every step's
restricted shell, DISPATCHER is the one program such a shell can run."""
from kbcheck.fixroot import TOOLS

# Environment variables that make the dynamic loader, libc or bash load code, read other
# configuration or write files (glibc's list of variables unsafe for setuid programs, the
# locale variables, which may name a locale directory, and bash's start-up variables).
GUARDED = ("LD_PRELOAD LD_LIBRARY_PATH LD_AUDIT LD_DEBUG LD_DEBUG_OUTPUT LD_PROFILE LD_PROFILE_OUTPUT "
           "LD_ORIGIN_PATH LD_DYNAMIC_WEAK LD_HWCAP_MASK LD_USE_LOAD_BIAS LD_SHOW_AUXV LD_BIND_NOT "
           "LD_BIND_NOW LD_ASSUME_KERNEL LD_PREFER_MAP_32BIT_EXEC GCONV_PATH GETCONF_DIR GLIBC_TUNABLES "
           "HOSTALIASES LOCALDOMAIN LOCPATH MALLOC_TRACE MALLOC_CHECK_ NIS_PATH NLSPATH RESOLV_HOST_CONF "
           "RES_OPTIONS TMPDIR TZDIR TZ LANG LANGUAGE LC_CTYPE LC_COLLATE LC_MESSAGES LC_NUMERIC LC_TIME "
           "LC_MONETARY LC_PAPER LC_NAME LC_ADDRESS LC_TELEPHONE LC_MEASUREMENT LC_IDENTIFICATION "
           "GREP_OPTIONS POSIXLY_CORRECT ENV BASH_ENV SHELLOPTS BASHOPTS PS4 BASH_XTRACEFD CDPATH GLOBIGNORE "
           "EXECIGNORE BASH_LOADABLES_PATH HOME")

SETUP = r'''    # The dry run: every step runs in a restricted bash whose PATH holds only the dispatcher.
    KB_ROOT_REAL="$(readlink -m -- "$KBCHECK_FIX_ROOT")" || exit 2
    if [ "$KB_ROOT_REAL" = / ]; then
        echo "kbcheck fix: KBCHECK_FIX_ROOT names this host's own root; unset it to run on this host" >&2
        exit 2
    fi
    KB_BIN="$KB_TMP/bin"
    mkdir -- "$KB_BIN" || exit 2
    kb_sandbox=0
    sed --sandbox -n '' </dev/null >/dev/null 2>&1 && kb_sandbox=1
    {
        printf '#!%%s -p\n' "$BASH"
        printf 'KB_ROOT=%%q\nKB_TRACE=%%q\nKB_SED_SANDBOX=%%q\n' "$KB_ROOT_REAL" "${KBCHECK_FIX_TRACE:-}" "$kb_sandbox"
        for kb_tool in env %(tools)s; do
            printf 'KB_T_%%s=%%q\n' "$kb_tool" "$(type -P -- "$kb_tool")"
        done
        cat <<'KB_DISPATCHER'
%(dispatcher)s
KB_DISPATCHER
    } > "$KB_BIN/kb-dispatch" || exit 2
    chmod 755 "$KB_BIN/kb-dispatch" || exit 2
    for kb_tool in %(tools)s kb_to kb_trace; do
        ln -s kb-dispatch "$KB_BIN/$kb_tool" || exit 2
    done
'''

DISPATCHER = r'''# kbcheck's dispatcher: the only program a dry-run step can run. It allows the file tools below,
# with the options listed, on files that resolve inside the root, and runs them with a clean
# environment; it refuses everything else.
IFS=$' \t\n'
umask 022
set -u
name=${0##*/}
why=""
kb_log() {  # one line, written at once: steps of a pipeline log side by side
    [ -n "$KB_TRACE" ] || return 0
    local status="$1" line
    shift
    printf -v line ' %q' "$@"
    printf '%s%s\n' "$status" "$line" >> "$KB_TRACE"
}
refuse() {
    kb_log refused "$name" ${args[@]+"${args[@]}"}
    printf '  refused under KBCHECK_FIX_ROOT (%s):' "$why" >&2
    printf ' %q' "$name" ${args[@]+"${args[@]}"} >&2
    printf '\n' >&2
    exit 1
}
inroot() {
    local r
    case "$1" in /*) ;; *) return 1 ;; esac
    r="$("$KB_T_readlink" -m -- "$1")" || return 1
    case "$r" in "$KB_ROOT"/*) return 0 ;; esac
    return 1
}
args=("$@")
if [ "$name" = kb_trace ]; then
    kb_log "$@"
    exit 0
fi
if [ "$name" = kb_to ]; then
    mode=">"
    if [ "${1:-}" = -a ]; then mode=">>"; shift; fi
    why="kb_to takes one file inside the root"
    [ $# = 1 ] && inroot "$1" || refuse
    kb_log run kb_to ${args[@]+"${args[@]}"}
    if [ "$mode" = ">>" ]; then exec "$KB_T_env" -i LC_ALL=C "$KB_T_cat" >> "$1"; fi
    exec "$KB_T_env" -i LC_ALL=C "$KB_T_cat" > "$1"
    exit 1
fi
flags="" valued="" lead=0 pure=0
case "$name" in
    sed) flags="-i -E -r -n -s -u -z --posix"; valued="-e"; lead=1 ;;
    grep) flags="-q -x -F -w -E -v -c -s -l -i -h -H -o -n"; valued="-e -m"; lead=1 ;;
    cat) flags="-n -A -v" ;;
    head|tail) flags="-q"; valued="-n -c" ;;
    sort) flags="-u -n -r -V -b"; valued="-k -t" ;;
    cut) flags="-s"; valued="-d -f -c" ;;
    wc) flags="-l -c -w" ;;
    ls) flags="-1 -d -l -a -A" ;;
    cp) flags="-p -f" ;;
    mkdir) flags="-p"; valued="-m" ;;
    touch) ;;
    chmod) lead=1 ;;
    readlink) flags="-f -m -e -n" ;;
    tr) flags="-d -s -c"; pure=1 ;;
    dirname|basename|getconf) pure=1 ;;
    date) pure=1 ;;
    *) why="not a tool of the dispatcher"; refuse ;;
esac
files=() operands=0 done_opts=0 have_e=0 i=0
while [ $i -lt ${#args[@]} ]; do
    a=${args[$i]}
    if [ $done_opts = 0 ] && [ "$a" = -- ]; then
        done_opts=1
    elif [ $done_opts = 0 ] && [ "${a#-}" != "$a" ] && [ "$a" != - ]; then
        case " $flags $valued " in
            *" $a "*)
                case " $valued " in *" $a "*) i=$((i + 1)); [ "$a" = -e ] && have_e=1 ;; esac ;;
            *)
                [ "${a#--}" = "$a" ] || { why="option $a"; refuse; }
                rest=${a#-}
                while [ -n "$rest" ]; do
                    f="-${rest:0:1}"
                    rest=${rest:1}
                    case " $flags " in *" $f "*) continue ;; esac
                    case " $valued " in
                        *" $f "*) [ -n "$rest" ] || i=$((i + 1)); [ "$f" = -e ] && have_e=1; rest="" ;;
                        *) why="option $f"; refuse ;;
                    esac
                done ;;
        esac
    elif [ $pure = 1 ] || { [ $operands -lt $lead ] && [ $have_e = 0 ]; }; then
        operands=$((operands + 1))
        if [ "$name" = date ] && [ "${a#+}" = "$a" ]; then why="date takes only +FORMAT"; refuse; fi
    else
        files+=("$a")
    fi
    i=$((i + 1))
done
for f in ${files[@]+"${files[@]}"}; do
    inroot "$f" || { why="$f is not a path inside the root"; refuse; }
done
if [ "$name" = sed ]; then
    [ "$KB_SED_SANDBOX" = 1 ] || { why="this sed has no --sandbox mode"; refuse; }
    kb_log run "$name" ${args[@]+"${args[@]}"}
    exec "$KB_T_env" -i LC_ALL=C "$KB_T_sed" --sandbox ${args[@]+"${args[@]}"}
fi
kb_log run "$name" ${args[@]+"${args[@]}"}
tool="KB_T_$name"
exec "$KB_T_env" -i LC_ALL=C "${!tool}" ${args[@]+"${args[@]}"}'''

DRY_PRELUDE = r'''# Dry run (KBCHECK_FIX_ROOT): a restricted shell; only the dispatcher's file tools can run.
# shellcheck disable=SC2034  # read-only and unset on purpose: no step can set them for a program
readonly %(guarded)s
readonly LC_ALL=C
enable -n kill history fc
command_not_found_handle() {
    printf '  skipped under KBCHECK_FIX_ROOT:' >&2
    printf ' %%q' "$@" >&2
    printf '\n' >&2
    kb_trace skipped "$@"
    return 0
}
kb_path() { command_not_found_handle "$@"; }
sysctl() {  # sysctl -w KEY=VALUE writes $KBCHECK_FIX_ROOT/proc/sys/KEY
    local a key
    for a in "$@"; do
        case "$a" in
            -w|-q|-e|--write|--quiet) ;;
            -*) command_not_found_handle sysctl "$@"; return 0 ;;
            *=*)
                key="${a%%%%=*}"
                key="${key// /}"
                printf '%%s\n' "${a#*=}" | sed 's/^ *//' | kb_to "$KBCHECK_FIX_ROOT/proc/sys/${key//.//}" || return 1
                ;;
        esac
    done
}
kb_save_domain() { command_not_found_handle virsh dumpxml --inactive --domain "$1"; }
'''


def setup():
    return SETUP % {"tools": " ".join(TOOLS), "dispatcher": DISPATCHER}


def dry_prelude():
    return DRY_PRELUDE % {"guarded": GUARDED}
