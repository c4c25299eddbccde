"""A data file shipped beside the kbcheck package: the compiled catalog and the per-Python packs
(probes, regular expressions) of `kbgen build` or of the installed package's build."""
import os
import sys


def package_data(name):
    """The file `name` ("a/b.bin") beside this package (in the bundle: a member of the zip), or
    None. What pkgutil.get_data("kbcheck", name) does, without importing pkgutil (slow to import
    on 3.12)."""
    import kbcheck
    loader = getattr(kbcheck, "__loader__", None)
    where = getattr(kbcheck, "__file__", None)
    if loader is None or not where or not hasattr(loader, "get_data"):
        return None
    try:
        return loader.get_data(os.path.join(os.path.dirname(where), *name.split("/")))
    except (OSError, IOError):
        return None


def magic():
    """This Python's bytecode magic number in hex (importlib.util.MAGIC_NUMBER, which the packs
    are filed under), read from the import system's own frozen module: importing importlib.util
    costs an installed kbcheck's start some 3 ms (contextlib, collections, functools...)."""
    ext = sys.modules.get("_frozen_importlib_external")
    number = getattr(ext, "MAGIC_NUMBER", None)
    if number is None:
        from importlib.util import MAGIC_NUMBER as number
    return number.hex()
