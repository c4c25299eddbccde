"""Probe templates are real: the entries that use them, the params they check (each problem at its
line), numbers that compare as numbers, `manual` optional with a template, the fix and the
scenarios a template owns. The demo knowledge base in tests/data/template_kb shows the defaults."""
import os

import pytest

from conftest import ROOT
from support import kbdir

DATA = os.path.join(ROOT, "tests", "data", "template_kb")
# entry -> template: the entries of the two shapes that repeat (issue 16); the rest of that list
# stays a probe (spice-listen-ipv6, aio-max-nr, numa-balancing: see their rationale and CONTRIBUTING)
CONVERTED = {
    "virtio-disk-bus": "guest_element", "virtio-nic-model": "guest_element", "guest-acpi": "guest_element",
    "cirrus-video": "guest_element", "vnc-keymap-in-xml": "guest_element",
    "swappiness-persistent": "kernel_setting", "ksm-sleep-millisecs": "kernel_setting",
}


def template_kb(dest, extra=None):
    """The demo entries beside the real schema, as a kb/ folder (extra: {name: yaml text} more)."""
    import shutil
    kb = os.path.join(str(dest), "kb")
    shutil.copytree(DATA, kb)
    kbdir.skeleton(kb)
    for name, text in (extra or {}).items():
        with open(os.path.join(kb, "demo", name), "w") as f:
            f.write(text)
    return kb


@pytest.fixture(scope="module")
def tmodel(tmp_path_factory):
    from kbgen import model
    return model.load(template_kb(tmp_path_factory.mktemp("tkb")))


def problems_of(tmp_path, name, text):
    from kbgen import model
    with pytest.raises(model.KBError) as ei:
        model.load(template_kb(tmp_path, {name: text}))
    return [str(p) for p in ei.value.problems]


def test_every_template_is_used_by_the_knowledge_base(model):
    from kbgen.templates import TEMPLATES
    used = dict((e["id"], e["template"]["name"]) for e in model.entries if e["template"])
    assert used == CONVERTED
    assert set(used.values()) == set(TEMPLATES), "a template nobody uses: remove it (or use it)"


def test_converted_entries_keep_their_own_scenarios_and_get_the_templates(model):
    for eid, name in CONVERTED.items():
        e = model.by_id[eid]
        own = [sc for sc in e["scenarios"] if not sc.get("template")]
        ours = [sc for sc in e["scenarios"] if sc.get("template")]
        assert len(own) >= 3 and ours and all(sc["template"] == name for sc in ours), eid
        assert all(sc["name"].startswith("template %s: " % name) for sc in ours), eid
        assert len(e["scenario_lines"]) == len(e["scenarios"])


def test_demo_scenarios(tmodel):
    from kbgen import compiler, scenarios
    problems = []
    for e in tmodel.entries:
        for sc in e["scenarios"]:
            _, probs = scenarios.run(compiler.entry(e), sc)
            problems += ["%s / %s: %s" % (e["id"], sc["name"], p) for p in probs]
    assert not problems, "\n".join(problems)
    assert set(e["template"]["name"] for e in tmodel.entries) == {"guest_element", "kernel_setting"}


def test_numbers_compare_as_numbers_and_quoted_values_as_words(tmodel):
    """issue 17: `in: [0, 1]` once compared the running "0" with the numbers 0 and 1 and failed."""
    from kbgen import compiler, scenarios
    typed = tmodel.by_id["tpl-typed-numbers"]
    assert 'host.sysctl_int("kernel.numa_balancing")' in typed["code"] and "v in (0, 1, )" in typed["code"]
    results, problems = scenarios.run(compiler.entry(typed), {"host": {"sysctl": {"kernel.numa_balancing": 0}},
                                                              "expect": "pass"})
    assert not problems and results[0].message.startswith("kernel.numa_balancing is 0")
    words = tmodel.by_id["tpl-words"]
    assert 'v in ("Y", "1", )' in words["code"] and "number(" not in words["code"]


@pytest.mark.parametrize("params, field, says", [
    ("{sysctl: vm.swappiness, rules: [{in: [0, auto]}]}", "check.params.rules", "mix numbers and words"),
    ("{sysctl: vm.swappiness, rules: [{max: 10}], maxi: 3}", "check.params.maxi", "unknown template parameter 'maxi'"),
    ("{sysctl: 'vm.swappiness; reboot'}", "check.params.sysctl", "is not a sysctl key"),
    ("{sysctl: vm.swappiness}", "check.params", "a sysctl and its kernel `default` are needed"),
    ("{sysctl: vm.swappiness, rules: [{max: 10, say: 'at {vlaue}'}]}", "check.params.rules[0].say",
     "unknown placeholder {vlaue}"),
    ("{sysctl: vm.swappiness, rules: [{max: 10, status: failed}]}", "check.params.rules[0].status", "status 'failed'"),
])
def test_bad_params_are_reported_at_their_line(tmp_path, params, field, says):
    text = open(os.path.join(DATA, "demo", "tpl-typed-numbers.yaml")).read().replace("id: tpl-typed-numbers", "id: tpl-bad")
    start = text.index("  params:")
    text = text[:start] + "  params: %s\n" % params + text[text.index("scenarios:"):]
    got = problems_of(tmp_path, "tpl-bad.yaml", text)
    assert any("tpl-bad.yaml:" in p and field in p and says in p for p in got), got


def test_manual_is_optional_with_a_template_and_required_with_a_probe(tmodel, tmp_path):
    assert tmodel.by_id["tpl-defaults"]["manual"] == 'virsh dumpxml GUEST | grep -A4 "<memballoon"'
    assert tmodel.by_id["tpl-typed-numbers"]["manual"].startswith("sysctl kernel.numa_balancing\n")
    probe = ("id: tpl-probe\ntitle: A probe without a manual check\nsection: \"4.6.1\"\ncovers: [R4.6.1a]\n"
             "tags: [numa]\nseverity: low\napplies: {hypervisors: [kvm], roles: [host], products: [sle12]}\n"
             "summary: A probe must say how to check by hand.\nrationale: The schema asks a probe for `manual`.\n"
             "check:\n  probe: return INFO('x')\nfix: {all: {text: nothing, needs: none}}\n"
             "scenarios:\n  - {name: one, expect: info}\n  - {name: two, expect: info}\n  - {name: three, expect: info}\n")
    got = problems_of(tmp_path, "tpl-probe.yaml", probe)
    assert any("tpl-probe.yaml:10: check: a probe needs `manual`" in p for p in got), got


def test_a_template_sets_its_scope(tmp_path):
    text = open(os.path.join(DATA, "demo", "tpl-defaults.yaml")).read().replace("id: tpl-defaults", "id: tpl-scope")
    text = text.replace("  template: guest_element\n", "  scope: host\n  template: guest_element\n")
    got = problems_of(tmp_path, "tpl-scope.yaml", text)
    assert any("check.scope: template guest_element runs with scope guest" in p for p in got), got


def test_template_fixes(model, tmodel):
    ksm = model.by_id["ksm-sleep-millisecs"]["fix"]
    assert ksm["sle12"]["runtime"] == ksm["sle11"]["runtime"] == "echo 1500 > /sys/kernel/mm/ksm/sleep_millisecs"
    assert "w /sys/kernel/mm/ksm/sleep_millisecs - - - - 1500" in ksm["sle12"]["persistent"]
    assert ksm["sle11"]["files"] == ["/etc/init.d/boot.local"]  # SLE 11 has no tmpfiles.d
    sw = model.by_id["swappiness-persistent"]["fix"]
    assert sw["sle12"]["runtime"] == "sysctl -w vm.swappiness=VALUE"  # a person decides which value is right
    assert sw["sle11"]["files"] == ["/etc/sysctl.conf"]  # SLE 11's boot.sysctl reads no sysctl.d
    assert "/etc/sysctl.d/90-kbcheck-swappiness-persistent.conf" in sw["sle12"]["files"]
    typed = tmodel.by_id["tpl-typed-numbers"]["fix"]
    assert typed["sle12"]["runtime"] == "sysctl -w kernel.numa_balancing=0"
    assert tmodel.by_id["tpl-defaults"]["fix"]["all"]["needs"] == "guest-restart"
    assert model.by_id["virtio-disk-bus"]["fix"]["all"]["text"].startswith("Change the disk's")  # the entry's own wins


def test_the_expanded_code_is_held_to_the_probe_rules(model):
    from kbgen.model import check_probe
    for eid in CONVERTED:
        e = model.by_id[eid]
        assert check_probe(e["code"], e["file"], e["code_line"]) == [], eid
        assert e["code"].startswith("# template %s: " % CONVERTED[eid])


def test_eq_is_in_of_one_value_and_both_are_refused(tmp_path):
    from kbgen.templates import TemplateError, expand
    entry = {"id": "x", "applies": {"hypervisors": ["kvm"], "roles": ["host"], "products": ["sle12"]}}
    code = expand("kernel_setting", {"sysctl": "kernel.numa_balancing", "rules": [{"eq": 1}]}, entry).code
    assert "v in (1, )" in code and "host.sysctl_int(" in code
    with pytest.raises(TemplateError) as ei:
        expand("kernel_setting", {"sysctl": "kernel.numa_balancing", "rules": [{"eq": 1, "in": [1]}]}, entry)
    assert ei.value.field == ("check", "params", "rules", 0, "eq")
