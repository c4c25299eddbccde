"""Facts stated in prose are held to the code that defines them."""
import json
import os
import re

from conftest import ROOT


def read(name):
    with open(os.path.join(ROOT, name)) as f:
        return f.read()


def schema():
    with open(os.path.join(ROOT, "kb", "entry.schema.json")) as f:
        return json.load(f)


def test_roles_are_one_list():
    from kbcheck.detect import ROLE_AXES, ROLE_LABELS, ROLES
    assert set(ROLE_AXES) == set(ROLE_LABELS) == set(ROLES)
    assert set(schema()["$defs"]["host"]["properties"]["role"]["enum"]) == set(ROLES) | {"none"}
    for doc in ("README.md", "CONTRIBUTING.md"):
        text = read(doc)
        missing = [r for r in ROLES if r not in text]
        assert not missing, "%s does not name the roles %s" % (doc, missing)


def test_contributing_documents_every_scenario_host_key_and_guest_key():
    from kbgen.guestxml import KEYS
    text = read("CONTRIBUTING.md")
    host_keys = schema()["$defs"]["host"]["properties"]
    missing = [k for k in host_keys if "`%s`" % k not in text]
    assert not missing, "CONTRIBUTING.md does not document the scenario host keys %s" % missing
    missing = [k for k in KEYS if "`%s`" % k not in text]
    assert not missing, "CONTRIBUTING.md does not document the guest keys %s" % missing


def test_statuses_and_exit_codes_in_readme_match_the_runner():
    from kbcheck import cli
    from kbcheck.results import STATUSES
    text = read("README.md")
    for s in STATUSES:
        assert re.search(r"^\| `%s` \|" % s, text, re.M), "README's status table lacks %s" % s
    for code in (0, 1, 2, 3, cli.EXIT_INTERRUPT):
        assert re.search(r"^\| %d \|" % code, text, re.M), "README's exit-code table lacks %d" % code
