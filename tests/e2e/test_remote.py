"""Remote builds against real OpenSSH servers on 127.0.0.1 (sshd.py): the "hosts" are this machine,
their folders are fixed under the cache (remote-e2e/<host>), so their builds stay incremental."""

import json
import os
import subprocess
import time
import uuid
from pathlib import Path

import pytest

import sshd
from conftest import series_worktree
from harness import paths
from test_boot import all_leaves, by_name

pytestmark = [pytest.mark.e2e, pytest.mark.full]

CACHE = paths.cache_dir()
REMOTE_E2E = CACHE / "remote-e2e"
DEV_BRANCH = "refpage-ci/remote-dev"
PROJECT = Path(__file__).resolve().parents[2]


def git(tree, *args, check=True):
    return subprocess.run(["git", "-C", str(tree), *args], capture_output=True, text=True, check=check).stdout


@pytest.fixture(scope="session")
def user_key(tmp_path_factory):
    return sshd.keygen(tmp_path_factory.mktemp("user") / "id_ed25519")


def _host(tmp_path_factory, user_key, name):
    return sshd.Sshd(tmp_path_factory.mktemp(name), name, user_key, REMOTE_E2E / name)


@pytest.fixture(scope="session")
def host_a(tmp_path_factory, user_key):
    with _host(tmp_path_factory, user_key, "host-a") as host:
        yield host


@pytest.fixture(scope="session")
def host_b(tmp_path_factory, user_key):
    with _host(tmp_path_factory, user_key, "host-b") as host:
        yield host


@pytest.fixture(scope="session")
def dev_tree():
    """The series on a worktree of the default tree, at a fixed path (its own, not series-e2e's)."""
    return series_worktree("remote-dev", DEV_BRANCH)


@pytest.fixture
def client(cli, tmp_path, user_key):
    """Runs refpage-ci as a user whose ~/.ssh knows `known` hosts (and ~/.config is its own)."""
    def run(*args, known=(), build_hosts=None):
        home = tmp_path / "home"
        if not home.exists():
            sshd.client_home(home, user_key, *known)
        if build_hosts:
            (home / ".config" / "refpage-ci").mkdir(parents=True, exist_ok=True)
            (home / ".config" / "refpage-ci" / "build-hosts").write_text("".join(f"{h.spec}\n" for h in build_hosts))
        started = time.monotonic()
        res = cli(*args, env=sshd.client_env(cli, home, CACHE))
        res.seconds = time.monotonic() - started
        return res
    run.home = tmp_path / "home"
    return run


def meta(out):
    return json.loads((out / "metadata.json").read_text())


def test_a_remote_arm64_build_boots_here_and_passes(client, host_a, dev_tree, tmp_path):
    out = tmp_path / "out"
    res = client("boot", "--arch", "arm64", "--tree", dev_tree, "--build-host", host_a.spec, "-j3",
                 "--out", out, "--json", tmp_path / "r.json", known=[host_a])
    assert res.returncode == 0, res.stdout + res.stderr[-3000:]
    results = json.loads((tmp_path / "r.json").read_text())
    statuses = [node["status"] for _, node in all_leaves(results, "arm64")]
    assert len(statuses) > 20 and set(statuses) == {"PASS"}, statuses
    assert by_name(results, "arm64")["console: no kernel splat"]["status"] == "PASS"
    m = meta(out)
    assert m["build_host"] == host_a.spec and m["remote_commit"] == git(dev_tree, "rev-parse", "HEAD").strip()
    remote_image = f"{m['remote_build_dir']}/arch/arm64/boot/Image"
    assert remote_image.startswith(str(REMOTE_E2E / "host-a" / "builds" / "remote-dev-"))
    local_image = m["qemu"].split(" -kernel ")[1].split()[0]
    assert local_image.endswith("-remote/arch/arm64/boot/Image") and not local_image.startswith(str(REMOTE_E2E))
    assert open(local_image, "rb").read() == open(remote_image, "rb").read()
    log = (out / "build.log").read_text()
    assert f"$ ssh {host_a.spec} {{ flock -n " in log and f"\nremote: {DEV_BRANCH} at " in log
    assert f"[arm64@{host_a.spec}] build: pushing {DEV_BRANCH}" in res.stderr


def test_two_hosts_build_two_arches_at_once(client, host_a, host_b, dev_tree, tmp_path):
    out = tmp_path / "out"
    res = client("build", "--arch", "arm64,x86_64", "--tree", dev_tree, "-j3", "--out", out,
                 known=[host_a, host_b], build_hosts=[host_a, host_b])
    assert res.returncode == 0, res.stdout + res.stderr[-3000:]
    arm, x86 = meta(out / "arm64"), meta(out / "x86_64")
    assert (arm["build_host"], x86["build_host"]) == (host_a.spec, host_b.spec)
    assert max(arm["build_window"][0], x86["build_window"][0]) < min(arm["build_window"][1], x86["build_window"][1])
    kernels = res.stdout.split()
    assert kernels[0].endswith("arch/arm64/boot/Image") and kernels[1].endswith("arch/x86/boot/bzImage")


def test_an_unreachable_host_is_named_and_fallback_builds_here(client, tmp_path):
    spec = f"root@127.0.0.1:{sshd.free_port()}"
    res = client("build", "--arch", "arm64", "--build-host", spec, "--out", tmp_path / "a")
    assert res.returncode == 2, res.stderr[-2000:]
    assert res.stderr.splitlines()[-1] == (f"refpage-ci: error: build host {spec}: unreachable (connection refused "
                                           f"on port {spec.rsplit(':', 1)[1]}); --fallback-local builds arm64 here instead")
    res = client("build", "--arch", "arm64", "--build-host", spec, "--fallback-local", "--out", tmp_path / "b")
    assert res.returncode == 0, res.stderr[-3000:]
    assert f"build host {spec}: unreachable" in res.stderr and "building arm64 here instead" in res.stderr
    assert res.stdout.strip() == meta(tmp_path / "b")["build_dir"] + "/arch/arm64/boot/Image"


def test_an_unknown_host_key_is_refused_and_accepted_with_the_flag(client, host_a, dev_tree, tmp_path):
    out = tmp_path / "out"
    res = client("build", "--arch", "arm64", "--tree", dev_tree, "--build-host", host_a.spec, "--out", out)
    assert res.returncode == 2
    line = res.stderr.splitlines()[-1]
    assert line.startswith(f"refpage-ci: error: build host {host_a.spec}: host key ssh-ed25519 SHA256:")
    assert f"is not in {client.home}/.ssh/known_hosts" in line and "--accept-new-host-key" in line
    assert (client.home / ".ssh" / "known_hosts").read_text() == ""
    assert not (out / "build.log").exists() or " push " not in (out / "build.log").read_text()
    res = client("build", "--arch", "arm64", "--tree", dev_tree, "--build-host", host_a.spec, "-j3",
                 "--accept-new-host-key", "--out", out)
    assert res.returncode == 0, res.stderr[-3000:]
    assert (client.home / ".ssh" / "known_hosts").read_text() == host_a.known_hosts_line()
    res = client("doctor", "--arch", "arm64", "--build-host", host_a.spec)
    assert f"ok       build host {host_a.spec}: reachable" in res.stdout, res.stdout + res.stderr


def test_a_branch_with_shell_metacharacters_runs_nothing(client, host_a, dev_tree, tmp_path):
    token = uuid.uuid4().hex[:8]
    traps = [f"/tmp/pwned{i}-{token}" for i in range(3)]
    branch = f"x;touch${{IFS}}{traps[0]};`touch${{IFS}}{traps[1]}`$(touch${{IFS}}{traps[2]})"
    git(dev_tree, "checkout", "-q", "-b", branch)
    try:
        res = client("build", "--arch", "arm64", "--tree", dev_tree, "--build-host", host_a.spec, "-j3",
                     "--out", tmp_path, known=[host_a])
    finally:
        git(dev_tree, "checkout", "-q", DEV_BRANCH)
        git(dev_tree, "branch", "-D", branch)
    assert res.returncode == 0, res.stderr[-3000:]
    assert not [t for t in traps if os.path.exists(t)]
    assert f"\nremote: {branch} at " in (tmp_path / "build.log").read_text()  # echoed there, word for word
    m = meta(tmp_path)
    assert git(REMOTE_E2E / "host-a" / "git", "rev-parse", m["remote_ref"]).strip() == m["remote_commit"]


def test_a_compile_error_there_shows_the_compilers_lines_and_is_not_the_hosts_fault(client, host_a, dev_tree,
                                                                                    tmp_path):
    source = dev_tree / "mm" / "refpage.c"
    original = source.read_text()
    source.write_text(original + "int refpage_ci_broken = ;\n")
    try:
        res = client("build", "--arch", "arm64", "--tree", dev_tree, "--build-host", host_a.spec, "-j3",
                     "--fallback-local", "--out", tmp_path, known=[host_a])
    finally:
        source.write_text(original)
    assert res.returncode == 1, res.stderr[-3000:]
    assert f"\n{source}:{len(original.splitlines()) + 1}:" in res.stderr and " error: " in res.stderr
    assert res.stderr.splitlines()[-1] == f"refpage-ci: build: make failed on {host_a.spec}; full log: {tmp_path}/build.log"
    assert "here instead" not in res.stderr


def test_the_working_state_is_built_there_and_the_tree_left_alone(client, host_a, dev_tree, tmp_path,
                                                                  record_property):
    source = dev_tree / "mm" / "refpage.c"
    original = source.read_text()
    # code, not a comment: a comment leaves the preprocessed source alone and ccache answers
    source.write_text(original + f'static const char refpage_ci_e2e[] __used = "{uuid.uuid4().hex}";\n')
    before = (git(dev_tree, "status", "--porcelain"), git(dev_tree, "rev-parse", "HEAD"), git(dev_tree, "stash", "list"))
    try:
        res = client("build", "--arch", "arm64", "--tree", dev_tree, "--build-host", host_a.spec, "-j3",
                     "--out", tmp_path, known=[host_a])
        after = (git(dev_tree, "status", "--porcelain"), git(dev_tree, "rev-parse", "HEAD"), git(dev_tree, "stash", "list"))
    finally:
        source.write_text(original)
    assert res.returncode == 0, res.stderr[-3000:]
    assert after == before and before[0] == " M mm/refpage.c\n"
    m = meta(tmp_path)
    assert m["remote_working_state"] and m["remote_commit"] != before[1].strip()
    assert "  CC      mm/refpage.o" in (tmp_path / "build.log").read_text()
    record_property("remote_incremental_rebuild_seconds", round(res.seconds, 1))
    print(f"remote incremental rebuild after a one-line change in mm/refpage.c: {res.seconds:.1f}s "
          f"(build {m['timings']['build']}s)")


def test_repro_builds_both_halves_on_the_host_and_boots_them_here(client, host_a, tmp_path):
    out = tmp_path / "out"
    res = client("repro", "RT-thp", "--arch", "arm64", "--build-host", host_a.spec, "-j3", "--out", out,
                 known=[host_a])
    assert res.returncode == 0, res.stdout + res.stderr[-3000:]
    assert any(line.startswith("RT-thp: reproduced: rt_thp failed as expected: ") for line in res.stdout.splitlines())
    assert "RT-thp: fixed: passed" in res.stdout.splitlines()
    for half in ("RT-thp", "fixed"):
        m = meta(out / half)
        assert m["build_host"] == host_a.spec, (half, m)
        assert m["remote_build_dir"].startswith(str(REMOTE_E2E / "host-a" / "builds")), m
    assert meta(out / "RT-thp")["remote_commit"] != meta(out / "fixed")["remote_commit"]
