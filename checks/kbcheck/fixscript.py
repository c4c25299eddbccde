"""`kbcheck fix --script FILE`: a bash script, for review before it runs, that applies the product's
fix for every failure found on the judged host. kbcheck never runs it.

The script
- takes each entry's fix variant for the host (kbcheck.fixview: fix.sle11 / fix.sle12, else
  fix.all; the -guest variants inside a guest);
- runs each step in a shell of its own (kbcheck.fixshell): it saves every existing file the step
  changes (the entry's `files`, plus files under /etc and /boot that its commands name) as
  FILE.kbcheck-YYYYmmddHHMMSS, once per run, saves a guest's definition (`virsh dumpxml
  --inactive`) before a virsh command changes it, then runs the runtime commands (change now)
  and the persistent ones (survive a reboot) with `set -e`; a failed step is reported and the
  others go on;
- fills GUEST with the guest's name for guest-scope results (one step per guest) and DEVICE with
  the device for results whose subject is a /dev path, each as one single-quoted word
  (kbcheck.shellquote); a value that cannot be made safe leaves its step out, saying why;
- comments out, for a person to finish, steps that are interactive (`virsh edit`) or still hold
  a placeholder (kbcheck.placeholders);
- ends by saying what needs a host reboot, which guests need a restart, and exits 0 when every
  step went through, 1 otherwise.

Every value from the judged host (names, paths, messages, the hostname, the source) reaches the
script only inside quoted here-documents whose delimiter carries a random token: in the
commands as single-quoted words, in the comments made visible (control characters escaped).
KBCHECK_FIX_ROOT runs the script as a dry run on a copied tree: see kbcheck.fixroot.
"""
import time

from kbcheck import __version__
from kbcheck import fixshell, fixsteps, fixview
from kbcheck.fixroot import reroot  # noqa: F401  (kept importable from here)
from kbcheck.fixshell import LIVE_COMMANDS  # noqa: F401
from kbcheck.fixview import variant  # noqa: F401
from kbcheck.shellquote import comment, delimiter, visible, word

RULE = "# " + "-" * 94


def _about(host_info, host, now, kb_version, name, left_out):
    lines = ["# Written by kbcheck %s (knowledge base %s) on %s" % (
        __version__, kb_version or "?", time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now))),
        "# for host %s (%s, read from %s %s)." % (
            visible(host), visible(host_info.get("product_name") or host_info.get("product") or "?"),
            visible(host_info.get("source") or "?"), visible(host_info.get("location") or "")),
        "#",
        "# REVIEW THIS SCRIPT BEFORE YOU RUN IT. kbcheck never runs it. Then, as root:  bash %s" % visible(name),
        "#",
        "# Each step runs in a shell of its own: it first saves the files it changes as",
        "# FILE.kbcheck-<timestamp> (and a guest's definition before virsh changes it), then applies the",
        "# change now (runtime) and for the next boots (persistent). Steps can be run again safely.",
        "# In the steps, kb_to FILE writes its input to FILE (kb_to -a appends) and >&9 discards output:",
        "# the same text runs on this host and in the dry run.",
        "# KBCHECK_FIX_ROOT=/some/dir bash %s is a dry run on a copied root tree: paths are redirected" % visible(name),
        "# under it, each step runs in a restricted shell that can only use file tools on files inside it,",
        "# sysctl -w writes into its /proc/sys, and every other command is skipped with a message.",
        "# Values read from the judged host appear only as single-quoted words or escaped comments."]
    if left_out:
        lines += ["#", "# Failures this script does not touch:"]
        for e, r, why in left_out:
            lines.append("#   %s%s: %s" % (e.id, " [%s]" % visible(r.subject) if r.subject else "", visible(why)))
    return "\n".join(lines)


def _header(n, total, step):
    e = step.entry
    out = [RULE, "# [%d/%d] %s: %s" % (n, total, step.label, e.title),
           "#   severity %s; guide section %s; covers %s; kbcheck explain %s" % (
               e.severity, e.section, ", ".join(e.covers), e.id)]
    for r in step.results:
        subj = " [%s]" % visible(r.subject) if r.subject and step.subject is None else ""
        out.append("#   found%s: %s" % (subj, visible(r.message)))
    if step.variant.get("text"):
        text = step.variant["text"]
        if step.subject is not None:
            text = text.replace(step.placeholder, visible(step.subject))
        out.append(comment(text, "#   ", trusted=True))
    return out


def generate(report, era, now=None, name="kbcheck-fix.sh"):
    """report: a run's kbcheck.results.Report -> (the script's text, steps, failures left out)."""
    host_info, kb_version = report.host, report.kb_version
    now = now if now is not None else time.time()
    host = host_info.get("hostname") or "unknown"
    steps, left_out = fixsteps.plan(report.results, era, host_info.get("roles"))
    about = _about(host_info, host, now, kb_version, name, left_out)
    out = [fixshell.start(about, delimiter("ABOUT", about), visible(host), delimiter("HOST", host))]
    reboot, guests, services, manual_reboot, manual_guests = [], [], [], [], []
    total = len(steps)
    for n, step in enumerate(steps, 1):
        e, v = step.entry, step.variant
        header = _header(n, total, step)
        body, backups, reason = fixsteps.build(step)
        needs = v.get("needs") or "none"
        who = _restart_subjects(step, host_info.get("roles"))
        if not body and reason is None:
            out.append(_note("\n".join(header + ["# (no commands: a step for a person; see the text above)"])))
            continue
        if reason:
            note = "\n".join(header + ["# NOT RUN (%s); edit and run by hand:" % visible(reason),
                                       comment(fixsteps.by_hand(step), "#   ", trusted=True)])
            out.append(_note(note))
            if needs == "reboot":
                manual_reboot.append(visible(step.label))
            elif needs == "guest-restart":
                manual_guests.extend(who)
            continue
        lines = header + ["kb_step %s %s %s" % (word("%d/%d" % (n, total)), word(step.label), word(e.title))]
        if backups:
            lines.append("kb_backup %s" % " ".join('"$KBCHECK_FIX_ROOT"%s' % word(p) for p in backups))
        mk = [p for p in (v.get("files") or []) if p.startswith("/etc/")]
        if mk:
            lines.append("kb_mkdirs %s" % " ".join('"$KBCHECK_FIX_ROOT"%s' % word(p) for p in mk))
        text = "\n".join(lines + body)
        tag = delimiter("STEP_%d" % n, text)
        out.append("kb_run %d <<'%s'\n%s\n%s\n" % (n, tag, text, tag))
        if needs == "reboot" and e.id not in reboot:
            reboot.append(e.id)
        elif needs == "guest-restart":
            guests.extend(w for w in who if w not in guests)
        elif needs == "service-restart" and e.id not in services:
            services.append(e.id)
    tail = _summary(reboot, guests, services, manual_reboot, manual_guests)
    out.append(RULE)
    out.append(fixshell.end(tail, delimiter("END", "\n".join(tail))))
    return "\n".join(out), len(steps), len(left_out)


def _note(note):
    """Comments for a person, kept out of the code: a here-document that is never run."""
    tag = delimiter("NOTE", note)
    return ": <<'%s'\n%s\n%s\n" % (tag, note, tag)


def _restart_subjects(step, roles=None):
    """What the closing summary asks to restart for a guest-restart step: this machine when it is
    a guest, the guest of a guest step, else the guests concerned by the host's subjects (a mount
    point, a file), by entry. A host's disk, NIC or mount point is never named as a guest."""
    e = step.entry
    if fixview.on_guest(roles):
        return ["this guest, from its host (%s)" % e.id]
    if step.placeholder == "GUEST":
        return ["%s (%s)" % (visible(step.subject), e.id)]
    if e.scope == "guest":
        return ["%s (%s)" % (visible(r.subject), e.id) for r in step.results if r.subject] or [
            "the guests of %s" % e.id]
    subjects = [visible(r.subject) for r in step.results if r.subject]
    return ["the guests that use %s (%s)" % (", ".join(subjects), e.id) if subjects else "the guests of %s" % e.id]


def _summary(reboot, guests, services, manual_reboot, manual_guests):
    tail = []
    if reboot:
        tail.append("Reboot the host for: %s" % ", ".join(reboot))
    if guests:
        tail.append("Restart these guests (shut down, then start; a reboot from inside is not enough): %s"
                    % ", ".join(guests))
    if services:
        tail.append("Restart the services named in these steps: %s" % ", ".join(services))
    if not tail:
        tail.append("Nothing this script changed needs a reboot or a guest restart.")
    later = []
    if manual_reboot:
        later.append("reboot the host (%s)" % ", ".join(manual_reboot))
    if manual_guests:
        seen = []
        for g in manual_guests:
            if g not in seen:
                seen.append(g)
        later.append("restart these guests: %s" % ", ".join(seen))
    if later:
        tail.append("After the steps marked NOT RUN, once you have done them by hand: %s" % "; ".join(later))
    tail.append("Then check again: kbcheck")
    return tail


__all__ = ["generate", "reroot", "variant", "LIVE_COMMANDS", "fixview"]
