"""The series with a throwaway bug patch on top: a worktree of the base tree kept in the cache,
so the bug kernel's build is incremental and shares ccache with the series' (same relative paths)."""

from harness import lock as locks, paths, seriestree, tree as trees
from harness.errors import UserError
from scripts.series.git import Git

_held = {}


def worktree(version, patch, progress):
    """The path of debian:<version> + the series + `patch` (git am -3), made fresh each run."""
    if not patch.is_file():
        raise UserError(f"--bug-patch {patch}: no such file; pass a patch made with `git format-patch`")
    seriestree.worktree(version, progress)  # the series branch is current (and stays so: held shared)
    base = trees.default_tree(version, progress=progress)
    wt = paths.cache_dir() / "worktrees" / f"regress-bug-{version}"
    _lock(wt)
    git, _ = Git(base).worktree(wt, seriestree.branch(version), progress, who="regress")
    git("am", "--abort")
    git.must("checkout", "--quiet", "--detach", "--force", seriestree.branch(version))
    git.must("clean", "-fdq")
    res = git("am", "-3", "--quiet", str(patch.resolve()), env=_identity())
    if not res.ok:
        git("am", "--abort")
        said = next((line for line in res.output.splitlines() if line.strip()), "git am failed")
        raise UserError(f"--bug-patch {patch}: does not apply on the series for debian:{version} ({said}); "
                        f"remake it on {seriestree.branch(version)} in {base}")
    progress(f"regress: bug patch {patch.name} applied on the series in {wt}")
    return wt


def _lock(wt):
    """One regress --bug-patch per base at a time: the worktree is rewritten by each."""
    wt.parent.mkdir(parents=True, exist_ok=True)
    lock = wt.parent / f".{wt.name}.lock"
    if lock not in _held:
        _held[lock] = locks.acquire(lock, refused=f"regress --bug-patch: another run is using {wt}; "
                                    "wait for it to finish")


def _identity():
    return {"GIT_AUTHOR_NAME": "refpage-ci", "GIT_AUTHOR_EMAIL": "refpage-ci@localhost",
            "GIT_COMMITTER_NAME": "refpage-ci", "GIT_COMMITTER_EMAIL": "refpage-ci@localhost"}
