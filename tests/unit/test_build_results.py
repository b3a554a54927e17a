from harness import build, machine, accel, results
from harness.console import CommandResult
from harness.pipeline import BootOutcome
from harness.splats import Splat
from harness.tap import Status


def test_compiler_errors_keep_file_line_and_the_source_line():
    log = ["  CC      mm/refpage.o",
           "mm/refpage.c: In function '__do_sys_refpage_create':",
           "mm/refpage.c:120:9: error: expected ';' before 'return'",
           "  120 |         return fd",
           "make[3]: *** [scripts/Makefile.build:229: mm/refpage.o] Error 1",
           "ld: fatal error: no input files"]
    assert build.compiler_errors(log) == ["mm/refpage.c:120:9: error: expected ';' before 'return'",
                                          "  120 |         return fd"]


def test_compiler_errors_from_a_build_folder_inside_the_tree_name_tree_paths():
    log = ["../mm/refpage.c:138:50: error: expected ';' before 'if'", "  138 |  x = 1 if"]
    assert build.compiler_errors(log)[0] == "mm/refpage.c:138:50: error: expected ';' before 'if'"


def test_kvm_is_never_tried_for_a_foreign_guest():
    ok, why = accel.kvm_possible(machine.load("arm64"))
    assert not ok and "arm64" in why


def test_forced_and_fixed_accelerators_skip_the_probe():
    assert accel.choose(machine.load("arm64"), None, "k", "i") == ("tcg", "qemu_images/arm64/machine.ini")
    assert accel.choose(machine.load("x86_64"), "tcg", "k", "i") == ("tcg", "--accel")


def _outcome(status, output, splats=(), error=None):
    res = CommandResult("/selftests/t", status, output=output)
    res.name = "t"
    return BootOutcome([res], list(splats), error=error)


def test_collect_combines_tap_exit_status_and_console():
    ok = _outcome(0, ["TAP version 13", "1..1", "ok 1 works"])
    got = results.collect("arm64", ok)
    assert [(r.name, r.status) for r in got["arm64"]] == [("t", Status.PASS), (results.CONSOLE, Status.PASS)]
    assert results.passed(got, ok)


def test_a_splat_fails_a_run_whose_tests_all_passed():
    splat = Splat("bad-page-map", 7, "<1>[ 1.0] BUG: Bad page map in process t")
    out = _outcome(0, ["TAP version 13", "1..1", "ok 1 works"], [splat])
    got = results.collect("arm64", out)
    console = got["arm64"][-1]
    assert console.status is Status.FAIL and "bad-page-map" in console.reason
    assert not results.passed(got, out)


def test_a_segfaulting_program_fails_even_if_its_tap_said_ok():
    got = results.collect("x86_64", _outcome(139, ["TAP version 13", "1..1", "ok 1 works"]))
    assert got["x86_64"][0].status is Status.FAIL and "SIGSEGV" in got["x86_64"][0].reason


def test_a_boot_error_is_its_own_failed_result():
    out = _outcome(None, [], error="timeout: t still running")
    got = results.collect("arm64", out)
    assert ("boot", Status.ERROR) in [(r.name, r.status) for r in got["arm64"]]


def test_a_selftest_without_tap_is_an_error_but_a_users_plain_program_is_judged_by_its_status():
    plain = ["page 0: 0x11", "page 1: SIGSEGV (hole)"]
    assert results.collect("arm64", _outcome(0, plain))["arm64"][0].status is Status.ERROR
    assert results.collect("arm64", _outcome(0, plain), results.AUTO)["arm64"][0].status is Status.PASS
    failed = results.collect("arm64", _outcome(3, plain), results.AUTO)["arm64"][0]
    assert failed.status is Status.FAIL and failed.reason == "exit status 3"
    tap = results.collect("arm64", _outcome(0, ["TAP version 13", "1..1", "not ok 1 broke"]), results.AUTO)
    assert tap["arm64"][0].status is Status.FAIL
