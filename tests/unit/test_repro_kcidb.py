import json

from kcidb_io import schema

from harness.repro import catalogue, kcidb_report
from harness.repro.runner import IdReport
from harness.repro.verdict import FIXED, NOT_FIXED, REPRODUCED, SKIPPED, Half
from scripts.series import ports


def _half_dir(folder, arch="arm64", built=True):
    folder.mkdir(parents=True)
    (folder / "console.log").write_text("console\n")
    meta = {"arch": arch, "commit": "d" * 40, "config_hash": "e" * 64, "started": "2026-12-01T14:00:00+0000",
            "accel": "tcg", "timings": {"build": 30.0} if built else {}}
    (folder / "metadata.json").write_text(json.dumps(meta))


def test_each_id_has_a_bug_and_a_fixed_test_on_its_own_build(tmp_path):
    port = ports.named("6.12")
    _half_dir(tmp_path / "RT-thp")
    _half_dir(tmp_path / "fixed")
    _half_dir(tmp_path / "RT-semicolon", built=False)
    reports = [IdReport(catalogue.lookup("RT-thp"), Half(REPRODUCED, "reproduced: failed as expected", 40.0),
                        Half(FIXED, "fixed: passed", 20.0)),
               IdReport(catalogue.lookup("RT-semicolon"), Half(REPRODUCED, "reproduced: compiler error", 9.0),
                        Half(NOT_FIXED, "NOT fixed: did not build", 5.0)),
               IdReport(catalogue.lookup("RT-no-apply"), Half(SKIPPED, "skipped"), Half(SKIPPED, "skipped"))]
    checkout = kcidb_report.Checkout("b" * 40, "debian:6.12", port, lambda r: r.bug.patch(port.folder))
    doc = kcidb_report.document("refpage_ci", reports, tmp_path, "arm64", checkout)
    schema.LATEST.validate_exactly(doc)
    tests = {t["path"]: t for t in doc["tests"]}
    assert {p: t["status"] for p, t in tests.items()} == {
        "repro.RT-thp.bug": "PASS", "repro.RT-thp.fixed": "PASS", "repro.RT-semicolon.bug": "PASS",
        "repro.RT-semicolon.fixed": "FAIL", "repro.RT-no-apply.bug": "SKIP", "repro.RT-no-apply.fixed": "SKIP"}
    builds = {b["id"]: b for b in doc["builds"]}
    assert builds[tests["repro.RT-semicolon.bug"]["build_id"]]["status"] == "FAIL"
    assert builds[tests["repro.RT-no-apply.bug"]["build_id"]]["status"] == "SKIP"
    assert tests["repro.RT-thp.bug"]["build_id"] != tests["repro.RT-thp.fixed"]["build_id"]
    checkouts = {c["id"]: c for c in doc["checkouts"]}
    bug_checkout = checkouts[builds[tests["repro.RT-thp.bug"]["build_id"]]["checkout_id"]]
    assert bug_checkout["git_commit_hash"] == "b" * 40
    assert bug_checkout["patchset_files"][-1]["name"] == "RT-thp.patch"
