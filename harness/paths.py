"""Where refpage-ci keeps things: the project checkout and the cache."""

import os
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
QEMU_IMAGES = PROJECT / "qemu_images"
SELFTESTS = PROJECT / "selftests"
PATCHES = PROJECT / "patches"


def cache_dir():
    """$REFPAGE_CI_CACHE, else $XDG_CACHE_HOME/refpage-ci, else ~/.cache/refpage-ci."""
    explicit = os.environ.get("REFPAGE_CI_CACHE")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "refpage-ci"


def trees_dir():
    return cache_dir() / "trees"


def builds_dir():
    return cache_dir() / "builds"


def tools_dir():
    """Host-side helpers the set-up step fetches (e.g. the arm64 static busybox)."""
    return cache_dir() / "tools"
