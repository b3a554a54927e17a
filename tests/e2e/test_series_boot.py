"""The series on the default tree: both kernels build with DEBUG_VM, boot, and the refpage smoke suite passes."""

import json

import pytest

from test_boot import by_name

pytestmark = pytest.mark.e2e

SMOKE = ("global.bad_arguments", "refpage.reads_pattern", "refpage.write_copies_then_dontneed_restores",
         "refpage.map_shared_refused")


@pytest.mark.parametrize("arch", ["arm64", "x86_64"])
def test_series_boots_and_the_refpage_smoke_suite_passes(cli, series_tree, arch, tmp_path):
    res = cli("boot", "--arch", arch, "--tree", series_tree, "--out", tmp_path, "--json", tmp_path / "r.json")
    assert res.returncode == 0, res.stdout + res.stderr[-3000:]
    tests = by_name(json.loads((tmp_path / "r.json").read_text()), arch)
    for name in SMOKE:
        assert tests[name]["status"] == "PASS", (name, tests[name])
    skipped = {k for k, v in tests.items() if v["status"] == "SKIP"}
    assert skipped == (set() if arch == "arm64" else {"global.mte"})
    assert tests["console: no kernel splat"]["status"] == "PASS"
    config = (json.loads((tmp_path / "metadata.json").read_text()))["build_dir"]
    dotconfig = open(f"{config}/.config").read()
    assert "CONFIG_DEBUG_VM=y" in dotconfig
