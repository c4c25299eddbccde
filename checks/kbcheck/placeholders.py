"""The placeholders of the knowledge base's fix snippets: words a person (or kbcheck, from a
result's subject) replaces before a command can run. One list, used by the fix script generator
(kbcheck.fixscript: a step still holding one becomes a commented step for a person) and by the
test that keeps kb/ snippets free of unknown ALL-CAPS words (tests/test_fix_placeholders.py)."""
import re

# word -> what it stands for
PLACEHOLDERS = {
    "GUEST": "the guest's libvirt name (filled in from a guest-scope result's subject)",
    "DEVICE": "a device path such as /dev/loop0 (filled in from a result's subject when it is one)",
    "DISK": "a disk device or image path",
    "POINT": "a mount point (filled in from a result's subject when it is one)",
    "N": "a number",
    "SIZE": "a size with its unit, such as 4G",
    "VALUE": "a value for the setting",
    "NODE": "a NUMA node number or list",
    "CPU": "a host CPU number or list",
    "BASE": "the path of a backing image",
}
# lower-case words ending in N stand for a numbered device: loopN, nbdN, sdN ...
NUMBERED = re.compile(r"\b[a-z]+N\b")
_WORD = re.compile(r"\b[A-Z][A-Z0-9_]*\b")


def strip_comments(code):
    """The snippet without shell comments (a # at a line start or after a blank, outside quotes:
    good enough for the kb's snippets)."""
    out = []
    for line in code.splitlines():
        quote = None
        cut = len(line)
        for i, c in enumerate(line):
            if quote:
                if c == quote:
                    quote = None
            elif c in "'\"":
                quote = c
            elif c == "#" and (i == 0 or line[i - 1] in " \t;"):
                cut = i
                break
        out.append(line[:cut])
    return "\n".join(out)


def find(code):
    """Sorted placeholders (PLACEHOLDERS words and NUMBERED tokens) left in a snippet's commands,
    quoted text included (an `echo 'vm.swappiness = VALUE' > FILE` must not run as written)."""
    code = strip_comments(code)
    got = set(w for w in _WORD.findall(code) if w in PLACEHOLDERS)
    got.update(NUMBERED.findall(code))
    return sorted(got)


def fill(code, word, value):
    """Replace a placeholder word by a value (a subject), as a whole word."""
    return re.sub(r"\b%s\b" % re.escape(word), lambda m: value, code)
