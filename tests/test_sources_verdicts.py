"""The same host read three ways (plain root, sosreport, supportconfig of each collector era)
gets the same verdicts. Where an archive never collected a fact, the check must say so (skip
or error naming the missing data), never pass or fail on a guess."""
import glob
import os

import pytest

from conftest import EXAMPLES
from support import archives

def RUNNING(snap):
    """Archives know guest states; a plain root does not. Say every guest runs, as on the live host."""
    names = []
    for d in ("qemu", "libxl"):
        names += [f[:-4] for f in os.listdir(os.path.join(snap, "etc", "libvirt", d))
                  if f.endswith(".xml")] if os.path.isdir(os.path.join(snap, "etc", "libvirt", d)) else []
    return dict((n, "running") for n in names)


SNAPSHOTS = sorted(p for p in glob.glob(os.path.join(EXAMPLES, "*")) if os.path.isdir(p))


def verdicts(source, catalog_data):
    from kbcheck.catalog import Entry
    from kbcheck.facts import Host
    from kbcheck.runner import run
    try:
        host = Host(source)
        out = {}
        for e, r, _ in run([Entry(d) for d in catalog_data["entries"]], host):
            out.setdefault((e.id, r.subject), []).append((r.status, r.message))
        return out
    finally:
        source.close()


def plain(root, catalog_data):
    from kbcheck.sources.root import RootSource
    return verdicts(RootSource(root), catalog_data)


def compare(base, other, label):
    """-> problems: a verdict that differs, unless the archive honestly lacked the data."""
    problems = []
    for key, want in sorted(base.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        got = other.get(key)
        if got is None:
            # a subject the archive cannot enumerate (e.g. disks) must come with a host-wide skip
            host_wide = other.get((key[0], None), [])
            if host_wide and all(s in ("skip", "error") for s, _ in host_wide):
                continue
            problems.append("%s %s: %s in the plain root, missing from the %s" % (key[0], key[1], want, label))
            continue
        if [s for s, _ in got] == [s for s, _ in want]:
            continue
        if all(s in ("skip", "error") and ("collect" in m or "not available" in m or "not in this copy" in m)
               for s, m in got):
            continue
        problems.append("%s [%s]: plain root %s, %s %s" % (key[0], key[1], want, label, got))
    return problems


def _os_release(snap):
    p = os.path.join(snap, "etc", "os-release")
    if not os.path.exists(p):
        return ""
    with open(p) as f:
        return f.read()


@pytest.mark.parametrize("snap", SNAPSHOTS, ids=[os.path.basename(s) for s in SNAPSHOTS])
def test_sosreport_gives_the_same_verdicts(snap, tmp_path, catalog_data):
    from kbcheck.sources.sosreport import SosreportSource
    dest = str(tmp_path / "sosreport-host-2026-11-25")
    archives.write_sosreport(snap, dest, states=RUNNING(snap))
    assert compare(plain(snap, catalog_data), verdicts(SosreportSource(dest), catalog_data), "sosreport") == []


@pytest.mark.parametrize("era", archives.ERAS)
@pytest.mark.parametrize("snap", SNAPSHOTS, ids=[os.path.basename(s) for s in SNAPSHOTS])
def test_supportconfig_gives_the_same_verdicts(snap, era, tmp_path, catalog_data):
    from kbcheck.sources.supportconfig import SupportconfigSource
    if era == "sle11" and 'VERSION_ID="15' in _os_release(snap):
        pytest.skip("SLE 11's supportconfig (2.25) never ran on SLE 15")
    path = archives.write_supportconfig(snap, str(tmp_path / ("scc_kvmhost_261125_1200" + (".txz" if era == "current" else ""))),
                                        era=era, tarball=(era == "current"), states=RUNNING(snap))
    assert compare(plain(snap, catalog_data), verdicts(SupportconfigSource(path), catalog_data), "supportconfig (%s)" % era) == []
