"""Build: the kernel image and its uapi headers, incrementally, with the log kept."""

import re
import time
from dataclasses import dataclass
from pathlib import Path

from . import buildsteps, ccache, diskspace, distcc as distccs, kbuild, process
from .errors import Stage, StageFailed

# A build of the small configs is 130-220 MB; a relink writes vmlinux and the image anew.
ROOM_FRESH = 512 << 20
ROOM_INCREMENTAL = 96 << 20
_NO_ROOM = "No space left on device"
_STEP = re.compile(r"^\s{2}([A-Z][A-Z0-9_]{1,10})\s+(\S+)")
_COMPILER_ERROR = re.compile(r"^\S+:\d+(:\d+)?: (fatal )?error: ")
MAKE_GRACE_SECONDS = 20


def step_of(line):
    """(kind, target) of a kbuild step line such as `  CC      mm/refpage.o`, else None."""
    m = _STEP.match(line)
    return m.groups() if m else None


def compiler_errors(lines):
    """The compiler's own `file:line: error:` lines, with the line after each (the source).

    A build folder inside the tree makes kbuild name sources `../mm/x.c`; the
    user reads them relative to the tree."""
    found = []
    lines = list(lines)
    for i, line in enumerate(lines):
        if _COMPILER_ERROR.match(line):
            found.append(line[3:] if line.startswith("../") else line)
            if i + 1 < len(lines) and lines[i + 1].startswith(" "):
                found.append(lines[i + 1])
    return found


@dataclass(frozen=True)
class Built:
    image: Path
    steps: int
    seconds: float
    ccache: ccache.HitRate
    distcc_failed: tuple = ()   # hosts distcc gave up on; their jobs compiled here

    def line(self, name):
        parts = [f"build: {name} done in {self.seconds:.0f}s ({self.steps} steps, {self.ccache.line()}"]
        if self.distcc_failed:
            parts.append(f", distcc hosts failed: {', '.join(self.distcc_failed)}")
        return "".join(parts) + f") -> {self.image}"

    def as_dict(self):
        return dict(self.ccache.as_dict(), steps=self.steps, distcc_failed=list(self.distcc_failed))


@dataclass(frozen=True)
class Engine:
    """How the compiles run: the jobs, the optional distcc hosts, the key for step counts."""
    jobs: int = None
    distcc: object = None       # distcc.Distcc
    config_key: str = None      # the config's digest: builds of it on any tree take alike steps

    def make_jobs(self):
        return self.jobs or (self.distcc.jobs() if self.distcc else kbuild.default_jobs())


def build(site, log, engine=None, progress=None):
    """`make <image> headers_install` at `site` (kbuild.Site), incrementally; what it cost comes back
    with the image."""
    engine = engine or Engine()
    machine, build_dir = site.machine, site.build_dir
    cmd = kbuild.make_command(site, machine.target, "headers_install", jobs=engine.make_jobs(),
                              distcc=engine.distcc)
    stats = Path(build_dir) / "refpage-ci-ccache-stats.log"
    stats.unlink(missing_ok=True)
    fresh = not site.image.exists()
    room = ROOM_FRESH if fresh else ROOM_INCREMENTAL
    diskspace.require(build_dir, room, "build")
    total = buildsteps.expected(build_dir, engine.config_key, fresh)
    started = time.monotonic()
    env = kbuild.compiler_env(stats, site.tree, engine.distcc)
    try:
        steps, failed = _run_logged(cmd, env, log, _Status(progress, started, total))
    except StageFailed:
        if _NO_ROOM in Path(log).read_text(errors="replace")[-200000:]:
            raise diskspace.full(build_dir, room, "build") from None
        raise
    buildsteps.record(build_dir, engine.config_key, steps, fresh)
    built = Built(site.image, steps, time.monotonic() - started,
                  ccache.read_stats_log(stats), tuple(failed))
    if progress:
        progress(built.line(machine.name))
    return built


class _Status:
    def __init__(self, progress, started, total):
        self.progress, self.started, self.total = progress, started, total

    def step(self, steps, step):
        if self.progress:
            elapsed = time.monotonic() - self.started
            self.progress.status(f"build: {elapsed:4.0f}s  {steps:5d} steps"
                                 f"{buildsteps.eta_text(steps, self.total, elapsed)}  {step[0]:7s} {step[1]}")

    def warn(self, line):
        if self.progress:
            self.progress(f"warning: {line}")


def spawn(cmd, env=None):
    """make (or any command) as the leader of its own process group, output on one pipe."""
    return process.spawn_group(cmd, env=env, stdout=process.PIPE, stderr=process.STDOUT, text=True,
                               errors="replace", stdin=process.DEVNULL)


def _run_logged(cmd, env, log, status):
    steps = 0
    watch = distccs.FailureWatch()
    with open(log, "a") as out:
        out.write("$ " + " ".join(cmd) + "\n")
        proc = spawn(cmd, env)
        try:
            for line in proc.stdout:
                out.write(line)
                step = step_of(line)
                if step:
                    steps += 1
                    status.step(steps, step)
                warning = watch.feed(line)
                if warning:
                    status.warn(warning)
            proc.wait()
        finally:
            process.stop_group(proc, MAKE_GRACE_SECONDS)
    if proc.returncode:
        lines = Path(log).read_text(errors="replace").splitlines()
        errors = compiler_errors(lines) or lines[-25:]
        raise StageFailed(f"build: make failed (exit {proc.returncode}); full log: {log}",
                          "\n".join(errors[:40]), Stage.BUILD)
    return steps, list(watch.failed)
