"""content-hw: the byte reader for image headers, and the guest-scope probes of kb/io, kb/storage,
kb/cpu, kb/numa and kb/images run over every real domain XML of the shared corpus without `error`."""
import glob
import os
import shutil

import pytest

from conftest import CORPUS


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
