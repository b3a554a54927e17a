"""The series on the default tree: both kernels build with DEBUG_VM, boot, and the whole selftest suite passes."""

import json
import re

import pytest
from kcidb_io import schema

from test_boot import all_leaves, by_name, is_mte

pytestmark = pytest.mark.e2e

RT_IDS = ("shared_write", "refcount", "vma_merge", "gfp_account", "content_copy", "page_size",
          "zeropage_refcount", "error_path", "thp", "mte_tags", "force_write", "uffd")
# A few tests that pass only with the series, for other e2e tests to check
SMOKE = ("global.fd_is_cloexec", "global.map_shared_einval", "refpage.page.reads_pattern",
         "refpage.page.first_write_copies", "global.rt_shared_write")
SUITE_BUDGET_S = 60  # the guest's time for every program, arm64 under TCG


def guest_seconds(meta):
    """From the shell prompt to power-off: the programs' own time."""
    t = meta["timings"]
    return t["total"] - sum(t.get(k, 0) for k in ("config", "build", "selftests", "image", "boot"))


def check_kcidb(doc, results, arch):
    """The boot's KCIDB file is valid for kcidb-io's newest schema and holds every result."""
    schema.LATEST.validate_exactly(doc)
    (checkout,), (build,) = doc["checkouts"], doc["builds"]
    assert checkout["patchset_hash"] and checkout["git_commit_hash"] and checkout["misc"]["series_port"] == "6.12"
    assert build["architecture"] == arch and build["status"] == "PASS" and build["compiler"]
    paths = {t["path"]: t["status"] for t in doc["tests"]}
    assert len(paths) == len(doc["tests"]) == len(list(all_leaves(results, arch)))
    assert paths["console.splat"] == "PASS" and paths["selftests.mm.refpage_rt.global.rt_thp"] == "PASS"


@pytest.mark.parametrize("arch", ["arm64", "x86_64"])
def test_the_default_boot_has_the_series(cli, arch, tmp_path):
    res = cli("boot", "--arch", arch, "--out", tmp_path, "--json", tmp_path / "r.json",
              "--kcidb", tmp_path / "kcidb.json")
    assert res.returncode == 0, res.stdout + res.stderr[-3000:]
    check_kcidb(json.loads((tmp_path / "kcidb.json").read_text()), json.loads((tmp_path / "r.json").read_text()), arch)
    assert "series: port 6.12 (base: linux 6.12" in res.stderr
    results = json.loads((tmp_path / "r.json").read_text())
    skipped = {path for path, node in all_leaves(results, arch) if node["status"] == "SKIP"}
    assert skipped == set() if arch == "arm64" else (skipped and all(is_mte(p) for p in skipped)), skipped
    assert len(by_name(results, arch)) >= 120
    assert json.loads((tmp_path / "metadata.json").read_text())["series_port"] == "6.12"


@pytest.mark.parametrize("arch", ["arm64", "x86_64"])
def test_series_boots_and_the_whole_suite_passes(cli, series_tree, arch, tmp_path):
    res = cli("boot", "--arch", arch, "--tree", series_tree, "--out", tmp_path, "--json", tmp_path / "r.json")
    assert res.returncode == 0, res.stdout + res.stderr[-3000:]
    results = json.loads((tmp_path / "r.json").read_text())
    tests = by_name(results, arch)
    for rt in RT_IDS:
        assert f"global.rt_{rt}" in tests, rt
    skipped = {path for path, node in all_leaves(results, arch) if node["status"] == "SKIP"}
    if arch == "arm64":
        assert skipped == set()
    else:
        assert skipped and all(is_mte(path) for path in skipped), skipped
    assert all(node["status"] in ("PASS", "SKIP") for _, node in all_leaves(results, arch))
    assert len(tests) > 100
    assert tests["console: no kernel splat"]["status"] == "PASS"
    meta = json.loads((tmp_path / "metadata.json").read_text())
    assert "CONFIG_DEBUG_VM=y" in open(f"{meta['build_dir']}/.config").read()
    if arch == "arm64":
        assert guest_seconds(meta) < SUITE_BUDGET_S


def _spans(console):
    """{member tag: (first line, last line)} of a --parallel boot's console."""
    spans = {}
    for i, line in enumerate(console.splitlines()):
        m = re.match(r"([0-9a-f]{16})\|", line)
        if m:
            first, _ = spans.get(m.group(1), (i, i))
            spans[m.group(1)] = (first, i)
    return spans


def test_the_suite_at_once_gives_each_program_its_own_results(cli, tmp_path):
    """`boot --parallel`: the programs overlap in the guest, and every program's results are those
    of the same boot one after the other, test by test."""
    runs = {}
    for how, extra in (("serial", ()), ("parallel", ("--parallel",))):
        out = tmp_path / how
        res = cli("boot", "--arch", "arm64", *extra, "--out", out, "--json", out / "r.json")
        assert res.returncode == 0, res.stdout + res.stderr[-3000:]
        runs[how] = {tuple(path): node["status"] for path, node in all_leaves(json.loads((out / "r.json").read_text()),
                                                                             "arm64")}
    assert runs["parallel"] == runs["serial"] and len(runs["serial"]) >= 120
    spans = sorted(_spans((tmp_path / "parallel" / "console.log").read_text()).values())
    assert len(spans) == 5 and all(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:])), spans
    meta = json.loads((tmp_path / "parallel" / "metadata.json").read_text())
    assert meta["parallel"] is True
    assert meta["timings"]["tests"] < json.loads((tmp_path / "serial" / "metadata.json").read_text())["timings"]["tests"]
