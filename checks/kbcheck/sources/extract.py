"""Safe extraction of a tar archive (a supportconfig tarball, any archive a source reads): members
land under the destination folder only, only regular files and folders, within a budget of
bytes, time, members and name sizes. A tarball from a judged host is hostile input: see
safe_extract for what is refused, and kbcheck.sources.tarstream for how it is read.

remove_tree removes such a folder again, however deep, without recursion and without following
a link.
"""
import errno
import os
import re
import stat

from kbcheck.errors import Unreadable
from kbcheck.sources.tarstream import Budget, Damaged, Reader, Stop, Stream
from kbcheck.textsafe import name as shown

MAX_TOTAL = 512 * 1024 * 1024     # decompressed bytes read from one archive, at most
MAX_MEMBER = 64 * 1024 * 1024     # one extracted file, at most (a supportconfig text file's cap)
MAX_MEMBERS = 10000               # members of one archive (a supportconfig has some 100)
MAX_PATH = 1024                   # bytes of a member's name
MAX_DEPTH = 32                    # folders in a member's name
MAX_COMPONENT = 255               # bytes of one file or folder name (NAME_MAX)
DEADLINE = 60.0                   # seconds, by default (12 x --timeout)


def _parts(name):
    """The path components of member name `name` (bytes), or None when it is unsafe."""
    if not name or name.startswith((b"/", b"\\")) or b"\x00" in name or re.match(br"^[A-Za-z]:", name):
        return None
    parts = [p for p in name.replace(b"\\", b"/").split(b"/") if p not in (b"", b".")]
    if not parts or b".." in parts:
        return None
    return parts


def _refusal(m, parts):
    """Why member `m` is not extracted, or None."""
    if parts is None:
        return "unsafe path"
    if len(m.name) > MAX_PATH or len(parts) > MAX_DEPTH or max(len(p) for p in parts) > MAX_COMPONENT:
        return "name over the caps (%d bytes, %d folders deep, %d bytes a component)" % (
            MAX_PATH, MAX_DEPTH, MAX_COMPONENT)
    if m.kind in ("symlink", "hardlink"):
        return "link"
    if m.kind in ("device", "fifo"):
        return "device or FIFO"
    if m.kind not in ("file", "dir") or m.sparse:
        return "not a regular file"
    if m.kind == "file" and m.size > MAX_MEMBER:
        return "over the %d MiB cap on one file" % (MAX_MEMBER >> 20)
    return None


def safe_extract(archive, dest, max_total=MAX_TOTAL, notices=None, what="supportconfig archive",
                 seconds=DEADLINE, max_members=MAX_MEMBERS):
    """Extract regular files and directories of `archive` under `dest`, never outside it ->
    None, or the one-line reason reading stopped early (a cap: what came before is extracted).

    Refused (skipped, with a notice): absolute names, names with "..", names over MAX_PATH,
    MAX_DEPTH or MAX_COMPONENT, symbolic and hard links, devices, FIFOs, sparse and other special
    members, files over MAX_MEMBER. Reading stops (a notice) past `max_total` decompressed bytes,
    `max_members` members, `seconds` of time, or at a header over tarstream's caps. A damaged
    archive (truncated, bit-flipped, not a tar at all) raises Unreadable: one line. `what` names
    the archive in the notices ("supportconfig archive NAME: ...")."""
    notices = notices if notices is not None else []
    label = "%s %s" % (what, shown(os.path.basename(archive)))
    refused = {}
    stopped = None
    top = os.fsencode(os.path.realpath(dest))
    made = set()
    try:
        f = open(archive, "rb")
    except OSError as e:
        raise Unreadable(archive, e.strerror or str(e))
    try:
        reader = Reader(Stream(f), Budget(max_total, seconds, max_members))
        for m in reader.members():
            parts = _parts(m.name)
            why = _refusal(m, parts)
            if why is None:
                why = _place(reader, m, top, parts, made)
            if why:
                refused.setdefault(why, []).append(m.name)
    except Stop as e:
        stopped = str(e)
        notices.append("%s: stopped reading it: %s; what came before is judged" % (label, stopped))
    except Damaged as e:
        raise Unreadable(archive, "damaged or not a tar archive: %s" % e)
    except OSError as e:
        raise Unreadable(archive, "cannot unpack it: %s" % (e.strerror or e))
    finally:
        f.close()
    for why in sorted(refused):
        names = refused[why]
        notices.append("%s: %d member(s) not extracted (%s): %s" % (
            label, len(names), why, ", ".join(shown(n)[:200] for n in names[:5]) + (" ..." if len(names) > 5 else "")))
    return stopped


def _place(reader, m, top, parts, made):
    """Write member `m` under folder `top` -> None, or why it was not written."""
    if not _folders(top, parts if m.kind == "dir" else parts[:-1], made):
        return "collides with a file of the same name"
    if m.kind == "dir":
        return None
    target = os.path.join(top, *parts)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError as e:
        return "a second member of the same name" if e.errno == errno.EEXIST else "cannot write (%s)" % (e.strerror or e)
    try:
        for chunk in reader.chunks():
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    return None


def _folders(top, parts, made):
    """Make the folders `parts` under `top` (0700) -> False when a file is in the way."""
    cur = top
    for p in parts:
        cur = os.path.join(cur, p)
        if cur in made:
            continue
        try:
            os.mkdir(cur, 0o700)
        except OSError as e:
            if e.errno != errno.EEXIST:
                raise
            if not stat.S_ISDIR(os.lstat(cur).st_mode):
                return False
        made.add(cur)
    return True


def remove_tree(path):
    """Remove folder `path` and everything in it, however deep: no recursion (shutil.rmtree
    recurses, and fails past ~1000 levels), no link followed, every step relative to an open
    folder (a path 3000 folders deep is longer than the system accepts). Errors are ignored:
    what cannot be removed stays (and is entered once, not again and again)."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        stack = [(os.open(path, flags), None, set())]   # (open folder, its name, names entered)
    except OSError:
        return
    while stack:
        fd, here, entered = stack[-1]
        try:
            names = os.listdir(fd)
        except OSError:
            names = []
        child = None
        for n in names:
            if n in entered:
                continue
            try:
                os.unlink(n, dir_fd=fd)
                continue
            except OSError as e:
                if e.errno not in (errno.EISDIR, errno.EPERM):
                    continue
            entered.add(n)
            try:
                child = os.open(n, flags, dir_fd=fd)
            except OSError:
                continue
            stack.append((child, n, set()))
            break
        if child is not None:
            continue
        stack.pop()
        os.close(fd)
        if stack:
            try:
                os.rmdir(here, dir_fd=stack[-1][0])
            except OSError:
                pass
    try:
        os.rmdir(path)
    except OSError:
        pass
