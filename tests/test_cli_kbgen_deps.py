"""kbgen without PyYAML or jsonschema says what to install, in one line, exit 2."""
import os
import subprocess
import sys

import pytest

from conftest import ROOT


@pytest.mark.parametrize("missing", ["yaml", "jsonschema"])
def test_kbgen_without_its_dependencies(tmp_path, missing):
    (tmp_path / (missing + ".py")).write_text("raise ImportError('hidden by the test', name=%r)\n" % missing)
    path = os.pathsep.join([str(tmp_path), os.path.join(ROOT, "checks"), os.path.join(ROOT, "generator")])
    p = subprocess.Popen([sys.executable, "-m", "kbgen", "check"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True, cwd=str(tmp_path),
                         env=dict(os.environ, PYTHONPATH=path, PYTHONDONTWRITEBYTECODE="1"))
    out, err = p.communicate(timeout=60)
    assert p.returncode == 2 and not out
    assert err.startswith("kbgen needs PyYAML and jsonschema: pip install '.[gen]'")
    assert len(err.strip().splitlines()) == 1
