"""Which steps a fix script has: one per failing entry, one per guest where the fix names the
guest (GUEST), one per device or mount point where it names one (DEVICE, POINT); waived failures and failures
without a fix are left out with the reason. Then each step's code, ready for the script: the
snippets prepared for the dry run (kbcheck.fixroot), the subject filled in (kbcheck.shellquote),
a guest's definition saved before virsh changes it, or the reason it is not run."""
import re

from kbcheck import fixroot, fixview, shellquote
from kbcheck import placeholders as placeholders_mod

INTERACTIVE = re.compile(r"\b(virsh(\s+-c\s+\S+)?\s+edit|crontab\s+-e|yast2?|vi|vim|nano)\b")
# virsh commands that change a guest's definition or state: its definition is saved first
VIRSH_CHANGES = re.compile(r"\bvirsh(\s+-c\s+\S+)?\s+(memtune|setvcpus|vcpupin|emulatorpin|iothreadpin|numatune|"
                           r"setmem|setmaxmem|define|undefine|attach-\w+|detach-\w+|update-device|autostart|"
                           r"domrename|blkiotune|schedinfo|desc|metadata|set-user-password)\b")
# placeholders kbcheck fills in from a result's subject, and the kind of value each stands for
FILLED = {"GUEST": "guest", "DEVICE": "device", "POINT": "path"}


class Step(object):
    __slots__ = ("entry", "variant", "placeholder", "subject", "results")

    def __init__(self, entry, variant, placeholder, subject, results):
        self.entry, self.variant, self.placeholder, self.subject, self.results = (
            entry, variant, placeholder, subject, results)

    @property
    def label(self):
        return self.entry.id + (" [%s]" % shellquote.visible(self.subject) if self.subject is not None else "")

    def code(self):
        return "\n".join(self.variant.get(k) or "" for k in ("runtime", "persistent"))


def plan(results, era, roles=None):
    """results: a Report's results (each with its entry and waiver) -> ([Step], [(entry, result,
    why left out)])."""
    steps, by_entry, left_out = [], {}, []
    for r in results:
        e = r.entry
        if r.status != "fail":
            continue
        if r.waiver is not None:
            w = r.waiver
            left_out.append((e, r, "waived until %s: %s" % (w.expires.isoformat(), w.reason)))
            continue
        v = fixview.variant(e, era, roles)
        if not v:
            left_out.append((e, r, "the entry has no fix for %s" % era))
            continue
        words = placeholders_mod.find(Step(e, v, None, None, []).code())
        if e.scope == "guest" and r.subject is not None and "GUEST" in words:
            steps.append(Step(e, v, "GUEST", r.subject, [r]))
        elif r.subject and r.subject.startswith("/dev/") and "DEVICE" in words:
            steps.append(Step(e, v, "DEVICE", r.subject, [r]))  # one step per device
        elif r.subject and r.subject.startswith("/") and "POINT" in words:
            steps.append(Step(e, v, "POINT", r.subject, [r]))  # one step per mount point
        elif e.id in by_entry:
            by_entry[e.id].results.append(r)
        else:
            step = by_entry[e.id] = Step(e, v, None, None, [r])
            steps.append(step)
    return steps, left_out


def _fill(code, step):
    if step.placeholder is None:
        return code
    return shellquote.fill(code, step.placeholder, step.subject, FILLED[step.placeholder])


def build(step):
    """-> (body lines, backups, reason): the step's commands for the script, the files to save
    first, and the reason it is not run (None when it runs)."""
    v = step.variant
    code = step.code()
    body, named = [], []
    try:
        for key, label in (("runtime", "now (runtime)"), ("persistent", "for the next boots (persistent)")):
            snippet = v.get(key)
            if not snippet or not snippet.strip():
                continue
            prepared, paths = fixroot.prepare(snippet.rstrip("\n") + "\n")
            named.extend(paths)
            body.append("# %s" % label)
            body.append(_fill(prepared, step).rstrip("\n"))
        if step.placeholder == "GUEST" and VIRSH_CHANGES.search(code):
            body.insert(0, "kb_save_domain %s" % shellquote.word(step.subject))
    except shellquote.Unsafe as e:
        return [], [], "left out: %s" % e
    except fixroot.Unsupported as e:
        return [], [], "its commands cannot run under the dry run's rules (%s)" % e
    files = list(v.get("files") or [])
    backups = []
    for p in files + named:
        if p.startswith(("/etc/", "/boot/")) and not any(ch in p for ch in "*?[$") and p not in backups:
            backups.append(p)
    if not body:
        return [], backups, None
    if INTERACTIVE.search(code):
        return body, backups, "interactive: run it by hand"
    left = placeholders_mod.find(code)
    if step.placeholder:
        left = [w for w in left if w != step.placeholder]
    if left:
        return body, backups, "replace %s with the right value first" % ", ".join(left)
    return body, backups, None


def by_hand(step):
    """The step's commands for a person to finish: the snippets with the subject filled in where
    it can be made safe."""
    out = []
    for key in ("runtime", "persistent"):
        snippet = step.variant.get(key)
        if snippet and snippet.strip():
            text, _ = fixview.filled(snippet.rstrip(), step.subject, step.placeholder or "GUEST",
                                     FILLED.get(step.placeholder, "guest"))
            out.append(text)
    return "\n".join(out)
