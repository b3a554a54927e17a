"""The phases' values are frozen: a later phase, a remote build included, returns a new value."""

import dataclasses
import io
import tarfile

import pytest

from harness import kbuild, machine as machines, metadata, pipeline
from harness.phases import Built, Configured, Prepared
from harness.remote import build as remote_build
from harness.remote.hostspec import HostSpec
from harness.remote.options import RemoteOptions
from harness.remote.snapshot import Snapshot
from harness.transcript import BootOutcome

ARM64 = machines.load("arm64")
HOST = HostSpec("big-box", "me")


class Quiet:
    def __call__(self, message):
        pass

    def status(self, message):
        pass


def configured(tmp_path):
    build_dir = tmp_path / "linux" / ".refpage-ci-arm64-abc"
    build_dir.mkdir(parents=True)
    (build_dir / ".config").write_text("CONFIG_REFPAGE=y\n")
    out = tmp_path / "out"
    out.mkdir()
    meta = metadata.Metadata(out, config_hash="abc")
    return Configured(kbuild.Site(ARM64, tmp_path / "linux", build_dir), out, tmp_path / "busybox", meta)


def test_no_phase_value_can_be_rewritten(tmp_path):
    c = configured(tmp_path)
    prep = Prepared(Built(c, c.build_dir / ARM64.image, c.build_dir), (tmp_path / "refpage_rt",))
    for value, name in ((c, "build_dir"), (prep.built, "kernel"), (prep.built, "build_dir"), (prep, "selftests"),
                        (prep, "kernel"), (prep, "extra"), (BootOutcome([], []), "error")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, name, tmp_path / "elsewhere")
    assert (prep.machine, prep.tree, prep.out, prep.meta) == (c.machine, c.tree, c.out, c.meta)


class FakeHost:
    """A build host that builds at once: its folder is /srv/r, its artifacts a real tarball."""

    def __init__(self, host, accept_new_host_key=False):
        self.host = host

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    def output(self, command, what):
        return "/srv/r\n"

    def run(self, command, stream=None):
        stream.write("  CC      mm/refpage.o\n")
        return type("Result", (), {"exited": 0, "stdout": ""})

    def put(self, local, remote):
        pass

    def get(self, remote, local):
        with tarfile.open(local, "w:gz") as tar:
            for name, data in ((".config", b"CONFIG_REFPAGE=y\n"), (ARM64.image, b"a kernel"),
                               ("usr/include/linux/mman.h", b"")):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))


@pytest.fixture
def host(monkeypatch):
    """Everything of a remote build but ssh and make: the real build_on, _make, fetch and unpack."""
    monkeypatch.setattr(remote_build, "Session", FakeHost)
    monkeypatch.setattr(remote_build.snapshot, "take", lambda tree: Snapshot("a" * 40, "main", False))
    monkeypatch.setattr(remote_build.doctor, "probe", lambda *a: {"cpus": "4"})
    monkeypatch.setattr(remote_build.doctor, "findings", lambda *a: [])
    monkeypatch.setattr(remote_build.transfer, "push", lambda *a: "refs/refpage-ci/t/arm64-abc")
    monkeypatch.setattr(remote_build.config, "verify", lambda *a, **kw: None)
    monkeypatch.setattr(remote_build.trees, "kernel_version", lambda tree: "6.12.0")


def test_a_remote_build_returns_the_fetched_kernel_as_a_new_value(tmp_path, host):
    c = configured(tmp_path)
    built = remote_build.build_on(HOST, c, RemoteOptions((HOST,)), None, Quiet())
    fetched = remote_build.artifacts_dir(c.build_dir)
    assert isinstance(built, Built) and built.configured is c
    assert (built.kernel, built.build_dir) == (fetched / ARM64.image, fetched)
    assert built.kernel.read_bytes() == b"a kernel"
    assert c.meta.data["build_host"] == "me@big-box"


def test_prepare_builds_the_selftests_against_the_fetched_headers(tmp_path, host, monkeypatch):
    c = configured(tmp_path)
    monkeypatch.setattr(pipeline, "configure", lambda opts, command, progress: c)
    against = []
    monkeypatch.setattr(pipeline.selftests, "build",
                        lambda site, log, progress: against.append(site.build_dir) or [site.tree / "t"])
    opts = pipeline.Options(arch="arm64", remote=RemoteOptions((HOST,)))
    prep = pipeline.prepare(opts, "build", Quiet())
    fetched = remote_build.artifacts_dir(c.build_dir)
    assert isinstance(prep, Prepared) and prep.built.configured is c
    assert (prep.kernel, prep.build_dir, prep.selftests) == (fetched / ARM64.image, fetched, (c.tree / "t",))
    assert against == [fetched]
    assert pipeline.has_refpage(prep)
