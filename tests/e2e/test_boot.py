"""`refpage-ci boot` for real: kernel build (cached), QEMU, serial console, results."""

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def leaves(node, path=()):
    path = path + (node["name"],)
    if not node.get("subtests"):
        yield path, node
    for sub in node.get("subtests", []):
        yield from leaves(sub, path)


def by_name(results_json, arch):
    """Leaf results by their own name (e.g. `global.rt_uffd`, `refpage.byte.reads_pattern`)."""
    return {path[-1]: node for root in results_json["suites"][arch] for path, node in leaves(root)}


def all_leaves(results_json, arch):
    """(path, node) of every leaf: path[0] is the program, path[-1] the test."""
    for root in results_json["suites"][arch]:
        yield from leaves(root)


def is_mte(path):
    """The MTE tests: refpage_mte and rt_mte_tags, which SKIP on x86_64."""
    return path[0] == "refpage_mte" or path[-1] == "global.rt_mte_tags"


REFPAGE_MISSING = "refpage_create not in this kernel"
MTE_ONLY_ARM64 = "MTE is arm64 only"


@pytest.mark.full
@pytest.mark.parametrize("arch", ["arm64", "x86_64"])
def test_boot_without_the_series_runs_the_suite_with_skips(cli, arch, tmp_path):
    out = tmp_path / "out"
    res = cli("boot", "--arch", arch, "--no-series", "--out", out, "--junit", tmp_path / "j.xml",
              "--json", tmp_path / "r.json")
    assert res.returncode == 0, res.stdout + res.stderr[-3000:]
    results = json.loads((tmp_path / "r.json").read_text())
    assert [s["name"] for s in results["suites"][arch]][:5] == [
        "refpage", "refpage_rt", "refpage_mte", "refpage_stress", "refpage_fuzz"]
    tests = by_name(results, arch)
    passing = {"global.anonymous_memory_baseline", "console: no kernel splat"}
    if arch == "arm64":
        passing.add("global.anonymous_tag_checks")
    for name in passing:
        assert tests[name]["status"] == "PASS", (name, tests[name])
    for path, node in all_leaves(results, arch):
        if path[-1] in passing:
            continue
        want = MTE_ONLY_ARM64 if arch == "x86_64" and is_mte(path) else REFPAGE_MISSING
        assert node["status"] == "SKIP" and want in node["reason"], (path, node)
    assert len(tests) > 100
    ET.parse(tmp_path / "j.xml")
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["arch"] == arch and meta["commit"] and meta["config_hash"]
    assert meta["qemu"].startswith(f"qemu-system-{'aarch64' if arch == 'arm64' else 'x86_64'}")
    assert {"config", "build", "selftests", "image", "boot", "total"} <= set(meta["timings"])
    assert os.access(out / "reproducer.sh", os.X_OK)
    assert "refpage-ci: init ready" in (out / "console.log").read_text()
    assert f"{arch}: " in res.stdout and "failed" in res.stdout


@pytest.mark.full
def test_a_tree_without_the_series_is_no_pass(cli, tmp_path):
    from harness import tree as trees
    res = cli("boot", "--arch", "arm64", "--tree", trees.default_tree(), "--out", tmp_path)
    assert res.returncode == 1, res.stdout + res.stderr[-3000:]
    assert res.stdout.rstrip().splitlines()[-1].startswith("NO SERIES: this kernel has no refpage_create")
    assert "--no-series" in res.stdout.rstrip().splitlines()[-1]


def test_run_returns_the_guest_commands_status(cli, tmp_path):
    res = cli("run", "--arch", "arm64", "--out", tmp_path, "--", "sh", "-c", "echo hello from $(uname -m); exit 3")
    assert res.returncode == 3, res.stderr[-2000:]
    assert res.stdout.splitlines()[0] == "hello from aarch64"  # nothing of the shell's prompts


def test_run_test_compiles_a_users_reproducer(cli, tmp_path):
    src = tmp_path / "repro.c"
    src.write_text('#include <stdio.h>\n#include <asm/unistd.h>\n'
                   'int main(void) { printf("TAP version 13\\n1..2\\nok 1 getpid is %d\\n", __NR_getpid);\n'
                   '  printf("not ok 2 deliberately failing\\n"); return 1; }\n')
    res = cli("run", "--arch", "x86_64", "--out", tmp_path / "out", "--test", src, "--json", tmp_path / "r.json")
    assert res.returncode == 1, res.stderr[-2000:]
    tests = by_name(json.loads((tmp_path / "r.json").read_text()), "x86_64")
    assert tests["getpid is 39"]["status"] == "PASS"
    assert tests["deliberately failing"]["status"] == "FAIL"


def test_run_test_without_tap_is_judged_by_its_exit_status(cli, tmp_path):
    src = tmp_path / "plain.c"
    src.write_text('#include <stdio.h>\nint main(void) { puts("no TAP here"); return 0; }\n')
    res = cli("run", "--arch", "arm64", "--out", tmp_path / "out", "--test", src, "--json", tmp_path / "r.json")
    assert res.returncode == 0, res.stdout + res.stderr[-2000:]
    assert res.stdout.splitlines()[0] == "no TAP here"
    assert by_name(json.loads((tmp_path / "r.json").read_text()), "arm64")["plain"]["status"] == "PASS"


def test_config_alone_gives_the_config_a_boot_builds_and_builds_nothing(cli, tmp_path):
    res = cli("config", "--arch", "arm64", "--out", tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr[-3000:]
    dotconfig = Path(res.stdout.strip().splitlines()[-1])
    lines = dotconfig.read_text().splitlines()
    assert "CONFIG_REFPAGE=y" in lines and "CONFIG_ARM64_MTE=y" in lines and "CONFIG_NUMA=y" in lines
    meta = json.loads((tmp_path / "metadata.json").read_text())
    assert meta["command"] == "config" and "config" in meta["timings"] and "build" not in meta["timings"]
    assert str(dotconfig.parent) == meta["build_dir"] and "build:" not in res.stderr.replace("build: folder", "")
