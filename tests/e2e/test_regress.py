"""`refpage-ci regress` for real: the tree's own mm selftests on the base kernel and on the series
kernel, booted in QEMU; and a throwaway bug patch on the series that it must catch."""

import json
import xml.etree.ElementTree as ET

import pytest

from conftest import PROJECT
from harness import kcidb

pytestmark = pytest.mark.e2e

BUG = PROJECT / "tests" / "data" / "regress" / "zero-page-read-skips-userfault.patch"
# The programs near what the series touches that debian:6.12 has and builds on arm64.
EXPECTED = {"cow", "gup_longterm", "gup_test -u", "ksm_functional_tests", "madv_populate", "mremap_test",
            "mseal_test", "mlock2-tests", "mrelease_test", "uffd-unit-tests", "pagemap_ioctl",
            "transhuge-stress -d 20", "split_huge_page_test", "droppable"}


def _program_rows(data):
    return {r["program"]: r for r in data["rows"] if not r["test"]}


def test_regress_arm64_on_the_default_tree_has_no_regression(cli, tmp_path):
    res = cli("regress", "--arch", "arm64", "--out", tmp_path / "out", "--json", tmp_path / "regress.json",
              "--junit", tmp_path / "regress.xml", "--kcidb", tmp_path / "kcidb.json", timeout=5400)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-4000:]
    data = json.loads((tmp_path / "regress.json").read_text())
    rows = _program_rows(data)
    assert EXPECTED <= set(rows), sorted(rows)
    assert data["ok"] and data["counts"]["REGRESSION"] == 0 and data["regressed_programs"] == []
    # both kernels ran every program: the base without the series, the series kernel with it
    assert all(r["base"] != "not run" and r["series"] != "not run" for r in rows.values()), rows
    assert data["base"]["series_port"] is None and data["series"]["series_port"] == "6.12"
    assert data["base"]["build_dir"] != data["series"]["build_dir"]
    # the TAP subtests are rows of their own: cow's 640, those without GUP_TEST skipped on both
    cow = [r for r in data["rows"] if r["program"] == "cow" and r["test"]]
    assert len(cow) > 20 and {r["verdict"] for r in cow} <= {"ok", "skipped"}
    assert sum(r["verdict"] == "ok" for r in cow) >= 300
    assert "soft-dirty" in data["not_run"] and "not arm64" in data["not_run"]["soft-dirty"]
    assert "regress: " in res.stdout and "0 regressions" in res.stdout
    for row in (r for r in data["rows"] if r["verdict"] == "already failing"):
        assert row["base_reason"], row
    suites = ET.parse(tmp_path / "regress.xml").getroot()
    assert {s.get("name") for s in suites} >= {f"regress.arm64.{p}" for p in EXPECTED}
    assert not list(suites.iter("failure"))
    doc = json.loads((tmp_path / "kcidb.json").read_text())
    assert kcidb.problem(doc) is None
    assert len(doc["checkouts"]) == 2 and len(doc["builds"]) == 2
    paths = {t["path"] for t in doc["tests"]}
    assert "selftests.mm.uffd-unit-tests" in paths and any(p.startswith("selftests.mm.cow.") for p in paths)


# Heavy tier: a third kernel and uffd-unit-tests' 66 cases on two of them (about 20 minutes on
# TCG), on top of the default-tree run CI already pays for.
@pytest.mark.full
def test_regress_catches_a_bug_patch_that_breaks_the_zero_page_read_fault(cli, tmp_path):
    res = cli("regress", "--arch", "arm64", "--only", "uffd-unit-tests", "--only", "madv_populate",
              "--bug-patch", BUG, "--out", tmp_path / "out", timeout=3600)
    assert res.returncode == 1, res.stdout[-4000:] + res.stderr[-4000:]
    assert "regressions in uffd-unit-tests" in res.stderr
    data = json.loads((tmp_path / "out" / "regress.json").read_text())
    # the console row may regress too: the guest's shell sometimes reads EOF at its prompt (docs/regress.md)
    assert data["regressed_programs"][0] == "uffd-unit-tests"
    assert set(data["regressed_programs"]) <= {"uffd-unit-tests", "kernel console"}
    broken = [r for r in data["rows"] if r["verdict"] == "REGRESSION"]
    assert broken and all(r["base"] in ("PASS", "SKIP") for r in broken)
    assert _program_rows(data)["madv_populate"]["verdict"] == "ok"
    assert "--- uffd-unit-tests on the series:" in res.stderr
    failures = list(ET.parse(tmp_path / "out" / "junit.xml").getroot().iter("failure"))
    assert failures and all(f.get("type") == "REGRESSION" for f in failures)


def test_a_bug_patch_that_does_not_apply_is_one_line(cli, tmp_path):
    bad = tmp_path / "bad.patch"
    bad.write_text(BUG.read_text().replace("check_stable_address_space(vma->vm_mm);", "no_such_line();"))
    res = cli("regress", "--arch", "arm64", "--bug-patch", bad, "--out", tmp_path / "out", timeout=1200)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert res.stderr.strip().splitlines()[-1].startswith(f"refpage-ci: error: --bug-patch {bad}: does not apply")
