"""The dry run of a fix script: what `KBCHECK_FIX_ROOT=/copy bash fix.sh` may do, and how that is
enforced so that the promise holds even if a value were quoted wrongly somewhere.

The promise: under KBCHECK_FIX_ROOT no step runs any program but the file tools of the dispatcher,
and nothing outside the root is created, changed or removed.

How:
- Generation time (`prepare`): every absolute path that a command names outside single quotes
  and here-documents is written as "$KBCHECK_FIX_ROOT"/etc/... (empty on the real host; not
  /dev/null, /dev/zero and the standard streams), a command
  named by an absolute path gets `kb_path` in front, and output redirections become pipes into
  `kb_to FILE` (`kb_to -a FILE` for >>), redirections to /dev/null become `>&9` (fd 9 is
  /dev/null): the same step text serves the real host and the dry run.
- Run time (DRY_PRELUDE, SETUP, DISPATCHER): each step runs in its own `bash -r` (restricted
  shell: no output redirection, no command named with a slash, no change of PATH, no exec),
  started with an empty environment, with builtins that act outside the shell disabled and the
  environment variables that make the loader or libc load code or write files made read-only.
  Its PATH holds only the dispatcher, under the names of the file tools it allows (sed in its
  sandbox mode, grep, cat, cp, mkdir, touch, chmod and a few readers); the dispatcher checks
  each tool's options and resolves (links followed) every file argument inside the root, refuses
  anything else, and runs the real tool with a clean environment. Every other command name is
  skipped with a message (`command_not_found_handle`); `sysctl -w KEY=VALUE` writes
  $KBCHECK_FIX_ROOT/proc/sys/KEY.
- KBCHECK_FIX_TRACE=FILE logs every command a step asks for (run, refused or skipped), one per
  line, each word %q-quoted.
Limits: a step can still read what the user running the script can read (input redirections
are allowed in a restricted shell); paths built at run time are not rerouted, so the dispatcher
refuses them when they point outside the root.
"""
import re

ROOT_VAR = "KBCHECK_FIX_ROOT"
# The tools the dispatcher lets a dry-run step use (bash builtins such as echo, printf, test, [,
# true, false and read need no program).
TOOLS = ("sed", "grep", "cat", "cp", "mkdir", "touch", "chmod", "head", "tail", "sort", "cut", "wc", "ls",
         "tr", "dirname", "basename", "date", "getconf", "readlink")

# an absolute path: a slash and a file name character (not the ` / ` of arithmetic)
_PREFIX_RE = re.compile(r"/[A-Za-z0-9_.@+-]")
_DEV_KEEP = re.compile(r"/dev/(null|zero|stdin|stdout|stderr|fd/|tty\b)")
_CMD_POS = re.compile(r"(^|[;|&(`!]|\b(then|do|else|elif|if|while|until))\s*$")
_BOUNDARY = set(" \t><=(;|&`:")
_DQ_BOUNDARY = set(' \t=:"')
_HEREDOC = re.compile(r"<<(-?)\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")


def _reroot_at(line, i, prefix, path_re, out, paths):
    if _PREFIX_RE.match(line, i) and not _DEV_KEEP.match(line, i):
        out.append(prefix)
        paths.append(re.match(path_re, line[i:]).group(0))


def _reroot_line(line):
    """One line: the root prefix goes where the quoting at that point needs it, quoted in code
    (also inside a `$(...)` within double quotes), bare inside double quotes; nothing inside
    single quotes. -> (line, [absolute paths seen])."""
    out, paths, i, n = [], [], 0, len(line)
    stack = [["code", 0]]  # frames: kind (code, dq, sq) and the open parentheses of a code frame
    while i < n:
        c = line[i]
        top = stack[-1]
        if top[0] == "sq":
            if c == "'":
                stack.pop()
            out.append(c)
            i += 1
            continue
        if c == "\\" and i + 1 < n:
            out.append(line[i:i + 2])
            i += 2
            continue
        if line.startswith("$(", i):
            stack.append(["code", 0])
            out.append("$(")
            i += 2
            continue
        if top[0] == "dq":
            if c == '"':
                stack.pop()
            elif c == "/" and line[i - 1] in _DQ_BOUNDARY:
                _reroot_at(line, i, "${%s}" % ROOT_VAR, r"[^\s;|&)'\"<>`$]*", out, paths)
            out.append(c)
            i += 1
            continue
        if c == "#" and len(stack) == 1 and (i == 0 or line[i - 1] in " \t;"):
            out.append(line[i:])
            break
        if c == "'":
            stack.append(["sq", 0])
        elif c == '"':
            stack.append(["dq", 0])
        elif c == "(":
            top[1] += 1
        elif c == ")":
            if top[1]:
                top[1] -= 1
            elif len(stack) > 1:
                stack.pop()
        elif c == "/" and (i == 0 or line[i - 1] in _BOUNDARY):
            if _CMD_POS.search(line[:i]) and not re.match(r"[^\s;|&'\"<>`]*\)", line[i:]):
                out.append("kb_path ")  # an absolute command: skipped under a root
            _reroot_at(line, i, '"$%s"' % ROOT_VAR, r"[^\s;|&)'\"<>`]*", out, paths)
        out.append(c)
        i += 1
    return "".join(out), paths


def reroot(snippet):
    """-> (snippet with system paths under $KBCHECK_FIX_ROOT, [absolute paths its commands name]).
    Text inside single quotes and here-document bodies is data and keeps the host's real paths."""
    out, paths, pending = [], [], []
    for line in snippet.splitlines():
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


class Unsupported(ValueError):
    """A snippet whose redirections the dry run cannot express (a knowledge-base bug)."""


_STOP = set(";&|\n")


def _word_end(code, ctx, i):
    n = len(code)
    while i < n and not (ctx[i] == "code" and (code[i] in " \t\n;&|()<>")):
        i += 1
    return i


def _command_end(code, ctx, i):
    depth = 0
    n = len(code)
    while i < n:
        if ctx[i] == "comment":
            return i
        if ctx[i] == "code":
            c = code[i]
            if c == "(":
                depth += 1
            elif c == ")":
                if depth == 0:
                    return i
                depth -= 1
            elif depth == 0 and c in _STOP:
                return i
        i += 1
    return n


def rewrite_redirections(code):
    """Output redirections -> pipes into kb_to; to /dev/null -> fd 9. A restricted shell may not
    open a file for writing, so the step writes through kb_to (the dispatcher under a root, a
    `cat >FILE` function on the host)."""
    from kbcheck.shellquote import contexts
    while True:
        ctx = contexts(code)
        for i, c in enumerate(code):
            if c != ">" or ctx[i] != "code":
                continue
            start, j = i, i + 1
            fd = ""
            if i > 0 and code[i - 1] == "&" and ctx[i - 1] == "code":
                start, fd = i - 1, "&"
            elif i > 0 and code[i - 1].isdigit() and (i < 2 or code[i - 2] in " \t;&|("):
                start, fd = i - 1, code[i - 1]
            append = code[j:j + 1] == ">"
            if append:
                j += 1
            if code[j:j + 1] == "&":
                continue  # >&N: a duplication, allowed in a restricted shell
            if code[j:j + 1] == "|":
                raise Unsupported(">| is not supported")
            k = j
            while k < len(code) and code[k] in " \t":
                k += 1
            end = _word_end(code, ctx, k)
            target = code[k:end]
            if not target:
                raise Unsupported("a redirection without a target")
            if target == "/dev/null":
                rep = ">&9 2>&9" if fd == "&" else "%s>&9" % fd
                code = code[:start] + rep + code[end:]
                break
            if fd not in ("", "1"):
                raise Unsupported("%s%s redirects to a file other than /dev/null" % (fd, ">>" if append else ">"))
            stop = _command_end(code, ctx, end)
            head = code[:start].rstrip(" \t")
            middle = code[end:stop]
            gap = middle[len(middle.rstrip(" \t")):]
            middle = middle.rstrip(" \t")
            pipe = " | kb_to %s%s" % ("-a " if append else "", target)
            code = head + (" " if middle and not middle.startswith((" ", "\t")) else "") + middle + pipe + gap + code[stop:]
            break
        else:
            return code


def prepare(snippet):
    """A knowledge-base snippet as a step runs it -> (code, [absolute paths its commands name])."""
    rerooted, paths = reroot(snippet)
    return rewrite_redirections(rerooted), paths
