"""This machine itself, read in place: its files from "/" (a RootSource of kind "live"); the
chain (kbcheck.sources) lays the libvirt layer over it for the guests."""
from kbcheck.sources.root import RootSource


# -- the registry's protocol (kbcheck.sources) --------------------------------------------------
def recognise(path):
    """The live host is what a run reads when no option names an input."""
    return path is None


def open_input(path=None, timeout=None):
    return RootSource("/")
