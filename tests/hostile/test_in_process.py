"""Hostile cases that need a chosen moment or a hook, so they run in process: a folder swapped
for a link between two reads, a summary read that never returns, qcow2 fields one by one."""
import os
import threading
import time

from kbcheck.errors import ParseError
from kbcheck.facts import Host
from kbcheck.parsers import image
from kbcheck.sources import with_layers
from kbcheck.sources.root import RootSource

from hostile import gen, harness


def test_a_folder_swapped_for_a_link_between_two_reads_is_not_followed(tmp_path):
    """Resolved folders are remembered for speed: the first read remembers etc/libvirt/qemu; then
    the folder is moved away and a link out of the tree put in its place. The second read must
    not follow the link (it reads the folder it resolved, wherever it was moved, or nothing),
    and a third RootSource sees the link and resolves it inside the tree."""
    root = gen.root(str(tmp_path / "root"), {"/etc/libvirt/qemu/a.xml": gen.guest_xml("inside")}, drop_guests=False)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a.xml").write_text(gen.guest_xml(harness.SECRET))
    src = RootSource(root)
    assert "inside" in src.read_text("/etc/libvirt/qemu/a.xml")
    qemu = os.path.join(root, "etc/libvirt/qemu")
    os.rename(qemu, qemu + ".moved")
    os.symlink(str(outside), qemu)
    try:
        again = src.read_text("/etc/libvirt/qemu/a.xml")
        assert again is None or harness.SECRET not in again
        assert harness.SECRET not in str(src.domains())
        fresh = RootSource(root)
        assert fresh.read_text("/etc/libvirt/qemu/a.xml") is None   # the link, resolved inside the tree
        fresh.close()
    finally:
        src.close()


class Blocking(RootSource):
    """A root whose /etc/hostname never answers (a hung NFS mount), until `release` is set. The
    run's bound covers the host's summary (which parsed os-release again outside it, so that an
    8 MiB one never finished): kbcheck's deadline there is 10 s at least; here it is 0.3 s."""

    release = threading.Event()

    def read_text(self, path):
        if path == "/etc/hostname":
            self.release.wait(30)
        return RootSource.read_text(self, path)




def test_a_summary_read_that_never_returns_is_cut_at_the_bound(monkeypatch, catalog_data):
    from kbcheck import runner
    from kbcheck.catalog import Catalog
    from kbcheck.commands import run as run_cmd
    monkeypatch.setattr(runner, "GUESTS_BUDGET", 0.3)
    cat = Catalog(catalog_data, "test")
    src = Blocking(gen.EXAMPLE)
    host = Host(with_layers(src, timeout=0.05))

    class Args(object):
        waivers = None
        timeout = 0.05
    t0 = time.time()
    try:
        report = run_cmd.judge(Args(), cat, [cat.by_id["ksm-merge-across-nodes"]], host.source, host)
    finally:
        Blocking.release.set()
    assert time.time() - t0 < 3
    assert report.host["hostname"] is None and "was not read within 0.3 s" in " ".join(report.host["unsure"])


def test_qcow2_fields_outside_their_ranges_are_parse_errors():
    base = bytearray(512)
    base[0:4] = b"QFI\xfb"
    base[4:8] = (3).to_bytes(4, "big")
    base[20:24] = (16).to_bytes(4, "big")
    base[100:104] = (104).to_bytes(4, "big")
    assert image.header(bytes(base))["refcount_bits"] == 1
    for off, width, value, name in ((4, 4, 7, "version"), (20, 4, 40, "cluster_bits"), (96, 4, 7, "refcount_order"),
                                    (32, 4, 9, "crypt_method"), (60, 4, 1 << 20, "nb_snapshots"),
                                    (100, 4, 8, "header_length")):
        data = bytearray(base)
        data[off:off + width] = value.to_bytes(width, "big")
        try:
            image.header(bytes(data))
        except ParseError as e:
            assert name in str(e)
        else:
            raise AssertionError("qcow2 %s %d was accepted" % (name, value))
