"""The one quoting rule (kbcheck.shellquote): a word reads back in bash as exactly its value, a
visible line holds no control character, a placeholder is filled only where a shell word stands,
a here-document delimiter is never a line of its body, and every auto-filled placeholder of kb/
stands where a word may stand, so no fix step is left out for a harmless value."""
import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbcheck import shellquote

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")

PRINTABLE = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1,
                    max_size=40).filter(lambda s: not shellquote.has_control(s))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(values=st.lists(PRINTABLE, min_size=1, max_size=8))
def test_a_word_reads_back_as_its_value(values):
    script = "printf '%s\\0' " + " ".join(shellquote.word(v) for v in values)
    out = subprocess.run(["bash", "-c", script], stdout=subprocess.PIPE, check=True).stdout
    assert out.decode("utf-8", "surrogateescape").split("\0")[:-1] == values


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=60))
def test_visible_text_is_one_safe_line(text):
    v = shellquote.visible(text)
    assert not shellquote.has_control(v) and "\n" not in v and "\r" not in v
    assert shellquote.visible(text) != shellquote.visible(text + "\n") or text == text + "\n"


def test_words_refuse_control_characters():
    for bad in ("a\nb", "a\rb", "\x1b[2J", "x\x9by", "a\u2028b", "\u202eevil"):
        with pytest.raises(shellquote.Unsafe):
            shellquote.word(bad)
        assert shellquote.unsafe(bad, "guest")


def test_unsafe_values_say_why():
    assert "option" in shellquote.unsafe("-rf", "guest")
    assert "'/'" in shellquote.unsafe("a/b", "guest")
    assert "/dev" in shellquote.unsafe("/dev/../etc/shadow", "device")
    assert "absolute" in shellquote.unsafe("var/lib", "path")
    assert shellquote.unsafe("x" * 2000)
    assert shellquote.unsafe("w1$(touch pwned)`id`;x", "guest") is None  # quotable: a plain word


def test_fill_only_where_a_word_stands():
    code = "virsh memtune --domain GUEST --config  # GUEST: the guest\n"
    assert shellquote.fill(code, "GUEST", "a'b", "guest") == (
        "virsh memtune --domain 'a'\\''b' --config  # a'b: the guest\n")
    for quoted in ("echo 'GUEST'\n", 'echo "x GUEST"\n', "cat <<EOF\nGUEST\nEOF\n"):
        with pytest.raises(shellquote.Unsafe):
            shellquote.fill(quoted, "GUEST", "g1", "guest")
    assert shellquote.fill("echo GUESTS $GUEST\n", "GUEST", "g1", "guest") == "echo GUESTS $GUEST\n"


def test_delimiters_are_not_lines_of_their_body():
    body = "\n".join("KB_STEP_%012x" % i for i in range(50))
    d = shellquote.delimiter("STEP", body)
    assert d.startswith("KB_STEP_") and d not in body.splitlines()


def test_comments_escape_everything_a_terminal_acts_on():
    assert shellquote.comment("a\x1b[2Jb\nc", "# ") == "# a\\e[2Jb\n# c"
    assert shellquote.visible("back\\slash\x07") == "back\\\\slash\\x07"


def test_every_auto_filled_placeholder_of_kb_stands_where_a_word_may(model):
    from kbcheck import fixroot, placeholders
    bad = []
    for e in model.entries:
        for key, v in (e.get("fix") or {}).items():
            for part in ("runtime", "persistent"):
                code = v.get(part)
                if not code:
                    continue
                prepared, _ = fixroot.prepare(code)
                for word, (value, kind) in (("GUEST", ("g1", "guest")), ("DEVICE", ("/dev/loop0", "device")),
                                            ("POINT", ("/srv/images", "path"))):
                    if word in placeholders.find(code):
                        try:
                            prepared = shellquote.fill(prepared, word, value, kind)
                        except shellquote.Unsafe as x:
                            bad.append("%s fix.%s.%s: %s" % (e["id"], key, part, x))
                if subprocess.run(["bash", "-n"], input=prepared, universal_newlines=True,
                                  stderr=subprocess.PIPE).returncode:
                    bad.append("%s fix.%s.%s: not valid bash once prepared" % (e["id"], key, part))
    assert not bad, "\n".join(bad)
