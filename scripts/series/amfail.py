"""Why `git am` stopped: the patch, the file and the hunk, from git's own words.

`git am -3` says which patch failed ("Patch failed at 0002 SUBJECT") and, when
its 3-way fallback ran, which files conflicted; it does not say which hunk. So
the failing patch is also checked with `git apply --check -v`, whose
"error: patch failed: FILE:LINE" names the hunk by its old start line, and that
line is looked up among the patch's hunk headers.
"""

import re
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

_PATCH_FAILED_AT = re.compile(r"^Patch failed at (\d+) (.*)$", re.M)
_APPLY_FAILED = re.compile(r"^error: patch failed: (.+):(\d+)$", re.M)
_DOES_NOT_EXIST = re.compile(r"^error: (.+): does not exist in index$", re.M)
_ALREADY_EXISTS = re.compile(r"^error: (.+): already exists in (?:index|working directory)$", re.M)
_CONFLICT = re.compile(r"^CONFLICT \([^)]*\): Merge conflict in (.+)$", re.M)
_LACKING = re.compile(r"^error: sha1 information is lacking or useless \((.+)\)\.$", re.M)
_DIFF_GIT = re.compile(r"^diff --git a/(.+) b/(.+)$")
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$")


@dataclass(frozen=True)
class Hunk:
    path: str
    number: int  # 1-based within its file
    old_start: int
    header: str  # the whole "@@ ... @@ context" line

    def describe(self):
        if not self.number:
            return f"{self.path}:{self.old_start}"
        return f"{self.path} hunk #{self.number} ({self.header})"


@dataclass
class Failure:
    patch: str  # the patch file name (or the commit's subject)
    subject: str = ""
    files: List[str] = field(default_factory=list)  # files git named
    hunks: List[Hunk] = field(default_factory=list)  # hunks that do not apply
    missing: List[str] = field(default_factory=list)  # files the patch edits that the tree lacks
    existing: List[str] = field(default_factory=list)  # files the patch adds that the tree has
    lacking_blobs: List[str] = field(default_factory=list)  # no 3-way base (prerequisite absent)
    output: str = ""

    def summary(self):
        """One line: which patch failed, and where."""
        where = []
        if self.hunks:
            where.append(self.hunks[0].describe()
                         + (f" (+{len(self.hunks) - 1} more hunks)" if len(self.hunks) > 1 else ""))
        if self.missing:
            where.append(f"{', '.join(self.missing)} missing from the tree")
        if self.existing:
            where.append(f"{', '.join(self.existing)} already in the tree")
        if not where and self.files:
            where.append(f"conflict in {', '.join(self.files)}")
        subject = f" ({self.subject})" if self.subject else ""
        return f"{self.patch}{subject} does not apply: " + ("; ".join(where) or "see git's output")

    def explain(self):
        """The detail: the hunks, and a hint at the likely cause."""
        lines = [f"  failed: {h.describe()}" for h in self.hunks]
        if self.lacking_blobs:
            lines.append(f"  no 3-way merge possible: the blobs this patch was made against are not in "
                         f"the repository ({', '.join(self.lacking_blobs)}): the tree lacks a "
                         "prerequisite, or differs from the series' base")
        return "\n".join(lines)


def hunks(patch_text):
    """Every hunk of a diff, with its file (the new name) and its number within the file."""
    found, path, number = [], None, 0
    for line in patch_text.splitlines():
        m = _DIFF_GIT.match(line)
        if m:
            path, number = m.group(1), 0
            continue
        if line.startswith("--- ") or line.startswith("+++ "):
            continue
        m = _HUNK.match(line)
        if m and path:
            number += 1
            found.append(Hunk(path, number, int(m.group(1)), line))
    return found


def find_hunk(patch_text, path, old_line):
    """The hunk of `path` git means by 'patch failed: path:old_line'."""
    candidates = [h for h in hunks(patch_text) if h.path == path]
    for h in candidates:
        if h.old_start == old_line:
            return h
    # git reports the line after any leading context it could not match; take the nearest start at or before
    before = [h for h in candidates if h.old_start <= old_line]
    return before[-1] if before else (candidates[0] if candidates else None)


def parse(am_output, patch_name, patch_text="", apply_check_output=""):
    """A Failure from `git am`'s output and (optionally) `git apply --check -v`'s."""
    fail = Failure(patch=patch_name, output=am_output)
    m = _PATCH_FAILED_AT.search(am_output)
    if m:
        fail.subject = m.group(2).strip()
    both = am_output + "\n" + apply_check_output
    for pattern, bucket in ((_CONFLICT, fail.files), (_LACKING, fail.lacking_blobs),
                            (_DOES_NOT_EXIST, fail.missing), (_ALREADY_EXISTS, fail.existing)):
        for name in pattern.findall(both):
            if name not in bucket:
                bucket.append(name)
    for path, line in _APPLY_FAILED.findall(both):
        if path not in fail.files:
            fail.files.append(path)
        hunk = find_hunk(patch_text, path, int(line)) if patch_text else None
        if hunk is None:
            hunk = Hunk(path, 0, int(line), f"at line {line}")
        if hunk not in fail.hunks:
            fail.hunks.append(hunk)
    return fail


def failed_number(am_output) -> Optional[Tuple[int, str]]:
    """(NNNN, subject) from 'Patch failed at NNNN SUBJECT', or None."""
    m = _PATCH_FAILED_AT.search(am_output)
    return (int(m.group(1)), m.group(2).strip()) if m else None
