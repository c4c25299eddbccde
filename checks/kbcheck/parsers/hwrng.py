"""The kernel's hardware RNG state, as sysfs shows it in a guest:
/sys/devices/virtual/misc/hw_random/{rng_available,rng_current,rng_quality} and the rng_core
module parameters (current_quality, default_quality)."""
from kbcheck.errors import ParseError


def state(available=None, current=None, quality=None):
    """Texts of those files (None when absent) -> {'available': [names], 'current': name or None,
    'quality': int or None}. 'none' as rng_current means no generator is selected."""
    for t in (available, current, quality):
        if t is not None and not isinstance(t, str):
            raise ParseError("sysfs values must be text")
    cur = (current or "").strip() or None
    if cur == "none":
        cur = None
    q = None
    if quality is not None and quality.strip():
        v = quality.strip()
        if not v.isdigit() or len(v) > 5:
            raise ParseError("not an entropy quality (0-1024): %r" % v[:20])
        q = int(v)
    return {"available": (available or "").split(), "current": cur, "quality": q}
