"""The knowledge base covers the whole guide: every recommendation ID of kb/recommendations.yaml is
named in some entry's `covers`, and every *check* ID is proven by a failing and a passing scenario
of a covering entry. Adding an ID to the list without an entry makes this fail, naming the ID."""
from kbgen import scenarios


def _statuses(entry, rid=None):
    """The statuses an entry's scenarios expect; with rid, only those that concern that ID (an
    expectation naming `covers` concerns the IDs it names, one without concerns them all)."""
    out = set()
    for sc in entry["scenarios"]:
        out.update(x["status"] for x in scenarios.expectations(sc["expect"])
                   if rid is None or not x["covers"] or rid in x["covers"])
    return out


def test_every_recommendation_is_covered(model):
    uncovered = [rid for rid in model.recommendations if not model.covering(rid)]
    assert not uncovered, "recommendations no entry covers (add `covers:` to an entry in kb/): %s" % ", ".join(uncovered)


def test_every_check_recommendation_has_failing_and_passing_scenarios(model):
    missing = []
    for rid, rec in model.recommendations.items():
        if rec["kind"] != "check":
            continue
        entries = model.covering(rid)
        if not entries:
            continue  # reported by test_every_recommendation_is_covered
        if not any({"fail", "pass"} <= _statuses(e, rid) for e in entries):
            missing.append("%s (covered by %s)" % (rid, ", ".join(e["file"] for e in entries)))
    assert not missing, ("check recommendations without a covering entry that has both a failing and a "
                         "passing scenario: %s" % "; ".join(missing))


def test_covers_name_only_known_ids(model):
    unknown = ["%s: %s" % (e["file"], rid) for e in model.entries for rid in e["covers"]
               if rid not in model.recommendations]
    assert not unknown, "unknown recommendation IDs: %s" % ", ".join(unknown)


def test_a_new_id_without_an_entry_is_reported(tmp_path):
    """The coverage rule itself: an ID added to the list with no entry is found and named."""
    from kbgen import model as model_mod
    from kbgen import recommendations
    src = open(recommendations.default_path(model_mod.KB_DIR), encoding="utf-8").read()
    item = ("  - id: R99.9z\n    section: \"99\"\n    kind: check\n    role: host\n    data: [proc]\n"
            "    statement: A recommendation nobody wrote an entry for.\n")
    p = tmp_path / "recommendations.yaml"
    p.write_text(src.rstrip("\n") + "\n" + item, encoding="utf-8")
    m = model_mod.load(recs_path=str(p))
    assert "R99.9z" in m.recommendations
    assert not m.covering("R99.9z")
