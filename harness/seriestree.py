"""The named base trees with the series: what `boot`, `run`, `shell` and `bench` use by default.

One worktree of each cached base (debian:X.Y) at a fixed path in the cache, so
its builds stay incremental; the series (the port for that base) is applied
again only when scripts.series.digest changes. Build folders inside it are
ignored files, so re-applying keeps them. A run holds the worktree shared from here
until it exits; applying again takes it alone, so no build ever sees its sources change.
"""

from dataclasses import dataclass
from pathlib import Path

from scripts.series import ports
from scripts.series.apply import apply_series
from scripts.series.digest import series_digest
from scripts.series.git import Git
from scripts.series.route import Route

from . import lock as locks, paths, tree as trees


def branch(version):
    return f"refpage-ci/series-{version}"


_in_use = {}  # lock path -> the open lock file: held shared until this process exits


@dataclass(frozen=True)
class Worktree:
    """One base's worktree for a port's series: the base it is of, the port, where it is, the series'
    branch in it; its lock and its series stamp lie beside it."""
    base: Path
    port: object                    # scripts.series.ports.Port
    path: Path
    branch: str

    lock = property(lambda self: self.path.parent / f".{self.path.name}.lock")
    stamp = property(lambda self: self.path.parent / f".{self.path.name}.series")


def worktree(version, progress, port_name=None):
    """(path, port): the worktree of debian:<version> with the current series applied."""
    base = trees.default_tree(version, progress=progress)
    port = ports.choose(trees.kernel_version(base), port_name)
    name = f"series-{version}" + (f"-port-{port.name}" if port_name else "")
    tree = Worktree(base, port, paths.cache_dir() / "worktrees" / name,
                    branch(version) if not port_name else f"{branch(version)}-{port.name}")
    if tree.lock not in _in_use:
        _in_use[tree.lock] = _current(tree, progress)
    progress(f"series: {port.line()} applied in {tree.path}")
    return tree.path, port


def _current(tree, progress):
    """The worktree's lock, held shared, once the worktree (a Worktree) carries the current series."""
    wt, lock, stamp = tree.path, tree.lock, tree.stamp
    digest = series_digest(tree.port.folder)
    wt.parent.mkdir(parents=True, exist_ok=True)

    def current():
        return (wt / ".git").exists() and stamp.is_file() and stamp.read_text().strip() == digest
    def waiting():
        progress(f"series: waiting for the runs using {wt} to finish, to apply the changed series")
    while True:
        with _gate(lock):
            shared = locks.acquire(lock, shared=True)
        if current():
            return shared
        shared.close()
        with _gate(lock), locks.held(lock, waiting=waiting):
            if not current():
                _apply(tree, progress)
                stamp.write_text(digest + "\n")


def _gate(lock):
    """Taken on the way in: a run waiting to apply keeps newcomers out, so it is not starved."""
    return locks.held(lock.with_name(lock.name + ".gate"))


def _apply(tree, progress):
    wt = tree.path
    Git(tree.base).worktree(wt, "base", progress, who="series")
    progress(f"series: applying {tree.port.line()} to {wt} (the series or the selftests changed)")
    _git(wt, "checkout", "--quiet", "--detach", "--force", "base")
    _git(wt, "clean", "-fdq")
    _git(wt, "branch", "-D", tree.branch, check=False)
    apply_series(wt, Route(tree.port.folder, tree.branch), progress=progress)


def _git(tree, *args, check=True):
    git = Git(tree)
    return git.must(*args) if check else git(*args)
