#!/usr/bin/env bash
# Install the Debian packages the project's tests need (real libvirt, QEMU/TCG,
# libvirt-python build deps, shellcheck, headless Chromium for site screenshots, npm for the
# offline site).
# Idempotent: when every package is already installed, the apt step is skipped.
set -euo pipefail

PKGS=(
  # libvirt daemons (Debian 12 ships the monolithic libvirtd plus the modular
  # virt*d daemons in libvirt-daemon; the QEMU driver is its own package)
  libvirt-daemon
  libvirt-daemon-system
  libvirt-daemon-driver-qemu
  libvirt-clients
  # QEMU for x86 guests (run under TCG: there is no /dev/kvm here)
  qemu-system-x86
  qemu-utils
  # build libvirt-python from the sdist
  libvirt-dev
  pkg-config
  gcc
  python3-dev
  # generated fix scripts are checked with it (tests/test_fix_shellcheck.py)
  shellcheck
  # site screenshots
  chromium
  fonts-dejavu-core
)

missing=()
for p in "${PKGS[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  if [ "$status" != "installed" ]; then
    missing+=("$p")
  fi
done

# npm fetches the pinned iframe-worker shim for `kbgen build --offline` (the site that searches
# from file://). Checked as a command: Node.js from elsewhere (nodesource) brings its own npm,
# which Debian's npm package would conflict with.
if ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-system-deps: all ${#PKGS[@]} packages (and npm) already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-system-deps: need root to install: ${missing[*]}" >&2
  exit 1
fi

echo "install-system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/tmp/install-system-deps.log 2>&1 || {
  echo "install-system-deps: apt-get install failed; log tail:" >&2
  tail -n 40 /tmp/install-system-deps.log >&2
  exit 1
}
echo "install-system-deps: done"
