"""`series apply`: a branch from HEAD with every patch `git am -3`'d and the wiring rendered in place.

The user's checkout is the one thing that must never be left half done: the
tree must be clean before, and any failure (a patch that does not apply, a
wiring that cannot be rendered, Ctrl-C) runs `git am --abort`, checks the
original branch or commit out again and deletes the branch made here.
"""

import signal
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

from harness.errors import StageFailed, UserError

from . import amfail, mbox, selftests, seriesfile, treelock, wiring
from .git import Git

BASE_KEY = "refpageBase"  # branch.<name>.refpageBase: the commit the series was applied on
DEFAULT_BRANCH = "refpage-ci/series"
_LOOKBACK = 64  # commits below HEAD searched for the series' subjects


@dataclass
class Applied:
    tree: Path
    branch: str
    base: str
    tip: str
    commits: List[tuple] = field(default_factory=list)  # (sha, subject, patch name or None)
    wiring_number: Optional[int] = None
    already: bool = False


def base_key(branch):
    return f"branch.{branch}.{BASE_KEY}"


def expected_subjects(patches_dir, series):
    """The subject of every commit the series makes, in order (the wiring's by its fixed subject)."""
    subjects = []
    for entry in series.entries:
        if entry.wiring:
            subjects.append(wiring.subject())
        elif entry.selftests:
            subjects.append(selftests.SUBJECT)
        else:
            info = mbox.parse((Path(patches_dir) / entry.name).read_text(errors="replace"))
            if not info.subject:
                raise UserError(f"{Path(patches_dir) / entry.name}: no Subject: header; "
                                "write patches with `git format-patch` (or `series refresh`)")
            subjects.append(info.subject)
    return subjects


def presence(git, rev, subjects):
    """How many of `subjects` the newest commits of rev carry: (found, [(sha, subject)])."""
    history = git.subjects(rev, len(subjects) + _LOOKBACK)
    by_subject = {s: sha for sha, s in reversed(history)}
    found = [(by_subject[s], s) for s in subjects if s in by_subject]
    return found


def apply_series(tree, route, progress=print, git=None):
    """The series of `route` (a Route) applied to `tree` as its branch; an Applied saying what was made."""
    git = git or Git(tree)
    if git.rev("HEAD") is None:
        raise UserError(f"{tree} is not a git checkout with a commit; `git init` and commit the base first")
    with treelock.held(git, "series apply"):
        return _apply_series(tree, git, route, progress)


def _apply_series(tree, git, route, progress):
    patches_dir, branch = route.patches_dir, route.branch
    series = seriesfile.load(patches_dir)
    subjects = expected_subjects(patches_dir, series)
    head = git.rev("HEAD")
    _refuse_unclean(git)
    state = presence(git, "HEAD", subjects)
    if len(state) == len(subjects):
        name = git.current_branch() or "a detached HEAD"
        _refuse_other_version(git, patches_dir, series, state, f"{tree}: {name}")
        progress(f"series: already applied: {name} at {head[:12]} has all {len(subjects)} commits of the "
                 f"series (newest: {state[-1][0][:12]} {state[-1][1]}); nothing changed")
        return Applied(Path(tree), git.current_branch(), git.config_get(base_key(git.current_branch() or ""))
                       or "", head, already=True)
    if state:
        raise UserError(f"{tree}: HEAD already has {len(state)} of the {len(subjects)} commits of the series "
                        f"({state[0][1]!r}, ...); check out the base without them, then apply again")
    if git.rev(f"refs/heads/{branch}"):
        return _existing_branch(git, branch, head, (patches_dir, series, subjects), progress)
    return _apply(git, route, series, head, progress)


def _refuse_unclean(git):
    op = git.operation_in_progress()
    if op:
        raise UserError(f"{git.tree}: a {op} is in progress; finish or abort it (e.g. `git am --abort`), "
                        "then apply again")
    dirty = git.dirty()
    if dirty:
        shown = ", ".join(dirty[:5]) + (f" (+{len(dirty) - 5} more)" if len(dirty) > 5 else "")
        raise UserError(f"{git.tree} has uncommitted changes in {shown}; commit or stash them, then apply again")


def _existing_branch(git, branch, head, wanted, progress):
    patches_dir, series, subjects = wanted
    tip = git.rev(f"refs/heads/{branch}")
    found = presence(git, tip, subjects)
    on_head = git("merge-base", "--is-ancestor", head, tip).ok
    if len(found) == len(subjects) and on_head:
        _refuse_other_version(git, patches_dir, series, found, f"branch {branch}")
        progress(f"series: already applied on branch {branch} (tip {tip[:12]}, on top of HEAD {head[:12]}); "
                 f"nothing changed; `git checkout {branch}` to use it")
        return Applied(git.tree, branch, git.config_get(base_key(branch)) or head, tip, already=True)
    raise UserError(f"branch {branch} already exists in {git.tree} and is not this series on HEAD; "
                    f"pass --branch NAME, or delete it: git -C {git.tree} branch -D {branch}")


def _refuse_other_version(git, patches_dir, series, found, where):
    """Same subjects are not the same series: each stored patch must be the change its commit makes."""
    differ = [entry.name for entry, (sha, _) in zip(series.entries, found)
              if not entry.rendered and _patch_id(git, patches_dir, entry) != git.commit_patch_id(sha)]
    if differ:
        verb = "differs" if len(differ) == 1 else "differ"
        raise UserError(f"{where} has the series' commits, but {', '.join(differ)} {verb} from {patches_dir} "
                        "(edited in the tree, or another version of the series): `refpage-ci series refresh` "
                        "keeps the tree's version; to apply this one, check out the base and apply again")


def _patch_id(git, patches_dir, entry):
    return git.patch_id((Path(patches_dir) / entry.name).read_text(errors="replace"))


@contextmanager
def _no_sigint():
    """Hold Ctrl-C off while the checkout is being restored (main thread only)."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _apply(git, route, series, head, progress):
    branch = route.branch
    original = git.current_branch()
    git.must("checkout", "--quiet", "-b", branch)  # HEAD's commit: no file changes
    result = Applied(git.tree, branch, head, head)
    done = False
    try:
        author, signoffs = "", ()
        for entry in series.entries:
            if entry.wiring:
                sha, plan = wiring.commit(git, author, signoffs)
                if sha is None:
                    progress(f"series: the tree already wires {plan.name} (syscall {plan.number}); "
                             "no wiring commit")
                    continue
                result.wiring_number = plan.number
                result.commits.append((sha, wiring.subject(), None))
                progress(f"series: [{len(result.commits)}] {wiring.subject()} (syscall {plan.number}, rendered)")
                continue
            if entry.selftests:
                sha, src = selftests.commit(git, route.selftests_dir, author, signoffs)
                if sha is None:
                    progress("series: the tree already carries the selftests; no selftests commit")
                    continue
                result.commits.append((sha, selftests.SUBJECT, None))
                progress(f"series: [{len(result.commits)}] {selftests.SUBJECT} "
                         f"({', '.join(src.programs)}, rendered from {src.folder})")
                continue
            path = route.patches_dir / entry.name
            info = mbox.parse(path.read_text(errors="replace"))
            author, signoffs = author or info.author, signoffs or info.signoffs
            _am(git, path)
            sha = git.rev("HEAD")
            result.commits.append((sha, info.subject, entry.name))
            progress(f"series: [{len(result.commits)}] {info.subject} ({entry.name})")
        git.must("config", base_key(branch), head)
        result.tip = git.rev("HEAD")
        done = True
    finally:
        if not done:
            with _no_sigint():
                _restore(git, original, head, branch)
    progress(f"series: applied {len(result.commits)} commits on branch {branch} "
             f"(base {head[:12]}, tip {result.tip[:12]})")
    return result


def _am(git, path):
    res = git("am", "-3", str(path), env=git.identity_env())
    if res.ok:
        return
    output = res.output
    if git.am_in_progress():
        git("am", "--abort")
    text = path.read_text(errors="replace")
    check = git("apply", "--check", "-v", str(path))
    failure = amfail.parse(output, path.name, text, "" if check.ok else check.output)
    detail = "\n".join(filter(None, [failure.explain(), "git am said:",
                                     "\n".join("  " + line for line in output.splitlines())]))
    raise StageFailed(f"series: {failure.summary()}; `git am --abort` done, the tree is back as it was",
                      detail)


def _restore(git, original, head, branch):
    """Back to the original branch (or detached commit) at `head`; the new branch deleted."""
    if git.am_in_progress():
        if not git("am", "--abort").ok:
            git("am", "--quit")
    if original:
        git("checkout", "--quiet", "-f", original)
    else:
        git("checkout", "--quiet", "-f", "--detach", head)
    if git.current_branch() != branch:
        git("branch", "-D", branch)
    if git.rev("HEAD") != head or git.dirty():
        raise StageFailed(f"series: could not restore {git.tree} to {original or head[:12]}",
                          f"check it by hand: git -C {git.tree} status")
