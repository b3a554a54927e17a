#!/usr/bin/env bash
# Installs what refpage-ci needs on Debian bookworm, as root, and only what is
# missing: apt packages (with busybox-static for arm64 from the arm64
# archive), then a Python environment in .venv with the project installed.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  make gcc git perl flex bison bc libelf-dev libssl-dev xz-utils ccache
  gcc-aarch64-linux-gnu qemu-system-arm qemu-system-x86 busybox-static
  linux-source-6.12 linux-source-6.1 openssh-server openssh-client python3-venv distcc
  groff-base mandoc man-db zsh
)

say() { printf 'bootstrap: %s\n' "$*"; }
apt_updated=
apt_update() {
  if [ -z "$apt_updated" ]; then
    say "apt-get update"
    apt-get update -q >/dev/null
    apt_updated=1
  fi
}

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt_update
  say "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  python3 -m venv .venv
fi
if ! .venv/bin/python -c 'import harness.cli, pexpect, kconfiglib, fabric, jinja2, kcidb_io, shtab, pytest, tox, b4, matplotlib' 2>/dev/null; then
  say "installing the project into .venv"
  .venv/bin/pip install -q --upgrade pip >/dev/null
  .venv/bin/pip install -q -e '.[test]'
fi

bb_dir=$(.venv/bin/python -c 'from harness import busybox; print(busybox.path("arm64").parent.parent)')
if [ ! -x "$bb_dir/bin/busybox" ]; then
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    say "dpkg --add-architecture arm64"
    dpkg --add-architecture arm64
    apt_updated=
  fi
  apt_update
  tmp=$(mktemp -d)
  say "fetching busybox-static:arm64 into $bb_dir"
  (cd "$tmp" && apt-get download -q busybox-static:arm64 >/dev/null)
  mkdir -p "$bb_dir"
  dpkg-deb -x "$tmp"/busybox-static_*_arm64.deb "$bb_dir"
  rm -rf "$tmp"
fi

.venv/bin/refpage-ci doctor
