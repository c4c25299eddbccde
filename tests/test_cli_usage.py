"""Usage errors for people: a command after options, --timeout values."""
import os

import pytest

from conftest import EXAMPLES

EXAMPLE = os.path.join(EXAMPLES, "sle12-kvm-untuned")




@pytest.mark.parametrize("cmd", ["explain", "fix", "report"])
def test_command_after_options_says_put_it_first(kb, cmd):
    rc, out, err = kb("--root", EXAMPLE, cmd, "numa-balancing")
    assert rc == 2 and not out
    assert "put the command first: kbcheck %s numa-balancing" % cmd in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("value", ["-1", "abc", "nan", "inf"])
def test_timeout_must_be_positive(kb, value):
    rc, _, err = kb("--root", EXAMPLE, "--timeout=" + value, "--id", "numa-balancing")
    assert rc == 2 and "--timeout" in err and "Traceback" not in err


def test_timeout_zero_means_no_deadline(kb):
    rc, out, err = kb("--root", EXAMPLE, "--timeout", "0", "--id", "numa-balancing")
    assert rc == 1, err
    assert "numa-balancing" in out


def test_explain_timeout_checked_too(built, capsys):
    from kbcheck.cli import main
    assert main(["explain", "--catalog", built["catalog"], "--timeout", "-3", "numa-balancing"]) == 2


def test_ids_and_tags_take_comma_separated_lists(kb):
    """`--id a,b` is `--id a --id b` (ids and tags never hold a comma); so are --tag and --exclude-tag."""
    import json
    root = os.path.join(EXAMPLES, "sle12-kvm-untuned")

    def ran(*argv):
        rc, out, err = kb("--root", root, "--format", "json", *argv)
        assert rc in (0, 1), err
        return sorted(set(r["id"] for r in json.loads(out)["results"]))
    assert ran("--id", "numa-balancing,ksm-sleep-*") == ran("--id", "numa-balancing", "--id", "ksm-sleep-*") \
        == ["ksm-sleep-millisecs", "numa-balancing"]
    assert ran("--tag", "numa,ksm") == ran("--tag", "numa", "--tag", "ksm")
    assert ran("--exclude-tag", "numa,ksm") == ran("--exclude-tag", "numa", "--exclude-tag", "ksm")
    rc, out, err = kb("--root", root, "--id", "numa-balancing,")
    assert rc == 2 and err.count("\n") == 1 and "--id 'numa-balancing,' names an empty entry" in err
    rc, out, err = kb("--root", root, "--id", "numa-balancing,no-such-entry")
    assert rc == 2 and "no entry matches --id 'no-such-entry'" in err


def test_summary_line_counts_in_words_that_agree(kb):
    root = os.path.join(EXAMPLES, "sle12-kvm-untuned")
    rc, out, _ = kb("--root", root, "--id", "numa-balancing")
    assert "(1 entry, 1 result)" in out and "entries" not in out.split("(1 entry")[1].splitlines()[0]
    rc, out, _ = kb("--root", root, "--id", "numa-balancing,ksm-sleep-millisecs")
    assert "(2 entries, 2 results)" in out
