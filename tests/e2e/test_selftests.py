"""The selftests on the series beyond the default configs: 64K pages, and each reproducer run alone."""

import json

import pytest

from test_boot import all_leaves, by_name
from test_series_boot import RT_IDS

pytestmark = pytest.mark.e2e


@pytest.mark.full
def test_64k_pages_pass_the_whole_suite(cli, series_tree, tmp_path):
    res = cli("boot", "--arch", "arm64", "--config", "64k", "--tree", series_tree, "--out", tmp_path,
              "--json", tmp_path / "r.json")
    assert res.returncode == 0, res.stdout + res.stderr[-3000:]
    results = json.loads((tmp_path / "r.json").read_text())
    assert [path for path, node in all_leaves(results, "arm64") if node["status"] != "PASS"] == []
    assert by_name(results, "arm64")["global.rt_page_size"]["status"] == "PASS"
    assert "PAGE_SIZE is 65536" in (tmp_path / "console.log").read_text()
    meta = json.loads((tmp_path / "metadata.json").read_text())
    assert meta["config_variant"] == "64k"
    assert "CONFIG_ARM64_64K_PAGES=y" in open(f"{meta['build_dir']}/.config").read()


def test_each_reproducer_runs_alone_by_its_name(cli, series_tree, tmp_path):
    loop = " ".join(f"rt_{rt}" for rt in RT_IDS)
    script = (f'for t in {loop}; do out=$(refpage_rt -t $t 2>&1); echo "$out"; '
              f'echo "$out" | grep -q "^1\\.\\.1$" && echo "$out" | grep -q "^ok 1 global\\.$t" || exit 1; done')
    res = cli("run", "--arch", "x86_64", "--tree", series_tree, "--out", tmp_path, "--", "sh", "-c", script)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
    for rt in RT_IDS:
        assert f"ok 1 global.rt_{rt}" in res.stdout
