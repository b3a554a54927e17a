"""`refpage-ci repro` for real: bug patches built into real kernels, booted in QEMU, the user's tree left alone.

The "user's tree" is a worktree of the default tree's repository kept in the
cache, on a branch of its own, with an uncommitted change and an untracked
file. repro's scratch worktrees are per repository, so every test here (and
`repro --all`) shares the same incremental kernel builds.
"""

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from harness.repro import catalogue
from kcidb_io import schema

from conftest import PROJECT

from harness import selftests

pytestmark = pytest.mark.e2e
needs_reproducers = pytest.mark.skipif(
    "refpage_rt" not in selftests.programs(),
    reason="selftests/Makefile builds no refpage_rt yet (issue 5): no runtime reproducer to run")

USER_BRANCH = "refpage-ci/repro-e2e-user"
HARMLESS = PROJECT / "tests" / "data" / "repro" / "harmless.patch"


def _git(tree, *args):
    return subprocess.run(["git", "-C", str(tree), *args], capture_output=True, text=True, check=True).stdout


def state(tree):
    """What must not change: the branch, HEAD, the status, the uncommitted change itself."""
    return (_git(tree, "symbolic-ref", "--short", "HEAD"), _git(tree, "rev-parse", "HEAD"),
            _git(tree, "status", "--porcelain"), (Path(tree) / "MAINTAINERS").read_bytes()[-200:],
            (Path(tree) / "repro-notes.txt").read_text())


@pytest.fixture(scope="session")
def user_tree():
    from harness import paths, tree as trees
    base = trees.default_tree()
    wt = paths.cache_dir() / "worktrees" / "repro-e2e-user"
    if not (wt / ".git").exists():
        wt.parent.mkdir(parents=True, exist_ok=True)
        _git(base, "worktree", "add", "--quiet", "-f", "-B", USER_BRANCH, str(wt), "base")
    _git(wt, "checkout", "--quiet", "-f", "-B", USER_BRANCH, "base")
    with open(wt / "MAINTAINERS", "a") as f:
        f.write("\n# uncommitted work the user cares about\n")
    (wt / "repro-notes.txt").write_text("untracked notes\n")
    return wt


def test_bad_input_is_one_line_and_exit_2(cli, tmp_path):
    fake = tmp_path / "linux"
    (fake / "arch").mkdir(parents=True)
    (fake / "Kconfig").write_text("")
    (fake / "Makefile").write_text("VERSION = 6\nPATCHLEVEL = 12\n")
    for args, words in [(("RT-thp", "--tree", fake), f"--tree {fake} is not a git checkout with a commit"),
                        (("RT-nope",), "no bug 'RT-nope'; the ids are RT-shared-write"),
                        (("RT-mte-tags", "--arch", "x86_64"), "RT-mte-tags shows on arm64 only"),
                        (("--all", "--bug-patch", fake / "Makefile"), "--bug-patch goes with exactly one id"),
                        (("RT-thp", "--bug-patch", tmp_path / "none.patch"), "none.patch: no such file")]:
        argv = ("repro", *args) + (() if "--arch" in args else ("--arch", "arm64"))
        res = cli(*argv)
        assert res.returncode == 2, res.stderr
        assert words in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert sorted(p.name for p in fake.iterdir()) == ["Kconfig", "Makefile", "arch"]
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "outer")
    res = cli("repro", "RT-thp", "--arch", "arm64", "--tree", fake)
    assert res.returncode == 2 and f"--tree {fake} is inside the git checkout {tmp_path}" in res.stderr, res.stderr


def read_json(out):
    return {r["id"]: r for r in json.loads((Path(out) / "repro.json").read_text())["ids"]}


@needs_reproducers
def test_one_id_end_to_end_on_arm64_leaves_the_users_tree_alone(cli, user_tree, tmp_path):
    before = state(user_tree)
    res = cli("repro", "RT-thp", "--arch", "arm64", "--tree", user_tree, "--out", tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr[-3000:]
    lines = res.stdout.splitlines()
    assert any(line.startswith("RT-thp: reproduced: rt_thp failed as expected: ") for line in lines), res.stdout
    assert "RT-thp: fixed: passed" in lines
    assert "has uncommitted changes (MAINTAINERS, repro-notes.txt)" in res.stderr
    assert state(user_tree) == before
    report = read_json(tmp_path)["RT-thp"]
    assert report["bug"]["state"] == "reproduced" and report["fixed"]["state"] == "fixed"
    assert (tmp_path / "RT-thp" / "console.log").is_file() and (tmp_path / "fixed" / "console.log").is_file()


def test_semicolon_shows_the_compiler_line_and_does_not_boot(cli, tmp_path):
    res = cli("repro", "RT-semicolon", "--arch", "arm64", "--out", tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr[-3000:]
    line = next(line for line in res.stdout.splitlines() if line.startswith("RT-semicolon: reproduced"))
    assert line.startswith("RT-semicolon: reproduced: the build failed as expected: ")
    assert re.search(r"expected: mm/refpage\.c:\d+:\d+: error: expected .;. before .if.$", line), line
    assert "RT-semicolon: fixed: the series builds" in res.stdout
    assert not (tmp_path / "RT-semicolon" / "console.log").exists()  # never booted


@needs_reproducers
def test_a_harmless_bug_patch_is_not_reproduced(cli, tmp_path):
    res = cli("repro", "RT-thp", "--arch", "arm64", "--bug-patch", HARMLESS, "--out", tmp_path)
    assert res.returncode == 1, res.stdout + res.stderr[-3000:]
    assert "RT-thp: NOT reproduced: rt_thp passed with the bug patch applied" in res.stdout
    assert "RT-thp: fixed: passed" in res.stdout
    assert read_json(tmp_path)["RT-thp"]["ok"] is False


def wait_for_process(cli, name, timeout=60):
    """Wait until a process called `name` runs for this test: the moment make or QEMU is at work."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for pid in cli.leftover_processes():
            try:
                comm = Path(f"/proc/{pid}/comm").read_text().strip()
            except OSError:
                continue
            if comm.startswith(name):
                return
        time.sleep(0.005)
    pytest.fail(f"no {name} process ran within {timeout}s")


@needs_reproducers
@pytest.mark.parametrize("phase, marker, process", [("build", "repro: arm64, tree ", "make"),
                                                    ("boot", "boot: arm64 under ", "qemu-system")],
                         ids=["build", "boot"])
def test_ctrl_c_mid_run_leaves_the_users_tree_alone(cli, user_tree, tmp_path, phase, marker, process):
    """SIGINT to the whole process group, as Ctrl-C on a terminal sends it, while make or QEMU runs."""
    before = state(user_tree)
    proc = subprocess.Popen(cli.argv("repro", "RT-uffd", "--arch", "arm64", "--tree", user_tree,
                                     "--out", tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=PROJECT,
                            env=cli.env(), stdin=subprocess.DEVNULL, start_new_session=True)
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if line.startswith(marker):
            break
    assert seen and seen[-1].startswith(marker), "".join(seen[-20:])
    wait_for_process(cli, process)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 130, "".join(seen[-10:]) + err[-2000:]
    assert "refpage-ci: interrupted" in err
    assert "RT-uffd:" not in out, f"the run was not interrupted during its {phase}: {out}"
    assert state(user_tree) == before


@needs_reproducers
def test_repro_all_on_arm64_reproduces_and_fixes_every_id(cli, tmp_path):
    """The CI run of `repro --all`: every id reproduced with its bug patch and fixed without it."""
    res = cli("repro", "--all", "--arch", "arm64", "--out", tmp_path, "--kcidb", tmp_path / "kcidb.json",
              timeout=5400)
    print(res.stdout)
    assert res.returncode == 0, res.stdout + res.stderr[-3000:]
    for rid, report in read_json(tmp_path).items():
        assert (report["bug"]["state"], report["fixed"]["state"]) == ("reproduced", "fixed"), (rid, report)
    doc = json.loads((tmp_path / "kcidb.json").read_text())
    schema.LATEST.validate_exactly(doc)
    assert {t["path"]: t["status"] for t in doc["tests"]} == {
        f"repro.{rid}.{half}": "PASS" for rid in read_json(tmp_path) for half in ("bug", "fixed")}
    n = len(catalogue.BUGS)
    assert set(read_json(tmp_path)) == set(catalogue.ids())
    assert f"{n} of {n} ids reproduced and fixed, 0 skipped, 0 not as expected" in res.stdout
