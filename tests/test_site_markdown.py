"""The entry pages' Markdown shows the YAML's text as it is: a scenario's raw guest XML, a name or
an expected message holding `<tag>` is shown, never taken for HTML (which a browser hides)."""
import re

import pytest

from kbgen import site

markdown = pytest.importorskip("markdown", reason="python-markdown (mkdocs' renderer) is not installed")

# the tags python-markdown and its extensions write themselves for the Markdown kbgen writes
OWN_TAGS = {"p", "code", "pre", "em", "strong", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
            "h1", "h2", "h3", "h4", "div", "span", "blockquote", "hr", "br", "details", "summary", "input", "label",
            "img", "sup", "abbr"}


def _html(text):
    return markdown.markdown(text, extensions=["tables", "admonition", "attr_list", "pymdownx.superfences"])


def _tags_outside_code(html):
    """The tag names of the HTML outside <code>/<pre> blocks (what a browser would treat as markup)."""
    html = re.sub(r"<pre\b.*?</pre>", "", html, flags=re.S)
    html = re.sub(r"<code\b.*?</code>", "", html, flags=re.S)
    return set(m.group(1).lower() for m in re.finditer(r"</?([A-Za-z][\w:-]*)", html))


def test_code_spans_hold_any_text():
    assert site._code("a") == "`a`"
    assert site._code("x `y` z") == "``x `y` z``"
    assert site._code("`edge`") == "`` `edge` ``"
    assert site._code("two\n  lines") == "`two lines`"
    for value in ("<memnode cellid='0'/>", "a `b` c", "``", "|pipe|", "*star*"):
        html = _html(site._code(value))
        assert "<code>" in html and "memnode" not in _tags_outside_code(html), value


def test_a_scenario_with_raw_xml_names_and_messages_is_shown_as_written():
    sc = {"name": "cells bound with <memnode> *per cell*",
          "host": {"guests": [{"name": "g<1>", "domain_xml": "<numatune><memnode cellid='0' nodeset='0'/></numatune>"}],
                   "files": {"/etc/<odd>.conf": "x"}},
          "assume": {"note": "<b>"},
          "expect": [{"subject": "g<1>", "status": "fail", "message": "bound with <memnode>"}]}
    facts = site._scenario_facts(sc)
    for md in ("; ".join(facts), site._scenario_md({}, sc)):
        html = _html("| a | b | c |\n|---|---|---|\n" + md if md.startswith("|") else md)
        assert _tags_outside_code(html) <= OWN_TAGS, html
        assert "&lt;memnode" in html
    html = _html("\n".join(site._failing_md({"scenarios": [sc], "id": "x"})))
    assert _tags_outside_code(html) <= OWN_TAGS
    assert "bound with &lt;memnode&gt;" in html
    assert "*per cell*" in html and "<em>per cell</em>" not in html  # (asterisks shown, no emphasis)


def test_no_entry_page_leaks_markup_of_its_own(model):
    """Every entry page of the knowledge base: no HTML tag outside code but the renderer's own."""
    leaks = {}
    for e in model.entries:
        html = _html(site.entry_page(e, model))
        extra = _tags_outside_code(html) - OWN_TAGS
        if extra:
            leaks[e["id"]] = sorted(extra)
    assert not leaks
