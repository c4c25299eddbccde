"""Start the real libvirt daemons for ``qemu:///system`` in tests (no systemd).

Debian 12 ships libvirt 9.0 with the monolithic ``libvirtd`` only (the modular
``virtqemud`` & co. are not packaged there), so ``system_libvirtd()`` runs, as
root, in the foreground and as our own child processes:

* ``virtlogd``  - the QEMU driver of a privileged libvirtd needs it for guest
  logs (``/run/libvirt/virtlogd-sock``); it is not auto-spawned for root.
* ``libvirtd``  - answers ``qemu:///system`` on ``/run/libvirt/libvirt-sock``.

A daemon that already answers is left alone and not stopped on exit; only the
processes this helper started are stopped (SIGTERM, then SIGKILL), and before
stopping a libvirtd it started, it destroys and undefines the domains whose
name starts with ``cleanup_prefix``.  Every wait is bounded; on failure a
``DaemonError`` carries the tail of the daemon's log.

Usage::

    with system_libvirtd() as daemons:
        conn = libvirt.open(daemons.uri)
        ...
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

URI = "qemu:///system"
RUN_DIR = "/run/libvirt"
LIBVIRT_SOCK = os.path.join(RUN_DIR, "libvirt-sock")
VIRTLOGD_SOCK = os.path.join(RUN_DIR, "virtlogd-sock")
TEST_PREFIX = "kbcheck-test-"

_SBIN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class DaemonError(RuntimeError):
    """A daemon could not be started, or did not answer in time."""


def _tail(path, lines=30):
    try:
        with open(path, "r", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError as e:
        return "(no log: %s)" % e


def _sock_answers(path, timeout=1.0):
    """True when something accepts connections on the unix socket ``path``."""
    if not os.path.exists(path):
        return False
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


def _libvirt_answers(uri=URI):
    import libvirt

    if not _sock_answers(LIBVIRT_SOCK):
        return False
    try:
        conn = libvirt.open(uri)
    except libvirt.libvirtError:
        return False
    try:
        conn.getLibVersion()
        return True
    except libvirt.libvirtError:
        return False
    finally:
        conn.close()


def find_binary(name):
    path = shutil.which(name, path=os.environ.get("PATH", "") + ":" + _SBIN_PATH)
    if not path:
        raise DaemonError(
            "%s not found: install the system packages (bash .ci/install-system-deps.sh)" % name
        )
    return path


class _Daemon(object):
    def __init__(self, name, argv, log_path):
        self.name = name
        self.argv = argv
        self.log_path = log_path
        self.proc = None
        self._log = None

    def start(self):
        self._log = open(self.log_path, "ab")
        env = dict(os.environ)
        env["PATH"] = env.get("PATH", "") + ":" + _SBIN_PATH
        env.pop("LIBVIRT_DEFAULT_URI", None)
        self.proc = subprocess.Popen(
            self.argv,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
            close_fds=True,
            start_new_session=True,  # our Ctrl-C does not hit it; we stop it ourselves
        )

    def wait_ready(self, ready, timeout):
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise DaemonError(
                    "%s exited with status %s before answering; log %s:\n%s"
                    % (self.name, self.proc.returncode, self.log_path, _tail(self.log_path))
                )
            if ready():
                return
            if time.monotonic() >= deadline:
                raise DaemonError(
                    "%s did not answer within %.0f s; log %s:\n%s"
                    % (self.name, timeout, self.log_path, _tail(self.log_path))
                )
            time.sleep(0.1)

    def stop(self, timeout=15.0):
        if self.proc is None:
            return
        try:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(5)
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None


class SystemDaemons(object):
    """What ``system_libvirtd()`` yields."""

    uri = URI

    def __init__(self, log_dir):
        self.log_dir = log_dir
        self.started = []  # names of the daemons this helper started
        self.timings = {}  # seconds until each started daemon answered

    def log_tail(self, name="libvirtd", lines=30):
        return _tail(os.path.join(self.log_dir, name + ".log"), lines)


def _cleanup_domains(prefix):
    """Destroy and undefine every domain whose name starts with ``prefix``."""
    import libvirt

    if not prefix:
        return
    try:
        conn = libvirt.open(URI)
    except libvirt.libvirtError:
        return
    try:
        for dom in conn.listAllDomains():
            if dom.name().startswith(prefix):
                destroy_and_undefine(dom)
    finally:
        conn.close()


def destroy_and_undefine(dom):
    """Stop a domain hard if it runs and remove its definition (idempotent)."""
    import libvirt

    try:
        if dom.isActive():
            dom.destroy()
    except libvirt.libvirtError:
        pass
    try:
        if dom.isPersistent():
            flags = getattr(libvirt, "VIR_DOMAIN_UNDEFINE_NVRAM", 0) | getattr(
                libvirt, "VIR_DOMAIN_UNDEFINE_MANAGED_SAVE", 0
            )
            dom.undefineFlags(flags)
    except libvirt.libvirtError:
        pass


@contextlib.contextmanager
def system_libvirtd(timeout=30.0, cleanup_prefix=TEST_PREFIX, log_dir=None, tcg_only=True):
    """Make ``qemu:///system`` answer for the duration of the ``with`` block.

    With ``tcg_only`` (the default) the libvirtd it starts sees a host without
    KVM (see ``_tcg_only_argv``); guests must then be ``type='qemu'``.

    Raises ``DaemonError`` when not root, when a binary is missing, or when a
    daemon does not answer within ``timeout`` seconds.
    """
    import libvirt  # noqa: F401  (fail early and clearly without libvirt-python)

    if os.geteuid() != 0:
        raise DaemonError("system_libvirtd() needs root (qemu:///system)")
    own_log_dir = log_dir is None
    if own_log_dir:
        log_dir = tempfile.mkdtemp(prefix="kbcheck-libvirtd-")
    daemons = SystemDaemons(log_dir)
    started = []
    try:
        if not _sock_answers(VIRTLOGD_SOCK):
            d = _Daemon("virtlogd", [find_binary("virtlogd")], os.path.join(log_dir, "virtlogd.log"))
            t0 = time.monotonic()
            d.start()
            started.append(d)
            d.wait_ready(lambda: _sock_answers(VIRTLOGD_SOCK), timeout)
            daemons.timings["virtlogd"] = time.monotonic() - t0
            daemons.started.append("virtlogd")
        if not _libvirt_answers():
            argv = [find_binary("libvirtd")]
            if tcg_only:
                argv = _tcg_only_argv(argv, log_dir)
            d = _Daemon("libvirtd", argv, os.path.join(log_dir, "libvirtd.log"))
            t0 = time.monotonic()
            d.start()
            started.append(d)
            d.wait_ready(_libvirt_answers, timeout)
            daemons.timings["libvirtd"] = time.monotonic() - t0
            daemons.started.append("libvirtd")
        yield daemons
    finally:
        errors = []
        if any(d.name == "libvirtd" for d in started):
            try:
                _cleanup_domains(cleanup_prefix)
            except Exception as e:  # never mask the test's own error
                errors.append("domain cleanup: %s" % e)
        for d in reversed(started):  # libvirtd first, then virtlogd
            try:
                d.stop()
            except Exception as e:
                errors.append("%s stop: %s" % (d.name, e))
        if own_log_dir and not errors and sys.exc_info()[0] is None:
            shutil.rmtree(log_dir, ignore_errors=True)  # kept when anything failed
        if errors and sys.exc_info()[0] is None:  # do not mask the block's own error
            raise DaemonError("; ".join(errors))


QEMU_CONF = "/etc/libvirt/qemu.conf"
DEV_KVM = "/dev/kvm"


def _tcg_only_argv(argv, work_dir):
    """Wrap ``argv`` so libvirtd runs in a private mount namespace without KVM.

    Why: where /dev/kvm exists but only root may open it (no udev rule here:
    ``crw------- root root``), libvirt 9.0 probes QEMU with KVM enabled, then
    finds KVM unusable for the ``libvirt-qemu`` user, declares its
    capabilities cache outdated and probes again on *every* lookup: one
    ``defineXML`` then takes ~50 s.  Hiding /dev/kvm (an unreadable empty
    file bound over it) makes probe and check agree on a TCG-only host; a
    private copy of qemu.conf adds ``namespaces = []`` because libvirt cannot
    move a file bind-mount under /dev into a guest's private /dev.  Nothing
    outside the namespace changes: the system's /dev/kvm and qemu.conf stay
    as they are.
    """
    binds = []
    if os.path.exists(DEV_KVM):
        nokvm = os.path.join(work_dir, "no-kvm")
        with open(nokvm, "w"):
            pass
        os.chmod(nokvm, 0o600)
        binds.append((nokvm, DEV_KVM))
        if os.path.exists(QEMU_CONF):
            conf = os.path.join(work_dir, "qemu.conf")
            with open(QEMU_CONF, "r", errors="replace") as f:
                text = f.read()
            with open(conf, "w") as f:
                f.write(text + "\n# kbcheck tests: TCG-only libvirtd, see tests/support/libvirtd.py\n"
                        "namespaces = []\n")
            binds.append((conf, QEMU_CONF))
    if not binds:
        return argv
    script = " && ".join("mount --bind '%s' '%s'" % b for b in binds) + ' && exec "$@"'
    return [find_binary("unshare"), "--mount", "--propagation", "private", "--",
            "/bin/sh", "-c", script, "sh"] + list(argv)


def emulator_path():
    """The QEMU x86_64 system emulator, or DaemonError."""
    return find_binary("qemu-system-x86_64")


def tiny_tcg_guest_xml(name, memory_mib=64, emulator=None):
    """A minimal QEMU/TCG guest that defines and starts here without KVM.

    No disk, no network, serial to null, ``<on_poweroff>destroy``; it has a
    virtio memballoon, a virtio-rng on /dev/urandom and a cirrus video (no
    graphics) so that checks judging those devices see them on a live guest.
    The guest boots nothing: SeaBIOS finds no boot device and waits, which
    is enough for libvirt to report it running.
    """
    emulator = emulator or emulator_path()
    return """<domain type='qemu'>
  <name>{name}</name>
  <metadata>
    <kbt:guest xmlns:kbt="https://kbcheck.invalid/tests/1" purpose="libvirt-infra-test"/>
  </metadata>
  <memory unit='MiB'>{mem}</memory>
  <currentMemory unit='MiB'>{mem}</currentMemory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <boot dev='hd'/>
  </os>
  <features>
    <acpi/>
  </features>
  <cpu mode='custom' match='exact' check='none'>
    <model fallback='allow'>qemu64</model>
  </cpu>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>{emulator}</emulator>
    <controller type='usb' model='none'/>
    <serial type='null'/>
    <video>
      <model type='cirrus'/>
    </video>
    <memballoon model='virtio'/>
    <rng model='virtio'>
      <backend model='random'>/dev/urandom</backend>
    </rng>
  </devices>
</domain>
""".format(name=name, mem=int(memory_mib), emulator=emulator)
