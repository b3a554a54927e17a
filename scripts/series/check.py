"""`series check`: checkpatch.pl --strict on every commit, and every commit built on its own.

The work happens in a worktree of the user's repository kept in the cache
(`<cache>/series-check/<tree>-<hash>`), never in the user's checkout: the
series is applied there (wiring rendered as in `series apply`), then each
commit is checked out in turn and built with the harness' incremental
builds. The worktree's path stays the same from run to run and commit to
commit, which is what keeps the builds incremental.
"""

import hashlib
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

from harness import lock, paths
from harness.errors import StageFailed, UserError

from . import apply as applying, selftests
from .git import Git, run
from .route import Route

_FINDING = re.compile(r"^(?:(?P<file>[^:\s][^:]*):(?P<line>\d+): )?(?P<kind>ERROR|WARNING|CHECK): (?P<msg>.*)$")
_TOTAL = re.compile(r"^total: (\d+) errors, (\d+) warnings, (?:(\d+) checks, )?(\d+) lines checked", re.M)
CHECK_BRANCH = "refpage-ci/series-check"


@dataclass(frozen=True)
class Finding:
    kind: str  # ERROR, WARNING or CHECK
    message: str
    file: Optional[str] = None
    line: Optional[int] = None

    def __str__(self):
        where = f"{self.file}:{self.line}: " if self.file else ""
        return f"{where}{self.kind}: {self.message}"


@dataclass
class CommitReport:
    sha: str
    subject: str
    findings: List[Finding] = field(default_factory=list)
    builds: Dict[str, str] = field(default_factory=dict)  # arch -> "ok" / "failed: ..." / "not built"

    @property
    def errors(self):
        return [f for f in self.findings if f.kind == "ERROR"]

    @property
    def warnings(self):
        return [f for f in self.findings if f.kind != "ERROR"]

    @property
    def ok(self):
        return not self.errors and not any("failed" in v for v in self.builds.values())


@dataclass(frozen=True)
class Builds:
    """What `series check` builds: the commits a --build-commits spec chooses (None: all) for each
    of `arches`, each through `build_one(worktree, arch, out, progress, selftests)`, which says
    "ok" or "failed: ..."."""
    build_one: Callable
    arches: Tuple[str, ...]
    commits: Optional[str] = None


def parse_checkpatch(output):
    """Findings from `checkpatch.pl --terse --showfile` output."""
    found = []
    for line in output.splitlines():
        m = _FINDING.match(line.strip())
        if m and not line.startswith("total:"):
            found.append(Finding(m.group("kind"), m.group("msg").strip(), m.group("file"),
                                 int(m.group("line")) if m.group("line") else None))
    return found


def checkpatch(tree, patch_text, cache_dir=None, runner=run):
    """Findings for one patch; cached per (patch text, checkpatch.pl), as b4 caches per commit."""
    script = Path(tree) / "scripts" / "checkpatch.pl"
    if not script.is_file():
        raise UserError(f"{script}: no such file; check needs a kernel tree with scripts/checkpatch.pl")
    key = None
    if cache_dir:
        # the whole patch (message included: checkpatch reads the sign-offs), not its commit id
        body = patch_text.split("\n", 1)[1] if patch_text.startswith("From ") else patch_text
        digest = hashlib.sha256(script.read_bytes() + b"\0" + body.encode()).hexdigest()[:32]
        key = Path(cache_dir) / f"{digest}.json"
        if key.is_file():
            return [Finding(**f) for f in json.loads(key.read_text())]
    res = runner(["perl", script, "--strict", "--terse", "--showfile", "--no-summary", "--color=never", "-"],
                 cwd=tree, input=patch_text)
    findings = parse_checkpatch(res.stdout)
    if res.returncode not in (0, 1) or (res.returncode == 1 and not findings):
        raise StageFailed(f"check: checkpatch.pl did not run (exit {res.returncode})", res.output[-2000:])
    if key:
        key.parent.mkdir(parents=True, exist_ok=True)
        key.write_text(json.dumps([f.__dict__ for f in findings]))
    return findings


def worktree_for(tree):
    tree = Path(tree).resolve()
    digest = hashlib.sha256(str(tree).encode()).hexdigest()[:10]
    return paths.cache_dir() / "series-check" / f"{tree.name}-{digest}"


@contextmanager
def _locked(path):
    with lock.held(path, refused=f"another `series check` is using {path.parent}; wait for it to finish"):
        yield


def prepare_worktree(user_git, wt, progress=print):
    """The check worktree at the user's HEAD (made once, reused), clean, detached."""
    head = user_git.rev("HEAD")
    if head is None:
        raise UserError(f"{user_git.tree} is not a git checkout with a commit")
    git, made = user_git.worktree(wt, head, progress, "check")
    if not made:
        git.must("checkout", "--quiet", "-f", "--detach", head)
    if git.rev(f"refs/heads/{CHECK_BRANCH}"):
        git.must("branch", "-D", CHECK_BRANCH)
    return git


def commits_to_check(git, patches_dir, progress):
    """Apply the series in the worktree; (sha, subject) of every commit it made, oldest first."""
    result = applying.apply_series(git.tree, Route(patches_dir, CHECK_BRANCH), progress=progress, git=git)
    if not result.already:
        return [(sha, subject) for sha, subject, _ in result.commits]
    subjects = applying.expected_subjects(patches_dir, applying.seriesfile.load(patches_dir))
    found = applying.presence(git, "HEAD", subjects)
    oldest = found[0][0]
    return git.commits(f"{oldest}^", "HEAD")


def select(commits, spec):
    """Commits chosen by --build-commits: '1,3', 'last', 'all' (1-based, in series order)."""
    if spec in (None, "", "all"):
        return list(commits)
    chosen = []
    for part in spec.split(","):
        part = part.strip()
        if part == "last":
            index = len(commits)
        elif part.isdigit() and 1 <= int(part) <= len(commits):
            index = int(part)
        else:
            raise UserError(f"--build-commits {spec}: {part!r} is not 'last' or a number 1..{len(commits)}")
        if commits[index - 1] not in chosen:
            chosen.append(commits[index - 1])
    return chosen


def check(tree, patches_dir, builds=None, progress=print):
    """checkpatch on every commit; with `builds` (a Builds), the commits it chooses built too."""
    user_git = Git(tree)
    wt = worktree_for(tree)
    reports = []
    with _locked(wt.parent / f".{wt.name}.lock"):
        git = prepare_worktree(user_git, wt, progress)
        try:
            commits = commits_to_check(git, patches_dir, progress)
            cache = paths.cache_dir() / "series-check" / "checkpatch"
            for sha, subject in commits:
                text = git.must("format-patch", "-1", "--stdout", sha)
                report = CommitReport(sha, subject, checkpatch(wt, text, cache))
                reports.append(report)
                progress(f"check: checkpatch {sha[:12]} {subject}: {len(report.errors)} errors, "
                         f"{len(report.warnings)} warnings/checks")
            if builds:
                to_build = {sha for sha, _ in select(commits, builds.commits)}
                for report in reports:
                    for arch in builds.arches:
                        report.builds[arch] = "not built (--build-commits)"
                    if report.sha not in to_build:
                        continue
                    git.must("checkout", "--quiet", "-f", "--detach", report.sha)
                    src = (selftests.sources(paths.SELFTESTS)
                           if selftests.is_selftests(report.subject) else None)
                    for arch in builds.arches:
                        progress(f"check: building {report.sha[:12]} {report.subject} for {arch}")
                        out = paths.cache_dir() / "series-check" / "out" / arch
                        report.builds[arch] = builds.build_one(wt, arch, out, progress, src)
                        progress(f"check: {arch} {report.sha[:12]}: {report.builds[arch]}")
        finally:
            git("checkout", "--quiet", "-f", "--detach")
            if git.rev(f"refs/heads/{CHECK_BRANCH}"):
                git("branch", "-D", CHECK_BRANCH)
    return reports


def summary(reports):
    lines = []
    for i, r in enumerate(reports, 1):
        builds = ", ".join(f"{a}: {v}" for a, v in r.builds.items()) or "not built"
        lines.append(f"[{i}] {r.sha[:12]} {r.subject}")
        lines.append(f"    checkpatch: {len(r.errors)} errors, {len(r.warnings)} warnings/checks; {builds}")
        for f in r.errors + r.warnings:
            lines.append(f"      {f}")
    return "\n".join(lines)
