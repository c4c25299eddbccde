"""One guest definition this run may not read (mode 000, run as user nobody) is that guest's
"needs root" skip; the other guests are still judged and every guest is counted."""
import json
import os

import pytest

from test_live_libvirt import as_nobody, by_subject, catalog_file, kbcheck, shared_dir, tree  # noqa: F401 (fixtures)

GUESTS = {"guests": [{"name": "db01"}, {"name": "idedisk", "disks": [{"dev": "hda", "bus": "ide"}]}, {"name": "fine"}]}


def test_unreadable_guest_is_its_own_skip_in_process(tmp_path, catalog_data):
    """The same judgement without switching users: a source that refuses one definition."""
    from kbcheck.catalog import Entry
    from kbcheck.errors import NeedsRoot
    from kbcheck.facts import Host
    from kbcheck.runner import run
    from kbcheck.sources.root import RootSource
    from kbcheck.detect import summary
    from kbgen.scenarios import materialise
    materialise(GUESTS, str(tmp_path))

    class Refusing(RootSource):  # (guest definitions are read as bytes: read_raw)
        def read_raw(self, path):
            if path == "/etc/libvirt/qemu/db01.xml":
                raise NeedsRoot(path, "needs root")
            return RootSource.read_raw(self, path)
    h = Host(Refusing(str(tmp_path)))
    got = {}
    for _e, r, _ in run([Entry(d) for d in catalog_data["entries"] if d["id"] == "virtio-disk-bus"], h):
        got[r.subject] = (r.status, r.message)
    assert got["db01"] == ("skip", "needs root: cannot read /etc/libvirt/qemu/db01.xml")
    assert got["idedisk"][0] == "fail" and got["fine"][0] == "pass"
    assert None not in got
    assert summary(h)["guests"] == 3


@pytest.mark.skipif(os.geteuid() != 0, reason="switching to user nobody needs root")
def test_unreadable_guest_as_nobody(catalog_file, shared_dir, as_nobody):  # noqa: F811
    root = tree(shared_dir, "unreadable-guest", GUESTS)
    os.chmod(os.path.join(root, "etc/libvirt/qemu/db01.xml"), 0)
    rc, out, err = kbcheck(["--root", root, "--format", "json"], catalog_file, **as_nobody)
    assert err == "", err
    doc = json.loads(out)
    rows = by_subject(doc, "virtio-disk-bus")
    assert rows["db01"]["status"] == "skip"
    assert rows["db01"]["message"] == "needs root: cannot read /etc/libvirt/qemu/db01.xml"
    assert rows["idedisk"]["status"] == "fail" and rows["fine"]["status"] == "pass"
    assert None not in rows
    assert doc["host"]["guests"] == 3
    assert doc["summary"]["needs_root"] >= 1
    rc, text, err = kbcheck(["--root", root], catalog_file, **as_nobody)
    assert "3 guest(s)" in text and err == "" and "Traceback" not in text
