"""README.md documents every option of every command (kbcheck, explain, fix, report), lists
exactly the catalog's declarations and detect.ROLES for --assume, and the epilog names every command."""
import os
import re

from conftest import ROOT


def readme():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        return f.read()


def test_every_option_is_in_the_readme():
    from kbcheck import cli
    text = readme()
    missing = []
    for name, parser in cli.parsers():
        for a in parser._actions:
            for opt in a.option_strings:
                if not re.search(r"`%s[` ]" % re.escape(opt), text):
                    missing.append("%s %s" % (name, opt))
    assert not missing, "README.md does not document: " + ", ".join(missing)
    for cmd in ("explain", "fix", "report"):
        assert "`kbcheck %s`" % cmd in text


def test_readme_lists_declarations_and_roles(catalog_data):
    from kbcheck.commands import assume
    from kbcheck.detect import ROLES
    text = readme()
    section = text.split("### Declarations (`--assume`)", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z_0-9]+)` \| ([^|]*) \|", section, re.M)
    names = [n for n, _ in rows]
    assert sorted(names) == sorted(["role", "product"] + list(catalog_data["declarations"]))
    values = dict(rows)
    assert re.findall(r"`([a-z_0-9]+)`", values["role"]) == list(ROLES)
    assert re.findall(r"`([a-z0-9-]+)`", values["product"]) == list(assume.PRODUCTS)


def test_epilog_names_every_command():
    from kbcheck.commands import run
    epilog = run.build_parser().epilog
    for cmd in ("explain", "fix", "report"):
        assert "kbcheck %s" % cmd in epilog
