"""The phases test_chaos interrupts: how each is made to happen, how the test sees it running, and
whom a signal goes to in it.

unpack    `tree fetch` into a scratch cache, from the installed linux-source tarball: a tree is
          unpacked once per cache, so each unpack gets a cache of its own
config    `boot` with the build folder's config stamp removed: allnoconfig, olddefconfig and the
          check run again on an unchanged request set, and the build after them stays incremental
build     `boot` after mm/refpage.c was touched (every phase but unpack touches it)
image     `run --test` of a program made for the iteration, 48 MB of it data: the image is new, and
          writing it takes long enough to be hit
qemu-start  `boot`, QEMU running, the first command not begun
tests     `boot --only refpage`, its tests running (one of them is over too soon to be hit)
"""

import re
import signal
from dataclasses import dataclass
from pathlib import Path

from harness import config

ONE_TEST = ("--only", "refpage", "-t", "reads_pattern")
ONE_PROGRAM = ("--only", "refpage")
PAD = 48 << 20
INT, KILL = signal.SIGINT, signal.SIGKILL
_END = re.compile(rb"@@[0-9a-f]{16} rc=\d+@@")


@dataclass(frozen=True)
class Phase:
    name: str
    signals: tuple   # (whom, signal)
    longest: float   # how far into the phase the signal may come, s: within it, mostly


PHASES = {p.name: p for p in (
    Phase("unpack", (("refpage-ci", INT), ("refpage-ci", KILL)), 90.0),
    Phase("config", (("refpage-ci", INT), ("refpage-ci", KILL), ("make", KILL)), 1.5),
    Phase("build", (("refpage-ci", INT), ("refpage-ci", KILL), ("make", KILL)), 2.0),
    Phase("image", (("refpage-ci", INT), ("refpage-ci", KILL)), 0.4),
    Phase("qemu-start", (("refpage-ci", INT), ("refpage-ci", KILL), ("qemu", KILL)), 0.8),
    Phase("tests", (("refpage-ci", INT), ("refpage-ci", KILL), ("qemu", KILL)), 1.5),
)}


@dataclass
class Run:
    """One interrupted run: its phase, its folders, its process."""
    phase: str
    i: int
    tree: Path
    build_dir: Path
    out: Path
    cache: Path = None   # the unpack's scratch cache
    attempt: int = 0
    proc: object = None

    @property
    def unpacked(self):
        return self.cache / "trees" / "linux-source-6.12"

    @property
    def program(self):
        return self.out / f"chaos_image_{self.i}_{self.attempt}"


def start(run, cli):
    run.out.mkdir(parents=True, exist_ok=True)
    (run.out / "console.log").unlink(missing_ok=True)  # a try's begin marker is not the next try's
    if run.phase == "unpack":
        run.proc = cli.popen("tree", "fetch", "debian:6.12", env=cli.env(REFPAGE_CI_CACHE=str(run.cache)))
        return
    if run.phase == "config":
        (run.build_dir / config.STAMP).unlink()
    args = ("--tree", run.tree, "--arch", "arm64", "--out", run.out)
    if run.phase == "image":
        source = run.out / f"{run.program.name}.c"
        source.write_text(f'#include <stdio.h>\nstatic const char pad[{PAD}] = "chaos {run.i}";\n'
                          "int main(void) { return puts(pad) < 0; }\n")
        run.proc = cli.popen("run", *args, "--test", source)
    else:
        run.proc = cli.popen("boot", *args, *(ONE_PROGRAM if run.phase == "tests" else ONE_TEST))


def children(pid):
    try:
        return [int(k) for k in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _argv(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return []


def descendant(pid, program, needle=b""):
    """The first (outermost) process under `pid` running `program` with `needle` in its argv."""
    todo = children(pid)
    while todo:
        kid = todo.pop(0)
        argv = _argv(kid)
        if argv and Path(argv[0].decode(errors="replace")).name.startswith(program) and needle in b" ".join(argv):
            return kid
        todo += children(kid)
    return None


def _config_make(pid):
    return descendant(pid, "make", b"allnoconfig") or descendant(pid, "make", b"olddefconfig")


def _kernel_make(pid):
    return descendant(pid, "make", b"headers_install")


def _qemu(pid):
    return descendant(pid, "qemu-system")


def _console(run):
    log = run.out / "console.log"
    return log.read_bytes() if log.is_file() else b""


def _image_written(run):
    return any(p.stat().st_size > PAD and p.stat().st_mtime >= run.program.stat().st_mtime
               for p in run.build_dir.glob("initramfs-*.cpio"))


def entered(run):
    pid = run.proc.pid
    if run.phase == "unpack":
        return any(run.unpacked.parent.glob(".unpack-*"))
    if run.phase == "config":
        return _config_make(pid) is not None
    if run.phase == "build":
        return _kernel_make(pid) is not None
    if run.phase == "image":
        return run.program.is_file() and not children(pid)
    if run.phase == "qemu-start":
        return _qemu(pid) is not None
    return b" begin@@" in _console(run)


def inside(run):
    """Still in the phase: what ends it has not happened yet."""
    pid = run.proc.pid
    if run.proc.poll() is not None:
        return False
    if run.phase == "unpack":
        return not (run.unpacked / ".git").exists()
    if run.phase == "config":
        return not (run.build_dir / config.STAMP).exists()
    if run.phase == "build":
        return _kernel_make(pid) is not None
    if run.phase == "image":
        return _qemu(pid) is None and not _image_written(run)
    if run.phase == "qemu-start":
        return _qemu(pid) is not None and b" begin@@" not in _console(run)
    log = _console(run)
    return _qemu(pid) is not None and log.count(b" begin@@") > len(_END.findall(log))


def victim(run, whom):
    if whom == "refpage-ci":
        return run.proc.pid
    if whom == "qemu":
        return _qemu(run.proc.pid)
    return (_config_make if run.phase == "config" else _kernel_make)(run.proc.pid)
