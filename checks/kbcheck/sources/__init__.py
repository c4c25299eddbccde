"""Where the bytes come from: a root directory, a sosreport, a supportconfig, a live libvirt.

Every source answers the same small interface (see base.Source), so the facts layer and every
probe run unchanged on all of them.
"""
