"""The user's checkout as repro found it: its branch, HEAD and status, to prove it was left alone."""

from dataclasses import dataclass
from typing import Optional

from harness.errors import StageFailed
from scripts.series.git import Git


@dataclass(frozen=True)
class State:
    branch: Optional[str]
    head: str
    status: str  # `git status --porcelain`, untracked files included

    def dirty_files(self):
        return [line[3:] for line in self.status.splitlines() if line.strip()]

    def differences(self, other):
        """What changed from self to other, in words; [] when nothing did."""
        found = []
        if self.branch != other.branch:
            found.append(f"branch {self.branch or '(detached)'} -> {other.branch or '(detached)'}")
        if self.head != other.head:
            found.append(f"HEAD {self.head[:12]} -> {other.head[:12]}")
        if self.status != other.status:
            found.append("`git status` changed")
        return found


def snapshot(tree):
    git = Git(tree)
    return State(git.current_branch(), git.rev("HEAD") or "",
                 git.must("status", "--porcelain", "--untracked-files=normal"))


def check_unchanged(tree, before):
    after = snapshot(tree)
    changes = before.differences(after)
    if changes:
        raise StageFailed(f"repro: {tree} changed during the run ({'; '.join(changes)}); this is a bug "
                          "of refpage-ci: please report it", f"check it: git -C {tree} status")
