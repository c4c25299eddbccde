"""Safe extraction of a tar archive (a supportconfig tarball, any archive a source reads): members
land under the destination folder only, and only regular files and folders, within a size cap.
A tarball from a judged host is hostile input: see safe_extract for what is refused."""
import os
import re
import stat
import tarfile

from kbcheck.errors import Unreadable

MAX_TOTAL = 512 * 1024 * 1024     # bytes extracted from one tarball, at most


def _member_ok(name):
    if not name or name.startswith("/") or name.startswith("\\") or "\x00" in name:
        return False
    if re.match(r"^[A-Za-z]:", name):
        return False
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
    return bool(parts) and ".." not in parts


def safe_extract(archive, dest, max_total=MAX_TOTAL, notices=None, what="supportconfig archive"):
    """Extract regular files and directories of `archive` under `dest`, never outside it.

    Refused (skipped, with a notice): absolute names, names with "..", symbolic and hard links,
    devices, FIFOs, and anything past `max_total` bytes in all. Python 3.6 has no tarfile
    filter=, so every member is checked here and written by hand. `what` names the archive in
    the notices ("supportconfig archive NAME: ...")."""
    notices = notices if notices is not None else []
    refused = {}
    total = 0
    dest = os.path.realpath(dest)
    try:
        tf = tarfile.open(archive, "r:*")
    except (tarfile.TarError, EOFError, OSError) as e:
        raise Unreadable(archive, "not a readable tar archive: %s" % e)
    try:
        while True:
            try:
                m = tf.next()
            except (tarfile.TarError, EOFError, OSError, ValueError) as e:
                notices.append("%s %s: stopped reading at a damaged member (%s)"
                               % (what, os.path.basename(archive), e))
                break
            if m is None:
                break
            why = None
            if not _member_ok(m.name):
                why = "unsafe path"
            elif m.issym() or m.islnk():
                why = "link"
            elif m.isdev() or m.isfifo() or m.ischr() or m.isblk():
                why = "device or FIFO"
            elif not (m.isfile() or m.isdir()):
                why = "not a regular file"
            elif m.isfile() and total + m.size > max_total:
                why = "over the %d MiB extraction cap" % (max_total >> 20)
            if why:
                refused.setdefault(why, []).append(m.name)
                continue
            parts = [p for p in m.name.replace("\\", "/").split("/") if p not in ("", ".")]
            target = os.path.join(dest, *parts)
            if not os.path.realpath(target).startswith(dest + os.sep):
                refused.setdefault("unsafe path", []).append(m.name)
                continue
            if m.isdir():
                _makedirs(dest, parts)
                continue
            _makedirs(dest, parts[:-1])
            src = tf.extractfile(m)
            if src is None:
                continue
            try:
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            except OSError as e:
                refused.setdefault("cannot write (%s)" % (e.strerror or e), []).append(m.name)
                continue
            written = 0
            with os.fdopen(fd, "wb") as out:
                while written < m.size:
                    chunk = src.read(min(1 << 20, m.size - written))
                    if not chunk:
                        break
                    out.write(chunk)
                    written += len(chunk)
            total += written
    finally:
        tf.close()
    for why in sorted(refused):
        names = refused[why]
        notices.append("%s %s: %d member(s) not extracted (%s): %s"
                       % (what, os.path.basename(archive), len(names), why, ", ".join(names[:5])
                          + (" ..." if len(names) > 5 else "")))
    return notices


def _makedirs(dest, parts):
    cur = dest
    for p in parts:
        cur = os.path.join(cur, p)
        try:
            st = os.lstat(cur)
        except OSError:
            os.mkdir(cur, 0o700)
            continue
        if not stat.S_ISDIR(st.st_mode):
            raise Unreadable(cur, "archive member path collides with a non-directory")
