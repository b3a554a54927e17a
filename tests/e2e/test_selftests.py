"""The selftests on the series beyond the default configs: 64K pages, and each reproducer run alone."""

import json

import pytest

from test_boot import all_leaves, by_name
from test_series_boot import RT_IDS

pytestmark = pytest.mark.e2e


@pytest.mark.full
@pytest.mark.parametrize("variant, page_size", [("16k", 16384), ("64k", 65536)])
def test_large_pages_pass_the_whole_suite(cli, series_tree, variant, page_size, tmp_path):
    res = cli("boot", "--arch", "arm64", "--config", variant, "--tree", series_tree, "--out", tmp_path,
              "--json", tmp_path / "r.json")
    assert res.returncode == 0, res.stdout + res.stderr[-3000:]
    results = json.loads((tmp_path / "r.json").read_text())
    assert [path for path, node in all_leaves(results, "arm64") if node["status"] != "PASS"] == []
    assert by_name(results, "arm64")["global.rt_page_size"]["status"] == "PASS"
    assert f"PAGE_SIZE is {page_size}" in (tmp_path / "console.log").read_text()
    meta = json.loads((tmp_path / "metadata.json").read_text())
    assert meta["config_variant"] == variant
    assert f"CONFIG_ARM64_{variant.upper()}_PAGES=y" in open(f"{meta['build_dir']}/.config").read()


@pytest.mark.full
@pytest.mark.parametrize("arch", ["arm64", "x86_64"])
def test_the_debug_config_passes_the_whole_suite_without_a_splat(cli, series_tree, arch, tmp_path):
    res = cli("boot", "--arch", arch, "--config", "debug", "--tree", series_tree, "--out", tmp_path,
              "--json", tmp_path / "r.json", timeout=5400)
    assert res.returncode == 0, res.stdout + res.stderr[-3000:]
    results = json.loads((tmp_path / "r.json").read_text())
    not_passed = [path for path, node in all_leaves(results, arch) if node["status"] != "PASS"]
    assert all("mte" in path for path in not_passed) and (arch == "x86_64" or not not_passed), not_passed
    assert by_name(results, arch)["global.written_pages_swap_out_and_back"]["status"] == "PASS"
    console = (tmp_path / "console.log").read_text()
    assert "refpage-ci: swap on zram0" in console
    assert "BUG: KASAN" not in console and "WARNING:" not in console and "possible recursive locking" not in console
    meta = json.loads((tmp_path / "metadata.json").read_text())
    config = open(f"{meta['build_dir']}/.config").read()
    assert "CONFIG_KASAN=y" in config and "CONFIG_PROVE_LOCKING=y" in config


def test_each_reproducer_runs_alone_by_its_name(cli, series_tree, tmp_path):
    loop = " ".join(f"rt_{rt}" for rt in RT_IDS)
    script = (f'for t in {loop}; do out=$(refpage_rt -t $t 2>&1); echo "$out"; '
              f'echo "$out" | grep -q "^1\\.\\.1$" && echo "$out" | grep -q "^ok 1 global\\.$t" || exit 1; done')
    res = cli("run", "--arch", "x86_64", "--tree", series_tree, "--out", tmp_path, "--", "sh", "-c", script)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
    for rt in RT_IDS:
        assert f"ok 1 global.rt_{rt}" in res.stdout
