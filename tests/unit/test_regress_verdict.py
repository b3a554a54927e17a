"""regress: base against series, row by row, and what a program's console result says."""

import xml.etree.ElementTree as ET

import pytest

from harness import tap
from harness.console import CommandResult
from harness.regress import report, verdict
from harness.regress.programs import PROGRAMS, Program
from harness.regress.verdict import (ALREADY_FAILING, CRASH, FAIL, NEW_PASS, NOT_RUN, OK, PASS, REGRESSION, SKIP,
                                     SKIPPED, TIMEOUT, Side)


@pytest.mark.parametrize("base,series,expected", [
    (PASS, PASS, OK), (PASS, FAIL, REGRESSION), (PASS, CRASH, REGRESSION), (PASS, TIMEOUT, REGRESSION),
    (PASS, NOT_RUN, REGRESSION), (PASS, SKIP, REGRESSION), (SKIP, FAIL, REGRESSION),
    (FAIL, FAIL, ALREADY_FAILING), (TIMEOUT, CRASH, ALREADY_FAILING), (FAIL, PASS, NEW_PASS),
    (SKIP, SKIP, SKIPPED), (FAIL, SKIP, SKIPPED), (SKIP, PASS, OK)])
def test_verdict(base, series, expected):
    assert verdict.verdict(base, series) == expected


def _side(lines, status, seconds=1.0, timeout=60):
    res = CommandResult("x", status, output=lines, seconds=seconds)
    root = tap.combine_exit_status(tap.parse_tap(lines, "x"), status)
    return verdict.side((res, root), timeout)


TAP = ["TAP version 13", "1..3", "ok 1 first", "not ok 2 second", "ok 3 # SKIP third"]


def test_a_side_keeps_each_subtest_by_number_and_name():
    side = _side(TAP, 1)
    assert side.state == FAIL
    assert [(key, state) for key, state, _ in side.subtests] == [
        ((1, "first"), PASS), ((2, "second"), FAIL), ((3, "test 3"), SKIP)]


def test_a_failed_subtest_without_a_reason_says_its_diagnostic():
    side = _side(["1..1", "# Failed to map source region: Cannot allocate memory", "not ok 1 2GB mremap"], 1)
    assert side.subtests[0][2] == "# Failed to map source region: Cannot allocate memory"


def test_killed_at_its_time_box_is_a_timeout_and_a_signal_before_it_a_crash():
    assert _side(TAP[:3], 137, seconds=60.2, timeout=60).state == TIMEOUT
    crashed = _side(TAP[:3] + ["Segmentation fault"], 139, seconds=3)
    assert crashed.state == CRASH and "SIGSEGV" in crashed.reason


def test_a_program_that_did_not_run_is_not_run():
    assert verdict.side((None, None), 60).state == NOT_RUN


def test_subtests_missing_on_the_series_after_a_crash_are_regressions_and_name_the_program():
    base = _side(["1..3", "ok 1 a", "ok 2 b", "not ok 3 c"], 1)
    series = _side(["1..3", "ok 1 a"], 139)
    comparison = verdict.compare(["prog"], {"prog": base}, {"prog": series})
    got = [(r.name, r.base, r.series, r.verdict) for r in comparison.rows]
    assert got == [("prog", FAIL, CRASH, ALREADY_FAILING), ("prog: 1 a", PASS, PASS, OK),
                   ("prog: 2 b", PASS, NOT_RUN, REGRESSION), ("prog: 3 c", FAIL, NOT_RUN, ALREADY_FAILING)]
    assert comparison.regressed_programs() == ["prog"]


def test_a_program_that_stops_sooner_for_the_base_s_own_reason_has_not_regressed():
    base = _side(["1..4", "ok 1 a", "ok 2 b", "Bail out! Failed to allocate huge page"], 1)
    sooner = _side(["1..4", "ok 1 a", "Bail out! Failed to allocate huge page"], 1)
    rows = verdict.compare(["prog"], {"prog": base}, {"prog": sooner}).rows
    assert [(r.name, r.verdict) for r in rows] == [("prog", ALREADY_FAILING), ("prog: 1 a", OK),
                                                   ("prog: 2 b", ALREADY_FAILING)]
    assert "stopped earlier, as on the base (Bail out! Failed to allocate huge page)" in rows[2].series_reason
    other = _side(["1..4", "ok 1 a", "Bail out! mmap failed"], 1)
    rows = verdict.compare(["prog"], {"prog": base}, {"prog": other}).rows
    assert rows[2].verdict == REGRESSION


def test_the_same_name_twice_is_two_rows():
    lines = ["1..2", "ok 1 No leak", "ok 2 No leak"]
    comparison = verdict.compare(["cow"], {"cow": _side(lines, 0)}, {"cow": _side(lines[:2] + ["not ok 2 No leak"], 1)})
    assert [r.verdict for r in comparison.rows] == [REGRESSION, OK, REGRESSION]


def _comparison():
    base = {"a": Side(PASS), "b": Side(FAIL, "hugetlb: no pages"), "c": Side(PASS)}
    series = {"a": Side(PASS), "b": Side(FAIL, "hugetlb: no pages"), "c": Side(CRASH, "killed by SIGSEGV")}
    return verdict.compare(["a", "b", "c"], base, series, {"soft-dirty": "not on arm64"})


def test_the_table_lists_the_already_failing_with_the_base_s_reason_and_counts():
    comparison = _comparison()
    assert "b: base FAIL: hugetlb: no pages" in report.already_failing(comparison)
    assert report.totals_line(comparison).startswith(
        "regress: 3 programs, 3 rows: 1 regressions, 1 already failing, 0 new passes, 0 skipped, 1 ok")
    assert report.table(comparison).splitlines()[-1].split() == ["c", PASS, CRASH, REGRESSION]
    assert "soft-dirty: not on arm64" in report.not_run(comparison)


def test_the_table_shows_subtests_that_are_neither_ok_nor_skipped_on_both_indented():
    rows = [verdict.Row("cow", "", PASS, PASS, OK), verdict.Row("cow", "1 a", PASS, PASS, OK),
            verdict.Row("cow", "2 b", SKIP, SKIP, SKIPPED), verdict.Row("cow", "3 c", PASS, FAIL, REGRESSION)]
    lines = report.table(verdict.Comparison(rows)).splitlines()[2:]
    assert [line.split()[:3] for line in lines] == [["cow", PASS, PASS], ["3", "c", PASS]]
    assert lines[1].startswith("  3 c")
    assert len(report.table(verdict.Comparison(rows), every_subtest=True).splitlines()) == 6


def test_json_and_junit_say_which_regressed():
    comparison = _comparison()
    data = report.to_json(comparison, {"arch": "arm64"})
    assert data["ok"] is False and data["regressed_programs"] == ["c"] and data["counts"][REGRESSION] == 1
    top = ET.fromstring(report.junit_xml(comparison, "regress.arm64"))
    failed = [c.get("name") for c in top.iter("testcase") if c.find("failure") is not None]
    skipped = [c.get("name") for c in top.iter("testcase") if c.find("skipped") is not None]
    assert failed == ["c"] and skipped == ["b", "soft-dirty"]


def test_every_program_runs_in_a_time_box_and_labels_are_unique():
    labels = [p.label for p in PROGRAMS]
    assert len(labels) == len(set(labels))
    assert all(p.command("/mm").startswith(f"cd /mm && timeout -s KILL {p.timeout} ./{p.binary}")
               for p in PROGRAMS)


def test_a_program_the_tree_lacks_or_the_arch_does_not_build_says_why(tmp_path):
    (tmp_path / "tools/testing/selftests/mm").mkdir(parents=True)
    (tmp_path / "tools/testing/selftests/mm/cow.c").write_text("")
    assert Program("cow").skip_reason(tmp_path, "arm64") == ""
    assert "not in this tree" in Program("guard-regions").skip_reason(tmp_path, "arm64")
    assert Program("cow", arches=("x86_64",), why_not="x86 only").skip_reason(tmp_path, "arm64") == "x86 only"


def test_a_regression_that_passes_every_run_again_is_flaky_and_one_that_fails_again_stays():
    rows = [verdict.Row("uffd", "", PASS, FAIL, REGRESSION, series_reason="exit status 1"),
            verdict.Row("uffd", "3 events", PASS, FAIL, REGRESSION), verdict.Row("cow", "", PASS, FAIL, REGRESSION),
            verdict.Row("kernel console", "", PASS, verdict.ERROR, REGRESSION)]
    again = {"uffd": [verdict.Side(PASS), verdict.Side(PASS)], "cow": [verdict.Side(PASS), verdict.Side(FAIL)]}
    confirmed = verdict.confirm(verdict.Comparison(rows), again)
    assert [r.verdict for r in confirmed.rows] == [verdict.FLAKY, verdict.FLAKY, REGRESSION, REGRESSION]
    assert confirmed.rows[0].series_reason == "exit status 1 (failed 1 of 3 runs on the series)"
    assert confirmed.rows[2].series_reason == "failed 2 of 3 runs on the series"
    assert confirmed.regressed_programs() == ["cow", "kernel console"]
    assert report.counts(confirmed)[verdict.FLAKY] == 2 and "2 flaky, " in report.totals_line(confirmed)
    assert report.flaky(confirmed).splitlines()[1] == "  uffd: exit status 1 (failed 1 of 3 runs on the series)"
    assert 'failures="0"' in report.junit_xml(verdict.Comparison(confirmed.rows[:2]), "regress.arm64")


def test_a_shell_that_read_end_of_file_is_no_kernel_error_but_a_splat_is():
    from harness.regress import command
    from harness.splats import Splat
    from harness.transcript import BootOutcome
    died = BootOutcome([], [Splat("panic", 0, "Kernel panic - not syncing: " + command.SHELL_DIED)],
                       error="the guest died", console=["<0>Kernel panic - not syncing: " + command.SHELL_DIED])
    fine = BootOutcome([], [], console=["ok"])
    assert command._console_side(None, fine, [died, fine]).state == PASS
    bug = BootOutcome([], [Splat("bug", 0, "BUG: Bad page map")], console=["BUG: Bad page map"])
    assert command._console_side(None, died, [died, bug]).state == verdict.ERROR
