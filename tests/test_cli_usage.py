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
