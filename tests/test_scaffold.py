"""`kbgen new AREA/ID`: the skeleton validates, its scenarios fail until filled in, bad names and
overwrites are refused with one line."""
import os

import pytest

from kbgen import model as model_mod
from kbgen import scaffold, scenarios
from support import kbdir


@pytest.fixture()
def kb(tmp_path):
    d = tmp_path / "kb"
    kbdir.skeleton(d)
    return str(d)


def test_new_entry_validates(kb):
    path = scaffold.write("guest-devices/virtio-console", kb)
    assert path == os.path.join(kb, "guest-devices", "virtio-console.yaml")
    m = model_mod.load(kb)
    assert [e["id"] for e in m.entries] == ["virtio-console"]
    e = m.by_id["virtio-console"]
    assert e["area"] == "guest-devices"
    assert {"fail", "pass", "skip"} <= set(x["status"] for sc in e["scenarios"]
                                           for x in scenarios.expectations(sc["expect"]))


def test_new_entry_scenarios_fail_until_filled_in(kb):
    from kbcheck.catalog import Entry
    from kbgen.compiler import compile_catalog
    scaffold.write("memory/ksm-pages-to-scan", kb)
    m = model_mod.load(kb)
    data = compile_catalog(m)["entries"][0]
    e = m.by_id["ksm-pages-to-scan"]
    for sc in e["scenarios"]:
        results, problems = scenarios.run(Entry(data), sc)
        assert problems, "scenario %r of a fresh skeleton must fail" % sc["name"]
        assert any("TODO" in r.message for r in results)


def test_the_cli_writes_and_refuses_to_overwrite(kb, capsys):
    from kbgen import cli
    assert cli.main(["--kb", kb, "new", "boot/new-entry"]) == 0
    assert "new-entry.yaml" in capsys.readouterr().out
    before = open(os.path.join(kb, "boot", "new-entry.yaml")).read()
    assert cli.main(["--kb", kb, "new", "boot/new-entry"]) == 2
    err = capsys.readouterr().err
    assert "refusing to overwrite" in err and len(err.strip().splitlines()) == 1
    assert open(os.path.join(kb, "boot", "new-entry.yaml")).read() == before


def test_an_id_used_in_another_area_is_refused(kb):
    scaffold.write("boot/same-id", kb)
    with pytest.raises(SystemExit) as ex:
        scaffold.write("memory/same-id", kb)
    assert ex.value.code == 2
    assert "already used" in ex.value.message


@pytest.mark.parametrize("name", ["justanid", "Memory/x-y-z", "memory/AB", "memory/ab", "memory/-abc",
                                  "a/b/c", "memory/with space", "", "memory/../../etc"])
def test_bad_names_are_rejected_in_one_line(kb, name, capsys):
    with pytest.raises(SystemExit) as ex:
        scaffold.write(name, kb)
    assert ex.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("kbgen new: ") and len(err.strip().splitlines()) == 1
    assert sorted(os.listdir(kb)) == sorted(kbdir.FILES)  # nothing written
