"""A plan as file contents: the edited text, a diff `git apply` takes, writing it to a tree."""

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List

from harness import wholefile

from . import unistd


@dataclass(frozen=True)
class FileChange:
    path: str  # relative to the tree
    before: str
    after: str


def file_changes(tree, plan):
    """One FileChange per file the plan touches (a count may live in a file of its own)."""
    inserts: Dict[str, Dict[int, List[str]]] = {}
    counts: Dict[str, Dict[int, int]] = {}
    for addition in plan.pending:
        if addition.lines:
            by_line = inserts.setdefault(addition.table.path, {})
            by_line.setdefault(addition.after_lineno, []).extend(addition.lines)
        if addition.count_value is not None:
            counts.setdefault(addition.count.path, {})[addition.count.lineno] = addition.count_value
    changes = []
    for path in sorted(set(inserts) | set(counts)):
        before = (Path(tree) / path).read_text()
        after = edit_text(before, inserts.get(path, {}), counts.get(path, {}))
        changes.append(FileChange(path, before, after))
    return changes


def edit_text(text, inserts, counts):
    """`text` with lines inserted after given line numbers and count defines raised."""
    lines = text.splitlines()
    out = []
    for lineno, line in enumerate(lines, 1):
        out.append(unistd.bump_count(line, counts[lineno]) if lineno in counts else line)
        out.extend(inserts.get(lineno, ()))
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def diff(changes):
    """A git-style diff of the changes (apply with `git apply` or `patch -p1`)."""
    chunks = []
    for change in changes:
        body = difflib.unified_diff(change.before.splitlines(), change.after.splitlines(),
                                    f"a/{change.path}", f"b/{change.path}", lineterm="")
        chunks.append(f"diff --git a/{change.path} b/{change.path}\n" + "\n".join(body) + "\n")
    return "".join(chunks)


def write(tree, changes):
    """Write each changed file in place, atomically, keeping its mode."""
    for change in changes:
        target = Path(tree) / change.path
        wholefile.write_text(target, change.after, mode=target.stat().st_mode & 0o7777)
