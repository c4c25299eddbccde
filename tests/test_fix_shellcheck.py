"""The fix scripts written for the examples are clean under shellcheck at severity warning: the
script itself and every step as its own shell runs it (the prelude followed by the step's text,
which the script keeps in a quoted here-document)."""
import os
import re
import shutil
import subprocess

import pytest

from conftest import EXAMPLES

pytestmark = pytest.mark.skipif(shutil.which("shellcheck") is None,
                                reason="shellcheck is not installed (Debian package shellcheck)")

EXAMPLE_NAMES = sorted(d for d in os.listdir(EXAMPLES) if os.path.isdir(os.path.join(EXAMPLES, d)))


def shellcheck(text):
    p = subprocess.run(["shellcheck", "-s", "bash", "-S", "warning", "-f", "gcc", "-"], input=text,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=120)
    return p.returncode, p.stdout + p.stderr


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_example_scripts_are_clean_under_shellcheck(kb, example, tmp_path):
    script = str(tmp_path / "fix.sh")
    rc, _, err = kb("fix", "--root", os.path.join(EXAMPLES, example), "--script", script)
    assert rc == 0, err
    with open(script) as f:
        text = f.read()
    rc, out = shellcheck(text)
    assert rc == 0, "%s: the script:\n%s" % (example, out)
    prelude = re.search(r"<<'KB_PRELUDE'\n(.*?)\nKB_PRELUDE\n", text, re.S).group(1)
    steps = re.findall(r"^kb_run (\d+) <<'(KB_STEP_\w+)'\n(.*?)\n\2$", text, re.S | re.M)
    for n, _, body in steps:
        rc, out = shellcheck(prelude + "\n" + body + "\n")
        assert rc == 0, "%s: step %s:\n%s" % (example, n, out)
