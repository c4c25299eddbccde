"""`dmidecode` output (a supportconfig's hardware.txt, a sosreport's sos_commands/hardware/dmidecode)
read as the files of /sys/class/dmi/id that it shows.

dmidecode prints a structure as "Handle 0x0100, DMI type 1, 27 bytes", its name on the next line
("System Information"), then one tab-indented "Field: value" line per field."""
from kbcheck.errors import ParseError

# /sys/class/dmi/id/<name> -> (dmidecode section, field)
FIELDS = {"sys_vendor": ("System Information", "Manufacturer"),
          "product_name": ("System Information", "Product Name"),
          "product_version": ("System Information", "Version"),
          "bios_vendor": ("BIOS Information", "Vendor"),
          "bios_version": ("BIOS Information", "Version")}


def value(out, name):
    """`dmidecode` output -> the text of /sys/class/dmi/id/<name> (a name of FIELDS); None when
    dmidecode shows no such field, or shows it "Not Specified" (an empty SMBIOS string: the
    kernel offers no file)."""
    if not isinstance(out, str):
        raise ParseError("dmidecode output must be a str, not %s" % type(out).__name__)
    want_section, want_field = FIELDS[name]
    section = None
    for line in out.splitlines():
        if not line.strip():
            continue
        if not line[0].isspace():
            section = line.strip()
            continue
        if section == want_section:
            k, sep, v = line.strip().partition(":")
            if sep and k.strip() == want_field:
                v = v.strip()
                return v + "\n" if v and v != "Not Specified" else None
    return None
