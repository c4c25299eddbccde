"""Boot configuration: /etc/default/grub (SLE 12, GRUB 2), /boot/grub/menu.lst (SLE 11, GRUB legacy)
and the entries grub2-mkconfig wrote to grub.cfg. Linear in the input (kbcheck.parsers.shellwords,
not shlex)."""
import re

from kbcheck.errors import ParseError
from kbcheck.parsers.kernel import cmdline
from kbcheck.parsers.shellwords import split


def default_grub(text):
    """/etc/default/grub (shell assignments) -> {VAR: value}; later assignments win."""
    out = {}
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith("#") or "=" not in s:
            continue
        if s.startswith("export "):
            s = s[7:].strip()
        k, _, v = s.partition("=")
        k = k.strip()
        if not k.replace("_", "").isalnum():
            continue
        try:
            parts = split(v, comments=True)
            v = " ".join(parts)
        except ValueError:
            v = v.strip().strip("\"'")
        out[k] = v
    return out


def menu_lst(text):
    """/boot/grub/menu.lst -> {'default': int, 'entries': [{'title', 'kernel', 'args': Cmdline,
    'xen': bool, 'xen_args': Cmdline or None}]}. For a Xen entry, `kernel` is the hypervisor line
    (xen.gz) and the Linux kernel is the first `module` line."""
    default = 0
    entries = []
    cur = None
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        parts = re.split(r"[\s=]+", s, maxsplit=1)
        word = parts[0].lower()
        rest = parts[1].strip() if len(parts) > 1 else ""
        if word == "default" and cur is None:
            try:
                default = int(rest.split()[0])
            except (ValueError, IndexError):
                default = 0
        elif word == "title":
            cur = {"title": rest, "kernel": None, "args": cmdline(""), "xen": False, "xen_args": None}
            entries.append(cur)
        elif cur is not None and word == "kernel":
            parts = rest.split(None, 1)
            image = parts[0] if parts else ""
            args = cmdline(parts[1] if len(parts) > 1 else "")
            cur["kernel"] = image
            if image.rsplit("/", 1)[-1].startswith("xen"):  # xen.gz, xen-4.4.gz; not vmlinuz-*-xen
                cur["xen"] = True
                cur["xen_args"] = args
            else:
                cur["args"] = args
        elif cur is not None and word == "module" and cur["xen"] and cur.get("linux") is None:
            parts = rest.split(None, 1)
            cur["linux"] = parts[0] if parts else ""
            cur["args"] = cmdline(parts[1] if len(parts) > 1 else "")
    return {"default": default, "entries": entries}


def linux_line(variables, xen_dom0=False):
    """The parameters grub2-mkconfig gives the Linux kernel, from /etc/default/grub's variables ->
    (text, [variable names used]). Normal entries (10_linux) get GRUB_CMDLINE_LINUX and
    GRUB_CMDLINE_LINUX_DEFAULT; the Domain-0 kernel of a Xen entry (20_linux_xen) gets
    GRUB_CMDLINE_LINUX_XEN_REPLACE and GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT instead of them
    where those are set (non-empty), as SLE 12's and upstream GRUB's 20_linux_xen do."""
    names = []
    for base in ("GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT"):
        name = base
        if xen_dom0:
            replace = base.replace("GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_XEN_REPLACE")
            if variables.get(replace, "").strip():
                name = replace
        names.append(name)
    return " ".join(variables.get(n, "") for n in names).strip(), names


def cfg_lines(text):
    """grub.cfg (what grub2-mkconfig wrote) -> {'linux': [...], 'module': [...], 'multiboot': [...]}:
    the kernel lines of its entries (linux/linuxefi/linux16), the Linux kernel lines of Xen entries
    (module/module2 naming a vmlinu[xz]) and the hypervisor lines (multiboot/multiboot2 naming xen)."""
    if not isinstance(text, str):
        raise ParseError("grub.cfg must be text")
    out = {"linux": [], "module": [], "multiboot": []}
    for line in text.splitlines()[:200000]:
        s = line.strip()
        word = s.split(None, 1)[0] if s else ""
        if word in ("linux", "linuxefi", "linux16"):
            out["linux"].append(s)
        elif word in ("module", "module2") and "vmlinu" in s:
            out["module"].append(s)
        elif word in ("multiboot", "multiboot2") and "xen" in s:
            out["multiboot"].append(s)
    return out
