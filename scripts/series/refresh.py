"""`series refresh`: the branch's commits written back into patches/ (rendered commits stay rendered).

File names follow `git format-patch` (NNNN-<sanitized subject>.patch), numbered
over the patches only, so a rendered commit leaves no gap; the series file gets
its comment line where it sits. The selftests commit's files go back into the
project's selftests/, which is where they are edited.
"""

from dataclasses import dataclass, field
from typing import List

from harness import wholefile
from harness.errors import UserError

from . import selftests, seriesfile, treelock, wiring
from .branch import resolve

NAME_MAX = 64  # git's format.filenameMaxLength default
SUFFIX = ".patch"


def _title_char(c):
    return c.isascii() and (c.isalnum() or c in "._")


def sanitize(subject):
    """git's format_sanitized_subject(): runs of other characters become one '-'."""
    out, space, i = [], 2, 0
    while i < len(subject):
        c = subject[i]
        if _title_char(c):
            if space == 1:
                out.append("-")
            space = 0
            out.append(c)
            if c == ".":
                while i + 1 < len(subject) and subject[i + 1] == ".":
                    i += 1
        else:
            space |= 1
        i += 1
    return "".join(out).rstrip(".-")


def patch_name(number, subject, name_max=NAME_MAX):
    """What `git format-patch` names patch `number` with this subject."""
    name = f"{number:04d}-{sanitize(subject)}"
    return name[:name_max - len(SUFFIX) - 1] + SUFFIX


def plan_names(subjects):
    """For each commit subject in order: its file name, or the kind of a rendered commit."""
    names, number = [], 0
    for subject in subjects:
        if wiring.is_wiring(subject):
            names.append(seriesfile.WIRING)
            continue
        if selftests.is_selftests(subject):
            names.append(seriesfile.SELFTESTS)
            continue
        number += 1
        names.append(patch_name(number, subject))
    return names


@dataclass
class Refreshed:
    written: List[str] = field(default_factory=list)
    unchanged: List[str] = field(default_factory=list)
    removed: List[str] = field(default_factory=list)
    wiring_skipped: int = 0
    selftests_written: List[str] = field(default_factory=list)


def refresh(git, route, base=None, progress=print):
    """`route`'s branch (a Route; above `base`, default the recorded one) written back into its folders.

    Every file is replaced whole, so a run reading patches/ or selftests/ meanwhile sees the old
    or the new one, never half of one."""
    with treelock.held(git, "series refresh"):
        return _refresh(git, route, base, progress)


def _refresh(git, route, base, progress):
    patches_dir, branch = route.patches_dir, route.branch
    rng = resolve(git, branch, base)
    old = None
    if (patches_dir / "series").is_file():
        old = seriesfile.parse((patches_dir / "series").read_text(), str(patches_dir / "series"))
    subjects = [s for _, s in rng.commits]
    names = plan_names(subjects)
    for kind in (seriesfile.WIRING, seriesfile.SELFTESTS):
        if names.count(kind) > 1:
            raise UserError(f"branch {branch} has more than one {kind[1:]} commit; keep one (rebase -i)")
    result = Refreshed()
    for (sha, subject), name in zip(rng.commits, names):
        if name == seriesfile.WIRING:
            result.wiring_skipped += 1
            progress(f"refresh: {sha[:12]} {subject}: the rendered wiring, kept as the series' comment line")
            continue
        if name == seriesfile.SELFTESTS:
            folder = route.selftests_dir
            result.selftests_written = selftests.write_back(git, sha, folder)
            progress(f"refresh: {sha[:12]} {subject}: the selftests, back into {folder} "
                     f"({', '.join(result.selftests_written) or 'unchanged'})")
            continue
        text = git.must("format-patch", "-1", "--stdout", "--zero-commit", "--no-signature",
                        "--no-numbered", sha)
        target = patches_dir / name
        if target.is_file() and target.read_text() == text:
            result.unchanged.append(name)
        else:
            wholefile.write_text(target, text)
            result.written.append(name)
    keep = {n for n in names if not n.startswith("#")}
    for stale in (old.patches if old else ()):
        if stale not in keep and (patches_dir / stale).is_file():
            (patches_dir / stale).unlink()
            result.removed.append(stale)
    header = old.header if old else ()
    wholefile.write_text(patches_dir / "series", seriesfile.render(names, header))
    progress(f"refresh: {len(result.written)} written, {len(result.unchanged)} unchanged, "
             f"{len(result.removed)} removed in {patches_dir} (from {branch}, base {rng.base[:12]})")
    return result
