"""A directory tree read as if it were "/", without ever leaving it, even while it changes.

A copied root (--root) may belong to someone else, who can swap a file or a folder for a
symbolic link while kbcheck, perhaps as root, reads it. So no path is ever handed to the system
whole: every component is opened on its own, relative to the folder before it (openat with
O_PATH | O_NOFOLLOW: nothing is followed, nothing is opened for real, so neither a FIFO nor a
device node reacts), and looked at (fstat) before the next step:

  * a folder: the next component is opened relative to it;
  * a symbolic link: its target is read and resolved the same way, inside the tree, as chroot
    would (an absolute target starts again at the tree's top; ".." climbs the folders really
    walked); more than MAX_LINKS links, or ".." above the top, is Escape;
  * the last component, a regular file: reopened for reading through /proc/self/fd, which opens
    exactly the file that was looked at (no second lookup by name that a swap could redirect).

Folders already resolved are remembered for the run as open descriptors (at most MAX_CACHED):
a descriptor keeps naming the folder it was opened on, so a link swapped in for that folder
later changes nothing that is read. Descriptors are closed only by close().
"""
import errno
import os
import stat

from kbcheck.threads import Lock

MAX_LINKS = 40
MAX_CACHED = 256
_PATH = getattr(os, "O_PATH", os.O_RDONLY) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_LIST = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
_READ = os.O_RDONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_FALLBACK = _READ | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
_MISSING = (errno.ENOENT, errno.ENOTDIR, errno.ENAMETOOLONG)


class Escape(Exception):
    """A symbolic link (or "..") leads outside the tree, or links loop."""


class NotRegular(Exception):
    """The path names something that is neither a regular file nor a folder."""


FOLDER = object()   # what open_file answers for a folder


def parts_of(path):
    """A host path's components ("." and empty ones dropped)."""
    return [p for p in path.split("/") if p and p != "."]


class Tree(object):
    def __init__(self, root):
        self.root = root
        self._top = None
        self._dirs = {}          # requested components (tuple) -> O_PATH descriptor of the folder
        self._lock = Lock()
        self._proc = os.path.isdir("/proc/self/fd")

    def _top_fd(self):
        if self._top is None:
            with self._lock:
                if self._top is None:  # the top as the user named it (following their own links)
                    self._top = os.open(self.root, _LIST)
        return self._top

    def close(self):
        with self._lock:
            fds = list(self._dirs.values()) + ([self._top] if self._top is not None else [])
            self._dirs, self._top = {}, None
        for fd in fds:
            try:
                os.close(fd)
            except OSError:
                pass

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    # -- folders -------------------------------------------------------------------------
    def folder(self, parts):
        """(descriptor of folder `parts`, owned: the caller closes it) or None when there is none."""
        key = tuple(parts)
        fd = self._dirs.get(key)
        if fd is not None:
            return fd, False
        fd = self._walk(list(parts))
        if fd is None:
            return None
        with self._lock:
            if key in self._dirs:
                os.close(fd)
                return self._dirs[key], False
            if len(self._dirs) < MAX_CACHED:
                self._dirs[key] = fd
                return fd, False
        return fd, True

    def _walk(self, queue):
        top = self._top_fd()
        stack = []   # descriptors of the folders walked so far (each opened here)
        links = 0
        try:
            while queue:
                part = queue.pop(0)
                if part == "..":
                    if not stack:
                        raise Escape()
                    os.close(stack.pop())
                    continue
                try:
                    fd = os.open(part, _PATH, dir_fd=stack[-1] if stack else top)
                except OSError as e:
                    if e.errno in _MISSING:
                        return None
                    raise
                mode = os.fstat(fd).st_mode
                if stat.S_ISDIR(mode):
                    stack.append(fd)
                    continue
                if not stat.S_ISLNK(mode):
                    os.close(fd)
                    return None
                try:
                    target = os.readlink("", dir_fd=fd)
                finally:
                    os.close(fd)
                links += 1
                if links > MAX_LINKS:
                    raise Escape()
                if target.startswith("/"):
                    while stack:
                        os.close(stack.pop())
                queue[:0] = parts_of(target)
            return stack.pop() if stack else os.dup(top)
        finally:
            for fd in stack:
                os.close(fd)

    def listdir(self, parts):
        """The names in folder `parts`, None when there is none."""
        got = self.folder(parts)
        if got is None:
            return None
        fd, owned = got
        try:
            real = os.open(".", _LIST, dir_fd=fd)   # this very folder, now readable
        finally:
            if owned:
                os.close(fd)
        try:
            return os.listdir(real)
        finally:
            os.close(real)

    # -- files ---------------------------------------------------------------------------
    def open_file(self, parts):
        """A descriptor open for reading of the regular file `parts` (the caller closes it);
        None when there is nothing; FOLDER for a folder. Raises Escape, NotRegular, OSError."""
        links = 0
        while True:
            if not parts or parts[-1] == "..":
                return FOLDER if self.folder(parts) is not None else None
            got = self.folder(parts[:-1])
            if got is None:
                return None
            dfd, owned = got
            try:
                try:
                    pfd = os.open(parts[-1], _PATH, dir_fd=dfd)
                except OSError as e:
                    if e.errno in _MISSING:
                        return None
                    raise
                try:
                    st = os.fstat(pfd)
                    if stat.S_ISLNK(st.st_mode):
                        target = os.readlink("", dir_fd=pfd)
                    elif stat.S_ISDIR(st.st_mode):
                        return FOLDER
                    elif not stat.S_ISREG(st.st_mode):
                        raise NotRegular()
                    else:
                        return self._reopen(pfd, st, parts[-1], dfd)
                finally:
                    os.close(pfd)
            finally:
                if owned:
                    os.close(dfd)
            links += 1
            if links > MAX_LINKS:
                raise Escape()
            parts = parts_of(target) if target.startswith("/") else list(parts[:-1]) + parts_of(target)

    def _reopen(self, pfd, st, name, dfd):
        if self._proc:
            return os.open("/proc/self/fd/%d" % pfd, _READ)
        fd = os.open(name, _FALLBACK, dir_fd=dfd)  # no /proc: open by name, then make sure it is the same file
        again = os.fstat(fd)
        if (again.st_dev, again.st_ino) != (st.st_dev, st.st_ino) or not stat.S_ISREG(again.st_mode):
            os.close(fd)
            raise NotRegular()
        return fd
