"""Which commits are the series: the branch, and the base `series apply` recorded for it."""

from dataclasses import dataclass
from typing import List

from harness.errors import UserError

from .apply import base_key


@dataclass(frozen=True)
class Range:
    branch: str
    base: str
    tip: str
    commits: List[tuple]  # (sha, subject), oldest first


def resolve(git, branch, base=None):
    """The series' commits on `branch` (default: the checked-out branch's series)."""
    tip = git.rev(f"refs/heads/{branch}")
    if tip is None:
        raise UserError(f"{git.tree} has no branch {branch}; run `refpage-ci series apply` first "
                        "(or pass --branch NAME)")
    base_rev = base or git.config_get(base_key(branch))
    if not base_rev:
        raise UserError(f"branch {branch} has no recorded base (it was not made by `series apply`); "
                        "pass --base REV (the commit the series sits on)")
    base_sha = git.rev(base_rev)
    if base_sha is None:
        raise UserError(f"--base {base_rev}: no such commit in {git.tree}")
    if not git("merge-base", "--is-ancestor", base_sha, tip).ok:
        raise UserError(f"{base_rev} ({base_sha[:12]}) is not below branch {branch}; "
                        "pass --base REV with the commit the series sits on")
    commits = git.commits(base_sha, tip)
    if not commits:
        raise UserError(f"branch {branch} has no commits above {base_sha[:12]}; nothing to write")
    merges = git.must("rev-list", "--merges", f"{base_sha}..{tip}").split()
    if merges:
        raise UserError(f"branch {branch} has merge commits above its base ({merges[0][:12]}); "
                        "a patch series must be linear: rebase it")
    return Range(branch, base_sha, tip, commits)
