import copy
import hashlib
import json

import jsonschema
import pytest
from kcidb_io import schema

from harness import kcidb, results
from harness.console import CommandResult
from harness.errors import StageFailed
from harness.pipeline import BootOutcome
from harness.splats import Splat

TAP = ["TAP version 13", "1..3", "ok 1 refpage.zero_fill", "not ok 2 refpage.cow # expected 0x5a",
       "ok 3 refpage.mte # SKIP MTE not supported"]


def _meta(tmp_path, **extra):
    build_dir = tmp_path / "build"
    build_dir.mkdir(exist_ok=True)
    (build_dir / ".config").write_text('CONFIG_CC_VERSION_TEXT="aarch64-linux-gnu-gcc (Debian 12.2.0-14) 12.2.0"\n')
    (tmp_path / "console.log").write_text("console\n")
    (tmp_path / "build.log").write_text("build\n")
    return dict({"arch": "arm64", "tree": str(tmp_path / "linux"), "commit": "a" * 40, "base_commit": "b" * 40,
                 "kernel_version": "6.12.117", "config_hash": "c" * 64, "build_dir": str(build_dir),
                 "started": "2026-12-01T13:15:09+0000", "timings": {"build": 12.5}, "accel": "tcg",
                 "host": "box", "series_port": "6.12", "tree_name": "debian:6.12"}, **extra)


def _collected(splat=False):
    res = CommandResult("/selftests/refpage", 1, output=TAP, seconds=3.2)
    res.name = "refpage"
    splats = [Splat("BUG", 0, "<1>BUG: Bad page map")] if splat else []
    return results.collect("arm64", BootOutcome([res], splats))["arm64"]


def _document(tmp_path, splat=False):
    patch = tmp_path / "0001-mm.patch"
    patch.write_text("a patch\n")
    meta = _meta(tmp_path, series_patches=[str(patch)])
    co, bu, tests = kcidb.run_objects("refpage_ci", meta, _collected(splat), tmp_path, {"refpage": 3.2})
    return kcidb.document([co], [bu], tests)


def test_a_boot_is_valid_kcidb_of_the_newest_schema(tmp_path):
    doc = _document(tmp_path)
    schema.LATEST.validate_exactly(doc)
    assert doc["version"] == {"major": schema.LATEST.major, "minor": schema.LATEST.minor}
    assert kcidb.problem(doc) is None


def test_one_test_per_case_and_console_check_with_kselftest_paths(tmp_path):
    tests = {t["path"]: t["status"] for t in _document(tmp_path, splat=True)["tests"]}
    assert tests == {"selftests.mm.refpage.refpage.zero_fill": "PASS", "selftests.mm.refpage.refpage.cow": "FAIL",
                     "selftests.mm.refpage.refpage.mte": "SKIP", "console.splat": "FAIL"}


def test_checkout_and_build_name_base_patchset_and_compiler(tmp_path):
    doc = _document(tmp_path)
    co, bu = doc["checkouts"][0], doc["builds"][0]
    inner = hashlib.sha256(b"a patch\n").hexdigest() + "\n"
    assert co["git_commit_hash"] == "b" * 40 and co["misc"]["head_commit"] == "a" * 40
    assert co["patchset_hash"] == hashlib.sha256(inner.encode()).hexdigest()
    assert co["patchset_files"][0]["url"].startswith("file:///")
    assert bu["checkout_id"] == co["id"] and bu["architecture"] == "arm64" and bu["status"] == "PASS"
    assert bu["compiler"].startswith("aarch64-linux-gnu-gcc") and bu["duration"] == 12.5
    assert bu["config_url"].endswith("/build/.config") and bu["start_time"] == "2026-12-01T13:15:09+00:00"
    assert all(t["build_id"] == bu["id"] for t in doc["tests"])


@pytest.mark.parametrize("breakage", [
    lambda d: d["tests"][0].update(status="BROKEN"),
    lambda d: d["tests"][0].update(path="selftests.mm/refpage cow"),
    lambda d: d["builds"][0].pop("checkout_id"),
    lambda d: d["checkouts"][0].update(id="no origin prefix"),
    lambda d: d.update(version={"major": 99}),
    lambda d: d["builds"][0].update(duration="12s"),
])
def test_a_broken_document_fails_validation(tmp_path, breakage):
    doc = copy.deepcopy(_document(tmp_path))
    breakage(doc)
    with pytest.raises(jsonschema.exceptions.ValidationError):
        schema.LATEST.validate_exactly(doc)
    assert kcidb.problem(doc)


def test_write_refuses_an_invalid_document_and_writes_a_valid_one(tmp_path):
    doc = _document(tmp_path)
    broken = copy.deepcopy(doc)
    broken["tests"][0]["status"] = "BROKEN"
    with pytest.raises(StageFailed, match="tests/0/status"):
        kcidb.write(tmp_path / "bad.json", broken)
    assert not (tmp_path / "bad.json").exists()
    schema.LATEST.validate_exactly(json.loads(kcidb.write(tmp_path / "k.json", doc).read_text()))


def test_a_tree_booted_as_it_is_has_no_patchset(tmp_path):
    meta = _meta(tmp_path, base_commit=None, series_port=None, tree_name=None)
    co = kcidb.checkout("refpage_ci", meta)
    assert co["git_commit_hash"] == "a" * 40 and co["patchset_hash"] == "" and "patchset_files" not in co


def test_origin_is_checked_as_kcidb_names_it():
    assert kcidb.origin("my_lab2") == "my_lab2"
    with pytest.raises(Exception, match="lower-case"):
        kcidb.origin("My-Lab")


def test_a_kcidb_file_that_is_a_folder_is_one_line_and_exit_2(tmp_path, capsys):
    from harness import cli
    with pytest.raises(SystemExit) as exit:
        cli.parser().parse_args(["boot", "--arch", "arm64", "--kcidb", str(tmp_path)])
    assert exit.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "--kcidb" in err and "not a file name" in err and "Traceback" not in err


def test_a_kernel_that_did_not_build_is_a_build_fail_with_the_compiler_s_lines(tmp_path):
    meta = _meta(tmp_path, timings={"config": 1.0})
    co, bu, tests = kcidb.stopped_objects("refpage_ci", meta, tmp_path, "build: make failed (exit 2)",
                                          "mm/refpage.c:120:9: error: expected ';' before 'return'")
    assert bu["status"] == "FAIL" and "expected ';'" in bu["log_excerpt"] and tests == []
    schema.LATEST.validate_exactly(kcidb.document([co], [bu], tests))


def test_selftests_that_did_not_build_on_a_built_kernel_are_a_suite_error(tmp_path):
    co, bu, tests = kcidb.stopped_objects("refpage_ci", _meta(tmp_path), tmp_path, "selftests: make failed", "x.c:1: error")
    assert bu["status"] == "PASS" and [(t["path"], t["status"]) for t in tests] == [("selftests.mm", "ERROR")]
    schema.LATEST.validate_exactly(kcidb.document([co], [bu], tests))
