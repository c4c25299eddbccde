"""Hostile supportconfig archives (--supportconfig): headers that lie, bombs, floods of members,
huge text files, damaged compression, absurd names, signals during extraction, names that are not
UTF-8. Each is read within its budget, ends with the documented exit code and at most one line,
and leaves nothing in the temporary folder."""
import json
import os
import signal
import time

import pytest

from hostile import gen, harness

TOP = "scc_evil_240101_0000"


def _archive(work, pieces, compression="gz", name="scc_evil_240101_0000"):
    return gen.write(os.path.join(work, name + gen.SUFFIX.get(compression, ".tar")), pieces, compression)


def _notices(out):
    return json.loads(out).get("notices", [])


@pytest.mark.parametrize("size", [128 * 1024, 1024 * 1024])
def test_an_oversized_pax_header_stops_reading_before_it_is_parsed(kbcheck, work, size):
    """CVE-2024-6232 made tarfile take 22 s on a 128 KiB pax header (1 MiB: killed after 11 min):
    the header is refused by its declared size, before any of it is parsed."""
    arc = _archive(work, [gen.supportconfig_members(),
                          gen.pax("%s/x.txt" % TOP, {b"comment": b"=" * size}, b"x"), gen.END])
    o = kbcheck("pax header %d KiB" % (size >> 10), "--supportconfig", arc, "--format", "json").check((0, 1, 3))
    assert any("a pax header of" in n and "over the cap" in n for n in _notices(o.out)), _notices(o.out)


def test_a_pax_header_before_everything_is_one_line_and_exit_2(kbcheck, work):
    arc = _archive(work, [gen.pax("%s/x.txt" % TOP, {b"path": b"a" * (200 * 1024)}), gen.supportconfig_members(), gen.END])
    o = kbcheck("pax header first", "--supportconfig", arc).check(2)
    assert "no basic-environment.txt inside" in o.err and "pax header" in o.err


def test_a_gnu_long_name_of_64_mib_is_refused_unread(kbcheck, work):
    """A 72 KB tarball whose long-name header declares 64 MiB cost 555 MB and put the whole name
    in a notice: refused by its size; the notice stays one short line."""
    arc = _archive(work, [gen.supportconfig_members(), gen.header("././@LongLink", 64 * gen.MiB, b"L"),
                          (b"a" * gen.MiB, 64), gen.member("x", b"x"), gen.END])
    o = kbcheck("GNU long name 64 MiB", "--supportconfig", arc, "--format", "json").check((0, 1, 3))
    notes = _notices(o.out)
    assert any("long name header of %d bytes" % (64 * gen.MiB) in n for n in notes), notes
    assert len(o.out) < 200000


def test_a_gzip_bomb_member_is_not_decompressed_to_be_skipped(kbcheck, work, big):
    """An 8 GiB member (8 MB of gzip): it is over the budget, so reading stops at its header."""
    def make(d):
        return gen.write(os.path.join(d, TOP + ".tgz"), [
            gen.supportconfig_members(), gen.header("%s/bomb.txt" % TOP, 8 << 30), (b"\x00" * gen.MiB, 8192),
            gen.END])
    o = kbcheck("gzip bomb 8 GiB", "--supportconfig", big("bomb", make), "--format", "json").check((0, 1, 3))
    assert any("declares %d bytes" % (8 << 30) in n for n in _notices(o.out)), _notices(o.out)
    assert o.seconds < 5


def test_what_is_skipped_is_counted_as_it_streams(kbcheck, work, big):
    """Members over the one-file cap are skipped by reading them, and every byte read counts: nine
    members of 65 MiB stop at the 512 MiB budget, not after 585 MiB."""
    def make(d):
        pieces = [gen.supportconfig_members()]
        for i in range(9):
            pieces += [gen.header("%s/big%d.txt" % (TOP, i), 65 * gen.MiB), (b"\x00" * gen.MiB, 65)]
        return gen.write(os.path.join(d, TOP + ".tgz"), pieces + [gen.END])
    o = kbcheck("streamed bytes over the budget", "--supportconfig", big("streamed", make), "--format", "json")
    o.check((0, 1, 3))
    notes = " ".join(_notices(o.out))
    assert "over the 64 MiB cap on one file" in notes and "more than the" in notes and "left of the cap of 512 MiB" in notes


def test_a_flood_of_empty_members_stops_at_the_member_cap(kbcheck, work, big):
    def make(d):
        heads = gen.empty_members("%s/e/%06d" % (TOP, i) for i in range(200000))
        return gen.write(os.path.join(d, TOP + ".tgz"), [gen.supportconfig_members(), heads, gen.END])
    o = kbcheck("200 000 empty members", "--supportconfig", big("flood", make), "--format", "json").check((0, 1, 3))
    assert any("more than 10000 members" in n for n in _notices(o.out)), _notices(o.out)


def test_four_64_mib_files_of_small_sections_are_indexed_once(kbcheck, work, big):
    """Four text files at the 64 MiB cap, of 700-byte sections (under every cap): each file is
    indexed once, so the run costs seconds, not minutes and gigabytes."""
    files = gen.supportconfig_files()

    def make(d):
        filler = "".join("#==[ Command ]======================================#\n# /bin/echo %05d\n%s\n\n"
                         % (i, "x" * 640) for i in range(1000)).encode()
        pieces = [gen.supportconfig_members(skip=("memory.txt", "proc.txt", "env.txt", "fs-diskio.txt"))]
        for n in ("memory.txt", "proc.txt", "env.txt", "fs-diskio.txt"):
            head = files[n].encode()
            times = (64 * gen.MiB - len(head) - 4096) // len(filler)
            size = len(head) + times * len(filler)
            pieces += [gen.header("%s/%s" % (TOP, n), size) + head, (filler, times), gen.pad(size)]
        return gen.write(os.path.join(d, TOP + ".tgz"), pieces + [gen.END])
    o = kbcheck("four 64 MiB text files", "--supportconfig", big("sections", make), "--format", "json").check((0, 1, 3))
    doc = json.loads(o.out)
    assert doc["host"]["memory_kib"] and doc["summary"]["pass"] + doc["summary"]["fail"] > 10


@pytest.mark.parametrize("compression", ["gz", "bz2", "xz"])
@pytest.mark.parametrize("damage", ["truncated", "bit-flipped"])
def test_a_damaged_archive_is_one_line_and_exit_2(kbcheck, work, compression, damage):
    arc = _archive(work, [gen.supportconfig_members() + gen.END], compression)
    with open(arc, "rb") as f:
        data = bytearray(f.read())
    if damage == "truncated":
        data = data[:len(data) * 2 // 3]
    else:
        data[len(data) // 2] ^= 0x10
    with open(arc, "wb") as f:
        f.write(bytes(data))
    o = kbcheck("%s %s" % (damage, compression), "--supportconfig", arc).check(2)
    assert "damaged or not a tar archive" in o.err, o.err


def test_names_over_the_caps_are_refused_and_the_rest_is_judged(kbcheck, work):
    """A 300-byte folder name gave an OSError traceback; a member 3000 folders deep a traceback
    and a temporary folder left behind (shutil.rmtree's recursion)."""
    deep = "/".join(["d"] * 3000)
    arc = _archive(work, [gen.supportconfig_members(),
                          gen.header(b"././@LongLink", 400, b"L") + (b"%s/%s/f" % (TOP.encode(), b"a" * 300)).ljust(400, b"\x00")
                          + gen.pad(400) + gen.member("ignored", b"x"),
                          gen.header(b"././@LongLink", len(deep) + 1, b"L") + deep.encode() + b"\x00" + gen.pad(len(deep) + 1)
                          + gen.member("ignored", b"x"), gen.END])
    o = kbcheck("300-byte name, 3000 folders", "--supportconfig", arc, "--format", "json").check((0, 1, 3))
    assert any("2 member(s) not extracted (name over the caps" in n for n in _notices(o.out)), _notices(o.out)


def _slow(big):
    """A bzip2 archive of seven 63 MiB files (each under the one-file cap: all are written)."""
    def make(d):
        pieces = [gen.supportconfig_members()]
        for i in range(7):
            pieces += [gen.header("%s/big%d.txt" % (TOP, i), 63 * gen.MiB), (b"\x00" * gen.MiB, 63)]
        return gen.write(os.path.join(d, TOP + ".tbz"), pieces + [gen.END], "bz2")
    return big("slow", make)


def test_unpacking_has_a_deadline(kbcheck, work, big):
    """12 x --timeout: with --timeout 0.05, 0.6 s; unpacking and writing 441 MiB takes longer."""
    o = kbcheck("unpacking deadline", "--supportconfig", _slow(big), "--timeout", "0.05", "--format", "json")
    o.check((0, 1, 3))
    assert any("unpacking took longer than its deadline of 0.6 s" in n for n in _notices(o.out)), _notices(o.out)


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_signal_during_extraction_removes_the_temporary_folder(pyz, work, big, sig):
    arc = _slow(big)
    tmp = os.path.join(work, "tmp")
    os.makedirs(tmp)
    out, err = os.path.join(work, "o"), os.path.join(work, "e")
    with open(out, "wb") as fo, open(err, "wb") as fe:
        t0 = time.time()
        p = harness.start([pyz, "--supportconfig", arc], tmp, stdout=fo, stderr=fe)
    while not os.listdir(tmp):   # wait for extraction to begin: its private folder appears
        assert p.poll() is None and time.time() - t0 < 8, "no temporary folder appeared"
        time.sleep(0.005)
    p.send_signal(getattr(signal, sig))
    o = harness.finish("%s during extraction" % sig, p, t0, tmp, out, err)
    o.check(128 + getattr(signal, sig), exact_lines=1)
    assert o.err.startswith("kbcheck: "), o.err


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "prometheus"])
def test_member_names_that_are_not_utf8_are_escaped_in_every_format(kbcheck, work, fmt):
    arc = _archive(work, [gen.supportconfig_members(), gen.member(b"%s/../caf\xe9-\xff\x1b[2J.txt" % TOP.encode(), b"x"),
                          gen.END])
    path = os.path.join(work, "report.out")
    kbcheck("non-UTF-8 names, %s" % fmt, "--supportconfig", arc, "--format", fmt, "--output", path,
                env={"LC_ALL": "C", "LANG": "C"}, files=[path]).check((0, 1, 3))
    assert not [n for n in os.listdir(work) if n.endswith(".tmp")]
    with open(path, "rb") as f:
        data = f.read()
    data.decode("utf-8")  # the file is UTF-8
    assert b"\x1b" not in data
    if fmt != "prometheus":  # (which counts notices, and shows none)
        assert b"caf\\xe9-\\xff" in data or b"caf\\\\xe9-\\\\xff" in data, data[-3000:]
