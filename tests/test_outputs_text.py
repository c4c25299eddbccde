"""The text report's header: unknown counts print as `?`, never `None`."""
from kbcheck.reporters import text
from kbcheck.results import Report


def test_unknown_counts_print_question_marks():
    info = {"hostname": "h", "source": "root", "location": "/x", "product": "sle12", "roles": [],
            "cpus": None, "cores": None, "sockets": None, "numa_nodes": None, "guests": 0}
    head = text.header(info)
    assert "None" not in head
    assert "? CPUs / ? cores / ? NUMA node(s)" in head
    info.update(cpus=8, cores=4, numa_nodes=None, product=None, hostname=None)
    head = text.header(info)
    assert "8 CPUs / 4 cores / ? NUMA node(s)" in head and "None" not in head


def test_render_without_counts_has_no_none():
    info = {"hostname": None, "source": "supportconfig", "location": "a.txz", "product": None, "roles": []}
    out = text.render(Report(info, []))
    assert "None" not in out
