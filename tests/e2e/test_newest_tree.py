"""The newest tree a registry carries (debian:7.3, our linux-next stand-in) with its own port of the
series: both arches boot with the whole suite, and every review id is reproduced and fixed there."""

import json

import pytest

from harness.repro import catalogue

from test_boot import all_leaves, by_name, is_mte
from test_repro import read_json

pytestmark = pytest.mark.e2e

NEWEST = "debian:7.3"


@pytest.mark.parametrize("arch", ["arm64", "x86_64"])
def test_the_newest_tree_boots_with_its_port_and_the_whole_suite_passes(cli, arch, tmp_path):
    res = cli("boot", "--arch", arch, "--tree", NEWEST, "--out", tmp_path, "--json", tmp_path / "r.json")
    assert res.returncode == 0, res.stdout + res.stderr[-3000:]
    assert "series: port 7.3 (base: linux 7.3-rc7" in res.stderr
    results = json.loads((tmp_path / "r.json").read_text())
    skipped = {path for path, node in all_leaves(results, arch) if node["status"] == "SKIP"}
    if arch == "arm64":
        assert skipped == set()
    else:
        assert skipped and all(is_mte(p) for p in skipped), skipped
    tests = by_name(results, arch)
    assert len(tests) >= 120 and tests["console: no kernel splat"]["status"] == "PASS"
    meta = json.loads((tmp_path / "metadata.json").read_text())
    assert meta["series_port"] == "7.3" and meta["kernel_version"].startswith("7.3")


def test_repro_all_on_the_newest_tree(cli, tmp_path):
    res = cli("repro", "--all", "--arch", "arm64", "--tree", NEWEST, "--out", tmp_path, timeout=5400)
    print(res.stdout)
    assert res.returncode == 0, res.stdout + res.stderr[-3000:]
    assert "repro: port 7.3" in res.stderr
    skipped = {b.id for b in catalogue.BUGS if b.skip_reason("arm64", "7.3")}
    assert skipped == {"R2-exec"}  # a 6.12 bug: 7.3's anonymous inodes are noexec
    for rid, report in read_json(tmp_path).items():
        halves = ("skipped", "skipped") if rid in skipped else ("reproduced", "fixed")
        assert (report["bug"]["state"], report["fixed"]["state"]) == halves, (rid, report)
    n = len(catalogue.BUGS)
    assert set(read_json(tmp_path)) == set(catalogue.ids())
    assert (f"{n - len(skipped)} of {n} ids reproduced and fixed, {len(skipped)} skipped, 0 not as expected"
            in res.stdout)
