"""Storage facts: block devices, mounts, fstab, swap areas, disk image headers."""
import re

from kbcheck.errors import ParseError, Unreadable
from kbcheck.facts.core import _Raise, cached
from kbcheck.parsers import image as image_parser
from kbcheck.parsers import kernel


class StorageFacts(object):
    @cached
    def block_devices(self):
        """[{'name', 'scheduler', 'schedulers', 'rotational', 'removable', 'virtual'}] for whole disks.

        Partitions, loop, ram, zram, dm-, md and sr devices are left out (they have no elevator of
        their own or do not matter here); loop/nbd attachment is in host.loop_devices."""
        out = []
        for name in self.listdir("/sys/block"):
            if re.match(r"^(loop|ram|zram|dm-|md|sr|nbd|fd)\d*", name):
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

    @cached
    def mounts(self):
        return self.parse("/proc/mounts", kernel.mounts) or []

    @cached
    def fstab(self):
        return self.parse("/etc/fstab", kernel.mounts) or []

    @cached
    def swaps(self):
        t = self.read("/proc/swaps")
        return kernel.swaps(t) if t is not None else None

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
        v = self._bytes[key]
        if isinstance(v, _Raise):
            raise v.exc
        return v
