"""Parallel builds: one arch per host at a time, failing hosts named, --fallback-local."""

import threading

import pytest

from harness.errors import StageFailed, UserError
from harness.remote import schedule
from harness.remote.errors import HostFailed
from harness.remote.hostspec import HostSpec
from harness.remote.options import RemoteOptions

A, B = HostSpec("a"), HostSpec("b")


class Said(list):
    def __call__(self, message):
        self.append(message)

    def status(self, message):
        self.append(message)


class Builds:
    """Fake builders: record where each arch was built; `fail` maps a host to the error it raises."""

    def __init__(self, fail=None, barrier=None):
        self.fail, self.barrier = fail or {}, barrier
        self.where, self.lock = {}, threading.Lock()

    def on_host(self, host, arch, progress):
        if self.barrier:
            self.barrier.wait(5)  # both builds must be running at once to pass
        if host.host in self.fail:
            raise self.fail[host.host]
        with self.lock:
            self.where[arch] = host.host
        return f"{arch} built on {host.host}"

    def here(self, arch, progress):
        with self.lock:
            self.where[arch] = "here"
        return f"{arch} built here"


def run(builds, hosts, arches=("arm64", "x86_64"), fallback=False):
    said = Said()
    builds.results = schedule.run([(a, a) for a in arches], RemoteOptions(tuple(hosts), fallback_local=fallback),
                                  builds.on_host, builds.here, said)
    return said


def test_two_hosts_build_two_arches_at_the_same_time():
    builds = Builds(barrier=threading.Barrier(2))
    said = run(builds, [A, B])
    assert builds.where == {"arm64": "a", "x86_64": "b"}
    assert said == ["build: arm64 on a", "build: x86_64 on b"]


def test_one_host_builds_the_arches_one_after_the_other():
    builds = Builds()
    run(builds, [A])
    assert builds.where == {"arm64": "a", "x86_64": "a"}


def test_an_unreachable_host_is_named_and_the_others_finish():
    builds = Builds(fail={"b": HostFailed(B, "unreachable (connection refused on port 22)")})
    with pytest.raises(HostFailed) as exc:
        run(builds, [A, B])
    assert str(exc.value) == ("build host b: unreachable (connection refused on port 22); "
                              "--fallback-local builds x86_64 here instead")
    assert builds.where == {"arm64": "a"}


def test_fallback_builds_the_failed_hosts_arch_here():
    builds = Builds(fail={"b": HostFailed(B, "unreachable")})
    said = run(builds, [A, B], fallback=True)
    assert builds.where == {"arm64": "a", "x86_64": "here"}
    assert "build host b: unreachable; building x86_64 here instead (--fallback-local)" in said


def test_a_failed_host_gets_no_more_work():
    builds = Builds(fail={"a": HostFailed(A, "unreachable")})
    run(builds, [A, B], arches=("arm64", "x86_64", "riscv"), fallback=True)
    assert builds.where == {"arm64": "here", "x86_64": "b", "riscv": "b"}


def test_each_build_s_result_comes_back_in_the_order_of_the_jobs():
    """arm64 fails on a and is built again here, after the others started; its result is still the first."""
    builds = Builds(fail={"a": HostFailed(A, "unreachable")})
    run(builds, [A, B], arches=("arm64", "x86_64", "riscv"), fallback=True)
    assert builds.results == ["arm64 built here", "x86_64 built on b", "riscv built on b"]


def test_when_every_host_failed_the_rest_is_built_here_or_refused():
    fail = {"a": HostFailed(A, "down")}
    builds = Builds(fail=fail)
    run(builds, [A], fallback=True)
    assert builds.where == {"arm64": "here", "x86_64": "here"}
    said = Said()
    with pytest.raises(HostFailed, match="build host a: down; --fallback-local builds arm64 here"):
        schedule.run([("arm64", 1), ("x86_64", 2)], RemoteOptions((A,)), Builds(fail=fail).on_host, None, said)
    assert any("x86_64 was not built: every build host failed" in line for line in said)


def test_a_compile_error_is_not_a_host_failure():
    builds = Builds(fail={"a": StageFailed("build on a: make failed")})
    with pytest.raises(StageFailed):
        run(builds, [A], fallback=True)
    assert "here" not in builds.where.values()


def test_a_users_mistake_is_raised_as_it_is():
    builds = Builds(fail={"a": UserError("--tree t is not a git checkout")})
    with pytest.raises(UserError, match="not a git checkout"):
        run(builds, [A], arches=("arm64",))


def test_progress_lines_carry_arch_and_host():
    said = Said()
    tagged = schedule.Tagged(said, "arm64@a")
    tagged("pushing")
    tagged.status("12 steps")
    assert said == ["[arm64@a] pushing", "[arm64@a] 12 steps"]
