"""The kernel tree: what a --tree value names, a user's checkout checked, or a Debian one cached.

`debian:X.Y` (and no --tree: debian:6.12) is Debian's linux-source-X.Y, the installed tarball or
the package of bookworm, sid or experimental, unpacked once into the cache as a git checkout with
one base commit, so that the series can be applied with `git am` and exported with `base-commit:`.
The package and version it came from are recorded beside the checkout.
"""

import json
import re
import shutil
import tarfile
from pathlib import Path

from . import debian_source, debversion, diskspace, janitor, lock, paths, process, wholefile
from .debian_source import Package, tarball
from .errors import UserError

DEFAULT_VERSION = "6.12"
DEFAULT_NAME = f"debian:{DEFAULT_VERSION}"
_NAME_RE = re.compile(r"^debian:(\d+\.\d+)$")
_VERSION_RE = re.compile(r"^(VERSION|PATCHLEVEL|SUBLEVEL)\s*=\s*(\d*)", re.M)


def kernel_version(tree):
    """'6.12.57' from the tree's top-level Makefile."""
    text = (Path(tree) / "Makefile").read_text(errors="replace")[:2000]
    fields = dict(_VERSION_RE.findall(text))
    parts = [fields.get(k, "") for k in ("VERSION", "PATCHLEVEL", "SUBLEVEL")]
    return ".".join(p for p in parts if p)


def named_version(value):
    """'7.3' for 'debian:7.3', None for anything else (a folder)."""
    text = str(value)
    if not text.startswith("debian:"):
        return None
    match = _NAME_RE.match(text)
    if not match:
        raise UserError(f"{text}: not a Debian tree name; those are debian:X.Y, e.g. {DEFAULT_NAME} "
                        f"(a folder of that name: ./{text})")
    return match.group(1)


def resolve(value, progress=print):
    """The tree a --tree value names: none is debian:6.12, debian:X.Y the cached checkout of
    Debian's linux-source-X.Y (made on first use), anything else a kernel checkout of the user's."""
    version = named_version(value if value else DEFAULT_NAME)
    if version:
        return default_tree(version, progress=progress)
    return check_kernel_tree(value)


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


def checkout_dir(version):
    return paths.trees_dir() / debian_source.package_name(version)


def default_tree(version=DEFAULT_VERSION, progress=print):
    """The cached git checkout of Debian's linux-source-<version>, made on first use from the
    installed tarball, else from the package downloaded through refpage-ci's own apt configuration."""
    dest = checkout_dir(version)
    if not (dest / ".git").is_dir():
        dest.parent.mkdir(parents=True, exist_ok=True)
        with lock.held(dest.parent / f".{dest.name}.lock",
                       waiting=lambda: progress(f"tree: waiting for the run unpacking {dest.name}")):
            if not (dest / ".git").is_dir():
                janitor.remove_stale(dest.parent, _scratch_prefix(dest))
                _make(version, dest, progress)
    _no_auto_gc(dest)
    _record_unrecorded(version, dest)
    return dest


def cached_versions():
    """The X.Y of every cached Debian checkout."""
    folder = paths.trees_dir()
    found = [debian_source.version_of(p.name) for p in folder.iterdir()] if folder.is_dir() else []
    return sorted((v for v in found if v and (checkout_dir(v) / ".git").is_dir()), key=debversion.key)


def _make(version, dest, progress):
    installed = debian_source.installed_package(version)
    if installed:
        _unpack_as_checkout(tarball(version), dest, progress, installed)
        return
    with debian_source.downloaded(version, progress) as (source, package):
        _unpack_as_checkout(source, dest, progress, package)


def _unpack_as_checkout(source, dest, progress, package=None):
    # The sources, and about half as much again for git's objects of them.
    needed = diskspace.unpacked_size(source) * 3 // 2
    dest.parent.mkdir(parents=True, exist_ok=True)
    diskspace.require(dest.parent, needed, f"tree: unpacking {Path(source).name}")
    progress(f"tree: unpacking {source} into {dest} (once)")
    with diskspace.no_room_is_one_line(dest.parent, needed, f"tree: unpacking {Path(source).name}"), \
            janitor.scratch_folder(dest.parent, _scratch_prefix(dest)) as tmp:
        with tarfile.open(source) as tar:
            tar.extractall(tmp, filter="tar") if hasattr(tarfile, "data_filter") else tar.extractall(tmp)
        (top,) = [p for p in Path(tmp).iterdir() if p.is_dir()]
        _drop_debian_gitignore(top)
        progress(f"tree: committing {top.name} as the base commit")
        _git(top, "init", "-q", "-b", "base")
        _no_auto_gc(top)
        _git(top, "add", "-f", "-A")
        _git(top, "-c", "user.name=refpage-ci", "-c", "user.email=refpage-ci@localhost",
             "commit", "-q", "-m", f"Debian {package or source.name}",
             "-m", "Unpacked by refpage-ci as a base tree.")
        if package:
            _write_record(dest, package)
        if dest.exists():
            shutil.rmtree(dest)
        top.rename(dest)


def _scratch_prefix(dest):
    return f".unpack-{dest.name}-"


def _no_auto_gc(checkout):
    """A detached `git gc --auto` would outlive refpage-ci (a 90k-file commit starts one, and
    so does the slow pile-up of series and repro commits): the cache's checkouts never gc."""
    setting = process.run(["git", "config", "--get", "gc.auto"], cwd=checkout)
    if setting.stdout.strip() != "0":
        _git(checkout, "config", "gc.auto", "0")


def without_debian_block(text):
    """The kernel's .gitignore without the block Debian appends to it (`# Debian packaging: ...`,
    then `/*` and `!/debian/`), up to the next blank line."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.startswith("# Debian packaging")), None)
    if start is None:
        return text
    while start and lines[start - 1].startswith("#"):
        start -= 1
    end = start
    while end < len(lines) and lines[end].startswith("#"):
        end += 1
    while end < len(lines) and lines[end].strip():
        end += 1
    while end < len(lines) and not lines[end].strip():
        end += 1
    kept = "".join(lines[:start] + lines[end:]).rstrip("\n")
    return kept + "\n" if kept else ""


def _catch_all(text):
    rules = {line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")}
    return bool(rules & {"/*", "*"})


def _drop_debian_gitignore(top):
    """With Debian's `/*` nothing new would show in the checkout; the kernel's own rules stay, so
    that build leftovers and dot-folders (.refpage-ci-*) stay ignored. A catch-all of another origin
    takes the whole file with it."""
    ignore = top / ".gitignore"
    if not ignore.is_file():
        return
    text = without_debian_block(ignore.read_text())
    if not text or _catch_all(text):
        ignore.unlink()
    else:
        ignore.write_text(text)


def record_path(checkout):
    return Path(checkout).parent / f"{Path(checkout).name}.package"


def _write_record(checkout, package):
    path = record_path(checkout)
    wholefile.write_text(path, json.dumps({"package": package.name, "version": package.version,
                                           "origin": package.origin}, indent=1) + "\n")


def recorded(checkout):
    """The Package a cached checkout was unpacked from, None when not recorded."""
    try:
        data = json.loads(record_path(checkout).read_text())
        return Package(data["package"], data["version"], data.get("origin", ""))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _record_unrecorded(version, checkout):
    """A checkout cached before versions were recorded is the installed package's when its kernel
    version is that package's."""
    if record_path(checkout).is_file():
        return
    installed = debian_source.installed_package(version)
    if installed and debversion.split(installed.version)[1] == kernel_version(checkout):
        _write_record(checkout, installed)


def package_of(tree):
    """'linux-source-7.3 7.3~rc7-1~exp1' when tree is a cached Debian checkout or a worktree of one."""
    checkout = _cached_checkout(tree)
    if checkout is None:
        return None
    package = recorded(checkout)
    return str(package) if package else f"{checkout.name} (version not recorded)"


def _cached_checkout(tree):
    tree = Path(tree).resolve()
    if not tree.is_dir():
        return None
    common = process.run(["git", "rev-parse", "--path-format=absolute", "--git-common-dir"], cwd=tree)
    candidates = [tree] + ([Path(common.stdout.strip()).parent] if common.returncode == 0 else [])
    trees_dir = paths.trees_dir().resolve()
    return next((c for c in candidates if c.parent == trees_dir and debian_source.version_of(c.name)), None)


def _git(cwd, *args):
    """git of an unpack: it goes with refpage-ci (a `git add` of 90k files would go on filling
    the folder the janitor removes), so a process group of its own, never let finish."""
    returncode = process.run_group(["git", *args], cwd=cwd)
    if returncode:
        raise process.CalledProcessError(returncode, ["git", *args])


def head_commit(tree):
    """The tree's HEAD commit, or None when it is not a git checkout."""
    res = process.run(["git", "rev-parse", "HEAD"], cwd=tree)
    return res.stdout.strip() if res.returncode == 0 else None
