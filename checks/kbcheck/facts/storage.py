"""Storage facts: block devices, mounts, fstab, swap areas, disk image headers."""
import re

from kbcheck.errors import CommandFailed, NotCollected, ParseError, Unreadable
from kbcheck.facts.core import _Raise, fact
from kbcheck.parsers import free as free_parser
from kbcheck.parsers import image as image_parser
from kbcheck.parsers import kernel
from kbcheck.parsers import mounts as mounts_parser

# the mount tables, in the order they are tried: the kernel's, then a process's (sos 3.6 lost
# /proc/mounts but copied /proc/[0-9]*/mountinfo), then the output of mount(8) an archive kept
MOUNT_FILES = (("/proc/mounts", kernel.mounts), ("/proc/self/mounts", kernel.mounts),
               ("/proc/1/mountinfo", mounts_parser.mountinfo), ("/proc/self/mountinfo", mounts_parser.mountinfo))
MOUNT_COMMANDS = ("mount -l", "mount")


def _show_disks(disks):
    return "; ".join("%s: %s%s" % (d["name"], d["scheduler"] or "no scheduler",
                                   " (rotational)" if d["rotational"] else "") for d in disks) or "no disks"


def _show_mounts(ms):
    kinds = sorted(set(m.fstype for m in ms if m.fstype in ("nfs", "nfs4", "hugetlbfs", "tmpfs", "cifs")))
    return "%d mounts%s" % (len(ms), (" (%s)" % ", ".join(
        "%s on %s" % (m.fstype, m.mountpoint) for m in ms if m.fstype in kinds)[:200]) if kinds else "")


def _show_swaps(swaps):
    if swaps is None:
        return "no /proc/swaps"
    return ", ".join("%s %d kB (%d used)" % (s["name"], s["size_kb"], s["used_kb"]) for s in swaps) or "no swap"


class StorageFacts(object):
    @fact("block_queues", show=_show_disks)
    def block_devices(self):
        """[{'name', 'scheduler', 'schedulers', 'rotational', 'removable', 'virtual'}] for whole disks.

        Partitions, loop, ram, zram, dm-, md and sr devices are left out (they have no elevator of
        their own or do not matter here); loop/nbd attachment is in host.loop_devices."""
        out = []
        for name in self.listdir("/sys/block"):
            if re.match(r"^(loop|ram|zram|dm-|md|sr|nbd|fd)[0-9]*", name):
                continue
            base = "/sys/block/" + name
            line = self.value(base + "/queue/scheduler")
            cur, avail = None, []
            if line:
                try:
                    cur, avail = kernel.scheduler(line)
                except ParseError:
                    raise Unreadable(base + "/queue/scheduler", "cannot parse %r" % line)
            rot = self._optional(base + "/queue/rotational")
            rem = self._optional(base + "/removable")
            out.append({"name": name, "scheduler": cur, "schedulers": avail,
                        "rotational": rot == "1" if rot is not None else None,
                        "removable": rem == "1",
                        "virtio": name.startswith("vd")})
        return out

    @fact("mounts", show=_show_mounts)
    def mounts(self):
        """[Mount] of the first mount table the source holds: /proc/mounts, else a process's
        mountinfo, else `mount -l` / `mount` output. NotCollected when it holds none."""
        tried = []
        for path, parser in MOUNT_FILES:
            try:
                got = self.parse(path, parser)
            except NotCollected:
                tried.append(path)
                continue
            if got:
                return got
            tried.append(path)
        for name in MOUNT_COMMANDS:
            try:
                text = self.command(name)
            except (NotCollected, CommandFailed):
                tried.append("`%s`" % name)
                continue
            if text and text.strip():
                try:
                    return mounts_parser.mount_output(text)
                except ParseError as e:
                    raise Unreadable(name, "cannot parse: %s" % e)
        raise NotCollected("the mount table", "not in this copy (no %s)" % ", ".join(tried))

    @fact("fstab", show=lambda ms: "%d entries" % len(ms))
    def fstab(self):
        return self.parse("/etc/fstab", kernel.mounts) or []

    @fact("swaps", show=_show_swaps)
    def swaps(self):
        """[{'name', 'type', 'size_kb', 'used_kb'}] from /proc/swaps; where the copy holds no
        /proc/swaps but `free -k` (supportconfig) or `free` (sos), one entry 'name': 'swap (total
        from free -k)' with free's totals, or [] when free shows none. None without either."""
        failed = None
        try:
            t = self.read("/proc/swaps")
            if t is not None:
                return kernel.swaps(t)
        except NotCollected as e:
            failed = e
        for name in ("free -k", "free"):
            try:
                text = self.command(name)
            except (NotCollected, CommandFailed):
                continue
            try:
                total, used = free_parser.swap_totals(text or "")
            except ParseError:
                continue
            return [{"name": "swap (the total `%s` shows)" % name, "type": "total", "size_kb": total,
                     "used_kb": used}] if total else []
        if failed is not None:
            raise failed
        return None

    def image_header(self, path):
        """The header facts of a disk image file (kbcheck.parsers.image.header), None when the file
        does not exist. Reads the first 64 KiB only. Archives raise NotCollected; a block device
        or a garbled qcow2 header raises Unreadable."""
        key = ("image", path)
        if key not in self._bytes:
            data = self.read_bytes(path, 65536)
            try:
                self._bytes[key] = image_parser.header(data) if data is not None else None
            except ParseError as e:
                self._bytes[key] = _Raise(Unreadable(path, "not a usable image header: %s" % e))
        else:
            self.read_bytes(path, 65536)  # (cached: puts the read on the trail of this probe call)
        v = self._bytes[key]
        if isinstance(v, _Raise):
            raise v.exc
        return v
