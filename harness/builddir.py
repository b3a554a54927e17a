"""Where a kernel build lives: inside the tree when that makes its compile commands path-free.

kbuild sets `srctree := ..` when `O=` is a direct subfolder of the source tree,
so every compile command is the same whatever the tree's path and ccache hits
across checkouts. Elsewhere the absolute tree path is in every `-I`.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from scripts.series.git import Git

from . import paths

PREFIX = ".refpage-ci-"
EXCLUDE_RULE = f"/{PREFIX}*"


@dataclass(frozen=True)
class BuildDir:
    path: Path
    shared: bool    # compile commands do not depend on the tree's path
    why: str        # how the layout was chosen, for the progress line


def tree_id(tree):
    """The tree's name and a hash of its path: one id per checkout."""
    tree = Path(tree).resolve()
    return f"{tree.name}-{hashlib.sha256(str(tree).encode()).hexdigest()[:8]}"


def choose(machine, config_hash, tree):
    tree = Path(tree).resolve()
    name = f"{machine.name}-{config_hash}"
    inside = tree / f"{PREFIX}{name}"
    if _in_cache(tree) and _exclude_in_cache(tree):
        return BuildDir(inside, True, "in the tree: ccache shares objects with other checkouts")
    if _ignored(tree, inside.name):
        return BuildDir(inside, True, "in the tree (git ignores it): ccache shares objects with other checkouts")
    why = "not a git checkout" if not _git_dir(tree) else f"git would show {inside.name}/ as untracked"
    return BuildDir(paths.builds_dir() / tree_id(tree) / name, False,
                    f"in the cache ({why}): compile commands carry the tree's path, so ccache "
                    "hits only builds of this same path")


def _in_cache(tree):
    return paths.cache_dir().resolve() in tree.parents


def _git(tree, *args):
    return Git(tree)(*args)


def _git_dir(tree):
    res = _git(tree, "rev-parse", "--git-common-dir")
    return None if res.returncode else (tree / res.stdout.strip()).resolve()


def _ignored(tree, name):
    return _git_dir(tree) is not None and _git(tree, "check-ignore", "-q", name).returncode == 0


def _exclude_in_cache(tree):
    """The cache's own checkouts ignore their build folders through info/exclude, never a tracked file."""
    common = _git_dir(tree)
    if common is None or not _in_cache(common):
        return False
    exclude = common / "info" / "exclude"
    rules = exclude.read_text().splitlines() if exclude.is_file() else []
    if EXCLUDE_RULE not in rules:
        exclude.parent.mkdir(parents=True, exist_ok=True)
        with open(exclude, "a") as f:
            f.write(f"{EXCLUDE_RULE}\n")
    return True
