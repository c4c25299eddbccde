"""The command line: selection (--tag, --exclude-tag, --id, --severity), --list, usage errors with
suggestions, explain, --output, exit codes. In-process through kbcheck.cli.main with the built catalog."""
import json
import os

import pytest

from conftest import EXAMPLES

EXAMPLE = os.path.join(EXAMPLES, "sle12-kvm-untuned")




def ids_of(out):
    return set(r["id"] for r in json.loads(out)["results"])


def test_tags_are_any_of(kb):
    rc, out, _ = kb("--root", EXAMPLE, "--format", "json", "--tag", "scheduler", "--tag", "ksm")
    got = ids_of(out)
    assert "host-io-scheduler" in got and "ksm-sleep-millisecs" in got
    assert "numa-balancing" not in got
    assert rc == 1


def test_exclude_tag_and_id_globs(kb):
    rc, out, _ = kb("--root", EXAMPLE, "--format", "json", "--id", "ksm-*", "--exclude-tag", "numa")
    got = ids_of(out)
    assert "ksm-sleep-millisecs" in got
    assert "ksm-merge-across-nodes" not in got  # tagged numa
    assert all(i.startswith("ksm-") for i in got)


def test_repeatable_ids(kb):
    _, out, _ = kb("--root", EXAMPLE, "--format", "json", "--id", "numa-balancing", "--id", "host-io-*")
    assert ids_of(out) == {"numa-balancing", "host-io-scheduler"}


def test_minimum_severity(kb, built):
    from kbcheck import catalog
    cat = catalog.load(built["catalog"])
    _, out, _ = kb("--root", EXAMPLE, "--format", "json", "--severity", "high")
    got = ids_of(out)
    assert got and all(cat.by_id[i].severity in ("high", "critical") for i in got)
    assert "ksm-sleep-millisecs" not in got  # low


@pytest.mark.parametrize("argv,needle,hint", [
    (["--tag", "nuam"], "unknown tag 'nuam'", "numa"),
    (["--exclude-tag", "kms"], "unknown tag 'kms'", "ksm"),
    (["--id", "ksm-sleep-milisecs"], "no entry matches --id", "ksm-sleep-millisecs"),
    (["--id", "numa-balanc"], "no entry matches --id", "numa-balancing"),
    (["--severity", "urgent"], "unknown severity", "critical"),
])
def test_unknown_names_are_usage_errors_with_suggestions(kb, argv, needle, hint):
    rc, out, err = kb("--root", EXAMPLE, *argv)
    assert rc == 2
    assert out == ""
    assert needle in err and hint in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_list_shows_what_runs_and_why_not(kb):
    rc, out, _ = kb("--root", EXAMPLE, "--list", "--tag", "ksm", "--exclude-tag", "numa")
    assert rc == 0
    assert "Runs here" in out and "Left out by the options" in out
    runs = out.split("Runs here")[1].split("\n\n")[0]
    assert "ksm-sleep-millisecs" in runs
    assert "excluded by tag numa" in out           # ksm-merge-across-nodes
    assert "not tagged ksm" in out                  # e.g. host-io-scheduler
    # a guest-only entry is selected but not applicable on this KVM host
    rc, out, _ = kb("--root", EXAMPLE, "--list")
    if "Selected, but not applicable here" in out:
        assert "this host is a KVM host" in out
    assert "tags: " in out


def test_list_not_applicable_with_assumed_role(kb):
    _, out, _ = kb("--root", EXAMPLE, "--list", "--id", "ksm-sleep-millisecs", "--assume", "role=xen_dom0")
    assert "Selected, but not applicable here" in out
    assert "Xen" in out


def test_exit_codes(kb):
    rc, _, _ = kb("--root", EXAMPLE, "--id", "ksm-sleep-millisecs")
    assert rc == 1
    rc, out, _ = kb("--root", EXAMPLE, "--id", "ksm-sleep-millisecs", "--assume", "role=xen_dom0")
    assert rc == 4 and "nothing judged" in out  # the entry does not apply to a Domain-0: nothing judged
    rc, _, err = kb("--root", "/nonexistent/kbcheck-root")
    assert rc == 2 and "not a directory" in err
    rc, _, err = kb("--format", "yaml")
    assert rc == 2 and "invalid choice" in err


def test_output_file_is_written_atomically(kb, tmp_path):
    target = tmp_path / "report.json"
    rc, out, _ = kb("--root", EXAMPLE, "--format", "json", "--output", str(target))
    assert out == "" and rc == 1
    doc = json.loads(target.read_text())
    assert doc["schema"] == 1
    assert sorted(os.listdir(str(tmp_path))) == ["report.json"]  # no temporary left behind
    rc, _, err = kb("--root", EXAMPLE, "--output", str(tmp_path / "missing" / "r.txt"))
    assert rc == 2 and "cannot write" in err


def test_show_fix_prints_the_products_fix(kb):
    _, out, _ = kb("--root", EXAMPLE, "--id", "ksm-sleep-millisecs", "--show-fix")
    assert "| echo 1500 > /sys/kernel/mm/ksm/sleep_millisecs" in out


def test_version(kb):
    rc, out, _ = kb("--version")
    assert rc == 0 and out.startswith("kbcheck ")


def test_explain_shows_every_part(kb):
    rc, out, _ = kb("explain", "host-io-scheduler")
    assert rc == 0
    for part in ("What to do", "Why", "Applies to", "KVM and Xen hosts", "Check by hand",
                 "$ grep . /sys/block/*/queue/scheduler", "Fix (SLE 11)", "Fix (SLE 12)",
                 "elevator=deadline", "Probe", "hash ", "R4.3.1a"):
        assert part in out, part


def test_explain_unknown_id_suggests(kb):
    rc, out, err = kb("explain", "ksm-sleep")
    assert rc == 2 and "ksm-sleep-millisecs" in err and out == ""


def test_selection_none_of_which_applies_here_exits_4_and_says_so(kb):
    """Xen entries on a KVM host: each entry exists, none applies, so nothing was judged. In cron or CI an
    exit 0 would read as all clear: the run exits 4 (README, exit codes) and the report says why."""
    rc, out, err = kb("--root", EXAMPLE, "--id", "xen-*")
    assert rc == 4 and err == ""
    assert "nothing judged: none of the" in out and "this host is a KVM host" in out
    rc, out, _ = kb("--root", EXAMPLE, "--id", "xen-*", "--format", "json")
    doc = json.loads(out)
    assert rc == 4 and doc["summary"]["applicable"] == 0 and doc["results"]
    assert all(r["status"] == "skip" for r in doc["results"])
    rc, out, _ = kb("--root", EXAMPLE, "--id", "xen-*", "--format", "prometheus")
    assert rc == 4 and "\nkbcheck_applicable_entries 0\n" in out
    # one applicable entry among them is a judged run again
    rc, out, _ = kb("--root", EXAMPLE, "--id", "xen-*", "--id", "ksm-sleep-millisecs")
    assert rc == 1 and "nothing judged" not in out


@pytest.mark.parametrize("argv,hint", [
    (["--tag", "xen", "--severity", "critical"], "did you mean --severity high"),
    (["--id", "xen-*", "--tag", "ksm"], "the same without --tag ksm"),
    (["--tag", "ksm", "--exclude-tag", "ksm"], "the same without --exclude-tag ksm"),
])
def test_selection_the_catalog_cannot_meet_is_a_usage_error(kb, argv, hint):
    rc, out, err = kb("--root", EXAMPLE, *argv)
    assert rc == 2 and out == ""
    assert "no entry of the knowledge base matches" in err and hint in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
