"""Host facts: the only way a probe sees the system.

A Host wraps one Source (the top of the chain kbcheck.sources builds) and offers parsed, cached
views; every view is computed at most once per run. Each kind of fact has its own module, and
Host is their sum, so a probe sees one `host` with every name CONTRIBUTING documents:

  core       raw reads and their cache: read, value, read_bytes, exists, listdir, parse,
             command, require (and `cached`, the once-per-Host property)
  detection  product, era, roles, detection, declared
  kernel     sysctl (running and persistent), cmdline, cpus, cpu_flags, modules, topology
  memory     meminfo, numa_nodes, hugepage_pools
  storage    block_devices, mounts, fstab, swaps, image_header
  boot       default_grub, menu_lst, boot_cmdline, boot_xen_cmdline, xen_running_cmdline
  libvirt    domains, domain_errors, guests, guest_count, capabilities
  tuning     udev_rules, udev_scheduler, tuned, sysctl_at_boot
  system     systemd_units, processes, qemu_processes, hwrng
  machine    kernel_version, host_cpus, xen_info, pv_conversion

A new fact goes into the module of its kind (or a new module added to Host below); it reads
through the core's reads and parses with a parser of kbcheck.parsers.
"""
from kbcheck.facts.boot import BootFacts
from kbcheck.facts.core import Reads
from kbcheck.facts.detection import DetectionFacts
from kbcheck.facts.kernel import KernelFacts
from kbcheck.facts.libvirt import LibvirtFacts
from kbcheck.facts.machine import MachineFacts
from kbcheck.facts.memory import MemoryFacts
from kbcheck.facts.storage import StorageFacts
from kbcheck.facts.system import SystemFacts
from kbcheck.facts.tuning import TuningFacts


class Host(Reads, DetectionFacts, KernelFacts, MemoryFacts, StorageFacts, BootFacts, LibvirtFacts, TuningFacts,
           SystemFacts, MachineFacts):
    """The facts of one host, read from `source`; `assume`: the --assume declarations."""


__all__ = ["Host"]
