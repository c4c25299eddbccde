"""Declarative probe templates: an entry names one in `check.template` and gives its `check.params`;
the generator expands them, at build time only, into what an entry could write by hand: the probe
code the runner executes (the site shows it, the catalog carries it), the manual check, the fix,
and the template's own scenarios, which every entry using it gets beside its own.

A template is one module of this package with

    SCOPE = "host" | "guest"       where its probe runs (guest: once per libvirt guest, with `dom`)
    spec(params, entry) -> s       the params checked and completed (TemplateError names the param)
    code(s) -> str                 the probe's body
    manual(s) -> str               the commands to check by hand
    fix(s, entry) -> dict | None   a fix per product (the entry's own `fix` wins)
    scenarios(s, entry) -> [dict]  its scenarios, in the entry format (`offline`: a reason they
                                   describe definition files that libvirt would rewrite)

and one line in TEMPLATES below (and its name in the `check.template` enum of kb/entry.schema.json).
`entry` is the entry's YAML data (id, applies, ...). CONTRIBUTING.md, "Extending kbcheck", shows how
to add one.
"""
import sys

from kbgen.templates.common import TemplateError

# name -> the module of this package that implements it
TEMPLATES = {
    "guest_element": "guest_element",
    "kernel_setting": "kernel_setting",
}

__all__ = ["TEMPLATES", "TemplateError", "expand", "module"]


def module(name):
    mod = "kbgen.templates." + TEMPLATES[name]
    __import__(mod)
    return sys.modules[mod]


class Expansion(object):
    """What a template made of one entry's params."""

    def __init__(self, scope, code, manual, fix, scenarios):
        self.scope, self.code, self.manual, self.fix, self.scenarios = scope, code, manual, fix, scenarios


def expand(name, params, entry):
    """-> Expansion; TemplateError for params the template cannot use."""
    if name not in TEMPLATES:
        raise TemplateError(("check", "template"), "unknown template %r (known: %s)" % (name, ", ".join(sorted(TEMPLATES))))
    mod = module(name)
    s = mod.spec(params if params is not None else {}, entry)
    scenarios = mod.scenarios(s, entry)
    for sc in scenarios:
        sc["template"] = name
    return Expansion(mod.SCOPE, mod.code(s), mod.manual(s), mod.fix(s, entry), scenarios)
