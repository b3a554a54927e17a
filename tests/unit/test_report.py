"""Reports: the text summary, JUnit XML, JSON, and atomic writing."""

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness import wholefile
from harness.report import (
    all_ok,
    display_reason,
    junit_xml,
    summary_text,
    suite_counts,
    suites,
    to_json,
    totals_line,
    write_atomic,
    write_json,
    write_junit,
    write_summary,
    xml_safe,
)
from harness.tap import Counts, Status, TestResult, combine_exit_status, parse_tap

ARM64_TAP = """\
TAP version 13
1..4
#  RUN           refpage.create ...
#            OK  refpage.create
ok 1 refpage.create
#  RUN           refpage.bad_flags ...
# refpage_test.c:88:bad_flags:Expected -1 (-1) == ret (0)
#          FAIL  refpage.bad_flags
not ok 2 refpage.bad_flags
ok 3 refpage.mte # SKIP MTE not supported
ok 4 refpage.fork
# Totals: pass:2 fail:1 xfail:0 xpass:0 skip:1 error:0
"""

X86_TAP = """\
TAP version 13
1..2
ok 1 refpage.create
not ok 2 refpage.uffd # TODO not written yet
"""


@pytest.fixture
def results():
    return {
        "arm64": [parse_tap(ARM64_TAP, "refpage_test")],
        "x86_64": [parse_tap(X86_TAP, "refpage_test")],
    }


def lines_of(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


# ------------------------------------------------------------------- text


def test_totals_line():
    assert totals_line("arm64", Counts(passed=12, failed=1, skipped=3)) == (
        "arm64: 12 passed, 1 failed, 3 skipped"
    )
    assert totals_line("", Counts(passed=1, xfailed=2, errors=1)) == (
        "total: 1 passed, 0 failed, 0 skipped, 2 expected failures, 1 errors"
    )


def test_summary_table_rows_and_totals(results):
    text = summary_text(results)
    assert lines_of(text) == [
        "== arm64 ==",
        "TEST                            STATUS  REASON",
        "refpage_test/refpage.create     PASS",
        "refpage_test/refpage.bad_flags  FAIL    refpage_test.c:88:bad_flags:Expected -1 (-1) == ret (0)",
        "refpage_test/refpage.mte        SKIP    MTE not supported",
        "refpage_test/refpage.fork       PASS",
        "arm64: 2 passed, 1 failed, 1 skipped",
        "",
        "== x86_64 ==",
        "TEST                         STATUS  REASON",
        "refpage_test/refpage.create  PASS",
        "refpage_test/refpage.uffd    XFAIL   TODO not written yet",
        "x86_64: 1 passed, 0 failed, 0 skipped, 1 expected failures",
        "",
        "all: 3 passed, 1 failed, 1 skipped, 1 expected failures",
    ]


def test_summary_of_a_plain_list_has_one_total_and_shows_warnings():
    root = parse_tap("1..2\nok 2 b\nok 1 a\n", "prog")
    text = summary_text([root])
    assert "warning: prog: test 'b' numbered 2, expected 1" in text
    assert text.rstrip().splitlines()[-1] == "total: 2 passed, 0 failed, 0 skipped"
    assert "== " not in text


def test_summary_lists_a_crash_after_passing_tests():
    root = combine_exit_status(parse_tap("1..1\nok 1 a\n", "prog"), 139)
    text = summary_text({"arm64": [root]})
    assert "prog    FAIL    killed by SIGSEGV (exit status 139)" in text
    assert "arm64: 1 passed, 1 failed, 0 skipped" in text


def test_summary_reasons_are_one_line_without_colour():
    leaf = TestResult("t", Status.FAIL, reason="first\nsecond\x00 \x1b[31mred\x1b[0m " + "x" * 300)
    row = [line for line in summary_text([leaf]).splitlines() if line.startswith("t ")][0]
    assert "first second red x" in row
    assert "\x1b" not in row and "\x00" not in row and row.endswith("...")
    assert len(row) < 200


def test_display_reason_prefers_the_reason_then_a_telling_log_line():
    assert display_reason(TestResult("a", Status.FAIL, reason="exit=1", log=["# Test failed"])) == "exit=1"
    assert display_reason(
        TestResult("a", Status.FAIL, log=["#  RUN a ...", "# a: Test terminated by assertion"])
    ) == "a: Test terminated by assertion"
    assert display_reason(TestResult("a", Status.FAIL, log=["# nothing useful"])) == ""
    assert display_reason(TestResult("a", Status.PASS, log=["# Test failed"])) == ""


# ------------------------------------------------------------------ JUnit


def test_junit_structure_and_counts(results):
    top = ET.fromstring(junit_xml(results))
    assert top.tag == "testsuites"
    assert {k: top.get(k) for k in ("tests", "failures", "errors", "skipped")} == {
        "tests": "6", "failures": "1", "errors": "0", "skipped": "2",
    }
    arm, x86 = top.findall("testsuite")
    assert arm.get("name") == "arm64.refpage_test"
    assert (arm.get("tests"), arm.get("failures"), arm.get("skipped")) == ("4", "1", "1")
    cases = {case.get("name"): case for case in arm.findall("testcase")}
    assert list(cases) == ["refpage.create", "refpage.bad_flags", "refpage.mte", "refpage.fork"]
    assert {case.get("classname") for case in cases.values()} == {"arm64.refpage_test"}
    failure = cases["refpage.bad_flags"].find("failure")
    assert failure.get("message") == "refpage_test.c:88:bad_flags:Expected -1 (-1) == ret (0)"
    assert "#          FAIL  refpage.bad_flags" in cases["refpage.bad_flags"].find("system-out").text
    assert cases["refpage.mte"].find("skipped").get("message") == "MTE not supported"
    assert cases["refpage.create"].find("failure") is None
    assert cases["refpage.create"].find("skipped") is None
    assert "# Totals:" in arm.find("system-out").text
    (uffd,) = [c for c in x86.findall("testcase") if c.get("name") == "refpage.uffd"]
    assert uffd.find("skipped").get("message") == "expected failure: TODO not written yet"


def test_junit_errors_and_nested_names():
    root = parse_tap(
        "TAP version 13\n1..1\n# TAP version 13\n# 1..1\n"
        "# not ok 1 inner # error no device\nnot ok 1 prog\n",
        "outer",
    )
    top = ET.fromstring(junit_xml([root]))
    (suite,) = top.findall("testsuite")
    assert suite.get("name") == "outer" and suite.get("errors") == "1"
    (case,) = suite.findall("testcase")
    assert case.get("name") == "prog/inner"
    assert case.find("error").get("message") == "no device"


def test_junit_is_valid_even_with_control_characters(tmp_path):
    nasty = "\x00\x01\x07\x08\x0b\x0c\x1b[31mred\x1b[0m\x7f\ud800 \ufffe end\ttab"
    leaf = TestResult(f"name{nasty}", Status.FAIL, reason=f"why{nasty}", log=[f"log{nasty}", "ok"])
    path = write_junit({f"arm{nasty}": [leaf]}, tmp_path / "junit.xml")
    top = ET.parse(path).getroot()  # raises if the XML is invalid
    case = top.find("testsuite/testcase")
    assert case.get("name") == "namered\x7f  end\ttab"
    assert top.find("testsuite").get("name") == "armred\x7f  end\ttab.namered\x7f  end\ttab"
    assert case.find("failure").text == "whyred\x7f  end\ttab"
    assert case.find("system-out").text == "logred\x7f  end\ttab\nok\n"


def test_xml_safe():
    assert xml_safe("a\x00b\x1b[1;32mc\x1b[0m\ud83d\n\t\r") == "abc\n\t\r"
    assert xml_safe("ünïcödé ✓ 😀") == "ünïcödé ✓ 😀"


# ------------------------------------------------------------------- JSON


def test_json_dict(results):
    data = to_json(results)
    assert data["ok"] is False
    assert data["totals"] == {
        "arm64": {"passed": 2, "failed": 1, "skipped": 1, "xfailed": 0, "errors": 0},
        "x86_64": {"passed": 1, "failed": 0, "skipped": 0, "xfailed": 1, "errors": 0},
    }
    (arm_root,) = data["suites"]["arm64"]
    assert arm_root["name"] == "refpage_test"
    assert [t["status"] for t in arm_root["subtests"]] == ["PASS", "FAIL", "SKIP", "PASS"]
    assert TestResult.from_dict(arm_root) == results["arm64"][0]


def test_write_json_round_trips(tmp_path, results):
    path = write_json(results, tmp_path / "out" / "results.json")
    assert path == tmp_path / "out" / "results.json"
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(json.dumps(to_json(results)))
    assert os.listdir(path.parent) == ["results.json"]


def test_write_summary(tmp_path, results):
    path = write_summary(results, tmp_path / "summary.txt")
    assert path.read_text() == summary_text(results)


# -------------------------------------------------------- atomic writing


def test_write_atomic_replaces_and_leaves_no_temp_files(tmp_path):
    target = tmp_path / "r.json"
    target.write_text("old")
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert sorted(os.listdir(tmp_path)) == ["r.json"]
    assert target.stat().st_mode & 0o777 == 0o644


def test_write_atomic_failure_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "r.json"
    target.write_text("old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(wholefile.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert sorted(os.listdir(tmp_path)) == ["r.json"]


# ------------------------------------------------------------ helpers


def test_suites_all_ok_and_suite_counts(results):
    assert [name for name, _ in suites(results)] == ["arm64", "x86_64"]
    assert suites([results["arm64"][0]]) == [("", results["arm64"])]
    assert not all_ok(results)
    assert all_ok({"x86_64": results["x86_64"]})
    assert not all_ok([])
    assert not all_ok({"arm64": []})
    assert suite_counts(results["arm64"] + results["x86_64"]) == Counts(
        passed=3, failed=1, skipped=1, xfailed=1
    )


def test_golden_logs_report_without_error(tmp_path):
    data = Path(__file__).resolve().parent.parent / "data" / "tap"
    roots = [parse_tap(p.read_text(), p.stem) for p in sorted(data.glob("*.log"))]
    ET.parse(write_junit({"arm64": roots}, tmp_path / "j.xml"))
    written = json.loads(write_json({"arm64": roots}, tmp_path / "j.json").read_text())
    assert len(written["suites"]["arm64"]) == len(roots)
    assert "arm64: " in summary_text({"arm64": roots})
