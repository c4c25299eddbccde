"""Guest states from archives: `virsh list --all` output gives them; when that output is missing
or the command failed on the host, every state is unknown (None), never "shut off". cpu-overcommit
judges the running guests when states are known and names the all-guests total as well."""
import os

import pytest

from conftest import EXAMPLES
from support import archives

UNTUNED = os.path.join(EXAMPLES, "sle12-kvm-untuned")


def guest_names():
    d = os.path.join(UNTUNED, "etc", "libvirt", "qemu")
    return sorted(f[:-4] for f in os.listdir(d) if f.endswith(".xml"))


def states(src):
    try:
        return dict((n, s) for n, _t, s, _o in src.domains())
    finally:
        src.close()


def overcommit(src, catalog_data):
    from kbcheck.catalog import Entry
    from kbcheck.facts import Host
    from kbcheck.runner import run
    try:
        entry = [Entry(d) for d in catalog_data["entries"] if d["id"] == "cpu-overcommit"]
        # R4.5.1a, the overcommit of the host's CPUs (R4.5.1b, 8 per core, has a result of its own)
        return [(r.status, r.message) for _e, r, _ in run(entry, Host(src)) if r.covers == ("R4.5.1a",)]
    finally:
        src.close()


@pytest.mark.parametrize("era", archives.ERAS)
def test_supportconfig_states_from_virsh_list_or_unknown(tmp_path, era):
    from kbcheck.sources.supportconfig import SupportconfigSource
    names = guest_names()
    one = {names[0]: "running"}
    ok = archives.write_supportconfig(UNTUNED, str(tmp_path / "ok"), era=era, states=one)
    got = states(SupportconfigSource(ok))
    assert got[names[0]] == "running" and all(got[n] == "shut off" for n in names[1:])
    failed = archives.write_supportconfig(UNTUNED, str(tmp_path / "failed"), era=era, states=one,
                                          failing=("virsh list --all",))
    assert set(states(SupportconfigSource(failed)).values()) == {None}


def test_sosreport_states_from_virsh_list_or_unknown(tmp_path):
    from kbcheck.sources.sosreport import SosreportSource
    names = guest_names()
    dest = archives.write_sosreport(UNTUNED, str(tmp_path / "sosreport-x"), states={names[0]: "running"})
    got = states(SosreportSource(dest))
    assert got[names[0]] == "running" and all(got[n] == "shut off" for n in names[1:])
    listing = os.path.join(dest, "sos_commands", "virsh", "virsh_-r_list_--all")
    with open(listing, "w") as f:   # what sos keeps when virsh could not reach libvirtd
        f.write("error: failed to connect to the hypervisor\nerror: Failed to connect socket\n")
    assert set(states(SosreportSource(dest)).values()) == {None}
    os.remove(listing)
    assert set(states(SosreportSource(dest)).values()) == {None}


def test_cpu_overcommit_names_running_and_defined_totals(tmp_path, catalog_data):
    from kbcheck.sources.root import RootSource
    from kbcheck.sources.supportconfig import SupportconfigSource
    plain = overcommit(RootSource(UNTUNED), catalog_data)
    assert len(plain) == 1 and "defined guest" in plain[0][1]
    none_running = archives.write_supportconfig(UNTUNED, str(tmp_path / "off"))
    (status, message), = overcommit(SupportconfigSource(none_running), catalog_data)
    assert message.startswith("0 vCPUs in 0 running guests on "), message
    assert "together start" in message   # the all-guests total is named too
    failed = archives.write_supportconfig(UNTUNED, str(tmp_path / "failed"), failing=("virsh list --all",))
    # states unknown: every defined guest is counted, as on a plain root
    assert overcommit(SupportconfigSource(failed), catalog_data) == plain
