"""The knowledge base's areas: the guide's chapters, their titles and their order.

One place for both outputs: the site's area pages and navigation, and the runner's catalog
(entries in guide order, each with its area's title for the text report)."""

AREA_TITLES = {
    "process": "Before you change anything", "libvirt": "Management with libvirt", "memory": "Memory",
    "swap": "Swap", "io": "I/O", "storage": "Storage and file systems", "cpu": "CPUs", "numa": "NUMA",
    "images": "Guest images", "guest-devices": "Guest devices", "guest-settings": "Guest settings",
    "xen": "Xen", "containers": "Containers", "boot": "Boot configuration", "conversion": "Converting guests",
}


def area_title(area):
    return AREA_TITLES.get(area, area.replace("-", " ").capitalize())


def section_key(section):
    """'4.1.10' -> (4, 1, 10): guide order, not string order."""
    out = []
    for part in str(section).split("."):
        try:
            out.append(int(part))
        except ValueError:
            out.append(0)
    return tuple(out)


def areas_in_guide_order(model):
    """-> [(area, [entries in section order])], areas ordered by their first section in the guide."""
    by_area = {}
    for e in model.entries:
        by_area.setdefault(e["area"], []).append(e)
    for es in by_area.values():
        es.sort(key=lambda e: (section_key(e["section"]), e["id"]))
    return sorted(by_area.items(), key=lambda kv: (section_key(kv[1][0]["section"]), kv[0]))
