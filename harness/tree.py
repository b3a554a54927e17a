"""The kernel tree: validate a user's --tree, or make the default one.

The default is Debian's linux-source-6.12 tarball, unpacked once into the
cache as a git checkout with one base commit, so that the series can be
applied with `git am` and exported with `base-commit:`.
"""

import fcntl
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from . import paths
from .errors import UserError

DEFAULT_VERSION = "6.12"
_VERSION_RE = re.compile(r"^(VERSION|PATCHLEVEL|SUBLEVEL)\s*=\s*(\d*)", re.M)


def tarball(version):
    return Path("/usr/src") / f"linux-source-{version}.tar.xz"


def kernel_version(tree):
    """'6.12.57' from the tree's top-level Makefile."""
    text = (Path(tree) / "Makefile").read_text(errors="replace")[:2000]
    fields = dict(_VERSION_RE.findall(text))
    parts = [fields.get(k, "") for k in ("VERSION", "PATCHLEVEL", "SUBLEVEL")]
    return ".".join(p for p in parts if p)


def check_kernel_tree(tree):
    """Return the resolved tree, or raise a one-line UserError saying why not."""
    tree = Path(tree).expanduser().resolve()
    if not tree.is_dir():
        raise UserError(f"--tree {tree}: no such directory; pass a Linux source checkout")
    makefile = tree / "Makefile"
    if not (makefile.is_file() and (tree / "Kconfig").is_file() and (tree / "arch").is_dir()):
        raise UserError(f"--tree {tree} is not a kernel tree (no top-level Makefile, Kconfig "
                        "and arch/); pass a Linux source checkout")
    if not kernel_version(tree):
        raise UserError(f"--tree {tree}: its Makefile names no VERSION; pass a Linux source checkout")
    if (tree / ".config").exists():
        raise UserError(f"--tree {tree} has a .config in the source folder, so out-of-tree builds "
                        "refuse it; run `make -C {tree} mrproper` first")
    return tree


def default_tree(version=DEFAULT_VERSION, progress=print):
    """The cached git checkout of Debian's linux-source-<version>, made on first use."""
    dest = paths.trees_dir() / f"linux-source-{version}"
    if (dest / ".git").is_dir():
        _no_auto_gc(dest)
        return dest
    source = tarball(version)
    if not source.is_file():
        raise UserError(f"{source} is missing: run `apt-get install linux-source-{version}` "
                        "(or pass --tree PATH)")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(dest.parent / f".{dest.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (dest / ".git").is_dir():
            _unpack_as_checkout(source, dest, progress)
    return dest


def _unpack_as_checkout(source, dest, progress):
    progress(f"tree: unpacking {source} into {dest} (once)")
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".unpack-") as tmp:
        with tarfile.open(source) as tar:
            tar.extractall(tmp, filter="tar") if hasattr(tarfile, "data_filter") else tar.extractall(tmp)
        (top,) = [p for p in Path(tmp).iterdir() if p.is_dir()]
        _drop_catch_all_gitignore(top)
        progress(f"tree: committing {top.name} as the base commit")
        _git(top, "init", "-q", "-b", "base")
        _no_auto_gc(top)
        _git(top, "add", "-f", "-A")
        _git(top, "-c", "user.name=refpage-ci", "-c", "user.email=refpage-ci@localhost",
             "commit", "-q", "-m", f"Debian {source.name}",
             "-m", "Unpacked by refpage-ci as the default base tree.")
        if dest.exists():
            shutil.rmtree(dest)
        top.rename(dest)


def _no_auto_gc(checkout):
    """A detached `git gc --auto` would outlive refpage-ci (a 90k-file commit starts one, and
    so does the slow pile-up of series and repro commits): the cache's checkouts never gc."""
    setting = subprocess.run(["git", "config", "--get", "gc.auto"], cwd=checkout, capture_output=True, text=True)
    if setting.stdout.strip() != "0":
        _git(checkout, "config", "gc.auto", "0")


def _drop_catch_all_gitignore(top):
    """Debian's tarballs carry a top-level .gitignore of `/*`: nothing new would show."""
    ignore = top / ".gitignore"
    if ignore.is_file():
        rules = [l.strip() for l in ignore.read_text().splitlines() if l.strip() and not l.startswith("#")]
        if "/*" in rules or "*" in rules:
            ignore.unlink()


def _git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True)


def head_commit(tree):
    """The tree's HEAD commit, or None when it is not a git checkout."""
    res = subprocess.run(["git", "rev-parse", "HEAD"], cwd=tree, capture_output=True, text=True)
    return res.stdout.strip() if res.returncode == 0 else None
