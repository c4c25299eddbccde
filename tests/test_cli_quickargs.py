"""A plain command line is read without argparse (kbcheck.commands.arguments.quick): into the same
namespace argparse gives, or not at all (None: argparse reads it, with its own messages)."""
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbcheck.commands import run
from kbcheck.commands.arguments import quick
from kbcheck.errors import UsageError

PLAIN = [
    [],
    ["--root", "/x"],
    ["--root", "/x", "--format", "json"],
    ["--root=/x", "--format=junit", "-v"],
    ["--supportconfig", "scc.txz", "--show-fix", "--verbose", "--output", "out.txt"],
    ["--root", "/x", "--id", "numa-*", "--id", "ksm-sleep-millisecs", "--tag", "memory", "--exclude-tag", "io"],
    ["--root", "/x", "--assume", "role=kvm_host", "--assume=migration_cluster=yes", "--assume", "product=sle12"],
    ["--root", "/x", "--timeout", "0", "--timeout=2.5", "--severity", "high", "--waivers", "w.yaml"],
    ["--connect", "test:///default", "--catalog", "c.json", "--list"],
    ["--version"],
    ["--root", "/a", "--root", "/b", "--format", "text", "--format", "prometheus"],
]

# read by argparse: help, abbreviations, values that look like options or are refused, other words
OTHERS = [
    ["-h"], ["--help"], ["--form", "json"], ["--root"], ["--root", "-x"], ["--root", ""], ["--root="],
    ["--format", "yaml"], ["--timeout", "abc"], ["--timeout=-1"], ["--assume", "novalue"], ["-vv"],
    ["--verbose=yes"], ["explain"], ["--root", "/x", "extra"], ["--"], ["-v", "--", "--root", "/x"],
]


def _argparse(argv):
    try:
        return vars(run.build_parser().parse_args(argv))
    except UsageError as e:
        return "usage error: %s" % e


@pytest.mark.parametrize("argv", PLAIN)
def test_plain_command_lines_are_read_without_argparse_as_argparse_reads_them(argv):
    got = quick(argv, run.build_parser)
    assert got is not None
    assert vars(got) == _argparse(argv)


@pytest.mark.parametrize("argv", OTHERS)
def test_anything_else_is_left_to_argparse(argv):
    assert quick(argv, run.build_parser) is None


WORDS = ["--root", "/x", "--format", "json", "bogus", "-v", "--verbose", "--id", "a*", "--assume",
         "role=kvm_host", "x", "--timeout", "0", "-1", "--timeout=3", "--format=text", "--list", "", "--",
         "--show-fix", "--tag", "-", "--root=/y", "--version", "--ro", "=", "--exclude-tag"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=8))
def test_whenever_quick_reads_a_command_line_argparse_reads_it_the_same(argv):
    got = quick(argv, run.build_parser)
    if got is not None:
        assert vars(got) == _argparse(argv)


def test_every_option_of_the_run_is_read_quickly():
    """Each option `kbcheck` declares, written in full, goes the quick way (none needs argparse)."""
    p = run.build_parser()
    for action in p._actions:
        for flag in action.option_strings:
            if flag in ("-h", "--help"):
                continue
            argv = [flag] if action.nargs == 0 else [flag, "json" if flag == "--format" else
                                                     ("role=kvm_host" if flag == "--assume" else "1")]
            got = quick(argv, run.build_parser)
            assert got is not None, flag
            assert vars(got) == _argparse(argv), flag


def test_options_in_any_order_give_the_same_namespace():
    parts = [["--root", "/x"], ["--format", "json"], ["-v"], ["--id", "a"], ["--timeout", "1"]]
    want = _argparse(sum(parts, []))
    for order in itertools.permutations(parts):
        assert vars(quick(sum(order, []), run.build_parser)) == want
