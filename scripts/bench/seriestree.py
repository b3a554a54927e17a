"""The tree `bench` uses by default: a worktree of the default tree (or of --tree debian:X.Y) with
the series applied.

It lives at a fixed path in the cache so its kernel builds stay incremental,
and the series is applied again only when patches/ changed (applying rewrites
the files it touches, and with them a good part of the build).
"""

import hashlib
import subprocess

from harness import paths, tree as trees
from harness.errors import StageFailed

NAME = "bench"
BRANCH = "refpage-ci/bench"


def series_digest(patches_dir=None):
    patches_dir = patches_dir or paths.PATCHES
    h = hashlib.sha256()
    for path in sorted(p for p in patches_dir.iterdir() if p.is_file()):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def _git(tree, *args, check=True):
    res = subprocess.run(["git", "-C", str(tree), *args], capture_output=True, text=True)
    if check and res.returncode:
        raise StageFailed(f"bench: git {' '.join(args)} failed in {tree}", res.stderr.strip()[-2000:])
    return res


def series_worktree(progress, version=trees.DEFAULT_VERSION):
    """The worktree's path, with the current series applied to debian:<version>."""
    from scripts.series.apply import apply_series
    name = NAME if version == trees.DEFAULT_VERSION else f"{NAME}-{version}"
    wt = paths.cache_dir() / "worktrees" / name
    stamp = wt.parent / f".{name}.series"
    digest = series_digest()
    if (wt / ".git").exists() and stamp.is_file() and stamp.read_text().strip() == digest:
        return wt
    base = trees.default_tree(version, progress=progress)
    if not (wt / ".git").exists():
        wt.parent.mkdir(parents=True, exist_ok=True)
        _git(base, "worktree", "add", "--quiet", "--detach", str(wt), "base")
    progress(f"bench: applying the series to {wt} (patches/ changed since the last bench)")
    _git(wt, "checkout", "--quiet", "--detach", "--force", "base")
    _git(wt, "clean", "-fdq")
    _git(wt, "branch", "-D", BRANCH, check=False)
    apply_series(wt, paths.PATCHES, BRANCH, progress=progress)
    stamp.write_text(digest + "\n")
    return wt
