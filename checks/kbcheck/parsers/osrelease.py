"""/etc/os-release and the SLE 11 /etc/SuSE-release -> a product description. Linear in the
input (kbcheck.parsers.shellwords, not shlex); version numbers are ASCII digits only."""
import re

from kbcheck.errors import ParseError
from kbcheck.parsers.shellwords import split

_DIGITS = re.compile(r"^[0-9]{1,9}$")


def _int(text):
    """A version's number part -> int, or None (not only ASCII digits: "²" is a digit to isdigit)."""
    return int(text) if _DIGITS.match(text) else None


def os_release(text):
    out = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        k, _, v = line.partition("=")
        try:
            parts = split(v)
            v = parts[0] if parts else ""
        except ValueError:
            v = v.strip("\"'")
        out[k.strip()] = v
    if not out:
        raise ParseError("no KEY=value lines")
    return out


def suse_release(text):
    """'SUSE Linux Enterprise Server 11 (x86_64)\\nVERSION = 11\\nPATCHLEVEL = 4' -> dict."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise ParseError("empty SuSE-release")
    out = {"NAME": lines[0].strip()}
    for line in lines[1:]:
        if "=" in line:
            k, _, v = line.partition("=")
            out[k.strip().upper()] = v.strip()
    if "VERSION" not in out:
        raise ParseError("no VERSION line in SuSE-release")
    return out


def product(osr=None, suse=None):
    """-> dict(product='sle11'|'sle12'|'sle15'|'other', version='12', sp=5, name='...').

    /etc/os-release wins where it exists (SLE 12 and later); SLE 11 has only SuSE-release.
    """
    if osr:
        name = osr.get("PRETTY_NAME") or osr.get("NAME", "")
        ver = osr.get("VERSION_ID", "")
        major, _, minor = ver.partition(".")
        ident = osr.get("ID", "")
        like = osr.get("ID_LIKE", "")
        is_sle = ident in ("sles", "sled", "sle_hpc", "sles_sap") or "SUSE Linux Enterprise" in name
        prod = "other"
        if is_sle and major in ("11", "12", "15", "16"):
            prod = "sle" + major
        elif "suse" in ident or "suse" in like:
            prod = "suse-other"
        sp = _int(minor) or 0
        return {"product": prod, "version": ver, "sp": sp, "name": name, "id": ident}
    if suse:
        ver = suse.get("VERSION", "")
        sp = suse.get("PATCHLEVEL", "0")
        name = suse.get("NAME", "")
        prod = "sle" + ver if ("SUSE Linux Enterprise" in name and ver in ("10", "11", "12")) else "suse-other"
        base = name.split(" (")[0]
        if _int(sp):
            base += " SP" + sp
        return {"product": prod, "version": ver + ("." + sp if sp and sp != "0" else ""),
                "sp": _int(sp) or 0, "name": base, "id": "sles"}
    return {"product": "unknown", "version": "", "sp": 0, "name": "", "id": ""}
