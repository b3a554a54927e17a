"""repro's catalogue: every review-thread id, its reproducer, its bug patch."""

import pytest

from harness import paths
from harness.errors import UserError
from harness.repro import catalogue

DOC_IDS = ("RT-shared-write RT-refcount RT-vma-merge RT-gfp-account RT-content-copy RT-semicolon RT-no-apply "
           "RT-page-size RT-zeropage-refcount RT-error-path RT-thp RT-mte-tags RT-force-write RT-uffd "
           "R2-vm-file R2-exec R2-mte-lookup R2-hwpoison R2-uffd-wp R2-move-pages").split()


def test_every_id_of_the_review_thread_doc_in_its_order():
    assert catalogue.ids() == DOC_IDS


def test_every_id_has_exactly_one_bug_patch_made_by_git():
    patches = sorted(p.stem for p in (paths.PATCHES / "bugs").glob("*.patch"))
    assert patches == sorted(DOC_IDS)
    for bug in catalogue.BUGS:
        text = bug.patch(paths.PATCHES).read_text()
        assert text.startswith("From ") and f"Subject: [PATCH] {bug.id}:" in text
        assert "\ndiff --git a/" in text


def test_test_names_follow_the_selftests_contract():
    names = {b.id: b.test for b in catalogue.BUGS}
    assert names["RT-shared-write"] == "rt_shared_write"
    assert names["RT-zeropage-refcount"] == "rt_zeropage_refcount"
    assert names["RT-semicolon"] is None and names["RT-no-apply"] is None
    assert catalogue.lookup("RT-uffd").command() == "/selftests/refpage_rt -t rt_uffd"


def test_arm64_only_ids_skip_elsewhere_with_the_reason():
    mte = catalogue.lookup("RT-mte-tags")
    assert mte.skip_reason("arm64") is None
    assert "MTE" in mte.skip_reason("x86_64")
    size = catalogue.lookup("RT-page-size")
    assert size.variant("arm64") == "64k" and size.variant("x86_64") is None
    assert "4K" in size.skip_reason("x86_64")
    assert catalogue.lookup("RT-thp").skip_reason("x86_64") is None


def test_lookup_and_select():
    assert catalogue.lookup("rt_thp").id == "RT-thp"
    assert catalogue.lookup("rt-THP").id == "RT-thp"
    assert [b.id for b in catalogue.select(["RT-uffd", "RT-thp", "rt_thp"])] == ["RT-thp", "RT-uffd"]
    assert len(catalogue.select([], everything=True)) == len(DOC_IDS)
    with pytest.raises(UserError, match="no bug 'RT-nope'; the ids are RT-shared-write"):
        catalogue.lookup("RT-nope")
    with pytest.raises(UserError, match="give an id"):
        catalogue.select([])
    with pytest.raises(UserError, match="not both"):
        catalogue.select(["RT-thp"], everything=True)


def _th_logs_of(test):
    """The TH_LOG messages of one TEST() in selftests/refpage_rt.c, printf conversions filled in."""
    import re
    source = (paths.PROJECT / "selftests" / "refpage_rt.c").read_text()
    body = source.split(f"TEST({test})", 1)[1].split("\nTEST(", 1)[0]
    logs = re.findall(r'TH_LOG\(\s*"((?:[^"\\]|\\.)*)"', body)
    return [re.sub(r"%[-0-9.]*(ll|l|z)?[dusx]", "7", log) for log in logs]


@pytest.mark.parametrize("bug", [b for b in catalogue.BUGS if b.kind == catalogue.RUNTIME], ids=lambda b: b.id)
def test_each_runtime_id_expects_a_failure_its_reproducer_can_print(bug):
    assert bug.expect
    if bug.id == "RT-zeropage-refcount":  # a splat the test quotes from /dev/kmsg
        assert bug.for_its_reason("the kernel reported: BUG: Bad page map in process refpage_rt")
        return
    logs = _th_logs_of(bug.test)
    assert any(bug.for_its_reason(log) for log in logs), (bug.expect, logs)
    assert not bug.for_its_reason("refpage_rt.c:42: Expected 0 (0) == fd (-1): refpage_create: ENOSYS")


def test_build_and_apply_ids_expect_their_own_failure():
    semicolon = catalogue.lookup("RT-semicolon")
    assert semicolon.for_its_reason("mm/refpage.c:138:50: error: expected ';' before 'if'")
    assert not semicolon.for_its_reason("mm/memory.c:12:1: error: implicit declaration of function 'foo'")
    no_apply = catalogue.lookup("RT-no-apply")
    assert no_apply.for_its_reason("0001-mm-introduce-reference-pages.patch (mm: introduce reference pages) "
                                   "does not apply: kernel/sys_ni.c hunk 1")
    assert not no_apply.for_its_reason("0002-arm64-mte.patch does not apply: arch/arm64/mm/mteswap.c")


def test_the_docs_table_has_a_row_for_every_id_and_no_other():
    table = (paths.PROJECT / "docs" / "review-ids.md").read_text()
    rows = [line.split("|")[1].strip() for line in table.splitlines() if line.startswith("| R")]
    assert sorted(rows) == sorted(catalogue.ids())
    for bug in catalogue.BUGS:
        assert (bug.source == "review round 2") == (f"| {bug.id} | review round 2 |" in table), bug.id


def test_an_id_of_one_port_skips_the_others_with_the_reason():
    exec_ = catalogue.lookup("R2-exec")
    assert exec_.skip_reason("x86_64", "6.12") is None and exec_.skip_reason("arm64") is None
    assert "noexec" in exec_.skip_reason("arm64", "7.3")
    assert catalogue.lookup("RT-thp").skip_reason("arm64", "7.3") is None
