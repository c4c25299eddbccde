"""kbcheck's modules imported from one marshal pack of their bytecode for this Python,
_pyc/<magic hex>/modules.bin beside the package: one read instead of a path search and a pyc file
per module (through the path finder, an installed run's 72 modules cost about half as much again).

    modules.bin    marshal data {module name: (file name "kbcheck/a/b.py", is a package,
                                 marshal data of its code, size of its source)}

One loader for both runners: the installed package's kbcheck/__init__.py calls use_installed();
the bundle's __main__.py runs this module's code from its pack for this Python (kbgen.bundle) and
calls use_pack() on its zip. It imports nothing a bare start has not loaded (no importlib.util:
contextlib, functools...).

An installed source that changed after the build loads from itself, as before: a module comes
from the pack only when its source (one os.stat as it is imported) has the size the pack records
and an mtime within SLACK seconds of the pack's. The build gives the pack and the sources one
mtime; pip keeps no mtimes but writes all of them within a second or so of each other.
"""
import _imp
import marshal
import os
import sys

PACK = "_pyc/%s/modules.bin"  # beside probes.bin and regexes.bin
SLACK = 10  # seconds between the pack's and a source's mtime that one installation may take


def magic():
    """This Python's magic number in hex, from the import system's frozen module (not importlib.util)."""
    number = getattr(sys.modules.get("_frozen_importlib_external"), "MAGIC_NUMBER", None)
    if number is None:
        from importlib.util import MAGIC_NUMBER as number
    return number.hex()


class _Spec(sys.modules["_frozen_importlib"].ModuleSpec):
    cached = None  # the code comes from the pack, not a pyc file: no __cached__ (nor the path work for it)


class PackFinder(object):
    """The modules of one pack. base: where its file names start (the kbcheck package's parent
    directory, or the bundle's zip); read(path): a file's bytes; mtime: the pack's, that sources
    must match (None: unchecked, in a zip)."""

    def __init__(self, pack, base, read, mtime=None):
        self.pack, self.base, self.read, self.mtime = pack, base, read, mtime

    def find_spec(self, name, path=None, target=None):
        mod = self.pack.get(name)
        if mod is None:
            return None
        origin = self.base + "/" + mod[0]
        if self.mtime is not None:
            try:
                st = os.stat(origin)
            except OSError:
                return None
            if st.st_size != mod[3] or abs(st.st_mtime - self.mtime) > SLACK:
                return None  # not the source it was compiled from: the path finder loads the source
        spec = _Spec(name, self, origin=origin, is_package=mod[1])
        spec.has_location = True
        if mod[1]:
            spec.submodule_search_locations = [origin.rpartition("/")[0]]
        return spec

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        exec(self.get_code(module.__name__), module.__dict__)

    def get_code(self, name):
        code = marshal.loads(self.pack[name][2])
        _imp._fix_co_filename(code, self.get_filename(name))
        return code

    def get_source(self, name):  # for tracebacks (linecache) and inspect
        return sys.modules["_frozen_importlib_external"].decode_source(self.read(self.get_filename(name)))

    def get_data(self, path):
        return self.read(path)

    def get_resource_reader(self, name):
        """importlib.resources: a package's files as the path finder's loader gives them (3.7+);
        in a zip, none (as before the pack)."""
        if self.mtime is None:
            return None
        loader = sys.modules["_frozen_importlib_external"].SourceFileLoader(name, self.get_filename(name))
        return loader.get_resource_reader(name)

    def is_package(self, name):
        return self.pack[name][1]

    def get_filename(self, name):
        return self.base + "/" + self.pack[name][0]


def use_pack(pack, base, read, mtime=None):
    """Serve kbcheck's modules from `pack` (a pack's data, loaded; see PackFinder) ahead of the path finder."""
    sys.meta_path.insert(0, PackFinder(pack, base, read, mtime))


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def use_installed(package_dir):
    """In an installed package: serve its modules from its pack for this Python, if it has one
    (an editable install or a source checkout has none) and -O is off; True when it does."""
    base = os.path.dirname(package_dir)
    if sys.flags.optimize:
        return False
    if any(type(f).__name__ == "PackFinder" and f.base == base for f in sys.meta_path):
        return True  # kbcheck imported again (taken out of sys.modules): its finder is in place
    try:
        with open(package_dir + "/" + PACK % magic(), "rb") as f:
            data = f.read()
            mtime = os.fstat(f.fileno()).st_mtime
        use_pack(marshal.loads(data), base, _read, mtime)
    except (OSError, IOError, ValueError, EOFError, TypeError):  # none, or not a pack this Python reads
        return False
    return True
