"""Every fix snippet of kb/ (runtime and persistent shell) holds no ALL-CAPS word and no `xxxN`
token other than a known placeholder (kbcheck.placeholders, the one list the fix script generator
uses too), a shell or config variable, a here-document delimiter, an option letter, or a name of
a known config format. A new placeholder goes into kbcheck.placeholders first, so `kbcheck fix`
never runs a step that still holds it."""
import re

from kbcheck import placeholders

# names of settings and formats that snippets write on purpose (not placeholders)
KNOWN = {
    "UUID",                                                   # fstab: UUID=...
    "INITRD_MODULES", "USE_KERNEL_NFSD_NUMBER",               # /etc/sysconfig variables
    "GRUB_CMDLINE_LINUX_DEFAULT", "GRUB_CMDLINE_XEN_DEFAULT",  # /etc/default/grub
    "ACTION", "KERNEL", "ATTR", "SUBSYSTEM", "ENV",           # udev rule keys
    "PAGESIZE",                                               # getconf PAGESIZE
    "KSM", "NFS",                                             # words of messages
}


def _heredoc_words(code):
    return set(m.group(2) for m in re.finditer(r"<<-?\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1", code))


def _variables(code):
    names = set(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", code))
    names.update(re.findall(r"(?:^|[\s;(])([A-Za-z_][A-Za-z0-9_]*)=", code, re.M))
    return names


def unknown_tokens(code):
    code = placeholders.strip_comments(code)
    allowed = set(placeholders.PLACEHOLDERS) | KNOWN | _heredoc_words(code) | _variables(code)
    bad = []
    for m in re.finditer(r"\b[A-Z][A-Z0-9_]*\b", code):
        w = m.group(0)
        if w in allowed:
            continue
        if m.start() > 0 and code[m.start() - 1] in "-+%":  # an option or format letter: sort -V, chattr +C, %T
            continue
        bad.append(w)
    for t in placeholders.NUMBERED.findall(code):
        if t not in allowed:
            bad.append(t)
    return bad


def snippets(model):
    for e in model.entries:
        for era, v in sorted((e.get("fix") or {}).items()):
            if not isinstance(v, dict):
                continue
            for key in ("runtime", "persistent"):
                if v.get(key):
                    yield e, era, key, v[key]


def test_snippets_hold_only_known_placeholders(model):
    problems = []
    for e, era, key, code in snippets(model):
        for tok in unknown_tokens(code):
            problems.append("%s: fix.%s.%s: %r is not a known placeholder (kbcheck.placeholders), "
                            "variable or config name" % (e.get("file") or e["id"], era, key, tok))
    assert not problems, "\n".join(problems)


def test_numbered_tokens_are_placeholders():
    assert placeholders.find("losetup -d /dev/loopN") == ["loopN"]
    assert placeholders.find("echo 'vm.swappiness = VALUE'  # N in a comment") == ["VALUE"]
    assert unknown_tokens("echo FOO > /etc/x") == ["FOO"]
    assert unknown_tokens("X=1; echo $X; sort -V; cat <<'EOF'\nEOF\n") == []
