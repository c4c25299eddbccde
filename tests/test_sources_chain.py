"""The source chain (kbcheck.sources.build_chain): the input's source, the libvirt layer, the
deadline watch. Layers forward the Source interface explicitly and share one list of notices, so
a notice the base adds late, in the middle of the run, still reaches the report."""
import json
import os

import pytest

from conftest import EXAMPLES
from support import archives

from kbcheck.sources import INPUTS, build_chain, with_layers
from kbcheck.sources.base import Layer, Source
from kbcheck.sources.libvirt_live import LibvirtSource
from kbcheck.sources.root import RootSource
from kbcheck.timeouts import Watched

UNTUNED = os.path.join(EXAMPLES, "sle12-kvm-untuned")


def test_the_chain_is_source_libvirt_layer_watch(tmp_path):
    d = archives.write_supportconfig(UNTUNED, str(tmp_path))
    chain = build_chain({"--supportconfig": d}, connect="test:///default", timeout=5)
    try:
        assert isinstance(chain, Watched) and isinstance(chain.base, LibvirtSource)
        assert chain.base.base.kind == "supportconfig"
        assert chain.kind == "supportconfig" and chain.label == chain.base.base.label
        assert chain.notices is chain.base.notices is chain.base.base.notices
    finally:
        chain.close()
    plain = build_chain({"--root": UNTUNED})
    assert type(plain) is RootSource and plain.kind == "root"


def test_every_input_option_has_a_source_module():
    import importlib
    for option, _metavar, _help, names in INPUTS:
        assert option.startswith("--") and names
        for name in names:
            mod = importlib.import_module("kbcheck.sources." + name)
            assert callable(mod.recognise) and callable(mod.open_input), name


def test_a_layer_forwards_the_interface_and_nothing_else(tmp_path):
    base = RootSource(UNTUNED)
    layer = Layer(base)
    for name in ("read_text", "read_bytes", "listdir", "command", "domains", "capabilities", "close"):
        assert name in Layer.__dict__, "Layer does not forward %s" % name
    assert set(n for n in vars(Source) if not n.startswith("_")) - set(vars(Layer)) == set()
    assert layer.read_text("/etc/hostname") == base.read_text("/etc/hostname")
    with pytest.raises(AttributeError):
        layer.resolve("/etc")  # a RootSource method, not the interface: no silent pass-through
    assert with_layers(base) is base  # no connect, no deadline: nothing to lay over a copy


def test_a_notice_added_late_under_the_libvirt_layer_reaches_the_report(tmp_path, kb):
    """A supportconfig file that is not in supportconfig's format is noticed when it is first read,
    during the run, below the libvirt layer and the deadline watch."""
    d = archives.write_supportconfig(UNTUNED, str(tmp_path))
    with open(os.path.join(d, "memory.txt"), "w") as f:
        f.write("not a supportconfig file\n")
    chain = build_chain({"--supportconfig": d}, connect="test:///default", timeout=5)
    try:
        assert not [n for n in chain.notices if "memory.txt" in n]  # nothing read yet
    finally:
        chain.close()
    rc, out, err = kb("--supportconfig", d, "--connect", "test:///default", "--format", "json")
    assert rc in (0, 1, 3), err
    notes = json.loads(out).get("notices", [])
    assert [n for n in notes if n.startswith("supportconfig file memory.txt is not in supportconfig format")], notes
