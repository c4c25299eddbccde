"""content-hw: the byte reader for image headers, and the guest-scope probes of kb/io, kb/storage,
kb/cpu, kb/numa and kb/images run over every real domain XML of the shared corpus without `error`."""
import glob
import os
import shutil

import pytest

from conftest import CORPUS, CORPUS_REASON, REQUIRE_SHARED


def test_read_bytes_reads_only_the_head_of_a_big_file(tmp_path):
    from kbcheck.facts import Host
    from kbcheck.sources.root import MAX_BYTES, RootSource
    img = tmp_path / "var/lib/libvirt/images"
    img.mkdir(parents=True)
    with open(str(img / "big.qcow2"), "wb") as f:
        f.write(b"QFI\xfb" + b"\x00" * 100)
        f.seek(MAX_BYTES + 4096)
        f.write(b"\x01")
    host = Host(RootSource(str(tmp_path)))
    head = host.read_bytes("/var/lib/libvirt/images/big.qcow2", 8)
    assert head == b"QFI\xfb\x00\x00\x00\x00"
    assert host.read_bytes("/var/lib/libvirt/images/missing.raw", 8) is None
    assert host.read_bytes("/var/lib/libvirt/images", 8) is None


def test_read_bytes_is_not_collected_from_sources_without_contents():
    from kbcheck.errors import NotCollected
    from kbcheck.facts import Host
    from kbcheck.sources.base import Source
    with pytest.raises(NotCollected):
        Host(Source()).read_bytes("/x.qcow2", 8)


HW_AREAS = ("io", "storage", "cpu", "numa", "images")


def _hw_entries(model, catalog_data):
    from kbcheck.catalog import Entry
    out = []
    for e in model.entries:
        if e["file"].split("/")[1] in HW_AREAS:
            data = next(d for d in catalog_data["entries"] if d["id"] == e["id"])
            out.append(Entry(data))
    return out


@pytest.fixture(scope="module")
def corpus_root(tmp_path_factory):
    files = sorted(glob.glob(os.path.join(CORPUS, "domains", "*.xml")))
    if not os.path.isdir(CORPUS) and not REQUIRE_SHARED:
        pytest.skip(CORPUS_REASON)
    assert len(files) > 200, "the domain corpus %s holds %d documents" % (os.path.join(CORPUS, "domains"), len(files))
    from kbgen import scenarios
    root = str(tmp_path_factory.mktemp("corpus-hw"))
    scenarios.materialise({"numa": [{"cpus": "0-3", "memory": "16G"}, {"cpus": "4-7", "memory": "16G"}],
                           "mounts": ["nfs:/export/images /var/lib/libvirt/images nfs4 rw,relatime,vers=4.2,"
                                      "rsize=1048576,wsize=1048576,hard,proto=tcp 0 0"]}, root)
    qemu = os.path.join(root, "etc/libvirt/qemu")
    os.makedirs(qemu)
    for i, f in enumerate(files):
        shutil.copy(f, os.path.join(qemu, "c%03d-%s" % (i, os.path.basename(f))))
    return root, len(files)


@pytest.mark.parametrize("role", ["kvm_host", "xen_dom0"])
def test_hw_probes_give_no_error_on_the_domain_corpus(model, catalog_data, corpus_root, role):
    from kbcheck.facts import Host
    from kbcheck.runner import run_entry
    from kbcheck.sources.root import RootSource
    root, n = corpus_root
    host = Host(RootSource(root), assume={"role": role, "migration_cluster": "yes"})
    bad = []
    judged = 0
    for entry in _hw_entries(model, catalog_data):
        for r in run_entry(entry, host):
            judged += 1
            if r.status == "error" and not r.message.startswith("cannot judge this guest"):
                bad.append("%s %s: %s" % (entry.id, r.subject, r.message))
    assert judged > n
    assert not bad, "\n".join(bad[:30])


def test_image_header_parser_reads_qcow2_fields_and_magics():
    from kbcheck.errors import ParseError
    from kbcheck.parsers.image import header
    from kbgen.scenarios import image_bytes
    h = header(image_bytes({"size": "64G", "backing": "base.raw", "lazy_refcounts": True, "cluster_size": 131072}))
    assert h["format"] == "qcow2" and h["version"] == 3 and h["size"] == 64 << 30
    assert h["cluster_size"] == 131072 and h["lazy_refcounts"] and h["backing_file"] == "base.raw"
    h2 = header(image_bytes({"version": 2, "encrypted": "aes"}))
    assert h2["version"] == 2 and h2["crypt_method"] == 1 and h2["backing_file"] is None
    assert header(image_bytes({"format": "vmdk"})) == {"format": "vmdk"}
    assert header(b"\x00" * 512) == {"format": "raw"}
    with pytest.raises(ParseError):
        header(b"QFI\xfb\x00\x00\x00\x03")


def test_host_image_header_block_device_and_garbage_are_unreadable(tmp_path):
    from kbcheck.errors import Unreadable
    from kbcheck.facts import Host
    from kbcheck.sources.root import RootSource
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "bad.qcow2").write_bytes(b"QFI\xfb\x00\x00")
    host = Host(RootSource(str(tmp_path)))
    assert host.image_header("/img/none.qcow2") is None
    with pytest.raises(Unreadable):
        host.image_header("/img/bad.qcow2")
