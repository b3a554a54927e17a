#!/usr/bin/env bash
# Installs what refpage-ci needs on Debian bookworm, as root, and only what is
# missing: apt packages (each arch's compiler and QEMU from its
# qemu_images/<arch>/machine.ini, and a foreign arch's static busybox from its
# archive), then a Python environment in .venv with the project installed.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  make gcc git perl flex bison bc libelf-dev libssl-dev xz-utils ccache busybox-static
  linux-source-6.12 linux-source-6.1 openssh-server openssh-client python3-venv distcc
  groff-base mandoc man-db zsh
)

# every arch's cross compiler and QEMU package
mapfile -t -O "${#APT_PACKAGES[@]}" APT_PACKAGES < <(sed -n 's/^\(cross_package\|package\) *= *//p' qemu_images/*/machine.ini | sort -u)

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

# each arch whose machine.ini names a busybox_package: unpacked where its busybox = says
.venv/bin/python -c 'from harness import busybox, machine as m
for a in m.known_arches():
    if m.load(a).busybox_package:
        print(m.load(a).busybox_package, busybox.path(a), busybox.path(a).parent.parent)' |
while read -r pkg box bb_dir; do
  [ -x "$box" ] && continue
  debarch=${pkg#*:}
  if ! dpkg --print-foreign-architectures | grep -qx "$debarch"; then
    say "dpkg --add-architecture $debarch"
    dpkg --add-architecture "$debarch"
    apt_updated=
  fi
  apt_update
  tmp=$(mktemp -d)
  say "fetching $pkg into $bb_dir"
  (cd "$tmp" && apt-get download -q "$pkg" >/dev/null)
  mkdir -p "$bb_dir"
  dpkg-deb -x "$tmp"/*.deb "$bb_dir"
  rm -rf "$tmp"
done

.venv/bin/refpage-ci doctor

# A cold CI run grows the cache to about 27 GB (trees, worktrees, seven kernel builds):
# say so now rather than an hour in, when a worktree checkout runs out of room.
cache=$(.venv/bin/python -c 'from harness import paths; print(paths.cache_dir())')
mkdir -p "$cache"
free_gb=$(( $(df -Pk "$cache" | awk 'NR==2 {print $4}') / 1048576 ))
if [ "$free_gb" -lt 30 ]; then
  say "warning: $free_gb GB free under $cache; a run from an empty cache needs about 30 GB (REFPAGE_CI_CACHE=DIR moves it)"
fi
