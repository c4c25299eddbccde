"""Specs of disks, file systems, swap and the boot loader.

sos plugins cited: block (/sys/block/*/queue/scheduler in 3.x, /sys/block/*/queue/ and loop*/loop/ in
4.x, lsblk), filesys (/proc/mounts, /proc/self/mounts, /proc/[0-9]*/mountinfo, /etc/fstab, mount -l;
sos 3.6 lost /proc/mounts to a missing comma in its list), memory (/proc/swaps, free, swapon),
boot (ls -lanR /boot), grub2 (/etc/default/grub, /boot/grub2/grub.cfg), nfs, networking (/proc/net).
supportutils: fs-diskio.txt (/proc/mounts, /etc/fstab, mount, ls -l /sys/block, and from 3.1
grep '' /sys/block/*/queue/scheduler), memory.txt and basic-health-check.txt (free -k), boot.txt
(menu.lst, /etc/default/grub, grub.cfg, /proc/cmdline, /etc/sysconfig/kernel, SLE 11's /etc/inittab,
ls -lR /boot), proc.txt (/proc/net, and every file directly under /proc until 3.1.11-28).
"""
from kbcheck.specs.model import ETC_CONF, OLD, PATH, S12, SOS, SOS4, TOP_OF_PROC, C, F, Spec, cmd, conf, listed

_TOP = ("proc.txt", TOP_OF_PROC, PATH, OLD, None)
_SCHED = [cmd("fs-diskio.txt", "grep '' /sys/block/*/queue/scheduler", ("sle15",)),
          cmd("fs-diskio.txt", "grep . /sys/block/*/queue/scheduler", ("sle15",))]

SPECS = [
    Spec("block_queues", "the disks and their I/O queues: /sys/block/DISK/queue (scheduler, rotational)",
         F("/sys/block/*/queue/scheduler", sos=SOS, scc=_SCHED),
         F("/sys/block/*", sos=SOS4, scc=_SCHED + [cmd("fs-diskio.txt", "ls -l --time-style=long-iso /sys/block/")]),
         facts=("block_devices", "udev_scheduler")),
    Spec("mounts", "the mount table: /proc/mounts, else a process's mountinfo or `mount -l`",
         F("/proc/mounts", sos=SOS4, scc=[conf("fs-diskio.txt"), conf("proc.txt")]),
         F("/proc/self/mounts", sos=SOS),
         F("/proc/[0-9]*/mountinfo", sos=SOS),
         C("mount -l", sos_file=None),
         C("mount", sos=(), scc=[cmd("fs-diskio.txt", "mount")]),
         facts=("mounts",)),
    Spec("fstab", "the file systems mounted at boot: /etc/fstab",
         F("/etc/fstab", scc=[conf("fs-diskio.txt"), conf("mpio.txt")]),
         F("/etc/mtab", scc=[conf("fs-diskio.txt")]),
         facts=("fstab",)),
    Spec("swaps", "the active swap areas: /proc/swaps (else the totals of `free -k`)",
         F("/proc/swaps", scc=[_TOP]),
         C("swapon --summary --verbose", sos=SOS),
         C("free -k", sos=(), scc=[cmd("memory.txt", "free -k"), cmd("basic-health-check.txt", "free -k")],
           partial="the total only (free -k), not the swap areas"),
         C("free", sos_file="/free", partial="the total only (free), not the swap areas"),
         facts=("swaps",)),
    Spec("disk_images", "the headers of guest disk images (qcow2 backing files, cluster size)",
         F("/var/lib/libvirt/images/*", sos=()),
         facts=("image_header",)),
    Spec("nfs_stats", "NFS client and server statistics: /proc/net/rpc/nfs, nfsd",
         F("/proc/net/rpc/*", sos=SOS),
         facts=("nfs_client", "nfs_server")),
    Spec("net_addresses", "the host's IPv4 addresses and routes: /proc/net/fib_trie, /proc/net/route",
         F("/proc/net/*", sos=SOS, scc=[listed("proc.txt")]),
         facts=("ipv4_addresses",)),
    Spec("net_devices", "network devices and their drivers: /sys/class/net",
         F("/sys/class/net/*")),
    Spec("grub", "the boot loader's configuration: /etc/default/grub and grub.cfg (GRUB 2), menu.lst (GRUB legacy)",
         F("/etc/default/grub", scc=[conf("boot.txt", S12), listed("env.txt")]),
         F("/etc/default/*", scc=[listed("env.txt")]),
         F("/boot/grub/menu.lst", scc=[conf("boot.txt")]),
         F("/boot/grub2/grub.cfg", scc=[conf("boot.txt", S12)]),
         facts=("default_grub", "menu_lst", "boot_cmdline", "boot_xen_cmdline", "grub_cfg")),
    Spec("boot_files", "the kernels and initrds in /boot",
         F("/boot/*", sos=()),
         C("ls -lR --time-style=long-iso /boot/", sos=(), scc=[cmd("boot.txt", "ls -lR --time-style=long-iso /boot/")]),
         C("ls -lanR /boot", scc=()),
         facts=("boot_files",)),
    Spec("dracut", "what dracut puts into the initrd: /etc/dracut.conf, /etc/dracut.conf.d",
         F("/etc/dracut.conf.d/*", scc=[conf("boot.txt"), ETC_CONF]),
         F("/etc/dracut.conf", scc=[conf("boot.txt"), ETC_CONF]),
         facts=("dracut_drivers",)),
    Spec("sysconfig", "SUSE's /etc/sysconfig settings (kernel, nfs, xencommons, ...)",
         F("/etc/sysconfig/kernel", scc=[conf("boot.txt"), listed("sysconfig.txt")]),
         F("/etc/sysconfig/*", scc=[listed("sysconfig.txt")]),
         facts=("sysconfig",)),
    Spec("partitions", "the block devices the kernel knows: /proc/partitions",
         F("/proc/partitions", scc=[conf("fs-diskio.txt"), _TOP])),
    Spec("proc_misc", "other files directly under /proc (zoneinfo, vmstat, buddyinfo)",
         F("/proc/zoneinfo", scc=[conf("memory.txt"), conf("proc.txt")]),
         F("/proc/vmstat", scc=[conf("memory.txt"), _TOP]),
         F("/proc/buddyinfo", scc=[conf("memory.txt"), _TOP])),
]
