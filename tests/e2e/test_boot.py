"""`refpage-ci boot` for real: kernel build (cached), QEMU, serial console, results."""

import json
import os
import xml.etree.ElementTree as ET

import pytest

pytestmark = pytest.mark.e2e


def leaves(node, path=()):
    path = path + (node["name"],)
    if not node.get("subtests"):
        yield path, node
    for sub in node.get("subtests", []):
        yield from leaves(sub, path)


def by_name(results_json, arch):
    """Leaf results by their own name (e.g. `global.anon_baseline`)."""
    return {path[-1]: node for root in results_json["suites"][arch] for path, node in leaves(root)}


@pytest.mark.parametrize("arch", ["arm64", "x86_64"])
def test_boot_runs_the_smoke_suite(cli, arch, tmp_path):
    out = tmp_path / "out"
    res = cli("boot", "--arch", arch, "--out", out, "--junit", tmp_path / "j.xml", "--json", tmp_path / "r.json")
    assert res.returncode == 0, res.stdout + res.stderr[-3000:]
    results = json.loads((tmp_path / "r.json").read_text())
    tests = by_name(results, arch)
    assert tests["global.anon_baseline"]["status"] == "PASS"
    for name in ("refpage.reads_pattern", "refpage.map_shared_refused", "global.bad_arguments"):
        assert tests[name]["status"] == "SKIP", name
        assert "refpage_create not in this kernel" in tests[name]["reason"]
    if arch == "arm64":
        assert tests["mte.matching_tag_store_works"]["status"] == "PASS"
        assert tests["mte.mismatching_tag_faults_sync"]["status"] == "PASS"
    else:
        assert tests["global.mte"]["status"] == "SKIP" and "arm64 only" in tests["global.mte"]["reason"]
    assert tests["console: no kernel splat"]["status"] == "PASS"
    ET.parse(tmp_path / "j.xml")
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["arch"] == arch and meta["commit"] and meta["config_hash"]
    assert meta["qemu"].startswith(f"qemu-system-{'aarch64' if arch == 'arm64' else 'x86_64'}")
    assert {"config", "build", "selftests", "image", "boot", "total"} <= set(meta["timings"])
    assert os.access(out / "reproducer.sh", os.X_OK)
    assert "refpage-ci: init ready" in (out / "console.log").read_text()
    assert f"{arch}: " in res.stdout and "failed" in res.stdout


def test_run_returns_the_guest_commands_status(cli, tmp_path):
    res = cli("run", "--arch", "arm64", "--out", tmp_path, "--", "sh", "-c", "echo hello from $(uname -m); exit 3")
    assert res.returncode == 3, res.stderr[-2000:]
    assert "hello from aarch64" in res.stdout


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
