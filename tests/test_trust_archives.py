"""Safe on untrusted input: a copied tree or an archive cannot make kbcheck read outside it, expand
entities, swallow a huge file, or write anywhere but a private temporary folder that goes away."""
import io
import os
import subprocess
import sys
import tarfile
import tempfile

import pytest

from kbcheck.errors import ParseError, Unreadable
from kbcheck.facts import Host
from kbcheck.parsers import domain as domain_parser
from kbcheck.parsers import xmlsafe
from kbcheck.sources import root as root_mod
from kbcheck.sources.root import RootSource

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKS = os.path.join(os.path.dirname(HERE), "checks")


def _write(path, text):
    d = os.path.dirname(path)
    if not os.path.isdir(d):
        os.makedirs(d)
    with open(path, "w") as f:
        f.write(text)


# -- symbolic links and .. stay inside the root ------------------------------------------------
def test_absolute_symlink_is_read_inside_the_root(tmp_path):
    root = str(tmp_path)
    _write(os.path.join(root, "etc/shadow"), "root:inside-the-tree:0:0\n")
    os.makedirs(os.path.join(root, "etc/libvirt"))
    os.symlink("/etc/shadow", os.path.join(root, "etc/libvirt/qemu.conf"))
    src = RootSource(root)
    assert src.read_text("/etc/libvirt/qemu.conf") == "root:inside-the-tree:0:0\n"


def test_absolute_symlink_to_a_file_missing_in_the_root_is_absent_not_the_hosts(tmp_path):
    root = str(tmp_path)
    os.makedirs(os.path.join(root, "etc"))
    os.symlink("/etc/passwd", os.path.join(root, "etc/hostname"))
    assert os.path.exists("/etc/passwd")
    assert RootSource(root).read_text("/etc/hostname") is None


@pytest.mark.parametrize("link", ["../../../../../../etc/passwd", "../../..", "../" * 40 + "etc/passwd"])
def test_relative_escapes_are_refused(tmp_path, link):
    root = str(tmp_path)
    os.makedirs(os.path.join(root, "etc"))
    os.symlink(link, os.path.join(root, "etc/os-release"))
    with pytest.raises(Unreadable) as ei:
        RootSource(root).read_text("/etc/os-release")
    assert "refused: a symbolic link leads outside" in ei.value.reason


def test_dotdot_in_a_path_asked_for_is_refused(tmp_path):
    src = RootSource(str(tmp_path))
    with pytest.raises(Unreadable):
        src.read_text("/../../etc/passwd")
    assert src.listdir("/../..") is None


def test_symlink_loop_is_refused(tmp_path):
    root = str(tmp_path)
    os.symlink("b", os.path.join(root, "a"))
    os.symlink("a", os.path.join(root, "b"))
    with pytest.raises(Unreadable):
        RootSource(root).read_text("/a")


def test_directory_symlink_outside_is_refused_for_listdir(tmp_path):
    root = str(tmp_path)
    os.makedirs(os.path.join(root, "etc/libvirt"))
    os.symlink("../../../../../../../etc", os.path.join(root, "etc/libvirt/qemu"))
    assert RootSource(root).listdir("/etc/libvirt/qemu") is None


# -- XML: no DOCTYPE, no entities, no billion laughs -------------------------------------------
LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<domain type='kvm'><name>&lol9;</name></domain>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE domain [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<domain type='kvm'><name>&x;</name></domain>
"""


@pytest.mark.parametrize("text", [LAUGHS, EXTERNAL, "<!doctype domain><domain/>"])
def test_xml_with_doctype_or_entities_is_refused(text):
    with pytest.raises(ParseError) as ei:
        xmlsafe.parse(text)
    assert "DOCTYPE" in str(ei.value)


def test_a_billion_laughs_guest_is_one_error_and_the_others_are_judged(tmp_path):
    from kbgen import scenarios
    root = str(tmp_path)
    scenarios.materialise({"guests": [{"name": "good"}]}, root)
    _write(os.path.join(root, "etc/libvirt/qemu/lolz.xml"), LAUGHS)
    host = Host(RootSource(root))
    assert [d.name for d in host.domains] == ["good"]
    (name, origin, why), = host.domain_errors
    assert name == "lolz" and "DOCTYPE" in why


def test_undeclared_entity_is_a_parse_error():
    with pytest.raises(ParseError):
        domain_parser.parse("<domain><name>&boom;</name></domain>")


# -- size caps ---------------------------------------------------------------------------------
def test_a_huge_sparse_file_is_refused_without_reading_it(tmp_path):
    root = str(tmp_path)
    p = os.path.join(root, "proc/meminfo")
    os.makedirs(os.path.dirname(p))
    with open(p, "wb") as f:
        f.truncate(64 * 1024 ** 3)  # 64 GiB, sparse: costs nothing on disk
    with pytest.raises(Unreadable) as ei:
        RootSource(root).read_text("/proc/meminfo")
    assert "larger than %d MiB" % (root_mod.MAX_BYTES >> 20) in ei.value.reason


def test_huge_xml_is_refused():
    with pytest.raises(ParseError):
        xmlsafe.parse("<domain>" + " " * (xmlsafe.MAX_XML + 1) + "</domain>")


# -- tar archives: nothing outside a private temporary folder, removed afterwards ----------------
scc = pytest.importorskip("kbcheck.sources.supportconfig")


def _tar(path, members):
    """members: (name, kind, data) with kind file|dir|symlink|hardlink|fifo."""
    with tarfile.open(path, "w:gz") as tf:
        for name, kind, data in members:
            info = tarfile.TarInfo(name)
            info.mode = 0o644
            if kind == "file":
                raw = data.encode()
                info.size = len(raw)
                tf.addfile(info, io.BytesIO(raw))
                continue
            info.type = {"dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE,
                         "fifo": tarfile.FIFOTYPE}[kind]
            if kind in ("symlink", "hardlink"):
                info.linkname = data
            tf.addfile(info)
    return path


def _evil(tmp_path, target_name):
    outside = os.path.join(str(tmp_path), target_name)
    return outside, [
        ("scc_evil_240101_0000", "dir", None),
        ("scc_evil_240101_0000/basic-environment.txt", "file", "#==[ Command ]======#\n# uname -a\nLinux evil\n"),
        ("/tmp/%s" % target_name, "file", "absolute\n"),
        ("scc_evil_240101_0000/../../../../%s" % target_name, "file", "dotdot\n"),
        ("../" + target_name, "file", "dotdot\n"),
        ("scc_evil_240101_0000/link", "symlink", outside),
        ("scc_evil_240101_0000/link/x", "file", "through a link\n"),
        ("scc_evil_240101_0000/hard", "hardlink", "/etc/passwd"),
        ("scc_evil_240101_0000/fifo", "fifo", None),
    ]


def test_tar_members_never_land_outside_and_the_temp_folder_goes_away(tmp_path, monkeypatch):
    name = "kbcheck-escape-%d" % os.getpid()
    outside, members = _evil(tmp_path, name)
    arch = _tar(os.path.join(str(tmp_path), "scc_evil_240101_0000.tgz"), members)
    private = str(tmp_path / "private-tmp")
    os.makedirs(private)
    monkeypatch.setattr(tempfile, "tempdir", private)
    src = scc.SupportconfigSource(arch)
    extracted = src._tmp
    assert extracted.startswith(private)
    assert oct(os.stat(extracted).st_mode & 0o777) == "0o700"
    for d, dirs, files in os.walk(extracted):
        for n in dirs + files:
            p = os.path.join(d, n)
            assert not os.path.islink(p)
            assert os.path.realpath(p).startswith(os.path.realpath(extracted) + os.sep)
    assert not os.path.exists(outside) and not os.path.exists("/tmp/" + name)
    assert not os.path.exists(os.path.join(str(tmp_path), name))
    assert any("unsafe path" in n for n in src.notices) and any("link" in n for n in src.notices)
    src.close()
    assert not os.path.exists(extracted) and os.listdir(private) == []


def test_a_damaged_archive_is_one_line_and_exit_2(tmp_path, catalog_data):
    import json
    cat = os.path.join(str(tmp_path), "catalog.json")
    with open(cat, "w") as f:
        json.dump(catalog_data, f)
    bad = os.path.join(str(tmp_path), "scc_bad_240101_0000.txz")
    with open(bad, "wb") as f:
        f.write(b"\xfd7zXZ\x00 this is not really xz" * 10)
    code = "import sys; sys.path.insert(0, %r)\nfrom kbcheck.cli import main\nsys.exit(main())" % CHECKS
    p = subprocess.Popen([sys.executable, "-c", code, "--catalog", cat, "--supportconfig", bad],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 2, (p.returncode, err)
    assert len(err.strip().splitlines()) == 1 and bad in err and "Traceback" not in err
