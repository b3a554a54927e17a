"""The scratch space of one repository: two worktrees kept in the cache, and the commits repro makes.

`apply/` is where `git am` runs (the series, a bug patch); `build/` only ever
checks out the commits made there, so a switch from the fixed series to a bug
touches just the files the bug patch changes and the kernel build in it stays
incremental. The user's checkout is never checked out, reset or written: the
work starts from its HEAD commit. Commits are kept alive by refs under
refs/refpage-ci/repro/ (not branches) and remembered by a key of what made
them, so an unchanged series or bug patch is not applied again.
"""

import hashlib
import json
from contextlib import contextmanager
from pathlib import Path

from harness import lock, paths, wholefile
from harness.errors import StageFailed, UserError
from scripts.series import amfail, apply as applying
from scripts.series.digest import digest, series_digest  # noqa: F401 (repro's keys)
from scripts.series.git import Git
from scripts.series.route import Route

REF_PREFIX = "refs/refpage-ci/repro/"
APPLY_BRANCH = "refpage-ci/repro-apply"  # lives only while `series apply` or export runs


class BugPatchError(Exception):
    """A bug patch that does not apply on the fixed series (or the base): one line, and git's words."""

    def __init__(self, message, detail=""):
        super().__init__(message)
        self.detail = detail


def common_dir(user):
    out = user.must("rev-parse", "--path-format=absolute", "--git-common-dir").strip()
    return Path(out).resolve()


def root_for(common):
    """<cache>/repro/<repository>-<hash>: one per repository, shared by all its worktrees."""
    common = Path(common)
    name = common.parent.name if common.name == ".git" else common.name.removesuffix(".git")
    digest = hashlib.sha256(str(common).encode()).hexdigest()[:10]
    return paths.cache_dir() / "repro" / f"{name}-{digest}"


class Scratch:
    def __init__(self, user_tree, progress=print):
        self.user = Git(user_tree)
        top = self.user("rev-parse", "--show-toplevel")
        if not top.ok or self.user.rev("HEAD") is None:
            raise UserError(f"--tree {user_tree} is not a git checkout with a commit; repro works from "
                            "a commit: `git init` and commit the base first")
        if Path(top.stdout.strip()).resolve() != Path(user_tree).resolve():
            raise UserError(f"--tree {user_tree} is inside the git checkout {top.stdout.strip()}, not a "
                            "checkout of its own; pass the checkout's top folder")
        self.root = root_for(common_dir(self.user))
        self.progress = progress
        self.head = self.user.rev("HEAD")

    @contextmanager
    def locked(self):
        """One repro at a time per repository: the worktrees and refs are shared."""
        with lock.held(self.root / ".lock",
                       waiting=lambda: self.progress(f"repro: waiting for another repro using {self.root}")):
            yield self

    def worktree(self, name):
        """A worktree of the user's repository at <root>/<name>, made once, clean, detached."""
        return self.user.worktree(self.root / name, self.head, self.progress, "repro")[0]

    # --- the commits, remembered by key ---------------------------------------------------

    def _state_path(self):
        return self.root / "commits.json"

    def _remembered(self, name, key):
        try:
            state = json.loads(self._state_path().read_text())
        except (OSError, ValueError):
            return None
        entry = state.get(name) or {}
        sha = entry.get("sha")
        if entry.get("key") == key and sha and self.user.rev(REF_PREFIX + name) == sha:
            return sha
        return None

    @staticmethod
    def ref(name):
        return REF_PREFIX + name

    def _remember(self, name, key, sha):
        self.user.must("update-ref", REF_PREFIX + name, sha)
        try:
            state = json.loads(self._state_path().read_text())
        except (OSError, ValueError):
            state = {}
        state[name] = {"key": key, "sha": sha}
        wholefile.write_text(self._state_path(), json.dumps(state, indent=1, sort_keys=True))

    def fixed(self, patches_dir):
        """The series on the user's HEAD (or HEAD itself when it carries the series already)."""
        key = digest("fixed", self.head, series_digest(patches_dir))
        sha = self._remembered("fixed", key)
        if sha:
            self.progress(f"repro: the fixed series on {self.head[:12]} is {sha[:12]} (made before)")
            return sha
        git = self.worktree("apply")
        self._detach(git, self.head)
        self._drop_apply_branch(git)  # a killed run may have left it
        try:
            result = applying.apply_series(git.tree, Route(patches_dir, APPLY_BRANCH), progress=self.progress,
                                           git=git)
            sha = result.tip if not result.already else self.head
        finally:
            self._drop_apply_branch(git)
        self._remember("fixed", key, sha)
        self.progress(f"repro: the fixed series on {self.head[:12]} is {sha[:12]}")
        return sha

    def with_patch(self, name, onto, patch):
        """`git am -3` of one patch onto `onto`; BugPatchError when it does not apply."""
        patch = Path(patch)
        key = digest("patch", onto, patch.read_bytes())
        sha = self._remembered(name, key)
        if sha:
            return sha
        git = self.worktree("apply")
        self._detach(git, onto)
        res = git("am", "-3", str(patch), env=git.identity_env())
        if not res.ok:
            if git.am_in_progress():
                git("am", "--abort")
            check = git("apply", "--check", "-v", str(patch))
            failure = amfail.parse(res.output, patch.name, patch.read_text(errors="replace"),
                                   "" if check.ok else check.output)
            raise BugPatchError(f"the bug patch does not apply on {onto[:12]}: {failure.summary()}",
                                failure.explain() or res.output)
        sha = git.rev("HEAD")
        self._remember(name, key, sha)
        return sha

    def checkout_build(self, sha):
        """The build worktree at `sha`: only the files that differ from its last commit are written."""
        git = self.worktree("build")
        self._detach(git, sha)
        return git.tree

    # --- RT-no-apply ---------------------------------------------------------------------

    def apply_fails_on(self, base, patches_dir):
        """`series apply` on `base`: the StageFailed it raised (None if it applied), after checking
        that it left the worktree as it was."""
        git = self.worktree("apply")
        self._detach(git, base)
        self._drop_apply_branch(git)
        error = None
        try:
            applying.apply_series(git.tree, Route(patches_dir, APPLY_BRANCH), progress=lambda _: None, git=git)
        except StageFailed as exc:
            error = exc
        finally:
            left_as_it_was = (git.rev("HEAD") == base and not git.dirty() and not git.am_in_progress()
                              and git.rev(f"refs/heads/{APPLY_BRANCH}") is None)
            self._drop_apply_branch(git)
        return error, left_as_it_was

    def export_base_commit(self, fixed, patches_dir, out):
        """Export the fixed series (`series export`) and return the cover letter's base-commit: line."""
        from scripts.series import cover
        from scripts.series.export import Posting, export
        git = self.worktree("apply")
        self._detach(git, fixed)
        version = max(v.version for v in cover.load_changelog(patches_dir).versions)
        git.must("branch", "-f", APPLY_BRANCH, fixed)
        try:
            letter, _, _, _ = export(git, Route(patches_dir, APPLY_BRANCH), Posting(version, out), base=self.head,
                                     progress=lambda _: None)
        finally:
            self._drop_apply_branch(git)
        for line in Path(letter).read_text(errors="replace").splitlines():
            if line.startswith("base-commit:"):
                return line.strip()
        return None

    def _detach(self, git, sha):
        git.must("checkout", "--quiet", "-f", "--detach", sha)

    def _drop_apply_branch(self, git):
        if git.current_branch() == APPLY_BRANCH:
            git("checkout", "--quiet", "-f", "--detach")
        if git.rev(f"refs/heads/{APPLY_BRANCH}"):
            git("branch", "-D", APPLY_BRANCH)
