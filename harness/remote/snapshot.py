"""The commit a build host builds: HEAD, or a commit of the working state when the tree is dirty.

A dirty tree is captured with a throwaway index (a copy of the real one, so
unchanged files are not hashed again): tracked changes and new untracked files
alike, which `git stash create` would miss. The tree, its index and its refs
are never touched; the commit only lands in the object store.
"""

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from scripts.series.git import Git

from ..errors import UserError


@dataclass(frozen=True)
class Snapshot:
    commit: str
    label: str     # the branch, or "detached"
    dirty: bool


def _git(tree, *args, env=None):
    res = Git(tree)(*args, env=env)
    if res.returncode:
        raise UserError(f"--tree {tree}: `git {' '.join(args)}` failed: "
                        f"{(res.stderr.strip().splitlines() or ['?'])[-1]}")
    return res.stdout.strip()


def take(tree):
    tree = Path(tree)
    if not Git(tree)("rev-parse", "--verify", "-q", "HEAD^{commit}").ok:
        raise UserError(f"--tree {tree} is not a git checkout with a commit; a build host gets the tree "
                        "with git: `git init && git add -A && git commit` there, or build here")
    head = _git(tree, "rev-parse", "HEAD^{commit}")
    branch = Git(tree)("symbolic-ref", "-q", "--short", "HEAD").stdout.strip()
    label = branch or "detached"
    if not _git(tree, "status", "--porcelain", "--untracked-files=normal"):
        return Snapshot(head, label, False)
    return Snapshot(_working_state(tree, head, label), label, True)


def _working_state(tree, head, label):
    index = Path(_git(tree, "rev-parse", "--path-format=absolute", "--git-path", "index"))
    with tempfile.TemporaryDirectory(prefix="refpage-ci-index-") as tmp:
        scratch = Path(tmp) / "index"
        if index.is_file():
            shutil.copyfile(index, scratch)
        env = {"GIT_INDEX_FILE": str(scratch)}
        _git(tree, "add", "-A", env=env)
        snapshot_tree = _git(tree, "write-tree", env=env)
    return _git(tree, "-c", "user.name=refpage-ci", "-c", "user.email=refpage-ci@localhost",
                "commit-tree", snapshot_tree, "-p", head, "-m", f"refpage-ci: working state of {label}")
