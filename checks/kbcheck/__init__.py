"""kbcheck: SUSE Linux Enterprise virtualization best practices, checked.

The runner imports only the standard library (libvirt-python where present).
"""
__version__ = "0.1.0"
