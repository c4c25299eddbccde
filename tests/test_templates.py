"""Declarative probe templates expand into a probe, a manual check and a fix, and their probes
judge real scenarios (a small knowledge base of template entries in tests/data/template_kb)."""
import os

import pytest

from conftest import ROOT
from support import kbdir

DATA = os.path.join(ROOT, "tests", "data", "template_kb")


def template_kb(dest):
    """The template entries beside the real schema, as a kb/ folder."""
    import shutil
    kb = os.path.join(str(dest), "kb")
    shutil.copytree(DATA, kb)
    kbdir.skeleton(kb)
    return kb


@pytest.fixture(scope="module")
def tmodel(tmp_path_factory):
    from kbgen import model
    return model.load(template_kb(tmp_path_factory.mktemp("tkb")))


def test_every_template_is_exercised(tmodel):
    from kbgen.templates import TEMPLATES
    assert set(e["template"]["name"] for e in tmodel.entries) == set(TEMPLATES)


def test_template_scenarios(tmodel):
    from kbcheck.catalog import Entry
    from kbgen import scenarios
    from kbgen.compiler import compile_catalog
    cat = compile_catalog(tmodel)
    problems = []
    for data in cat["entries"]:
        e = tmodel.by_id[data["id"]]
        for sc in e["scenarios"]:
            _, probs = scenarios.run(Entry(data), sc)
            problems += ["%s / %s: %s" % (e["id"], sc["name"], p) for p in probs]
    assert not problems, "\n".join(problems)


def test_templates_yield_manual_checks_and_fixes(tmodel):
    sw = tmodel.by_id["tpl-swappiness"]
    assert sw["fix"]["sle12"]["runtime"] == sw["fix"]["sle11"]["runtime"] == "sysctl -w vm.swappiness=10"
    assert "/etc/sysctl.d/90-kbcheck-tpl-swappiness.conf" in sw["fix"]["sle12"]["files"]
    assert sw["fix"]["sle11"]["files"] == ["/etc/sysctl.conf"]  # SLE 11's boot.sysctl reads no sysctl.d
    el = tmodel.by_id["tpl-elevator"]
    assert "menu.lst" in el["fix"]["sle11"]["persistent"] and "grub2-mkconfig" in el["fix"]["sle12"]["persistent"]
    assert el["fix"]["sle12"]["needs"] == "reboot"
    assert tmodel.by_id["tpl-balloon"]["fix"]["all"]["needs"] == "guest-restart"  # the entry's own fix wins


def test_bad_template_params_are_reported_with_their_line(tmp_path):
    import pathlib

    from kbgen import model
    kb = pathlib.Path(template_kb(tmp_path))
    p = kb / "demo" / "tpl-swappiness.yaml"
    p.write_text(p.read_text().replace("params: {key: vm.swappiness, max: 10}", "params: {key: vm.swappiness, maxi: 10}"))
    with pytest.raises(model.KBError) as ei:
        model.load(str(kb))
    assert any("tpl-swappiness.yaml:13" in str(x) and "unknown template parameter 'maxi'" in str(x) for x in ei.value.problems)
