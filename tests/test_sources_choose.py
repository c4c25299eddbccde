"""Which source a run reads, and the folders it refuses: pointing --root or --supportconfig at
the wrong folder is a usage error (exit 2, one line naming the folders meant), never a run that
"passes" with no role detected."""
import json
import os
import subprocess
import sys

import pytest

from conftest import EXAMPLES, ROOT
from support import archives

from kbcheck.errors import UsageError
from kbcheck.sources import build_chain

CHECKS = os.path.join(ROOT, "checks")
UNTUNED = os.path.join(EXAMPLES, "sle12-kvm-untuned")


def chain(root=None, supportconfig=None, connect=None, timeout=None):
    return build_chain({"--root": root, "--supportconfig": supportconfig}, connect=connect, timeout=timeout)


def usage_error(**kw):
    with pytest.raises(UsageError) as ei:
        chain(**kw).close()
    msg = str(ei.value)
    assert "\n" not in msg
    return msg


@pytest.fixture(scope="module")
def catalog_file(tmp_path_factory, catalog_data):
    p = str(tmp_path_factory.mktemp("cat") / "catalog.json")
    with open(p, "w") as f:
        json.dump(catalog_data, f)
    return p


def kbcheck(argv, catalog):
    code = "import sys; sys.path.insert(0, %r)\nfrom kbcheck.cli import main\nsys.exit(main())" % CHECKS
    p = subprocess.Popen([sys.executable, "-c", code, "--catalog", catalog] + list(argv), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True)
    out, err = p.communicate(timeout=120)
    return p.returncode, out, err


# -- --supportconfig on a folder that is not one ----------------------------------------------
def test_supportconfig_folder_holding_a_tarball_suggests_it(tmp_path):
    arc = archives.write_supportconfig(UNTUNED, str(tmp_path), tarball=True)
    msg = usage_error(supportconfig=str(tmp_path))
    assert msg == "--supportconfig %s: not a supportconfig (no basic-environment.txt); did you mean %s?" % (
        tmp_path, arc)


def test_supportconfig_on_the_examples_folder_is_refused_and_points_to_root():
    msg = usage_error(supportconfig=EXAMPLES)
    assert msg.startswith("--supportconfig %s: not a supportconfig (no basic-environment.txt)" % EXAMPLES)
    msg = usage_error(supportconfig=UNTUNED)
    assert msg.endswith("; a root tree or sosreport is read with --root %s" % UNTUNED)


def test_supportconfig_tarball_without_supportconfig_files_is_refused(tmp_path):
    import tarfile
    bad = tmp_path / "scc_x_240101_0000.txz"
    with tarfile.open(str(bad), "w:xz") as tf:
        tf.add(os.path.join(UNTUNED, "etc", "os-release"), arcname="scc_x/os-release")
    msg = usage_error(supportconfig=str(bad))
    assert msg == "%s: not a supportconfig archive (no basic-environment.txt inside)" % bad


def test_supportconfig_folder_above_an_extracted_one_still_reads(tmp_path):
    d = archives.write_supportconfig(UNTUNED, str(tmp_path))
    src = chain(supportconfig=str(tmp_path))
    try:
        assert src.kind == "supportconfig" and src.dir == d
    finally:
        src.close()


# -- --root on a folder that is not a root tree ------------------------------------------------
def test_root_on_the_examples_folder_suggests_the_trees():
    msg = usage_error(root=EXAMPLES)
    assert msg.startswith("--root %s does not look like a root tree (no etc/, proc/ or sys/); did you mean %s/"
                          % (EXAMPLES, EXAMPLES)), msg
    names = sorted(n for n in os.listdir(EXAMPLES) if os.path.isdir(os.path.join(EXAMPLES, n)))
    assert os.path.join(EXAMPLES, names[0]) in msg


def test_root_on_an_empty_folder_or_a_supportconfig(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert usage_error(root=str(empty)) == "--root %s does not look like a root tree (no etc/, proc/ or sys/)" % empty
    arc = archives.write_supportconfig(UNTUNED, str(tmp_path / "scc"), tarball=True)
    msg = usage_error(root=str(tmp_path / "scc"))
    assert msg.endswith("; a supportconfig is read with --supportconfig %s" % arc)


def test_root_accepts_partial_trees_and_sosreports(tmp_path):
    for mark in ("etc", "proc", "sys"):
        d = tmp_path / ("t-" + mark)
        (d / mark).mkdir(parents=True)
        chain(root=str(d)).close()
    sos = archives.write_sosreport(UNTUNED, str(tmp_path / "sosreport-x"))
    src = chain(root=sos)
    assert src.kind == "sosreport"


def test_wrong_folder_exits_2_with_one_line(tmp_path, catalog_file):
    archives.write_supportconfig(UNTUNED, str(tmp_path), tarball=True)
    rc, out, err = kbcheck(["--supportconfig", str(tmp_path)], catalog_file)
    assert rc == 2 and out == "" and len(err.strip().splitlines()) == 1, (rc, out, err)
    assert "not a supportconfig (no basic-environment.txt); did you mean" in err and "Traceback" not in err
    rc, out, err = kbcheck(["--root", EXAMPLES], catalog_file)
    assert rc == 2 and out == "" and len(err.strip().splitlines()) == 1, (rc, out, err)
    assert "does not look like a root tree" in err


# -- the live host ------------------------------------------------------------------------------
def test_live_source_is_live_and_labelled_slash():
    src = chain()
    try:
        assert src.kind == "live" and src.label == "/"
        assert src.base.kind == "live"
    finally:
        src.close()
    from kbcheck.sources.root import RootSource
    assert RootSource(UNTUNED).kind == "root"
