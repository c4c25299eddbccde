"""A SUSE supportconfig archive (scc_<host>_<yymmdd>_<hhmm>.txz, older nts_*.tbz/.tgz) or its
extracted directory, read as a Source.

supportconfig does not copy files: it writes flat text files (memory.txt, proc.txt, ...) made of
sections (see kbcheck.parsers.supportconfig_sections). Every host path or command the facts layer asks for
is looked up through ONE table, LOCATIONS (kbcheck.sources.supportconfig_locations), of where
each collector era put it; nothing is found by "first section that matches anywhere". Four states
of evidence are kept apart:

  * a real value                        -> the text
  * collected, absent on the host       -> None  ("# /path - File not found", or a complete
                                           listing that does not name it)
  * never collected by this version     -> errors.NotCollected
  * the command failed on the host      -> errors.CommandFailed
"""
import fnmatch
import os
import re
import tempfile

from kbcheck.errors import CommandFailed, NotCollected, Unreadable, UsageError
from kbcheck.parsers import kernel as kernel_parser
from kbcheck.parsers import supportconfig_sections as scp
from kbcheck.parsers import virsh
from kbcheck.sources.base import Source, first_guests, guests
from kbcheck.sources.extract import DEADLINE, MAX_TOTAL, remove_tree, safe_extract
from kbcheck.sources.find import did_you_mean
from kbcheck.sources.supportconfig_archive import candidates, find_top, has_marker, is_supportconfig, read_sections
from kbcheck.sources.supportconfig_locations import (CMD, COMMANDS, CONF, DUMPXML, LISTED, LOCATIONS, SYSTEM,
                                                     VIRSH_CAPS, VIRSH_LIST, VIRT, from_command, ls_names, rule,
                                                     scheduler_listing)

MAX_LISTED = 20   # supportconfigs a folder holds, named in the usage error at most

# -- the registry's protocol (kbcheck.sources) --------------------------------------------------
recognise = is_supportconfig


def open_input(path, timeout=None):
    """The source over --supportconfig PATH. A folder must hold supportconfig's
    basic-environment.txt (or supportconfig.txt), at its top or in the scc_* folder just below
    it; anything else is a usage error naming what the user probably meant. timeout: the run's
    per-read deadline; unpacking a tarball may take 12 times as long (0: no deadline)."""
    if not os.path.exists(path):
        raise UsageError("--supportconfig %s: no such file or directory" % path)
    if os.path.isdir(path) and find_top(path) is None:
        from kbcheck.sources import root
        hint = did_you_mean(candidates(path))
        if not hint and root.recognise(path):
            hint = "; a root tree or sosreport is read with --root %s" % path
        raise UsageError("--supportconfig %s: not a supportconfig (no basic-environment.txt)%s" % (path, hint))
    if os.path.isdir(path) and not has_marker(path):
        found = candidates(path)
        if len(found) > 1:   # which one was meant is the user's to say, never the first by name
            shown = [os.path.basename(p) for p in found[:MAX_LISTED]]
            raise UsageError("--supportconfig %s holds %d supportconfigs: name one of them (%s%s)" % (
                path, len(found), ", ".join(shown), ", ..." if len(found) > MAX_LISTED else ""))
    seconds = DEADLINE if timeout is None else (12 * float(timeout) if timeout else None)
    return SupportconfigSource(path, seconds=seconds)


# -- the source -------------------------------------------------------------------------------
class SupportconfigSource(Source):
    kind = "supportconfig"

    def __init__(self, path, max_total=MAX_TOTAL, seconds=DEADLINE):
        Source.__init__(self)
        self.path = os.path.abspath(path)
        self.label = self.path
        self._tmp = None
        self._dir_fd = None
        self._files = {}     # name -> its sections' Index, or an Evidence to raise
        try:
            self._open(max_total, seconds)
        except BaseException:  # Ctrl-C, SIGTERM and SIGHUP too: the temporary folder goes
            self.close()
            raise

    def _open(self, max_total, seconds):
        if os.path.isdir(self.path):
            top = find_top(self.path)
            self.dir = top or self.path
            self.label = self.dir   # the scc_* folder just below the one named, when that holds it
        elif os.path.isfile(self.path):
            from kbcheck.interrupts import held
            with held():  # the folder is remembered as soon as it exists
                self._tmp = tempfile.mkdtemp(prefix="kbcheck-scc-")
            stopped = safe_extract(self.path, self._tmp, max_total=max_total, notices=self.notices,
                                   seconds=seconds)
            top = find_top(self._tmp)
            if top is None:
                raise Unreadable(self.path, "not a supportconfig archive (no basic-environment.txt inside%s)"
                                 % ("; reading stopped early: %s" % stopped if stopped else ""))
            self.dir = top
        else:
            raise Unreadable(self.path, "no such supportconfig archive or directory")
        try:
            self._dir_fd = os.open(self.dir, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
            self.names = set(n for n in os.listdir(self._dir_fd) if n.endswith(".txt"))
        except OSError as e:
            raise Unreadable(self.path, e.strerror or str(e))

    def close(self):
        if self._dir_fd is not None:
            try:
                os.close(self._dir_fd)
            except OSError:
                pass
            self._dir_fd = None
        if self._tmp:
            remove_tree(self._tmp)
            self._tmp = None

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    @property
    def coverage_id(self):
        """"scc-sle11", "scc-sle12" or "scc-sle15": the collector era that wrote this supportconfig."""
        if not hasattr(self, "_era"):
            from kbcheck.sources.supportconfig_archive import collector_era
            self._era = collector_era(self._dir_fd) if self._dir_fd is not None else "sle15"
        return "scc-" + self._era

    # -- sections ------------------------------------------------------------------------
    def sections(self, name):
        """The sections of one text file, indexed (supportconfig_sections.Index: its sections
        list, first(), under()); None when the archive has no such file. Read once per run."""
        if name not in self.names:
            return None
        if name not in self._files:
            self._files[name] = read_sections(self._dir_fd, name, self.notices)
        v = self._files[name]
        if isinstance(v, Exception):
            raise v
        return v

    def _find(self, name, kind, header):
        """The first section of file `name` with that kind and label (commands: by command_key):
        one lookup in the file's index."""
        index = self.sections(name)
        return index.first(kind, header) if index is not None else None

    # -- read_text ---------------------------------------------------------------------
    def read_text(self, path):
        path = "/" + "/".join(p for p in path.split("/") if p and p != ".")
        pattern, locs = rule(path)
        if locs is None:
            raise NotCollected(path, "supportconfig does not collect this file")
        covered = False
        failure = None
        for fname, kind, tmpl in locs:
            if self.sections(fname) is None:
                continue
            if kind != CMD:
                if fname == "etc.txt" and not re.search(r"(conf|cfg)$", path):
                    continue   # etc.txt lists only /etc files whose names end in conf or cfg
                s = self._find(fname, CONF, path)
                if s is None:
                    # a complete listing that does not name the file: not on the host (a listing
                    # "listed:MARK" is complete when the file holds MARK, as proc.txt before 2022
                    # holds /proc/version with every other file directly under /proc)
                    covered = covered or kind == LISTED or (
                        kind.startswith("listed:") and self._find(fname, CONF, kind[7:]) is not None)
                    continue
                self.located[path] = _where(fname, s)
                return self._conf_value(path, fname, s)
            # a command standing in for a file
            s = self._find(fname, CMD, tmpl)
            if s is None:
                continue
            if s.state in (scp.FAILED, scp.TIMEOUT):
                failure = failure or CommandFailed(path, "%s: `%s` %s on the host" % (
                    fname, tmpl, "was not found" if s.state == scp.FAILED else "timed out"))
                continue
            if s.state == scp.TRUNCATED:
                raise Unreadable(path, "%s is cut short inside `%s`" % (fname, tmpl))
            val, complete = from_command(path, tmpl, s.body)
            if val is not None:
                self.located[path] = _where(fname, s)
                return val
            if complete:
                covered = True
        if failure is not None and not covered:
            raise failure
        if covered:
            return None
        files = sorted(set(l[0] for l in locs))
        raise NotCollected(path, "not in this copy: this supportconfig did not collect it (looked in %s)"
                           % ", ".join(files) if files else "not in this copy: no supportconfig collects it")

    def _conf_value(self, path, fname, s):
        if s.state == scp.ABSENT:
            return None
        if s.state == scp.NOT_TEXT_STATE:
            raise Unreadable(path, "%s: supportconfig excluded it as not a text file" % fname)
        if s.state == scp.TRUNCATED:
            raise Unreadable(path, "%s is cut short inside this file's section" % fname)
        body = s.body
        if path == "/proc/cpuinfo":
            # conf_files deletes blank lines; put back the record separators before each CPU
            body = re.sub(r"\n(?=processor\s*:)", "\n\n", body)
        return body

    # -- listdir -----------------------------------------------------------------------
    def listdir(self, path):
        path = "/" + "/".join(p for p in path.split("/") if p and p != ".")
        prefix = path.rstrip("/") + "/"
        if path == "/sys/block":
            return self._list_sys_block()
        names = set()
        covered = False
        for pattern, locs in LOCATIONS:
            if not pattern.startswith(prefix) and not fnmatch.fnmatchcase(prefix + "x", pattern):
                continue
            for fname, kind, _tmpl in locs:
                secs = self.sections(fname)
                if secs is None or kind == CMD:
                    continue
                if kind == LISTED and pattern == prefix + "*" and fname != "etc.txt":
                    covered = True
                for s in secs.under(prefix):
                    if s.state != scp.ABSENT:
                        rest = s.header[len(prefix):]
                        if rest and "*" not in rest:
                            names.add(rest.split("/", 1)[0])
        if path.startswith("/proc/sys"):
            for fname, label in (("env.txt", "sysctl -a"),):
                s = self._find(fname, CMD, label) if self.sections(fname) is not None else None
                if s is not None and s.state == scp.OK:
                    covered = True
                    sub = path[len("/proc/sys"):].strip("/").replace("/", ".")
                    for k in kernel_parser.sysctl_a(s.body):
                        if not sub or k.startswith(sub + "."):
                            rest = k[len(sub) + 1:] if sub else k
                            names.add(rest.split(".", 1)[0])
        if names:
            return sorted(names)
        if covered:
            return None
        raise NotCollected(path, "this supportconfig did not collect the directory listing")

    def _list_sys_block(self):
        secs = self.sections("fs-diskio.txt")
        if secs is None:
            raise NotCollected("/sys/block", "no fs-diskio.txt in this supportconfig")
        for label in ("grep '' /sys/block/*/queue/scheduler", "grep . /sys/block/*/queue/scheduler"):
            s = self._find("fs-diskio.txt", CMD, label)
            if s is not None and s.state == scp.OK:
                devs = set(p.split("/")[3] for p in scheduler_listing(s.body))
                ls = self._ls_sys_block()
                return sorted(devs | set(ls or []))
        ls = self._ls_sys_block()
        if ls is not None:
            return ls
        raise NotCollected("/sys/block", "this supportconfig did not list /sys/block")

    def _ls_sys_block(self):
        s = self._find("fs-diskio.txt", CMD, "ls -l --time-style=long-iso /sys/block/")
        if s is None or s.state != scp.OK:
            return None
        return ls_names(s.body)

    # -- commands, domains, capabilities -----------------------------------------------
    def command(self, name):
        key = scp.command_key(name)
        locs = COMMANDS.get(key)
        if not locs:
            raise NotCollected(name, "supportconfig does not keep this command's output")
        failure = None
        for fname, kind, label in locs:
            if self.sections(fname) is None or label is None:
                continue
            s = self._find(fname, SYSTEM if kind == SYSTEM else CMD, label)
            if s is None:
                continue
            if s.state in (scp.FAILED, scp.TIMEOUT):
                failure = failure or CommandFailed(name, "%s: the command %s on the host" % (
                    fname, "was not found" if s.state == scp.FAILED else "timed out"))
                continue
            if s.state == scp.TRUNCATED:
                raise Unreadable(name, "%s is cut short inside this command's output" % fname)
            self.located["$ " + name] = _where(fname, s)
            return s.body
        if failure is not None:
            raise failure
        raise NotCollected(name, "this supportconfig did not run it")

    def _virsh_sections(self, regex):
        for fname in VIRT:
            index = self.sections(fname)
            for s in index.commands if index is not None else ():
                m = regex.match(scp.command_key(s.header))
                if m:
                    yield fname, s, m

    def _states(self):
        states = {}
        for _fname, s, _m in self._virsh_sections(VIRSH_LIST):
            if s.state == scp.OK:
                states.update(virsh.list_states(s.body))
        return states

    def domains(self):
        """The guests of `virsh dumpxml` sections, then of /etc/libvirt/*/NAME.xml sections,
        one per name, as their bytes (the XML parser honours their encoding declaration); at
        most MAX_GUESTS, the first by name."""
        found = {}   # name -> (section or None, origin, why not readable)
        for fname, s, m in self._virsh_sections(DUMPXML):
            name = m.group(1).strip("'\"")
            if name not in found and s.state == scp.OK and s.raw.strip():
                found[name] = (s, "%s: virsh dumpxml %s" % (fname, name), None)
        for d in ("/etc/libvirt/qemu/", "/etc/libvirt/libxl/", "/etc/libvirt/lxc/"):
            for fname in VIRT:
                index = self.sections(fname)
                for s in index.under(d) if index is not None else ():
                    rest = s.header[len(d):]
                    if not rest.endswith(".xml") or "/" in rest or "*" in rest or rest[:-4] in found:
                        continue
                    if s.state != scp.ABSENT:
                        origin = "%s: %s" % (fname, s.header)
                        found[rest[:-4]] = (s, origin, None if s.state == scp.OK else origin + " (" + s.state + ")")
        keep, beyond = first_guests(found)
        states = self._states() if keep else {}
        out = []
        for name in keep:
            s, origin, why = found[name]
            out.append((name, None, None, why) if why else (name, s.raw, states.get(name), origin))
        return guests(out, beyond)

    def capabilities(self):
        for fname, s, _m in self._virsh_sections(VIRSH_CAPS):
            if s.state == scp.OK and s.body.strip():
                return s.body
            if s.state != scp.OK:
                self.notices.append("%s: `virsh capabilities` %s" % (
                    fname, "failed" if s.state == scp.FAILED else s.state))
        return None


def _where(fname, s):
    """Where a section is, for the evidence of a result: "memory.txt, [Command] numactl --hardware"."""
    return "%s, [%s] %s" % (fname, s.kind, scp.command_key(s.header) if s.kind == CMD else s.header)
