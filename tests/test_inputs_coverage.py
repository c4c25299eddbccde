"""Coverage you can see: the inputs an entry reads are worked out from its probe (kbgen.inputs);
which sources can give them comes from the spec table (kbcheck.specs), the one source of truth
behind `kbgen check`'s warnings, `kbcheck explain` and the site's entry pages."""
import os
import shutil
import subprocess
import sys

from conftest import ROOT


def test_a_probes_inputs_are_read_from_its_code():
    from kbgen import inputs
    code = ('ksm = host.ksm\nswaps = host.read("/proc/swaps")\n'
            'info = host.command("xl info")\nq = host.read("/sys/block/%s/queue/scheduler" % "sda")\n')
    got = inputs.entry_inputs(code)
    assert {"ksm", "swaps", "xl_info", "block_queues"} <= set(got), got
    assert "domains" in inputs.entry_inputs("return PASS('x')", scope="guest")
    assert inputs.entry_inputs("return PASS('x')") == []
    assert inputs.entry_inputs("this is not python(") == []


def test_coverage_follows_the_spec_table(monkeypatch):
    from kbcheck import specs
    from kbgen import inputs
    cov = inputs.coverage(["ksm"])
    for source in specs.SOURCES:   # one source of truth: what the table says, source by source
        assert (("ksm" in cov[source]["missing"]) == (specs.coverage("ksm")[source] is None)), source
    assert "ksm" in cov["scc-sle12"]["missing"] and cov["root"]["missing"] == []
    # a location added to the table changes what kbgen says
    ksm = specs.table()["ksm"]
    monkeypatch.setattr(ksm, "locations", ksm.locations + (specs.F("/sys/kernel/mm/ksm/*", scc=[specs.conf("memory.txt")]),))
    assert inputs.coverage(["ksm"])["scc-sle12"]["missing"] == []


def test_kbgen_check_warns_of_an_input_some_source_never_holds(tmp_path):
    kb = str(tmp_path / "kb")
    shutil.copytree(os.path.join(ROOT, "kb"), kb)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(ROOT, "checks"), os.path.join(ROOT, "generator")]))
    out = subprocess.run([sys.executable, "-m", "kbgen", "--kb", kb, "check"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    err = out.stdout.decode()
    assert err.startswith("kb: ") and out.stderr == b"", out.stderr
    assert ("kb/memory/ksm-sleep-millisecs.yaml: warning: reads `ksm`, which supportconfig SLE 11, "
            "supportconfig SLE 12, supportconfig SLE 15 never holds") in err, err
    assert "warning(s): inputs some source never holds" in out.stdout.decode()
    # an entry whose inputs every source holds is not named
    assert "kb/memory/swappiness-persistent.yaml" not in err


def test_the_site_shows_per_entry_which_sources_can_judge_it(model):
    from kbcheck import specs
    from kbgen import inputs, site
    for eid in ("ksm-sleep-millisecs", "host-swap-configured", "numa-balancing", "guest-cpu-model"):
        e = model.by_id[eid]
        page = site.entry_page(e, model)
        assert "## What it reads, and from where" in page, eid
        cov = inputs.coverage(e["inputs"])
        for source in specs.SOURCES:
            row = next(ln for ln in page.splitlines() if ln.startswith("| %s |" % specs.SOURCE_LABELS[source]))
            if cov[source]["missing"]:
                assert "never collected there" in row and all("`%s`" % n in row for n in cov[source]["missing"]), row
            elif cov[source]["partial"]:
                assert "in part" in row, row
            else:
                assert "all its inputs" in row, row
    ksm = site.entry_page(model.by_id["ksm-sleep-millisecs"], model)
    assert "| supportconfig SLE 12 | without `ksm` (never collected there) |" in ksm
    assert "| sosreport 4.x | all its inputs |" in ksm


def test_explain_names_the_sources_that_never_hold_an_input(catalog_data):
    from kbcheck.catalog import Catalog
    from kbcheck.commands.explain import render
    cat = Catalog(catalog_data, "test")
    e = cat.by_id["ksm-sleep-millisecs"]
    text = render(e, cat)
    assert "Reads" in text and "ksm (never in a supportconfig SLE 11, supportconfig SLE 12" in text, text
