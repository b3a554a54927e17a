"""`series apply/export/refresh` with real git on a small synthetic kernel-like tree (seconds).

The tree has what `check_kernel_tree` and the syscall renderer need (Makefile,
Kconfig, arch/, the x86 syscall tables cut from 6.12) and a few C files the
synthetic series edits. The series is made the way a developer makes one:
commits in a clone, `git format-patch`, a series file with the wiring line.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness import paths

pytestmark = pytest.mark.e2e

PROJECT = Path(__file__).resolve().parents[2]
TABLES = PROJECT / "tests" / "data" / "syscalls" / "linux-6.12-cut" / "arch" / "x86" / "entry" / "syscalls"
WIRING = "# syscall wiring: rendered at apply time by refpage-ci syscalls render"


def git(cwd, *args, check=True, input=None):
    res = subprocess.run(["git", "-C", str(cwd), *map(str, args)], capture_output=True, text=True,
                         input=input, env={"LC_ALL": "C", "PATH": "/usr/bin:/bin", "HOME": str(cwd),
                                           "GIT_CONFIG_NOSYSTEM": "1"})
    if check and res.returncode:
        raise AssertionError(f"git {' '.join(map(str, args))}: {res.stdout}{res.stderr}")
    return res.stdout.strip()


def setup_identity(repo):
    git(repo, "config", "user.name", "Test Committer")
    git(repo, "config", "user.email", "committer@example.org")


def numbered(prefix, n):
    return "".join(f"{prefix} line {i}\n" for i in range(1, n + 1))


def make_tree(root):
    """A git checkout that passes check_kernel_tree and has x86 syscall tables."""
    root.mkdir(parents=True)
    (root / "Makefile").write_text("VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\nEXTRAVERSION =\n")
    (root / "Kconfig").write_text('mainmenu "Synthetic"\n')
    (root / "arch" / "x86").mkdir(parents=True)
    (root / "arch" / "x86" / "Kconfig").write_text("config X86\n\tdef_bool y\n")
    shutil.copytree(TABLES, root / "arch" / "x86" / "entry" / "syscalls")
    (root / "mm").mkdir()
    (root / "mm" / "memory.c").write_text(numbered("memory", 60))
    (root / "include" / "linux").mkdir(parents=True)
    (root / "include" / "linux" / "mm.h").write_text(numbered("mm.h", 20))
    git(root, "init", "-q", "-b", "base")
    setup_identity(root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "synthetic base")
    return root


def make_series(tree, dest, wiring_after=2, prerequisite=False):
    """Three patches made in a clone of tree, format-patch'ed into dest with a series file.

    With `prerequisite`, the clone first gets a local commit the series is then made on
    (and which is not exported): the v1 mistake of RT-no-apply.
    """
    work = dest.parent / (dest.name + "-work")
    subprocess.run(["git", "clone", "-q", str(tree), str(work)], check=True)
    setup_identity(work)
    git(work, "config", "user.name", "Peter Collingbourne")
    git(work, "config", "user.email", "pcc@example.org")

    def edit(path, old, new):
        p = work / path
        p.write_text(p.read_text().replace(old, new, 1))

    if prerequisite:
        edit("mm/memory.c", "memory line 9\n", "memory line 9 (local prerequisite)\n")
        git(work, "commit", "-q", "-a", "-m", "mm: a local patch the series depends on")

    (work / "mm" / "refpage.c").write_text("// SPDX-License-Identifier: GPL-2.0\n/* reference pages */\n")
    edit("mm/memory.c", "memory line 10\n", "memory line 10\n\tif (vma_is_refpage(vma))\n\t\treturn 0;\n")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-s", "-m", "mm: introduce reference pages", "-m", "Add refpage_create.")
    edit("include/linux/mm.h", "mm.h line 5\n", "mm.h line 5\nbool vma_is_refpage(struct vm_area_struct *vma);\n")
    edit("mm/memory.c", "memory line 40\n", "memory line 40\n\t/* mte: copy the tags */\n")
    git(work, "commit", "-q", "-a", "-s", "-m", "arm64: mte: support reference pages")
    (work / "tools").mkdir()
    (work / "tools" / "refpage_test.c").write_text("int main(void) { return 0; }\n")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-s", "-m", "selftests/mm: add refpage tests")
    dest.mkdir(parents=True, exist_ok=True)
    names = git(work, "format-patch", "-o", dest, "--zero-commit", "--no-signature", "HEAD~3").split()
    names = [Path(n).name for n in names]
    lines = ["# synthetic refpage series"] + names[:wiring_after] + [WIRING] + names[wiring_after:]
    (dest / "series").write_text("\n".join(lines) + "\n")
    for name in ("changelog.toml", "cover-letter.j2"):
        shutil.copy(paths.PATCHES / name, dest / name)
    return names


def cli(*args, cwd=PROJECT):
    return subprocess.run([sys.executable, "-m", "harness.cli", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=600, stdin=subprocess.DEVNULL)


def snapshot(tree):
    """Everything `apply` must leave as it was: HEAD, branch, branches, status, config, the files."""
    return {
        "head": git(tree, "rev-parse", "HEAD"),
        "branch": git(tree, "symbolic-ref", "-q", "HEAD", check=False),
        "branches": git(tree, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads"),
        "status": git(tree, "status", "--porcelain", "--ignored"),
        "config": git(tree, "config", "--local", "--list"),
        "files": {str(p.relative_to(tree)): p.read_bytes() for p in tree.rglob("*")
                  if p.is_file() and ".git" not in p.relative_to(tree).parts},
        "am": (tree / ".git" / "rebase-apply").exists(),
    }


@pytest.fixture
def tree(tmp_path):
    return make_tree(tmp_path / "linux")


@pytest.fixture
def patches(tree, tmp_path):
    make_series(tree, tmp_path / "patches")
    return tmp_path / "patches"


def test_apply_makes_branch_with_wiring_in_place(tree, patches):
    res = cli("series", "apply", "--tree", tree, "--patches", patches, "--branch", "rp")
    assert res.returncode == 0, res.stderr
    assert git(tree, "symbolic-ref", "--short", "HEAD") == "rp"
    subjects = git(tree, "log", "--reverse", "--format=%s", "base..rp").splitlines()
    assert subjects == ["mm: introduce reference pages", "arm64: mte: support reference pages",
                        "arch: wire up the refpage_create syscall", "selftests/mm: add refpage tests"]
    wiring = git(tree, "show", "--stat", "--format=%an <%ae>%n%B", "rp~1")
    assert wiring.startswith("Peter Collingbourne <pcc@example.org>")
    assert "Signed-off-by: Peter Collingbourne <pcc@example.org>" in wiring
    assert "syscall_64.tbl" in wiring
    table = (tree / "arch/x86/entry/syscalls/syscall_64.tbl").read_text()
    assert "refpage_create" in table and "sys_refpage_create" in table
    assert git(tree, "config", "branch.rp.refpageBase") == git(tree, "rev-parse", "base")
    assert git(tree, "status", "--porcelain") == ""


def apply_then_edit_patch_1(tree, patches):
    """What a developer does: apply, edit patch 1's code in the tree, squash it in with a rebase."""
    assert cli("series", "apply", "--tree", tree, "--patches", patches, "--branch", "rp").returncode == 0
    p = tree / "mm" / "refpage.c"
    p.write_text(p.read_text() + "int refpage_edited;\n")
    git(tree, "commit", "-q", "-a", "--fixup", "rp~3")
    git(tree, "-c", "sequence.editor=true", "rebase", "-q", "-i", "--autosquash", "base")


def test_apply_twice_says_so_and_changes_nothing(tree, patches):
    assert cli("series", "apply", "--tree", tree, "--patches", patches, "--branch", "rp").returncode == 0
    before = snapshot(tree)
    res = cli("series", "apply", "--tree", tree, "--patches", patches, "--branch", "rp")
    assert res.returncode == 0, res.stderr
    assert "already applied" in res.stdout + res.stderr
    assert snapshot(tree) == before
    # from the base, with the branch already there: also "already applied", nothing changed
    git(tree, "checkout", "-q", "base")
    before = snapshot(tree)
    res = cli("series", "apply", "--tree", tree, "--patches", patches, "--branch", "rp")
    assert res.returncode == 0 and "already applied on branch rp" in res.stdout + res.stderr
    assert snapshot(tree) == before


def test_apply_over_another_version_of_the_series_names_the_patch_and_changes_nothing(tree, patches):
    """Same subjects, other code (edited in the tree, or an older series): not "already applied"."""
    apply_then_edit_patch_1(tree, patches)
    for from_base in (False, True):
        if from_base:
            git(tree, "checkout", "-q", "base")
        before = snapshot(tree)
        res = cli("series", "apply", "--tree", tree, "--patches", patches, "--branch", "rp")
        assert res.returncode == 2, res.stdout + res.stderr
        where = "branch rp" if from_base else f"{tree}: rp"
        assert res.stderr.splitlines()[-1] == (
            f"refpage-ci: error: {where} has the series' commits, but 0001-mm-introduce-reference-pages.patch "
            f"differs from {patches} (edited in the tree, or another version of the series): `refpage-ci series "
            "refresh` keeps the tree's version; to apply this one, check out the base and apply again")
        assert snapshot(tree) == before


def test_apply_refuses_uncommitted_changes(tree, patches):
    (tree / "mm" / "memory.c").write_text("edited\n")
    before = snapshot(tree)
    res = cli("series", "apply", "--tree", tree, "--patches", patches)
    assert res.returncode == 2
    assert "uncommitted changes in mm/memory.c" in res.stderr
    assert snapshot(tree) == before


def test_conflicting_base_names_patch_file_hunk_and_leaves_tree(tree, patches):
    # the base moves under the series: the context of patch 2's mm/memory.c hunk is gone
    p = tree / "mm" / "memory.c"
    p.write_text(p.read_text().replace("memory line 41\n", "memory line 41 changed upstream\n"))
    git(tree, "commit", "-q", "-a", "-m", "upstream: change memory.c")
    before = snapshot(tree)
    res = cli("series", "apply", "--tree", tree, "--patches", patches, "--branch", "rp")
    assert res.returncode == 1, res.stderr
    assert "0002-arm64-mte-support-reference-pages.patch" in res.stderr
    assert "mm/memory.c hunk #1 (@@ -40,6 +40,7 @@ memory line 37)" in res.stderr
    assert "git am --abort" in res.stderr
    assert snapshot(tree) == before


def test_base_without_prerequisite_rt_no_apply(tree, tmp_path):
    """RT-no-apply: the series was made on a local patch the base lacks; checked out detached."""
    patches = tmp_path / "patches"
    make_series(tree, patches, prerequisite=True)
    git(tree, "checkout", "-q", "--detach")
    before = snapshot(tree)
    res = cli("series", "apply", "--tree", tree, "--patches", patches, "--branch", "rp")
    assert res.returncode == 1
    assert "0001-mm-introduce-reference-pages.patch (mm: introduce reference pages) does not apply" in res.stderr
    assert "mm/memory.c hunk #1 (@@ -8,6 +8,8 @@ memory line 7)" in res.stderr
    assert "no 3-way merge possible" in res.stderr
    assert snapshot(tree) == before  # still detached at the same commit, no branch rp


def test_failure_after_wiring_removes_wiring_and_branch(tree, patches):
    # the last patch adds tools/refpage_test.c: a base that already has it makes patch 3 fail
    (tree / "tools").mkdir()
    (tree / "tools" / "refpage_test.c").write_text("other\n")
    git(tree, "add", "-A")
    git(tree, "commit", "-q", "-m", "upstream: a file of the same name")
    before = snapshot(tree)
    res = cli("series", "apply", "--tree", tree, "--patches", patches, "--branch", "rp")
    assert res.returncode == 1
    assert "0003-selftests-mm-add-refpage-tests.patch" in res.stderr
    assert "tools/refpage_test.c" in res.stderr
    assert snapshot(tree) == before
    assert "refpage_create" not in (tree / "arch/x86/entry/syscalls/syscall_64.tbl").read_text()


def test_export_then_plain_git_am_gives_the_same_tree(tree, patches, tmp_path):
    assert cli("series", "apply", "--tree", tree, "--patches", patches, "--branch", "rp").returncode == 0
    out = tmp_path / "out"
    res = cli("series", "export", "--tree", tree, "--patches", patches, "--branch", "rp", "--version", "5",
              "--out", out)
    assert res.returncode == 0, res.stderr
    files = sorted(p.name for p in out.glob("*.patch"))
    assert files[0] == "v5-0000-cover-letter.patch" and len(files) == 5
    letter = (out / files[0]).read_text()
    base = git(tree, "rev-parse", "base")
    assert "Subject: [PATCH v5 0/4] mm: introduce reference pages" in letter
    assert f"base-commit: {base}" in letter
    assert "Changes since v4:" in letter and "(fixes RT-shared-write)" in letter
    assert "*** BLURB HERE ***" not in letter and "arch: wire up the refpage_create syscall" in letter
    assert "4 files changed" in letter or "files changed" in letter
    fresh = tmp_path / "fresh"
    subprocess.run(["git", "clone", "-q", "--branch", "base", str(tree), str(fresh)], check=True)
    setup_identity(fresh)
    git(fresh, "am", out / "v5-series.mbox")
    assert git(fresh, "rev-parse", "HEAD^{tree}") == git(tree, "rev-parse", "rp^{tree}")
    # the per-patch files (what git send-email sends) apply the same way
    fresh2 = tmp_path / "fresh2"
    subprocess.run(["git", "clone", "-q", "--branch", "base", str(tree), str(fresh2)], check=True)
    setup_identity(fresh2)
    git(fresh2, "am", *sorted(out.glob("v5-000[1-9]-*.patch")))
    assert git(fresh2, "rev-parse", "HEAD^{tree}") == git(tree, "rev-parse", "rp^{tree}")


def test_export_needs_a_changelog_entry(tree, patches, tmp_path):
    assert cli("series", "apply", "--tree", tree, "--patches", patches, "--branch", "rp").returncode == 0
    res = cli("series", "export", "--tree", tree, "--patches", patches, "--branch", "rp", "--version", "6",
              "--out", tmp_path / "out")
    assert res.returncode == 2 and "no entry for v6" in res.stderr
    assert not list((tmp_path / "out").glob("*.patch")) if (tmp_path / "out").exists() else True


def test_refresh_round_trip(tree, patches):
    apply_then_edit_patch_1(tree, patches)
    res = cli("series", "refresh", "--tree", tree, "--patches", patches, "--branch", "rp")
    assert res.returncode == 0, res.stderr
    series = (patches / "series").read_text().splitlines()
    assert series == ["# synthetic refpage series", "0001-mm-introduce-reference-pages.patch",
                      "0002-arm64-mte-support-reference-pages.patch", WIRING,
                      "0003-selftests-mm-add-refpage-tests.patch"]
    assert "int refpage_edited;" in (patches / "0001-mm-introduce-reference-pages.patch").read_text()
    assert not any("wire-up" in p.name for p in patches.iterdir())
    again = cli("series", "refresh", "--tree", tree, "--patches", patches, "--branch", "rp")
    assert "0 written, 3 unchanged, 0 removed" in again.stdout  # stable: no spurious rewrites
    # and the refreshed series applies to the base again, to the same tree
    git(tree, "checkout", "-q", "base")
    git(tree, "branch", "-q", "-m", "rp", "rp-old")
    assert cli("series", "apply", "--tree", tree, "--patches", patches, "--branch", "rp").returncode == 0
    assert git(tree, "rev-parse", "rp^{tree}") == git(tree, "rev-parse", "rp-old^{tree}")


def test_refresh_renumbers_and_drops_removed_patches(tree, patches):
    assert cli("series", "apply", "--tree", tree, "--patches", patches, "--branch", "rp").returncode == 0
    # drop patch 2 (arm64) from the branch: its file goes, the others are renumbered
    git(tree, "-c", "sequence.editor=sed -i '2s/^pick/drop/'", "rebase", "-q", "-i", "base")
    res = cli("series", "refresh", "--tree", tree, "--patches", patches, "--branch", "rp")
    assert res.returncode == 0, res.stderr
    assert (patches / "series").read_text().splitlines()[1:] == [
        "0001-mm-introduce-reference-pages.patch", WIRING, "0002-selftests-mm-add-refpage-tests.patch"]
    assert not (patches / "0002-arm64-mte-support-reference-pages.patch").exists()
    assert not (patches / "0003-selftests-mm-add-refpage-tests.patch").exists()


def test_interrupted_apply_leaves_tree_as_it_was(tree, patches):
    """Ctrl-C (SIGINT to the process group, as a terminal sends it) while `git am` runs."""
    import os
    import signal
    import time
    hook = tree / ".git" / "hooks" / "applypatch-msg"
    hook.write_text("#!/bin/sh\nsleep 2\n")
    hook.chmod(0o755)
    before = snapshot(tree)
    proc = subprocess.Popen([sys.executable, "-m", "harness.cli", "series", "apply", "--tree", str(tree),
                             "--patches", str(patches), "--branch", "rp"], cwd=PROJECT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    time.sleep(1.0)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert snapshot(tree) == before


FAKE_CHECKPATCH = r"""#!/usr/bin/perl
# A stand-in for the kernel's checkpatch.pl: an ERROR for '+' lines with "XXX", a WARNING for "TODO".
my $line = 0; my $file = "";
while (<STDIN>) {
    $file = $1 if /^\+\+\+ b\/(\S+)/;
    $line = $1 - 1 if /^@@ -\S+ \+(\d+)/;
    next unless /^[+ ]/ && !/^\+\+\+/;
    $line++;
    print "$file:$line: ERROR: XXX found\n" if /^\+.*XXX/;
    print "$file:$line: WARNING: TODO found\n" if /^\+.*TODO/;
}
"""


def test_check_runs_checkpatch_on_every_commit_in_its_own_worktree(tree, patches, tmp_path):
    (tree / "scripts").mkdir()
    (tree / "scripts" / "checkpatch.pl").write_text(FAKE_CHECKPATCH)
    git(tree, "add", "-A")
    git(tree, "commit", "-q", "-m", "add checkpatch.pl")
    # patches made before that commit still apply (they do not touch scripts/)
    env = dict(__import__("os").environ, REFPAGE_CI_CACHE=str(tmp_path / "cache"))

    def check():
        return subprocess.run([sys.executable, "-m", "harness.cli", "series", "check", "--tree", str(tree),
                               "--patches", str(patches), "--no-build"], capture_output=True, text=True,
                              cwd=PROJECT, env=env, timeout=300)

    before = snapshot(tree)
    res = check()
    assert res.returncode == 0, res.stderr
    assert res.stdout.count("    checkpatch: 0 errors") == 4  # 3 patches + the wiring commit
    assert "arch: wire up the refpage_create syscall" in res.stdout
    assert snapshot(tree) == before  # the user's checkout is not touched
    assert git(tree, "branch", "--list", "refpage-ci/*") == ""
    # a patch with an ERROR fails the check, a WARNING is only listed
    p = patches / "0002-arm64-mte-support-reference-pages.patch"
    p.write_text(p.read_text().replace("+\t/* mte: copy the tags */", "+\t/* mte: copy the tags XXX TODO */"))
    res = check()
    assert res.returncode == 1
    assert "mm/memory.c:43: ERROR: XXX found" in res.stderr
    assert "mm/memory.c:43: WARNING: TODO found" in res.stderr
    assert "1 of 4 commits have checkpatch errors" in res.stderr
    assert snapshot(tree) == before
