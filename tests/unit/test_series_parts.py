"""The pure parts of `series`: the series file, its route, patch headers, git am failures, names, checkpatch."""

import subprocess
from pathlib import Path

import pytest

from harness import paths
from harness.errors import UserError
from scripts.series import amfail, check, export, mbox, refresh, seriesfile, wiring
from scripts.series.route import Route

DATA = Path(__file__).resolve().parents[1] / "data" / "series"


# --- the series file ---

def test_series_file_entries_wiring_and_header():
    s = seriesfile.parse((DATA / "series").read_text())
    assert s.patches == ("0001-mm-introduce-reference-pages.patch", "0002-arm64-mte-support-reference-pages.patch",
                         "0003-selftests-mm-add-refpage-tests.patch")
    assert [e.wiring for e in s.entries] == [False, False, True, False]
    assert s.entries[2].lineno == 6
    assert s.header == ("# refpage series, v5", "# one patch a line")


def test_series_file_render_round_trips():
    s = seriesfile.parse((DATA / "series").read_text())
    text = seriesfile.render([e.item for e in s.entries], s.header)
    again = seriesfile.parse(text)
    assert again.entries == tuple(seriesfile.Entry(e.name, i, e.rendered) for i, e in enumerate(s.entries, 3))
    assert seriesfile.WIRING_COMMENT in text.splitlines()


@pytest.mark.parametrize("text, message", [
    ("a.patch\na.patch\n", "listed twice"),
    ("# syscall wiring\n# syscall wiring: again\n", "second wiring line"),
    ("sub/a.patch\n", "patches folder itself"),
    ("a.patch -p0\n", "quilt options"),
])
def test_series_file_errors(text, message):
    with pytest.raises(UserError, match=message):
        seriesfile.parse(text)


def test_series_load_names_missing_files(tmp_path):
    (tmp_path / "series").write_text("0001-a.patch\n0002-b.patch\n")
    (tmp_path / "0001-a.patch").write_text("x")
    with pytest.raises(UserError, match="0002-b.patch, missing from"):
        seriesfile.load(tmp_path)
    with pytest.raises(UserError, match="no such file"):
        seriesfile.load(tmp_path / "nowhere")


def test_route_folders_are_paths_and_selftests_default_to_the_project_s():
    route = Route("some/patches", "refpage-ci/series")
    assert route.patches_dir == Path("some/patches") and route.selftests_dir == paths.SELFTESTS
    assert Route(Path("p"), "b", "t").selftests_dir / "x" == Path("t/x")


# --- patch headers ---

def test_mbox_subject_author_signoff():
    info = mbox.parse((DATA / "0002-mm-fault.patch").read_text())
    assert info.subject == "mm: handle refpage faults in do_anonymous_page"  # folded, prefix stripped
    assert info.author == "Peter Collingbourne <pcc@google.com>"
    assert info.signoffs == ("Peter Collingbourne <pcc@google.com>",)


def test_mbox_encoded_author():
    text = "From: =?UTF-8?q?J=C3=B6rg=20R=C3=B6del?= <joro@example.org>\nSubject: [PATCH RFC v2 1/9] x: y\n\nbody\n"
    info = mbox.parse(text)
    assert info.author == "Jörg Rödel <joro@example.org>" and info.subject == "x: y"


# --- git am failures ---

def test_hunks_are_numbered_per_file():
    hunks = amfail.hunks((DATA / "0002-mm-fault.patch").read_text())
    assert [(h.path, h.number, h.old_start) for h in hunks] == [
        ("include/linux/mm.h", 1, 3), ("mm/memory.c", 1, 10), ("mm/memory.c", 2, 40)]


def test_conflict_names_patch_file_and_hunk():
    fail = amfail.parse((DATA / "am-conflict.txt").read_text(), "0002-mm-fault.patch",
                        (DATA / "0002-mm-fault.patch").read_text(), (DATA / "apply-check.txt").read_text())
    assert fail.subject == "mm: handle refpage faults in do_anonymous_page"
    assert fail.files == ["mm/memory.c"]
    assert [h.describe() for h in fail.hunks] == [
        "mm/memory.c hunk #2 (@@ -40,6 +42,14 @@ static vm_fault_t do_anonymous_page(struct vm_fault *vmf))"]
    assert fail.summary().startswith("0002-mm-fault.patch (mm: handle refpage faults in do_anonymous_page) "
                                     "does not apply: mm/memory.c hunk #2")


def test_missing_prerequisite_says_so():
    fail = amfail.parse((DATA / "am-no-base.txt").read_text(), "0002-mm-fault.patch",
                        (DATA / "0002-mm-fault.patch").read_text(), (DATA / "apply-check.txt").read_text())
    assert fail.lacking_blobs == ["mm/memory.c"]
    assert "lacks a prerequisite" in fail.explain()
    assert "failed: mm/memory.c hunk #2" in fail.explain()


def test_failure_without_apply_check_still_names_the_file():
    fail = amfail.parse((DATA / "am-conflict.txt").read_text(), "0002-mm-fault.patch")
    assert fail.hunks == [] and "conflict in mm/memory.c" in fail.summary()
    assert amfail.failed_number((DATA / "am-conflict.txt").read_text()) == (
        1, "mm: handle refpage faults in do_anonymous_page")


def test_missing_and_existing_files():
    out = "error: mm/refpage.c: already exists in index\nerror: mm/gone.c: does not exist in index\n"
    fail = amfail.parse("Patch failed at 0003 x", "p", "", out)
    assert fail.existing == ["mm/refpage.c"] and fail.missing == ["mm/gone.c"]
    assert "mm/gone.c missing from the tree" in fail.summary()
    assert "mm/refpage.c already in the tree" in fail.summary()


def test_unknown_line_falls_back_to_nearest_hunk():
    text = (DATA / "0002-mm-fault.patch").read_text()
    assert amfail.find_hunk(text, "mm/memory.c", 41).number == 2
    assert amfail.find_hunk(text, "mm/nothing.c", 41) is None


# --- refresh naming ---

@pytest.mark.parametrize("subject, name", [
    ("mm: introduce reference pages", "0001-mm-introduce-reference-pages.patch"),
    ("arm64: mte: support reference pages", "0001-arm64-mte-support-reference-pages.patch"),
    ("selftests/mm: add refpage tests...", "0001-selftests-mm-add-refpage-tests.patch"),
    ("x86/mm: fix v1.2..3 (again)", "0001-x86-mm-fix-v1.2.3-again.patch"),
])
def test_patch_name(subject, name):
    assert refresh.patch_name(1, subject) == name


def test_patch_name_matches_git(tmp_path):
    """The names are git format-patch's own, including the truncation of long subjects."""
    subjects = ["mm: introduce reference pages", "docs: mm: document the refpage_create() syscall, its "
                "MTE behaviour and the THP rules for reference pages", "a -- b__c ..d.", "Ünïcode: ok"]
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    for i, s in enumerate(subjects, 1):
        subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q",
                        "--allow-empty", "-m", s], check=True)
        out = subprocess.run(["git", "-C", str(tmp_path), "format-patch", "--start-number", str(i), "-o",
                              str(tmp_path / "out"), "-1", "HEAD"], check=True, capture_output=True, text=True)
        assert Path(out.stdout.strip()).name == refresh.patch_name(i, s)


def test_plan_names_skips_wiring_without_a_gap():
    names = refresh.plan_names(["mm: a", "arm64: b", wiring.subject(), "selftests/mm: add reference page tests",
                                "docs: c"])
    assert names == ["0001-mm-a.patch", "0002-arm64-b.patch", seriesfile.WIRING, seriesfile.SELFTESTS,
                     "0003-docs-c.patch"]
    assert wiring.is_wiring("arch: wire up the refpage_create syscall")
    assert not wiring.is_wiring("arch: wire up the refpage_create syscall for arm64 only")


# --- checkpatch, export ---

def test_checkpatch_findings():
    found = check.parse_checkpatch((DATA / "checkpatch-terse.txt").read_text())
    assert [(f.kind, f.file, f.line) for f in found] == [
        ("WARNING", "mm/refpage.c", 6), ("ERROR", "mm/refpage.c", 6), ("WARNING", "mm/refpage.c", 7),
        ("CHECK", None, None)]
    report = check.CommitReport("a" * 40, "mm: x", found, {"arm64": "ok", "x86_64": "not built"})
    assert len(report.errors) == 1 and len(report.warnings) == 3 and not report.ok
    assert check.CommitReport("b" * 40, "mm: y", found[:1], {"arm64": "ok"}).ok
    assert not check.CommitReport("b" * 40, "mm: y", [], {"arm64": "failed: build"}).ok
    assert "mm/refpage.c:6: ERROR: trailing statements" in check.summary([report])


def test_select_build_commits():
    commits = [("a", "1"), ("b", "2"), ("c", "3")]
    assert check.select(commits, None) == commits
    assert check.select(commits, "last") == [("c", "3")]
    assert check.select(commits, "3,1,last") == [("c", "3"), ("a", "1")]
    with pytest.raises(UserError, match="1..3"):
        check.select(commits, "4")


def test_replace_cover_keeps_headers_and_signature():
    generated = ("From abc Mon Sep 17 00:00:00 2001\nFrom: P <p@x>\nDate: now\n"
                 "Subject: [PATCH v5 0/3] *** SUBJECT HERE ***\n\n*** BLURB HERE ***\n\nP (3):\n  a\n\n"
                 "base-commit: 123\n-- \n2.39.5\n\n")
    out = export.replace_cover(generated, "mm: introduce reference pages", "BODY\n")
    assert out.startswith("From abc Mon Sep 17 00:00:00 2001\nFrom: P <p@x>\nDate: now\n"
                          "Subject: [PATCH v5 0/3] mm: introduce reference pages\n\nBODY\n\n-- \n2.39.5\n")
    assert "BLURB" not in out


def test_checkpatch_cache_is_per_patch_text_not_per_diff(tmp_path):
    """Same diff, different message (a sign-off added): checkpatch must run again."""
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "checkpatch.pl").write_text("# fake\n")
    calls = []

    class Res:
        returncode, stdout, output = 1, "x.c:1: ERROR: Missing Signed-off-by: line(s)\n", ""

    def runner(argv, cwd=None, input=None):
        calls.append(input)
        return Res()

    diff = "---\n x | 1 +\n\ndiff --git a/x b/x\n"
    first = check.checkpatch(tmp_path, "From 1111 Mon\nSubject: a\n\nbody\n" + diff, tmp_path / "c", runner)
    again = check.checkpatch(tmp_path, "From 2222 Mon\nSubject: a\n\nbody\n" + diff, tmp_path / "c", runner)
    signed = check.checkpatch(tmp_path, "From 3333 Mon\nSubject: a\n\nbody\n\nSigned-off-by: A <a@b>\n" + diff,
                              tmp_path / "c", runner)
    assert len(calls) == 2  # the second was cached (only the commit id differed), the third was not
    assert first == again == signed and first[0].kind == "ERROR"
