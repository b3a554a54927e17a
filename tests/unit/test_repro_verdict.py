"""repro's verdicts: the test's own failure message, and what each half comes to."""

from harness.console import CommandResult
from harness.repro import verdict
from harness.repro.verdict import NOT_FIXED, NOT_REPRODUCED, REPRODUCED

ASSERTION = """TAP version 13
1..1
# Starting 1 tests from 1 test cases.
#  RUN           global.rt_shared_write ...
# refpage_rt.c:56:rt_shared_write:Expected ((void *) -1) (0xffffffffffffffff) == p (0xffff9a0000)
# refpage_rt.c:56:rt_shared_write:mmap(MAP_SHARED) of a refpage fd succeeded
# rt_shared_write: Test terminated by assertion
#          FAIL  global.rt_shared_write
not ok 1 global.rt_shared_write
# FAILED: 0 / 1 tests passed.
# Totals: pass:0 fail:1 xfail:0 xpass:0 skip:0 error:0""".splitlines()

SIGNAL = """TAP version 13
1..1
#  RUN           global.rt_uffd ...
# rt_uffd: Test terminated unexpectedly by signal 7
#          FAIL  global.rt_uffd
not ok 1 global.rt_uffd
# FAILED: 0 / 1 tests passed.""".splitlines()

PASS = """TAP version 13
1..1
#  RUN           global.rt_thp ...
#            OK  global.rt_thp
ok 1 global.rt_thp
# PASSED: 1 / 1 tests passed.
# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0""".splitlines()

SKIP = """TAP version 13
1..1
#  RUN           global.rt_mte_tags ...
#      SKIP      MTE is arm64 only
#            OK  global.rt_mte_tags
ok 1 global.rt_mte_tags # SKIP MTE is arm64 only
# PASSED: 1 / 1 tests passed.""".splitlines()

SPLAT = ["<4>[   12.5] BUG: Bad page map in process refpage_rt  pte:0400 pmd:0400",
         "<4>[   12.5] addr:0000ffff8a000000 vm_flags:00100073 anon_vma:0 mapping:0 index:ffff8a000"]


def result(output, status, **kw):
    return CommandResult("/selftests/refpage_rt -t x", status, output=list(output), **kw)


def test_failure_message_is_the_assertion_with_its_log():
    msg = verdict.failure_message(ASSERTION, 1)
    assert msg == ("refpage_rt.c:56: Expected ((void *) -1) (0xffffffffffffffff) == p (0xffff9a0000): "
                   "mmap(MAP_SHARED) of a refpage fd succeeded")


NOTE_AND_LOG = """TAP version 13
1..1
#  RUN           global.rt_page_size ...
# refpage_rt.c:333:rt_page_size:PAGE_SIZE is 65536
# m: byte 4096 (page 0, +4096) is 0, not the pattern's 0x1
# refpage_rt.c:341:rt_page_size:Expected -1 (-1) == pattern_report(m) (4096)
# refpage_rt.c:342:rt_page_size:size 1, 65536-byte pages
# rt_page_size: Test terminated by assertion
#          FAIL  global.rt_page_size
not ok 1 global.rt_page_size""".splitlines()


def test_failure_message_skips_logs_before_the_assertion_and_keeps_the_helpers_note():
    assert verdict.failure_message(NOTE_AND_LOG, 1) == (
        "refpage_rt.c:341: Expected -1 (-1) == pattern_report(m) (4096): size 1, 65536-byte pages "
        "(m: byte 4096 (page 0, +4096) is 0, not the pattern's 0x1)")


def test_failure_message_of_a_signal():
    assert verdict.failure_message(SIGNAL, 1) == "Test terminated unexpectedly by signal 7"


def test_failure_message_without_diagnostics_falls_back_to_the_exit_status():
    assert "SIGSEGV" in verdict.failure_message(["TAP version 13", "1..1"], 139)


def test_statuses():
    assert verdict.test_status(PASS, 0).value == "PASS"
    assert verdict.test_status(ASSERTION, 1).value == "FAIL"
    assert verdict.test_status(SKIP, 0).value == "SKIP"
    assert verdict.test_status(PASS, 139).value == "FAIL"  # TAP ok, but killed
    assert verdict.skip_reason(SKIP) == "MTE is arm64 only"


def test_bug_half_reproduced_by_a_failing_test():
    half = verdict.bug_half("rt_shared_write", result(ASSERTION, 1), None, [])
    assert half.state == REPRODUCED and half.ok
    assert half.text.startswith("reproduced: rt_shared_write failed as expected: refpage_rt.c:56: Expected")


def test_bug_half_reproduced_by_a_splat_alone_shows_the_excerpt():
    half = verdict.bug_half("rt_zeropage_refcount", result(PASS, 0), None, ["booting"] + SPLAT)
    assert half.state == REPRODUCED
    assert "splatted as expected: BUG: Bad page map" in half.text
    assert "addr:0000ffff8a000000" in half.detail


def test_bug_half_not_reproduced_when_the_test_passes():
    half = verdict.bug_half("rt_thp", result(PASS, 0), None, ["<6>[ 1.0] Linux version 6.12"])
    assert half.state == NOT_REPRODUCED and not half.ok
    assert half.text.startswith("NOT reproduced: rt_thp passed with the bug patch applied")


def test_bug_half_not_reproduced_by_a_skip():
    half = verdict.bug_half("rt_mte_tags", result(SKIP, 0), None, [])
    assert half.state == NOT_REPRODUCED and "skipped on the bug kernel: MTE is arm64 only" in half.text


def test_bug_half_when_the_kernel_died_or_never_booted():
    died = verdict.bug_half("rt_refcount", result([], None, guest_died=True), "the guest died", SPLAT)
    assert died.state == REPRODUCED and "the kernel died while it ran (bug: BUG: Bad page map" in died.text
    never = verdict.bug_half("rt_refcount", None, "boot: no 'refpage-ci: init ready' within 120s", ["panic"])
    assert never.state == NOT_REPRODUCED and "did not run on the bug kernel: boot: no" in never.text


def test_fixed_half():
    assert verdict.fixed_half("rt_thp", result(PASS, 0), None, []).text == "fixed: passed"
    failed = verdict.fixed_half("rt_shared_write", result(ASSERTION, 1), None, [])
    assert failed.state == NOT_FIXED and "failed without the bug patch: refpage_rt.c:56:" in failed.text
    splat = verdict.fixed_half("rt_thp", result(PASS, 0), None, SPLAT)
    assert splat.state == NOT_FIXED and "splatted" in splat.text
    skipped = verdict.fixed_half("rt_mte_tags", result(SKIP, 0), None, [])
    assert skipped.state == NOT_FIXED and "skipped on the fixed kernel" in skipped.text
    assert verdict.fixed_half("rt_thp", None, "timeout", []).state == NOT_FIXED


class _BuildFailed(Exception):
    detail = ("/k/mm/refpage.c:138:30: error: expected ';' before 'if'\n"
              "  138 |                               O_RDWR | O_CLOEXEC)\n")


def test_build_bug_half_shows_the_compiler_line():
    half = verdict.build_bug_half(_BuildFailed("build: make failed (exit 2)"), "/k")
    assert half.state == REPRODUCED
    assert half.text == ("reproduced: the build failed as expected: "
                         "mm/refpage.c:138:30: error: expected ';' before 'if'")
    assert "O_RDWR | O_CLOEXEC" in half.detail
    assert verdict.build_bug_half(None).state == NOT_REPRODUCED


def test_a_bug_half_that_fails_another_way_is_the_wrong_reason():
    from harness.repro import catalogue
    bug = catalogue.lookup("RT-uffd")
    right = verdict.Half(verdict.REPRODUCED, "reproduced: rt_uffd failed as expected: refpage_rt.c:700: "
                         "Expected -1 (-1) == ret (0): UFFDIO_REGISTER on a refpage VMA succeeded")
    assert verdict.for_its_reason(bug, right) is right
    wrong = verdict.Half(verdict.REPRODUCED, "reproduced: rt_uffd failed as expected: refpage_rt.c:65: "
                         "Expected 0 (0) <= ufd (-1): userfaultfd: Function not implemented")
    judged = verdict.for_its_reason(bug, wrong)
    assert judged.state == verdict.WRONG_REASON and not judged.ok
    assert judged.text.startswith("reproduced for the WRONG reason: rt_uffd failed: refpage_rt.c:65")
    assert "its id expects /UFFDIO_REGISTER" in judged.text


def test_halves_that_did_not_reproduce_are_left_as_they_are():
    from harness.repro import catalogue
    half = verdict.Half(verdict.NOT_REPRODUCED, "NOT reproduced: rt_uffd passed with the bug patch applied")
    assert verdict.for_its_reason(catalogue.lookup("RT-uffd"), half) is half
