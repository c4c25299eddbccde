"""A data file shipped beside the kbcheck package: the compiled catalog and the per-Python packs
(probes, regular expressions) of `kbgen build` or of the installed package's build."""
import os

from kbcheck.modulepack import magic  # noqa: F401 (this Python's magic number in hex: the packs' folder)


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
