"""kbcheck: SUSE Linux Enterprise virtualization best practices, checked.

The runner imports only the standard library (libvirt-python where present).
"""
__version__ = "0.1.0"
import sys

if sys.version_info >= (3, 6) and not hasattr(__loader__, "pack"):
    # the installed package: its other modules come from its pack for this Python when it has one
    # (kbcheck.modulepack); the bundle's __main__ serves them from its own pack already
    from kbcheck.modulepack import use_installed
    use_installed(__path__[0])
