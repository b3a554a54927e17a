"""The KTAP / TAP parser: golden console logs, then the tricky cases inline."""

import json
import textwrap
import time
from pathlib import Path

import pytest

from harness.tap import (
    CUT_OFF,
    NO_OUTPUT,
    NO_RESULT_LINE,
    Counts,
    Status,
    TestResult,
    combine_exit_status,
    exit_status_verdict,
    parse_tap,
    parse_tap_file,
    worst,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "tap"
GOLDEN_LOGS = sorted(DATA.glob("*.log"))


def tap(text: str, name: str = "t") -> TestResult:
    return parse_tap(textwrap.dedent(text).strip("\n").splitlines(), name)


def shape(node: TestResult) -> dict:
    d = {"name": node.name, "status": node.status.value, "number": node.number, "reason": node.reason}
    if node.subtests:
        d["subtests"] = [shape(sub) for sub in node.subtests]
    if node.warnings:
        d["warnings"] = node.warnings
    return d


def by_path(root: TestResult) -> dict[str, TestResult]:
    return {"/".join(path[1:]): node for path, node in root.walk()}


def statuses(node: TestResult) -> list[tuple[str, Status]]:
    return [(sub.name, sub.status) for sub in node.subtests]


# ------------------------------------------------------------------ goldens


def test_there_are_golden_logs_each_with_an_expectation():
    assert len(GOLDEN_LOGS) >= 6
    for log in GOLDEN_LOGS:
        assert log.with_suffix(".expected.json").is_file(), log.name


@pytest.mark.parametrize("log", GOLDEN_LOGS, ids=lambda p: p.stem)
def test_golden_log(log):
    expected = json.loads(log.with_suffix(".expected.json").read_text())
    root = parse_tap_file(log)
    assert shape(root) == expected["tree"]
    assert root.counts().as_dict() == expected["counts"]
    nodes = by_path(root)
    for path, lines in expected.get("logs", {}).items():
        for line in lines:
            assert line in nodes[path].log, (path, line)


def test_golden_harness_log_keeps_every_line_of_a_failed_test_in_order():
    root = parse_tap_file(DATA / "harness_fixture.log")
    assert by_path(root)["refpage.shmem.bad_flags"].log == [
        "#  RUN           refpage.shmem.bad_flags ...",
        "# refpage_test.c:88:bad_flags:Expected -1 (-1) == ret (0)",
        "# refpage_test.c:89:bad_flags:refpage_create accepted flags 0x80000000",
        "# bad_flags: Test terminated by assertion",
        "#          FAIL  refpage.shmem.bad_flags",
    ]
    assert not root.ok


def test_golden_panic_log_with_no_exit_status_is_still_a_failure():
    root = combine_exit_status(parse_tap_file(DATA / "panic_cutoff.log"), None)
    assert root.status is Status.FAIL
    assert CUT_OFF in root.reason


# -------------------------------------------------------- empty and garbage


def test_empty_stream_is_an_error():
    root = parse_tap([], "refpage")
    assert (root.name, root.status, root.reason) == ("refpage", Status.ERROR, NO_OUTPUT)
    assert root.counts() == Counts(errors=1)
    assert not root.ok


def test_garbage_only_stream_is_an_error_and_keeps_the_garbage():
    root = tap(
        """
        Segmentation fault
        /bin/sh: ./refpage_test: not found
        """
    )
    assert root.status is Status.ERROR and root.reason == NO_OUTPUT
    assert root.log == ["Segmentation fault", "/bin/sh: ./refpage_test: not found"]


def test_header_only_stream_fails_with_no_results():
    root = tap("TAP version 13")
    assert (root.status, root.reason) == (Status.FAIL, "no test results")


def test_a_string_is_split_into_lines_not_characters():
    root = parse_tap("TAP version 13\n1..1\nok 1 a\n", "s")
    assert statuses(root) == [("a", Status.PASS)]


def test_garbage_between_results_is_log_of_the_next_result():
    root = tap(
        """
        TAP version 13
        1..2
        ok 1 a
        \x00\x07binary junk \xff
        # a diagnostic
        ok 2 b
        """
    )
    assert statuses(root) == [("a", Status.PASS), ("b", Status.PASS)]
    assert root.subtests[1].log == ["\x00\x07binary junk \xff", "# a diagnostic"]
    assert root.status is Status.PASS


def test_crlf_console_lines_are_parsed():
    root = parse_tap(["TAP version 13\r\n", "1..1\r\n", "not ok 1 crlf # SKIP serial\r\n"], "c")
    assert shape(root)["subtests"] == [
        {"name": "crlf", "status": "SKIP", "number": 1, "reason": "serial"}
    ]


def test_parsing_prints_nothing(capsys):
    for log in GOLDEN_LOGS:
        parse_tap_file(log)
    parse_tap(["1..3", "garbage", "    KTAP version 1"], "x")
    assert capsys.readouterr() == ("", "")


# ------------------------------------------------------------- result lines


@pytest.mark.parametrize(
    "line, name, status, reason, directive",
    [
        ("ok 1 plain", "plain", Status.PASS, "", ""),
        ("not ok 1 plain", "plain", Status.FAIL, "", ""),
        ("ok 1 - dashed name", "dashed name", Status.PASS, "", ""),
        ("ok 1 x # SKIP no MTE", "x", Status.SKIP, "no MTE", "SKIP"),
        ("not ok 1 x # skip lower case", "x", Status.SKIP, "lower case", "SKIP"),
        ("ok 1 x # Skipped: spelled out", "x", Status.SKIP, "spelled out", "SKIP"),
        ("not ok 1 x # TODO not yet", "x", Status.XFAIL, "TODO not yet", "TODO"),
        ("ok 1 x # TODO not yet", "x", Status.PASS, "TODO not yet", "TODO"),
        ("ok 1 x # XFAIL known bug", "x", Status.XFAIL, "known bug", "XFAIL"),
        ("ok 1 x # XPASS unknown", "x", Status.PASS, "XPASS unknown", "XPASS"),
        ("not ok 1 x # TIMEOUT 45 seconds", "x", Status.FAIL, "TIMEOUT 45 seconds", "TIMEOUT"),
        ("not ok 1 x # error spawning child", "x", Status.ERROR, "spawning child", "ERROR"),
        ("not ok 1 selftests: mm: x # exit=139", "selftests: mm: x", Status.FAIL, "exit=139", ""),
        ("ok 1 x #  rcode=0", "x", Status.PASS, "rcode=0", ""),
        ("ok 1 a \\# b", "a # b", Status.PASS, "", ""),
        ("ok 1 # SKIP nameless", "test 1", Status.SKIP, "nameless", "SKIP"),
        ("ok 1 x # FROBNICATE unknown directive", "x", Status.PASS, "FROBNICATE unknown directive", ""),
    ],
)
def test_result_line(line, name, status, reason, directive):
    (result,) = parse_tap(["1..1", line], "r").subtests
    assert (result.name, result.status, result.reason, result.directive) == (
        name, status, reason, directive,
    )
    assert result.number == 1


def test_todo_failure_does_not_fail_the_run():
    root = tap(
        """
        TAP version 13
        1..2
        ok 1 works
        not ok 2 not written yet # TODO write it
        """
    )
    assert root.ok and root.status is Status.PASS
    assert root.counts() == Counts(passed=1, xfailed=1)


def test_results_without_numbers_are_numbered_in_order():
    root = tap(
        """
        1..2
        ok first
        not ok second
        """
    )
    assert [(s.name, s.number) for s in root.subtests] == [("first", 1), ("second", 2)]
    assert root.warnings == []


def test_words_starting_with_ok_are_not_results():
    root = tap(
        """
        1..1
        okay, starting
        ok 1 real
        """
    )
    assert statuses(root) == [("real", Status.PASS)]
    assert root.subtests[0].log == ["okay, starting"]


# --------------------------------------------------------------------- plans


def test_fewer_results_than_planned_count_as_failed():
    root = tap(
        """
        TAP version 13
        1..4
        ok 1 a
        ok 2 b
        """
    )
    assert [(s.name, s.status, s.reason) for s in root.subtests[2:]] == [
        ("missing #3", Status.FAIL, "missing: planned 4, got 2"),
        ("missing #4", Status.FAIL, "missing: planned 4, got 2"),
    ]
    assert root.counts() == Counts(passed=2, failed=2)


def test_more_results_than_planned_is_an_error():
    root = tap(
        """
        TAP version 13
        1..2
        ok 1 a
        ok 2 b
        ok 3 c
        """
    )
    assert (root.status, root.reason) == (Status.ERROR, "planned 2, got 3")
    assert [(s.status, s.reason) for s in root.subtests] == [
        (Status.PASS, ""), (Status.PASS, ""), (Status.ERROR, "not in the plan 1..2")]
    # the error is counted once, on the result beyond the plan
    assert root.counts() == Counts(passed=2, errors=1)


def test_plan_at_the_end_is_honoured():
    root = tap(
        """
        ok 1 a
        ok 2 b
        1..3
        """
    )
    assert [s.name for s in root.subtests] == ["a", "b", "missing #3"]
    assert root.status is Status.FAIL


def test_out_of_order_numbers_are_flagged():
    root = tap(
        """
        1..3
        ok 1 a
        ok 3 c
        ok 2 b
        """
    )
    assert root.warnings == [
        "test 'c' numbered 3, expected 2",
        "test 'b' numbered 2, expected 3",
    ]
    assert [s.number for s in root.subtests] == [1, 3, 2]
    assert root.status is Status.PASS


def test_second_plan_is_flagged_and_ignored():
    root = tap(
        """
        1..1
        ok 1 a
        1..5
        """
    )
    assert root.status is Status.PASS
    assert root.warnings == ["second plan '1..5' ignored"]


def test_skip_plan_skips_the_whole_program_with_its_reason():
    root = tap(
        """
        TAP version 13
        1..0 # SKIP refpage_create not implemented (ENOSYS)
        """
    )
    assert (root.status, root.reason) == (Status.SKIP, "refpage_create not implemented (ENOSYS)")
    assert root.ok and root.counts() == Counts(skipped=1)


def test_empty_plan_without_reason_is_a_skip():
    root = tap("1..0")
    assert (root.status, root.reason) == (Status.SKIP, "no tests planned")


def test_bail_out_fails_the_stream_and_the_rest_is_missing():
    root = tap(
        """
        TAP version 13
        1..3
        ok 1 setup
        Bail out! cannot open /dev/refpage
        """
    )
    assert (root.status, root.reason) == (Status.FAIL, "Bail out! cannot open /dev/refpage")
    assert [s.status for s in root.subtests] == [Status.PASS, Status.FAIL, Status.FAIL]
    assert root.subtests[1].reason == "missing: planned 3, got 1"


def test_absurd_plan_is_one_missing_leaf_not_a_million():
    root = tap(
        """
        1..1000000
        ok 1 a
        """
    )
    assert [(s.name, s.status) for s in root.subtests] == [
        ("a", Status.PASS),
        ("missing #2..#1000000", Status.FAIL),
    ]


# ------------------------------------------------------- kselftest harness


def test_harness_run_without_result_is_cut_off():
    root = tap(
        """
        TAP version 13
        1..2
        # Starting 2 tests from 1 test cases.
        #  RUN           refpage.ok ...
        #            OK  refpage.ok
        ok 1 refpage.ok
        #  RUN           refpage.crashes ...
        # refpage_test.c:12:crashes:about to touch the page
        """
    )
    crashed = root.subtests[1]
    assert (crashed.name, crashed.number, crashed.status, crashed.reason) == (
        "refpage.crashes", 2, Status.FAIL, CUT_OFF,
    )
    assert crashed.log[-1] == "# refpage_test.c:12:crashes:about to touch the page"
    assert root.log == ["# Starting 2 tests from 1 test cases."]
    assert len(root.subtests) == 2  # the cut-off test is test 2, not missing


def test_harness_run_without_plan_is_cut_off_too():
    root = tap("#  RUN           f.t ...")
    assert statuses(root) == [("f.t", Status.FAIL)]
    assert root.status is Status.FAIL


# ------------------------------------------------------------------ nesting


def test_ktap_spec_example_with_two_space_indentation():
    root = tap(
        """
        KTAP version 1
        1..1
          KTAP version 1
          1..3
            KTAP version 1
            1..1
            # test_1: initializing test_1
            ok 1 test_1
          ok 1 example_test_1
            KTAP version 1
            1..2
            ok 1 test_1 # SKIP test_1 skipped
            ok 2 test_2
          ok 2 example_test_2
            KTAP version 1
            1..3
            ok 1 test_1
            # test_2: FAIL
            not ok 2 test_2
            ok 3 test_3 # SKIP test_3 skipped
          not ok 3 example_test_3
        not ok 1 main_test
        """
    )
    (main,) = root.subtests
    assert main.name == "main_test" and main.status is Status.FAIL
    assert statuses(main) == [
        ("example_test_1", Status.PASS),
        ("example_test_2", Status.PASS),
        ("example_test_3", Status.FAIL),
    ]
    ex1, ex2, ex3 = main.subtests
    assert ex1.subtests[0].log == ["# test_1: initializing test_1"]
    assert statuses(ex2) == [("test_1", Status.SKIP), ("test_2", Status.PASS)]
    assert ex2.subtests[0].reason == "test_1 skipped"
    assert statuses(ex3) == [("test_1", Status.PASS), ("test_2", Status.FAIL), ("test_3", Status.SKIP)]
    assert ex3.subtests[1].log == ["# test_2: FAIL"]
    assert root.counts() == Counts(passed=3, failed=1, skipped=2)


def test_diagnostic_between_subtests_and_parent_result_is_the_parents_log():
    root = tap(
        """
        KTAP version 1
        1..1
          KTAP version 1
          1..2
          ok 1 test_1
          not ok 2 test_2
        # example failed
        not ok 1 example
        """
    )
    (example,) = root.subtests
    assert example.log == ["# example failed"]
    assert example.reason == "1 of 2 subtests failed"


def test_tap14_subtest_line_at_the_parent_level_names_the_subtest():
    root = tap(
        """
        TAP version 14
        1..1
        # Subtest: refpage_group
            1..2
            ok 1 - a
            ok 2 - b
        ok 1 - refpage_group
        """
    )
    (group,) = root.subtests
    assert group.name == "refpage_group"
    assert statuses(group) == [("a", Status.PASS), ("b", Status.PASS)]
    assert group.log == ["# Subtest: refpage_group"]


def test_kselftest_prefix_nesting_two_levels_deep():
    root = tap(
        """
        TAP version 13
        1..1
        # selftests: refpage: run_all.sh
        # TAP version 13
        # 1..2
        # # selftests: refpage: inner_a
        # # TAP version 13
        # # 1..1
        # # ok 1 deep_pass
        # ok 1 selftests: refpage: inner_a
        # # selftests: refpage: inner_b
        # # TAP version 13
        # # 1..2
        # # ok 1 deep_ok
        # # not ok 2 deep_fail
        # not ok 2 selftests: refpage: inner_b # exit=1
        not ok 1 selftests: refpage: run_all.sh # exit=1
        """
    )
    (outer,) = root.subtests
    assert outer.name == "selftests: refpage: run_all.sh"
    assert statuses(outer) == [
        ("selftests: refpage: inner_a", Status.PASS),
        ("selftests: refpage: inner_b", Status.FAIL),
    ]
    inner_b = outer.subtests[1]
    assert inner_b.reason == "exit=1"
    assert statuses(inner_b) == [("deep_ok", Status.PASS), ("deep_fail", Status.FAIL)]
    assert outer.subtests[0].subtests[0].name == "deep_pass"
    assert root.counts() == Counts(passed=2, failed=1)


def test_runner_empty_lines_with_trailing_space_eaten_stay_inside_the_stream():
    root = tap(
        """
        TAP version 13
        1..1
        # selftests: mm: refpage
        # TAP version 13
        # 1..2
        # ok 1 a
        #
        # ok 2 b
        ok 1 selftests: mm: refpage
        """
    )
    (prog,) = root.subtests
    assert statuses(prog) == [("a", Status.PASS), ("b", Status.PASS)]
    assert prog.subtests[1].log == [""]


def test_runner_nested_program_without_tap_header_is_still_nested():
    root = tap(
        """
        TAP version 13
        1..1
        # selftests: mm: refpage
        # 1..1
        # ok 1 only
        ok 1 selftests: mm: refpage
        """
    )
    assert statuses(root.subtests[0]) == [("only", Status.PASS)]


def test_nested_stream_cut_off_without_parent_result():
    root = tap(
        """
        TAP version 13
        1..2
        # selftests: mm: refpage_test
        # TAP version 13
        # 1..3
        # ok 1 a
        # #  RUN           refpage.b ...
        """
    )
    prog, missing = root.subtests
    assert (prog.name, prog.number, prog.status, prog.reason) == (
        "selftests: mm: refpage_test", 1, Status.FAIL, CUT_OFF,
    )
    assert [(s.name, s.status, s.reason) for s in prog.subtests] == [
        ("a", Status.PASS, ""),
        ("refpage.b", Status.FAIL, CUT_OFF),
        ("missing #3", Status.FAIL, "missing: planned 3, got 2"),
    ]
    assert (missing.name, missing.reason) == ("missing #2", "missing: planned 2, got 1")


def test_ktap_sibling_stream_without_parent_result_line():
    root = tap(
        """
        KTAP version 1
        1..2
            KTAP version 1
            # Subtest: first
            1..1
            ok 1 a
            KTAP version 1
            # Subtest: second
            1..1
            ok 1 b
        ok 2 second
        """
    )
    first, second = root.subtests
    assert (first.name, first.status, first.reason) == ("first", Status.FAIL, NO_RESULT_LINE)
    assert (second.name, second.status, second.number) == ("second", Status.PASS, 2)
    assert statuses(second) == [("b", Status.PASS)]


def test_parent_says_ok_but_a_subtest_failed():
    root = tap(
        """
        KTAP version 1
        1..1
            KTAP version 1
            1..2
            ok 1 a
            not ok 2 b
        ok 1 suite
        """
    )
    assert (root.subtests[0].status, root.subtests[0].reason) == (Status.FAIL, "1 of 2 subtests failed")
    assert root.status is Status.FAIL


def test_unindented_garbage_inside_an_indented_stream_does_not_end_it():
    root = tap(
        """
        KTAP version 1
        1..1
            KTAP version 1
            1..2
            ok 1 a
        [  12.345] random unprefixed line
            ok 2 b
        ok 1 suite
        """
    )
    (suite,) = root.subtests
    assert statuses(suite) == [("a", Status.PASS), ("b", Status.PASS)]
    assert suite.subtests[1].log == ["[  12.345] random unprefixed line"]


def test_absurdly_deep_nesting_does_not_crash():
    depth = 300
    lines = ["# " * level + "TAP version 13" for level in range(depth)]
    lines += ["# " * depth + "ok 1 deepest"]
    root = parse_tap(lines, "deep")
    assert root.status is Status.FAIL  # never closed by result lines
    assert isinstance(root.counts(), Counts)


def test_runner_timeout_of_a_harness_program():
    root = tap(
        """
        TAP version 13
        1..1
        # selftests: mm: refpage_test
        # TAP version 13
        # 1..3
        # ok 1 a
        # #  RUN           refpage.hangs ...
        #
        not ok 1 selftests: mm: refpage_test # TIMEOUT 45 seconds
        """
    )
    (prog,) = root.subtests
    assert (prog.status, prog.reason, prog.directive) == (Status.FAIL, "TIMEOUT 45 seconds", "TIMEOUT")
    assert [(s.name, s.reason) for s in prog.subtests] == [
        ("a", ""),
        ("refpage.hangs", CUT_OFF),
        ("missing #3", "missing: planned 3, got 2"),
    ]
    assert prog.subtests[1].log == ["#  RUN           refpage.hangs ...", ""]


def test_pathological_lines_parse_quickly():
    n = 50_000
    lines = [
        "1..3",
        "ok " + " " * n + "x",
        "#  RUN " + "a " * n + " ...",
        "not ok 2 " + "\\#" * n,
        "Bail out!" + " " * n + "z",
        "1..1" + " " * n + "#" + " " * n,
        "    " + " " * n + "y",
    ]
    started = time.perf_counter()
    root = parse_tap(lines, "slow?")
    assert time.perf_counter() - started < 0.5
    assert [s.status for s in root.subtests] == [Status.PASS, Status.FAIL, Status.FAIL]
    assert root.reason == "Bail out! z"


# ---------------------------------------------------------- exit statuses


@pytest.mark.parametrize(
    "code, status, reason",
    [
        (0, None, ""),
        (4, Status.SKIP, "exit status 4 (skip)"),
        (1, Status.FAIL, "exit status 1"),
        (2, Status.FAIL, "exit status 2"),
        (124, Status.FAIL, "timed out (exit status 124)"),
        (139, Status.FAIL, "killed by SIGSEGV (exit status 139)"),
        (-6, Status.FAIL, "killed by SIGABRT (exit status -6)"),
        (None, Status.FAIL, f"no exit status: {CUT_OFF}"),
    ],
)
def test_exit_status_verdict(code, status, reason):
    assert exit_status_verdict(code) == (status, reason)


PASSING = "TAP version 13\n1..1\nok 1 a\n"
FAILING = "TAP version 13\n1..1\nnot ok 1 a\n"


def test_exit_zero_keeps_the_tap_verdict():
    assert combine_exit_status(parse_tap(PASSING, "p"), 0).status is Status.PASS
    assert combine_exit_status(parse_tap(FAILING, "p"), 0).status is Status.FAIL


def test_segfault_fails_even_when_the_tap_said_ok():
    parsed = parse_tap(PASSING, "p")
    combined = combine_exit_status(parsed, 139)
    assert (combined.status, combined.reason) == (Status.FAIL, "killed by SIGSEGV (exit status 139)")
    assert parsed.status is Status.PASS  # the input is not changed
    assert combined.counts() == Counts(passed=1, failed=1)
    assert combined.flatten()[-1] == (("p",), combined)


def test_exit_one_with_failing_tap_keeps_the_tap_reason():
    parsed = parse_tap(FAILING, "p")
    assert combine_exit_status(parsed, 1) is parsed


def test_exit_one_with_passing_tap_fails():
    combined = combine_exit_status(parse_tap(PASSING, "p"), 1)
    assert (combined.status, combined.reason) == (Status.FAIL, "exit status 1")


def test_crash_after_a_failure_keeps_both_reasons():
    parsed = parse_tap("1..2\nok 1 a\n", "p")
    combined = combine_exit_status(parsed, 139)
    assert combined.status is Status.FAIL
    assert combined.reason == "1 of 2 subtests failed; killed by SIGSEGV (exit status 139)"


def test_skip_exit_with_no_output_is_a_skip():
    combined = combine_exit_status(parse_tap([], "p"), 4)
    assert (combined.status, combined.reason) == (Status.SKIP, "exit status 4 (skip)")
    assert combined.ok


def test_skip_exit_never_hides_a_failure():
    assert combine_exit_status(parse_tap(FAILING, "p"), 4).status is Status.FAIL


# --------------------------------------------------------------- the model


def test_worst_and_ok():
    assert worst(Status.SKIP, Status.PASS) is Status.PASS
    assert worst(Status.PASS, Status.XFAIL) is Status.PASS
    assert worst(Status.FAIL, Status.ERROR, Status.PASS) is Status.ERROR
    assert [s.ok for s in Status] == [True, False, True, True, False]


def test_counts_add_and_total():
    total = Counts(passed=1, failed=2) + Counts(skipped=3, xfailed=4, errors=5)
    assert total == Counts(1, 2, 3, 4, 5)
    assert total.total == 15 and not total.ok
    assert Counts(passed=1, skipped=1).ok


def test_dict_round_trip():
    root = parse_tap_file(DATA / "runner_nested.log")
    data = json.loads(json.dumps(root.to_dict()))
    assert TestResult.from_dict(data) == root
    assert data["subtests"][1]["reason"] == "exit=139"


def test_parse_tap_file_names_the_root_after_the_file(tmp_path):
    log = tmp_path / "refpage_test.tap"
    log.write_bytes(b"TAP version 13\n1..1\nok 1 bad byte \xff here\n")
    root = parse_tap_file(log)
    assert root.name == "refpage_test"
    assert root.subtests[0].name == "bad byte \ufffd here"
    assert parse_tap_file(log, name="other").name == "other"
