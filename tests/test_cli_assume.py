"""--assume is validated: roles from kbcheck.detect.ROLES, products from kbcheck.commands.assume.PRODUCTS,
declaration names from the catalog (kbgen.compiler collects host.declared("NAME") from the probes),
values yes/no. Every problem is exit 2 with one line and a suggestion."""
import json
import os

import pytest

from conftest import EXAMPLES

EXAMPLE = os.path.join(EXAMPLES, "sle12-kvm-untuned")




def test_catalog_collects_declarations(catalog_data):
    decl = catalog_data["declarations"]
    assert "multi_tenant" in decl and "ksm-multi-tenant" in decl["multi_tenant"]
    for name, ids in decl.items():
        for i in ids:
            code = [e for e in catalog_data["entries"] if e["id"] == i][0]["code"]
            assert any(form % name in code for form in ('declared("%s")', "declared('%s')",
                                                         'declared_guests("%s")', "declared_guests('%s')"))
    assert catalog_data["guest_lists"] == ["cpu_intensive"]
    assert decl["cpu_intensive"] == ["vcpu-pinning"]


@pytest.mark.parametrize("arg, words", [
    ("role=foo", ["unknown role 'foo'", "kvm_host"]),
    ("role=kvm_host,xen_domO", ["did you mean xen_dom0"]),
    ("product=sle13", ["unknown product", "sle12"]),
    ("multi_tenant=maybe", ["yes or no"]),
    ("multi_tennant=yes", ["unknown name", "did you mean multi_tenant"]),
    ("role=", ["needs a role"]),
    ("cpu_intensive=", ["needs guest names", "cpu_intensive=GUEST"]),
    ("cpu_intensive= , ", ["needs guest names"]),
])
def test_bad_assume_is_usage_error(kb, arg, words):
    rc, out, err = kb("--root", EXAMPLE, "--assume", arg)
    assert rc == 2 and not out
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    for w in words:
        assert w in err


def test_good_assume_normalised_and_valid_json(kb):
    from jsonschema import validate
    rc, out, err = kb("--root", EXAMPLE, "--format", "json", "--assume", "role=kvm_host",
                      "--assume", "multi_tenant=TRUE", "--assume", "database=0", "--assume", "product=sle12")
    assert rc in (0, 1), err
    doc = json.loads(out)
    assert doc["host"]["assume"] == {"role": "kvm_host", "multi_tenant": "yes", "database": "no", "product": "sle12"}
    schema_path = os.path.join(os.path.dirname(__import__("kbcheck.reporters", fromlist=["x"]).__file__),
                               "kbcheck-output.schema.json")
    with open(schema_path) as f:
        validate(doc, json.load(f))


def test_help_lists_roles_products_and_declarations(built, capsys):
    from kbcheck import cli
    from kbcheck.commands import assume
    from kbcheck.detect import ROLES
    with pytest.raises(SystemExit):
        cli.main(["--catalog", built["catalog"], "--help"])
    out = " ".join(capsys.readouterr()[0].split())
    for word in list(ROLES) + list(assume.PRODUCTS) + ["multi_tenant", "migration_cluster"]:
        assert word in out
    assert "NAME=GUEST[,GUEST...]: cpu_intensive" in out


def test_a_declaration_of_guests_reaches_the_probe(kb):
    """--assume cpu_intensive=GUEST,GUEST (a declaration whose value is guest names, read with
    host.declared_guests) is taken, kept as the names, and judged: the declared guest that floats
    warns, the others are reported."""
    rc, out, err = kb("--root", EXAMPLE, "--format", "json", "--id", "vcpu-pinning",
                      "--assume", "cpu_intensive= db01 ,app01")
    assert rc in (0, 1), err
    doc = json.loads(out)
    assert doc["host"]["assume"] == {"cpu_intensive": "db01,app01"}
    by_subject = dict((r["subject"], r) for r in doc["results"])
    assert by_subject["db01"]["status"] == "warn" and "declared CPU-intensive" in by_subject["db01"]["message"]
    assert by_subject["web01"]["status"] == "info"


def test_text_header_of_an_assumed_role_on_a_non_suse_host_agrees_with_itself(kb, tmp_path):
    """issue 17: "assumed: role=kvm_host" is never followed by "no virtualization role detected", and a
    host that is not SUSE is said once, in the header's notes and in host.unsure (the same words)."""
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "os-release").write_text('NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="12"\n'
                                             'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')
    rc, out, _ = kb("--root", str(root), "--assume", "role=kvm_host", "-v")
    head = out.split("\n\n")[0]
    assert "assumed: role=kvm_host" in head and "KVM host" in head
    assert "no virtualization role" not in out and "no role detected" not in out
    assert head.count("not SUSE Linux Enterprise") == 1 and out.count("not SUSE Linux Enterprise") == 1
    _, js, _ = kb("--root", str(root), "--assume", "role=kvm_host", "--format", "json")
    notes = [u for u in json.loads(js)["host"]["unsure"] if "not SUSE Linux Enterprise" in u]
    assert len(notes) == 1 and ("note: " + notes[0]) in head
    # without the declaration the missing role is said, and once
    _, out, _ = kb("--root", str(root))
    assert out.split("\n\n")[0].count("no virtualization role detected") == 1
