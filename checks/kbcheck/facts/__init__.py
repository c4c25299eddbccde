"""Host facts: the only way a probe sees the system.

A Host wraps one Source (the top of the chain kbcheck.sources builds) and offers parsed, cached
views; every view is computed at most once per run. Each kind of fact has its own module, and
Host is their sum, so a probe sees one `host` with every name CONTRIBUTING documents:

  core       raw reads and their cache: read, value, read_bytes, exists, listdir, listing, parse,
             command, first_command, require, missing, note (and `fact`/`cached`, the
             once-per-Host property that records what it read, the evidence of results)
  detection  product, era, roles, detection, declared, virtualization, hostname
  kernel     sysctl (running and persistent), cmdline, cpus, cpu_flags, cpu_model, modules,
             lscpu, topology
  memory     meminfo, numa_nodes, hugepage_pools, ksm
  storage    block_devices, mounts, fstab, swaps, image_header
  boot       default_grub, menu_lst, grub_cfg, boot_files, boot_cmdline, boot_xen_cmdline,
             xen_running_cmdline
  libvirt    domains, domain_errors, guests, guest_count, capabilities, storage_pools,
             running_guests
  tuning     udev_rules, udev_scheduler, tuned_active, tuned, sysctl_at_boot, tmpfiles
  services   systemd_units, services, boot_target, inittab, packages, programs
  system     processes, qemu_processes, hwrng
  machine    kernel_version, host_cpus, xen_info, pv_conversion
  config     settings(path), dracut_drivers, thp, nfs_client, nfs_server_threads, ipv4_beyond_lo

A new fact goes into the module of its kind (or a new module added to Host below), as a
`@fact("SPEC", show=...)` property: it names the input of kbcheck.specs it gives, reads through the
core's reads (which records them) and parses with a parser of kbcheck.parsers.
"""
from kbcheck.facts.boot import BootFacts
from kbcheck.facts.config import ConfigFacts
from kbcheck.facts.core import Reads
from kbcheck.facts.detection import DetectionFacts
from kbcheck.facts.kernel import KernelFacts
from kbcheck.facts.libvirt import LibvirtFacts
from kbcheck.facts.machine import MachineFacts
from kbcheck.facts.memory import MemoryFacts
from kbcheck.facts.services import ServiceFacts
from kbcheck.facts.storage import StorageFacts
from kbcheck.facts.system import SystemFacts
from kbcheck.facts.tuning import TuningFacts


class Host(Reads, DetectionFacts, KernelFacts, MemoryFacts, StorageFacts, BootFacts, LibvirtFacts, TuningFacts,
           ServiceFacts, SystemFacts, MachineFacts, ConfigFacts):
    """The facts of one host, read from `source`; `assume`: the --assume declarations."""


# The inputs (kbcheck.specs) of what a probe calls on `host` besides the facts (whose @fact names
# its input): kbgen works out the inputs of an entry from its probe with them (kbgen.inputs). A
# method reading a path or a command it is given (read, value, settings, command, ...) is named
# with None: the path or command decides.
METHOD_INPUTS = {
    "read": None, "value": None, "exists": None, "listdir": None, "listing": None, "parse": None,
    "read_bytes": None, "settings": None, "sxp_setting": None, "missing": None, "command": None,
    "first_command": None, "parse_command": None, "parse_first_command": None,
    "sysctl": ("sysctl",), "sysctl_int": ("sysctl",), "sysctl_persistent": ("sysctl_conf",),
    "sysctl_at_boot": ("sysctl_conf", "tuned"), "udev_scheduler": ("udev_rules", "block_queues"),
    "hugepage_pool": ("hugepages",), "image_header": ("disk_images",), "declared": ("declarations",),
    "declared_guests": ("declarations",), "domains": ("domains",), "domain_errors": ("domains",),
    "guests": ("domains",), "guest_count": ("domains",), "numa_node_count": ("numa_nodes",),
    "default_hugepage_kib": ("meminfo",), "product": ("os_release",), "era": ("os_release",),
    "roles": ("hypervisor",), "assume": ("declarations",),
}


__all__ = ["Host", "METHOD_INPUTS"]
