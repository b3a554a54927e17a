"""Builds that share work: a second checkout hits ccache, and distcc spreads the misses over
two real distccd on 127.0.0.1, one of which dies mid-build."""

import json
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from conftest import series_worktree
from test_boot import all_leaves, by_name, is_mte

pytestmark = [pytest.mark.e2e, pytest.mark.full]

MIN_HIT_RATE = 90.0


def _git(tree, *args):
    return subprocess.run(["git", "-C", str(tree), *args], capture_output=True, text=True, check=True).stdout


def _meta(out):
    return json.loads((Path(out) / "metadata.json").read_text())


def test_a_second_checkout_of_a_built_tree_hits_ccache_and_stays_clean(cli, tmp_path):
    from harness import tree as trees
    base = trees.default_tree()
    first = cli("build", "--arch", "arm64", "--tree", base, "--out", tmp_path / "first")
    assert first.returncode == 0, first.stderr[-3000:]
    clone = tmp_path / "elsewhere" / "linux"
    subprocess.run(["git", "clone", "-q", str(base), str(clone)], check=True)
    second = cli("build", "--arch", "arm64", "--tree", clone, "--out", tmp_path / "second")
    assert second.returncode == 0, second.stderr[-3000:]
    meta = _meta(tmp_path / "second")
    assert meta["build_dir_shared"] and Path(meta["build_dir"]).parent == clone.resolve()
    stats = meta["build_stats"]
    assert stats["hits"] + stats["misses"] > 500, stats
    assert stats["hit_rate"] >= MIN_HIT_RATE, stats
    assert f"ccache {stats['hit_rate']:.0f}% hits" in second.stderr
    assert _git(clone, "status", "--porcelain") == ""


@pytest.fixture
def daemons(tmp_path):
    from harness.distcc import LocalDaemon
    started = [LocalDaemon(tmp_path), LocalDaemon(tmp_path)]
    yield started
    for d in started:
        d.stop()


def _touch_header(tree):
    """New code in a header most of mm/ includes: those objects miss ccache and go to distcc (a new
    comment would not do: ccache's preprocessed mode finds the same output and hits)."""
    header = Path(tree) / "mm" / "internal.h"
    text = header.read_text()
    guard = text.rindex("#endif")  # inside the include guard: a second include must not define it twice
    header.write_text(text[:guard] + f"static inline int refpage_ci_e2e_{uuid.uuid4().hex}(void) {{ return 0; }}\n"
                      + text[guard:])


@pytest.fixture(scope="module")
def distcc_tree():
    return series_worktree("distcc-e2e", "refpage-ci/e2e-distcc")


@pytest.mark.parametrize("arch", ["arm64", "x86_64"])
def test_distcc_spreads_the_compiles_over_both_daemons_and_the_suite_passes(cli, daemons, distcc_tree, arch,
                                                                            tmp_path):
    _touch_header(distcc_tree)
    hosts = ",".join(d.host.spec for d in daemons)
    res = cli("boot", "--arch", arch, "--tree", distcc_tree, "--distcc", hosts, "--out", tmp_path / "out",
              "--json", tmp_path / "r.json")
    assert res.returncode == 0, res.stdout + res.stderr[-3000:]
    assert all(d.jobs() > 0 for d in daemons), [d.jobs() for d in daemons]
    meta = _meta(tmp_path / "out")
    assert meta["distcc"] == [d.host.spec for d in daemons]
    results = json.loads((tmp_path / "r.json").read_text())
    skipped = {path for path, node in all_leaves(results, arch) if node["status"] == "SKIP"}
    assert skipped == set() if arch == "arm64" else all(is_mte(p) for p in skipped), skipped
    assert len(by_name(results, arch)) > 100
    assert "distcc over 2 hosts" in res.stdout


def test_a_daemon_killed_mid_build_costs_its_jobs_not_the_build(cli, daemons, distcc_tree, tmp_path):
    _touch_header(distcc_tree)
    survivor, victim = daemons
    proc = cli.popen("build", "--arch", "arm64", "--tree", distcc_tree, "--out", tmp_path / "out",
                     "--distcc", f"{victim.host.spec},{survivor.host.spec}")
    deadline = time.monotonic() + 600
    while "compile from" not in victim.log.read_text(errors="replace"):
        assert proc.poll() is None and time.monotonic() < deadline, "no job reached the victim"
        time.sleep(0.05)
    victim.stop(signal.SIGKILL)
    out, err = proc.communicate(timeout=1200)
    assert proc.returncode == 0, err[-3000:]
    assert f"distcc: host 127.0.0.1:{victim.port} failed" in err
    assert err.count(f"host 127.0.0.1:{victim.port} failed") == 1
    assert survivor.jobs() > 0
