"""Small parts of remote builds: doctor findings, the artifacts' unpacking, streamed lines, --arch lists."""

import argparse
import io
import tarfile

import pytest

from harness import boot, machine as machines
from harness.errors import StageFailed, UserError
from harness.remote import build as remote_build, commands, doctor, transfer
from harness.remote.errors import HostFailed
from harness.remote.hostspec import HostSpec
from harness.remote.stream import LineSink

H = HostSpec("big-box", "me")


def facts(**over):
    tools = {f"tool:{t}": "yes" for t in doctor.tools_for([machines.load("arm64")])}
    files = {"file:/usr/include/libelf.h": "yes", "file:/usr/include/openssl/ssl.h": "yes"}
    return {"os": "Linux x86_64", "cpus": "64", "df": str(200 * 2**20), **tools, **files, **over}


def lines(found):
    return [f.line() for f in found]


def test_a_ready_host_is_all_ok_but_ccache_is_optional():
    found = doctor.findings(H, "/srv/r", facts(), [machines.load("arm64")])
    assert lines(found)[0] == "ok       build host me@big-box: reachable (Linux x86_64, 64 cpus), folder /srv/r"
    assert [f.what for f in found if not f.ok] == ["me@big-box: ccache"]
    assert "ok       me@big-box: 200.0 GiB free in /srv/r" in lines(found)


def test_missing_compiler_and_little_disk_say_what_to_do():
    found = doctor.findings(H, "/srv/r", facts(**{"tool:aarch64-linux-gnu-gcc": "no", "df": "1024"}),
                            [machines.load("arm64")])
    bad = [line for line in lines(found) if line.startswith("missing")]
    assert bad[0] == "missing  me@big-box: aarch64-linux-gnu-gcc: apt-get install gcc-aarch64-linux-gnu (on the host)"
    assert bad[1].startswith("missing  me@big-box: 0.0 GiB free in /srv/r: a kernel tree and its builds take about 5")


def test_compilers_are_checked_per_arch():
    assert "aarch64-linux-gnu-gcc" not in doctor.tools_for([machines.load("x86_64")])
    assert {"gcc", "aarch64-linux-gnu-gcc", "flock", "git"} <= set(
        doctor.tools_for([machines.load("arm64"), machines.load("x86_64")]))


def tarball(*members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, kind in members:
            info = tarfile.TarInfo(name)
            if kind == "link":
                info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
            data = b"x" if kind == "file" else b""
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    buf.seek(0)
    return tarfile.open(fileobj=buf)


def test_the_artifacts_unpack_inside_the_folder(tmp_path):
    transfer.unpack(tarball((".config", "file"), ("arch/arm64/boot/Image", "file"),
                            ("usr/include/linux/mman.h", "file")), tmp_path)
    assert (tmp_path / "arch/arm64/boot/Image").read_bytes() == b"x"


@pytest.mark.parametrize("member", [("../escape", "file"), ("usr/include/l", "link")])
def test_a_host_cannot_write_outside_the_folder(tmp_path, member):
    dest = tmp_path / "dest"
    dest.mkdir()
    with pytest.raises(tarfile.TarError):
        transfer.unpack(tarball(member), dest)
    assert not (tmp_path / "escape").exists()


def test_an_absolute_name_lands_inside_the_folder(tmp_path):
    transfer.unpack(tarball((f"{tmp_path}/outside/evil", "file")), tmp_path / "dest")
    assert not (tmp_path / "outside").exists()
    assert (tmp_path / "dest" / str(tmp_path).lstrip("/") / "outside" / "evil").is_file()


def test_installing_leaves_unchanged_files_alone_and_replaces_changed_ones(tmp_path):
    staging, dest = tmp_path / "in", tmp_path / "dest"
    for root, image, header in ((dest, b"old", b"same"), (staging, b"new", b"same")):
        (root / "usr/include/linux").mkdir(parents=True)
        (root / "Image").write_bytes(image)
        (root / "usr/include/linux/mman.h").write_bytes(header)
    (staging / "usr/include/linux/new.h").write_bytes(b"n")
    kept = dest / "usr/include/linux/mman.h"
    before = kept.stat()
    transfer.install(staging, dest)
    assert (dest / "Image").read_bytes() == b"new" and (dest / "usr/include/linux/new.h").read_bytes() == b"n"
    assert (kept.stat().st_ino, kept.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_streamed_output_is_logged_whole_and_split_into_lines():
    log, seen = io.StringIO(), []
    sink = LineSink(log, seen.append)
    for chunk in ("  CC      mm/ref", "page.o\r\n  LD  vmlinux\n", "tail"):
        sink.write(chunk)
    assert seen == ["  CC      mm/refpage.o", "  LD  vmlinux"]
    sink.close()
    assert seen[-1] == "tail" and log.getvalue() == "  CC      mm/refpage.o\r\n  LD  vmlinux\ntail"


def args(arch, **kw):
    return argparse.Namespace(arch=arch, command=kw.pop("command", "build"), junit=None, json=None, **kw)


def test_several_arches_for_build_and_boot_only():
    from harness import cli
    parse = cli.parser().parse_args
    assert boot._arches(parse(["boot", "--arch", "arm64,x86_64"]), several=True) == ["arm64", "x86_64"]
    assert parse(["build", "--arch", "arm64", "--arch", "x86_64"]).arch == ("arm64", "x86_64")
    with pytest.raises(UserError, match="run takes one arch"):
        parse(["run", "--arch", "arm64,x86_64", "--", "true"])
    with pytest.raises(UserError, match="name each arch once"):
        parse(["boot", "--arch", "arm64,arm64"])
    with pytest.raises(UserError, match="--junit/--json write one arch's results"):
        boot._arches(parse(["boot", "--arch", "arm64,x86_64", "--junit", "j.xml"]), True)


class FakeSession:
    """Replays a remote command's output and status (the real one is in the e2e tests)."""

    def __init__(self, output, exited):
        self.output, self.exited, self.host = output, exited, H

    def run(self, command, stream=None):
        stream.write(self.output)
        return type("Result", (), {"exited": self.exited, "stdout": self.output})


class Said(list):
    def __call__(self, message):
        self.append(message)

    status = __call__


def test_make_failing_there_is_a_build_failure_with_the_compilers_lines(tmp_path):
    log = tmp_path / "build.log"
    out = ("  CC      mm/refpage.o\n/srv/r/trees/t/mm/refpage.c:9:25: error: expected expression before ';' "
           "token\n    9 | int x = ;\n")
    with pytest.raises(StageFailed) as exc:
        remote_build._make(FakeSession(out, commands.MAKE_FAILED), "make", log, Said(),
                           ("/srv/r/trees/t", "/home/me/linux"))
    assert str(exc.value) == f"build: make failed on me@big-box; full log: {log}"
    assert exc.value.detail.splitlines()[0] == ("/home/me/linux/mm/refpage.c:9:25: error: expected expression "
                                                "before ';' token")
    assert log.read_text() == f"$ ssh me@big-box make\n{out}"


def test_anything_else_failing_there_is_the_hosts_failure(tmp_path):
    with pytest.raises(HostFailed, match=r"build host me@big-box: the build script failed \(exit 127\): "
                                         r"sh: 1: flock: not found; log: "):
        remote_build._make(FakeSession("sh: 1: flock: not found\n", 127), "flock x", tmp_path / "l", Said())


def test_the_hosts_progress_lines_are_shown(tmp_path):
    said = Said()
    remote_build._make(FakeSession("remote: waiting for another build of this tree there\n  CC      mm/x.o\n", 0),
                       "make", tmp_path / "l", said)
    assert said[0] == "build: remote: waiting for another build of this tree there"
    assert "1 steps  CC      mm/x.o" in said[1]


def test_a_host_without_a_tool_is_named_with_the_fix():
    found = doctor.findings(H, "/srv/r", facts(**{"tool:flex": "no", "tool:bc": "no"}), [machines.load("arm64")])
    with pytest.raises(HostFailed) as exc:
        remote_build._require(H, found)
    assert str(exc.value) == ("build host me@big-box: flex missing: apt-get install flex (on the host) "
                              "(+1 more; `refpage-ci doctor --build-host me@big-box`)")
