"""Specs of the running system: services, processes, packages and programs, boot-time tuning.

sos plugins cited: systemd (/etc/systemd, /lib/systemd/system, systemctl list-unit-files; tmpfiles.d
from 4.x), process (ps auxwww in 3.x, ps auxwwwm in 4.x; /proc/PID/status but never cmdline),
rpm (installed-rpms), udev (/etc/udev/rules.d, /lib/udev/rules.d), tuned (/etc/tuned, /usr/lib/tuned,
tuned-adm active), boot (/etc/inittab is copied by the init plugins). supportutils:
basic-health-check.txt (ps axwwo user,pid,ppid,...), rpm.txt (the package list), systemd.txt (3.x:
systemctl list-unit-files), chkconfig.txt (2.x: chkconfig --list), udev.txt (rules.d),
tuned.txt (3.1: /etc/tuned, /usr/lib/tuned/*.conf, tuned-adm active), boot.txt (SLE 11's /etc/inittab).
"""
from kbcheck.specs.model import ETC_CONF, NEW, OLD, S12, SOS3, SOS4, C, F, Spec, V, cmd, conf, listed

_PS = "ps axwwo user,pid,ppid,%cpu,%mem,vsz,rss,stat,time,cmd"
_RPM = 'rpm -qa --queryformat "%-35{NAME} %-35{DISTRIBUTION} %{VERSION}-%{RELEASE}\\n" | sort -k 1,2 -t " " -i'

SPECS = [
    Spec("services", "the services installed and enabled: systemd's unit directories or `systemctl list-unit-files`, "
         "SysV runlevel links (SLE 11)",
         F("/etc/systemd/system/*"),
         F("/usr/lib/systemd/system/*", sos=()),
         F("/lib/systemd/system/*"),
         F("/run/systemd/system/*"),
         F("/etc/init.d/*", sos=()),
         F("/etc/rc.d/*", sos=()),
         C("systemctl list-unit-files", scc=[cmd("systemd.txt", "systemctl --no-pager list-unit-files", S12)]),
         C("chkconfig --list", sos=(), scc=[cmd("chkconfig.txt", "chkconfig --list", OLD)]),
         facts=("systemd_units", "services", "default_target")),
    Spec("processes", "the running processes: /proc/PID/cmdline, else the process list an archive kept",
         F("/proc/[0-9]*", sos=()),
         C("ps -ef", sos=()),
         C("ps auxwww", sos=SOS3),
         C("ps auxwwwm", sos=SOS4),
         C(_PS, sos=(), scc=[cmd("basic-health-check.txt", _PS)]),
         facts=("processes", "qemu_processes")),
    Spec("packages", "the installed packages: the RPM database's list (rpm -qa)",
         C("rpm -qa", sos_file="/installed-rpms", scc=[cmd("rpm.txt", _RPM)]),
         V("programs", partial="the programs in /usr/bin and /usr/sbin stand in for the package list"),
         facts=("packages",)),
    Spec("programs", "the programs installed: listings of /usr/bin, /usr/sbin",
         F("/usr/bin/*", sos=()),
         F("/usr/sbin/*", sos=()),
         F("/sbin/*", sos=()),
         V("packages", partial="the package list stands in for the programs' folders"),
         facts=("programs",)),
    Spec("tuned", "the tuned profile active at boot: /etc/tuned/active_profile, the profiles, tuned-main.conf",
         # tuned_info (3.1): every file `find -L /etc/tuned/ -type f` and `find /usr/lib/tuned/ | grep .conf$` names
         F("/etc/tuned/*", scc=[listed("tuned.txt", NEW), ETC_CONF]),
         F("/usr/lib/tuned/*", scc=[listed("tuned.txt", NEW, partial="the profiles' *.conf files only")]),
         C("tuned-adm active", scc=[cmd("tuned.txt", "tuned-adm active", NEW)]),
         facts=("tuned",)),
    Spec("udev_rules", "the udev rules: /etc/udev/rules.d, /usr/lib/udev/rules.d and the other rules directories",
         # udev_info: every file `find $UDEV_DIR/ -type f` names, for /lib, /usr/lib and /etc/udev/rules.d
         F("/etc/udev/rules.d/*", scc=[listed("udev.txt")]),
         F("/usr/lib/udev/rules.d/*", sos=(), scc=[listed("udev.txt", S12)]),
         F("/lib/udev/rules.d/*", scc=[listed("udev.txt", NEW)]),
         F("/run/udev/rules.d/*", sos=()),
         F("/usr/local/lib/udev/rules.d/*", sos=()),
         facts=("udev_rules",)),
    Spec("tmpfiles", "what systemd-tmpfiles writes at boot: /etc/tmpfiles.d, /run/tmpfiles.d, /usr/lib/tmpfiles.d",
         F("/etc/tmpfiles.d/*", sos=SOS4, scc=[ETC_CONF]),
         F("/run/tmpfiles.d/*", sos=SOS4),
         F("/usr/lib/tmpfiles.d/*", sos=SOS4),
         facts=("tmpfiles",)),
    Spec("inittab", "SLE 11's default runlevel: /etc/inittab",
         F("/etc/inittab", scc=[conf("boot.txt", OLD)]),
         facts=("inittab",)),
    Spec("passwd", "user names: /etc/passwd", F("/etc/passwd", scc=[conf("pam.txt")])),
    Spec("snapper", "Snapper's configurations: /etc/snapper/configs",
         F("/etc/snapper/configs/*", scc=[listed("fs-btrfs.txt")])),
    Spec("cgroups", "the control groups of running guests: /sys/fs/cgroup", F("/sys/fs/cgroup/*", sos=())),
    Spec("container_sockets", "the sockets of container runtimes (docker, podman, CRI-O, containerd)",
         F("/run/docker.sock", sos=()), F("/var/run/docker.sock", sos=()), F("/run/podman/*", sos=()),
         F("/run/crio/*", sos=()), F("/var/run/crio/*", sos=()), F("/run/containerd/*", sos=())),
    Spec("device_nodes", "device nodes such as /dev/kvm", F("/dev/*", sos=())),
    Spec("etc_files", "other configuration files under /etc",
         F("/etc/modprobe.d/*", scc=[listed("modules.txt", S12), ETC_CONF]),
         F("/etc/*", scc=[ETC_CONF])),
]
