"""Domain.find / findall take a path of plain child steps ("devices/disk") by the C findall of
each step, rather than through ElementPath: the same elements in the same order as the tree's
own find / findall, for every path, on the examples' guests and on generated ones."""
import glob
import os

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from kbcheck.parsers import domain

PATHS = ["devices/controller", "devices/console", "devices/disk", "devices/disk/source", "os/cmdline",
         "os/type", "cpu/numa/cell", "devices/interface/model", "devices", "nothing/here", "./devices",
         "devices/*", "devices//disk", ".//disk", "devices/disk[@device='disk']", "{urn:x}a/b", "devices/",
         "/devices", "", "devices/disk/..", "devices/disk/target"]


def _same(dom, path):
    def answer(fn):
        try:
            return fn(path)
        except Exception as e:  # an invalid path is refused the same way
            return "raises %s" % type(e).__name__
    assert answer(dom.findall) == answer(dom.root.findall), path
    got, want = answer(dom.find), answer(dom.root.find)
    assert got is want or got == want, path


def test_examples_guests_give_the_same_elements():
    files = glob.glob(os.path.join(EXAMPLES, "*", "etc", "libvirt", "*", "*.xml"))
    assert files
    for f in files:
        with open(f, "rb") as fh:
            dom = domain.parse(fh.read())
        for path in PATHS:
            _same(dom, path)


TAGS = st.sampled_from(["devices", "disk", "source", "controller", "os", "a", "b"])


@st.composite
def trees(draw, depth=3):
    def element(level):
        tag = draw(TAGS)
        kids = [] if level >= depth else [element(level + 1) for _ in range(draw(st.integers(0, 3)))]
        return "<%s n='%d'>%s</%s>" % (tag, draw(st.integers(0, 9)), "".join(kids), tag)
    return "<domain>%s</domain>" % "".join(element(1) for _ in range(draw(st.integers(0, 4))))


@settings(max_examples=200, deadline=None)
@given(trees(), st.lists(TAGS, min_size=1, max_size=4))
def test_generated_trees_give_the_same_elements(xml, steps):
    dom = domain.parse(xml)
    _same(dom, "/".join(steps))
