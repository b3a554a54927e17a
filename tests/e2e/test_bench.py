"""`refpage-ci bench` in its smoke mode: a few iterations, two runs, a well-formed table.

Timings are not checked (CI shares its CPUs); the shape of the report is, and
that every case the arch supports produced figures.
"""

import pytest

from scripts.bench import cases, report

pytestmark = pytest.mark.e2e


@pytest.mark.full
@pytest.mark.parametrize("arch", ["arm64", "x86_64"])
def test_bench_smoke_gives_a_well_formed_table(cli, series_tree, arch, tmp_path):
    js = tmp_path / "bench.json"
    res = cli("bench", "--arch", arch, "--tree", series_tree, "--runs", "2", "--iterations", "3",
              "--out", tmp_path / "out", "--json", js)
    assert res.returncode == 0, res.stdout + res.stderr[-3000:]
    data = report.load(js)
    assert (data["arch"], data["runs"], data["iterations"]) == (arch, 2, 3)
    keys = [c.key for c in cases.comparisons_for(arch)]
    assert [c["key"] for c in data["comparisons"]] == keys
    for comp in data["comparisons"]:
        assert comp["skipped"] is None, comp
        assert len(comp["rows"]) == 2 * len(cases.SIZES)
        assert all(r["baseline"] > 0 and r["candidate"] > 0 and r["runs"] == [2, 2] for r in comp["rows"])
    assert data["errors"] == [] and data["skipped"] == []
    assert res.stdout.count("touch_size/mmap_size") == 2 * len(keys)
    assert (tmp_path / "out" / "bench.json").is_file()
    rss = {(s["case"], s["touch"]): s["maxrss_kib"] for s in data["samples"]}
    # memset touches every page, a sparse touch of reference pages almost none
    assert min(rss[("memset", 4096)]) > max(rss[("refpage", 4096)]) + 3000


@pytest.mark.full
def test_bench_on_a_kernel_without_the_series_says_what_to_do(cli, tmp_path):
    from harness import tree as trees
    base = trees.default_tree()
    res = cli("bench", "--arch", "x86_64", "--tree", base, "--runs", "1", "--iterations", "1",
              "--only", "v4", "--out", tmp_path)
    assert res.returncode == 1, res.stdout + res.stderr
    assert "refpage_create not in this kernel" in res.stderr
    assert "refpage-ci series apply --tree" in res.stderr
