"""Regular expressions compiled at build time (kbcheck.regexpack, kbgen.regexes): the pack gives
the very pattern re.compile gives, covers every pattern a run on the example compiles, and
changes nothing where it does not apply (another engine, another pattern, flags it lacks)."""
import importlib.util
import marshal
import os
import re
import subprocess
import sys
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from kbcheck import regexpack
from kbgen import regexes

EXAMPLE = os.path.join(EXAMPLES, "sle12-kvm-untuned")
MAGIC = importlib.util.MAGIC_NUMBER.hex()


def _pack(pyz):
    with zipfile.ZipFile(pyz) as z:
        return z.read("kbcheck/_pyc/%s/regexes.bin" % MAGIC)


def _same(a, b):
    assert (a.pattern, a.flags, a.groups, dict(a.groupindex)) == (b.pattern, b.flags, b.groups, dict(b.groupindex))
    if sys.version_info >= (3, 7):  # (patterns compare by their compiled code since 3.7)
        assert a == b


def test_every_pattern_of_the_pack_is_what_re_compiles(built):
    import _sre
    pack = marshal.loads(_pack(built["pyz"]))
    assert tuple(pack["engine"]) == (_sre.MAGIC, _sre.CODESIZE, tuple(sys.version_info[:2]))
    assert len(pack["patterns"]) > 50
    for (pattern, flags), args in pack["patterns"].items():
        _same(_sre.compile(*args), re.compile(pattern, flags))


MISSES = r'''
import re, runpy, sys
mod = getattr(re, "_compiler", None)
if mod is None or not hasattr(mod, "compile"):
    import sre_compile as mod
real = mod.compile
def compile(p, flags=0):
    f, mods = sys._getframe(1), []
    while f is not None:
        mods.append(f.f_globals.get("__name__"))
        f = f.f_back
    # (argparse builds a pattern from the option list while it parses: a run's own, not literal)
    if "argparse" not in mods:
        sys.stderr.write("compiled at run time: %r\n" % ((p, flags),))
    return real(p, flags)
mod.compile = compile
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
'''


@pytest.mark.parametrize("argv", [["--root", EXAMPLE], ["--root", EXAMPLE, "--format", "json", "-v"],
                                  ["explain", "numa-balancing"]])
def test_a_run_on_the_example_compiles_no_pattern(built, argv):
    """Every pattern the run meets comes from the pack: none reaches re's own compiler."""
    p = subprocess.run([sys.executable, "-c", MISSES, built["pyz"]] + argv, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, universal_newlines=True, timeout=120)
    assert p.returncode in (0, 1), p.stderr
    assert [line for line in p.stderr.splitlines() if line.startswith("compiled at run time")] == []


def _installed_with(raw):
    """A child Python that installs `raw` and reports what it compiles."""
    code = ("import marshal, re, sys\nsys.path.insert(0, %r)\nfrom kbcheck import regexpack\n"
            "print(regexpack.install(%r))\n" % (os.path.dirname(os.path.dirname(regexpack.__file__)), raw))
    return code


def test_pack_of_another_engine_changes_nothing():
    data = regexpack.capture([(r"^a(b)$", 0)])
    data["engine"] = (0, 0, (3, 0))
    code = _installed_with(marshal.dumps(data)) + "print(re.compile(r'^a(b)$').match('ab').group(1))\n"
    assert subprocess.check_output([sys.executable, "-c", code], universal_newlines=True).split() == ["False", "b"]
    code = _installed_with(b"not marshal data") + "print(re.compile('x').pattern)\n"
    assert subprocess.check_output([sys.executable, "-c", code], universal_newlines=True).split() == ["False", "x"]


def test_installed_pack_answers_its_patterns_and_compiles_the_rest():
    data = regexpack.capture([(r"^(?P<key>[a-z_.]+)\s*=\s*(\S*)$", 0), (r"ab+c", re.I), (r"(", 0)])
    assert len(data["patterns"]) == 2  # (the broken one is left to the run, which reports it)
    code = _installed_with(marshal.dumps(data)) + (
        "m = re.match(r'^(?P<key>[a-z_.]+)\\s*=\\s*(\\S*)$', 'vm.swappiness = 10')\n"
        "print(m.group('key'), m.group(2))\n"
        "print(bool(re.search('ab+c', 'xABBC', re.I)), bool(re.search('ab+c', 'xABBC')))\n"
        "print(re.sub('[0-9]+', '#', 'a1b22'))\n"
        "try:\n    re.compile('(')\nexcept re.error:\n    print('error')\n")
    out = subprocess.check_output([sys.executable, "-c", code], universal_newlines=True).split()
    assert out == ["True", "vm.swappiness", "10", "True", "False", "a#b#", "error"]


def test_capture_takes_the_patterns_a_standard_module_compiles_on_import():
    code = ("import sys\nsys.path.insert(0, %r)\nfrom kbcheck import regexpack\n"
            "got = regexpack.capture([], ('xml.etree.ElementTree',))\nprint(len(got['patterns']))\n"
            % os.path.dirname(os.path.dirname(regexpack.__file__)))
    assert int(subprocess.check_output([sys.executable, "-S", "-c", code], universal_newlines=True)) >= 1


def test_scanner_takes_literal_patterns_only():
    src = (
        "import re\n"
        "_Q = r'\"[^\"]*\"'\n"
        "A = re.compile(r'^a+$')\n"
        "B = re.compile(r'(?:%s|x)+' % _Q, re.I | re.M)\n"
        "C = Lazy(r'^lazy$', re.S)\n"
        "def f(s, key):\n"
        "    re.match(r'^m(\\d)$', s)\n"
        "    re.sub(r'\\s+', ' ', s, flags=re.X)\n"
        "    re.split(r',', s, 2)\n"
        "    re.search('^%s=' % re.escape(key), s)\n"   # built at run time: not taken
        "    re.compile(key)\n"                          # not a literal
        "    re.search(r'odd', s, FLAGS)\n"              # flags not re's names
        "    return re.compile(b'^bytes$')\n")
    want = [("^a+$", ()), ('(?:"[^"]*"|x)+', ("I", "M")), ("^lazy$", ("S",)), (r"^m(\d)$", ()),
            (r"\s+", ("X",)), (",", ()), (b"^bytes$", ())]
    assert sorted(regexes.literal_patterns(src), key=repr) == sorted(want, key=repr)
    assert regexes.literal_patterns("def broken(:\n") == []


@settings(max_examples=400, deadline=None)
@given(st.text("ab/*.", max_size=8), st.text("ab/.", max_size=10))
def test_path_rules_match_as_fnmatch_does(pattern, path):
    """The specs' path rules match as fnmatch.fnmatchcase, without compiling a regex for `*`."""
    import fnmatch

    from kbcheck.specs import _matches
    assert _matches(path, pattern) == fnmatch.fnmatchcase(path, pattern)
