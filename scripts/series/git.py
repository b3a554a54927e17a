"""The git vocabulary: `git -C <tree>` and the commands the series and the harness need.

Every git runs through harness.process with `let_finish`: in its own session, so a terminal's
Ctrl-C does not reach it, and waited for, so it never dies with index.lock held or a file half
written; our environment without GIT_DIR and its kin, so it works on the tree it is given.
"""

from pathlib import Path

from harness import process
from harness.errors import StageFailed


def run(argv, cwd=None, input=None, env=None):
    return process.run(argv, cwd=cwd, input=input, env=env, let_finish=True)


class Git:
    """git -C <tree>, with the commands the series needs."""

    def __init__(self, tree, runner=run):
        self.tree = Path(tree)
        self._run = runner

    def __call__(self, *args, input=None, env=None):
        # gc.auto=0: our commits must not start a detached `git gc` in the user's repository
        return self._run(["git", "-C", self.tree, "-c", "gc.auto=0", *args], input=input, env=env)

    def must(self, *args, input=None, env=None):
        res = self(*args, input=input, env=env)
        if not res.ok:
            raise StageFailed(f"git {' '.join(map(str, args[:3]))}: failed (exit {res.returncode}) in {self.tree}",
                              res.output)
        return res.stdout

    def rev(self, name):
        """The commit `name` resolves to, or None."""
        res = self("rev-parse", "--verify", "--quiet", f"{name}^{{commit}}")
        return res.stdout.strip() if res.ok else None

    def current_branch(self):
        """The checked-out branch's short name, or None on a detached HEAD."""
        res = self("symbolic-ref", "--quiet", "--short", "HEAD")
        return res.stdout.strip() if res.ok else None

    def dirty(self):
        """Tracked files with uncommitted changes (staged or not); untracked files do not count."""
        out = self.must("status", "--porcelain", "--untracked-files=no")
        return [line[3:] for line in out.splitlines() if line.strip()]

    def git_path(self, name):
        out = self.must("rev-parse", "--git-path", name).strip()
        path = Path(out)
        return path if path.is_absolute() else self.tree / path

    def operation_in_progress(self):
        """'am', 'rebase', 'merge', ... when one is under way in this checkout, else None."""
        for name, what in (("rebase-apply", "am or rebase"), ("rebase-merge", "rebase"),
                           ("MERGE_HEAD", "merge"), ("CHERRY_PICK_HEAD", "cherry-pick"),
                           ("REVERT_HEAD", "revert")):
            if self.git_path(name).exists():
                return what
        return None

    def worktree(self, path, rev, progress=None, who="refpage-ci"):
        """(Git of `path`, made): this repository's worktree there, made once at `rev`, detached;
        reused (as it is) when git lists it and it is there, an `am` left in progress aborted."""
        path = Path(path).resolve()  # as git lists it (a cache under a symlink too)
        listed = self.must("worktree", "list", "--porcelain")
        if (path / ".git").exists() and f"worktree {path}\n" in listed + "\n":
            git = Git(path, self._run)
            if git.am_in_progress():
                git("am", "--abort")
            return git, False
        if progress:
            progress(f"{who}: making a worktree of {self.tree} at {path} (once; a full checkout)")
        # -f: the folder may have been deleted by hand while git still lists it
        self.must("worktree", "add", "-f", "--quiet", "--detach", str(path), rev)
        return Git(path, self._run), True

    def am_in_progress(self):
        return self.git_path("rebase-apply").is_dir()

    def config_get(self, key):
        res = self("config", "--get", key)
        return res.stdout.strip() if res.ok else None

    def subjects(self, rev, count):
        """(sha, subject) of the newest `count` first-parent commits of rev."""
        out = self.must("log", "--first-parent", f"-n{count}", "--format=%H %s", rev, "--")
        return [tuple(line.split(" ", 1)) if " " in line else (line, "") for line in out.splitlines()]

    def patch_id(self, diff):
        """`git patch-id --stable` of a diff or mbox: the change alone, not its message or line numbers."""
        out = self.must("patch-id", "--stable", input=diff)
        return out.split()[0] if out.strip() else None

    def commit_patch_id(self, sha):
        return self.patch_id(self.must("show", "--format=", sha))

    def commits(self, base, tip):
        """(sha, subject) from base (exclusive) to tip, oldest first."""
        out = self.must("log", "--reverse", "--format=%H %s", f"{base}..{tip}", "--")
        return [tuple(line.split(" ", 1)) if " " in line else (line, "") for line in out.splitlines()]

    def identity_env(self):
        """A committer identity when the user has none configured (git would refuse to commit)."""
        if self.config_get("user.email") and self.config_get("user.name"):
            return {}
        return {"GIT_COMMITTER_NAME": "refpage-ci", "GIT_COMMITTER_EMAIL": "refpage-ci@localhost"}

    def commit_rendered(self, paths, message, author, signoffs):
        """Commit `paths` as a rendered commit of the series, in the series' author's name."""
        # -f: a tree whose .gitignore ignores its own folders (Debian's `/*`) must still take them
        self.must("add", "-f", "--", *paths)
        args = ["commit", "--quiet", "--no-verify", "-F", "-"]
        if author:
            args.insert(1, f"--author={author}")
        if not signoffs:  # the series carries none: at least the committer's, as checkpatch wants
            args.insert(1, "--signoff")
        self.must(*args, input=message, env=self.identity_env())
        return self.rev("HEAD")
