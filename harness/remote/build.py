"""One arch built on one build host: push the commit, send the .config, build there with the
output streaming back, fetch the image and uapi headers, check the host's .config locally."""

import re
import time
from pathlib import Path

from .. import build as local_build, builddir, buildlock, config, tree as trees
from ..errors import Stage, StageFailed
from ..phases import Built
from . import commands, doctor, layout as layouts, snapshot, transfer
from .errors import HostFailed
from .session import Session
from .stream import LineSink

_PLAIN_PATH = re.compile(r"^/[A-Za-z0-9._/+@=-]*$")


def artifacts_dir(local_build_dir):
    """Where a host's kernel, headers and .config land locally (and the selftests beside them)."""
    local_build_dir = Path(local_build_dir)
    return local_build_dir.with_name(local_build_dir.name + "-remote")


def build_on(host, configured, remote_opts, jobs, progress):
    """The build phase of a phases.Configured on `host`. Returns a phases.Built whose kernel and
    build_dir are the files fetched back (artifacts_dir), not the configured folder."""
    c = configured
    started, wall = time.monotonic(), time.time()
    snap = snapshot.take(c.tree)
    log = c.out / "build.log"
    timed = _Stopwatch(c.meta, "remote_")
    with Session(host, remote_opts.accept_new_host_key) as s:
        layout = _layout(s, host, c.tree, c.build_dir)
        facts = doctor.probe(s, layout.root, [c.machine])
        _require(host, doctor.findings(host, layout.root, facts, [c.machine]))
        s.output(commands.prepare(layout), "preparing its folder")
        progress(f"build: pushing {snap.label} ({snap.commit[:12]}{', working state' if snap.dirty else ''})"
                 f" to {host.label}:{layout.git}")
        ref = timed("push", transfer.push, c.tree, snap, host, layout, log)
        s.put(c.build_dir / ".config", layout.sent_config)
        cc = commands.compiler_line(c.machine, facts.get("tool:ccache") == "yes")
        jobs = jobs or int(facts.get("cpus", "1")) + 1
        timed("make", _make, s, commands.build(layout, c.machine, snap, jobs, cc), log, progress,
              (layout.src, c.tree))
        dest = artifacts_dir(c.build_dir)
        with buildlock.held(dest, progress):
            timed("fetch", transfer.fetch_artifacts, s, layout, dest)
    built = Built(c, dest / c.machine.image, dest)
    _verify(host, built)
    seconds = time.monotonic() - started
    c.meta.update(build_host=host.label, remote_build_dir=layout.build_dir, remote_ref=ref,
                  remote_commit=snap.commit, remote_working_state=snap.dirty,
                  build_window=[round(wall, 2), round(time.time(), 2)])
    c.meta.time("build", seconds)
    progress(f"build: {c.machine.name} on {host.label} done in {seconds:.0f}s -> {built.kernel}")
    return built


class _Stopwatch:
    def __init__(self, meta, prefix):
        self.meta, self.prefix = meta, prefix

    def __call__(self, stage, fn, *args):
        start = time.monotonic()
        result = fn(*args)
        self.meta.time(self.prefix + stage, time.monotonic() - start)
        return result


def _layout(session, host, tree, local_build_dir):
    root = session.output(commands.resolve_dir(host.dir), "making its folder").strip()
    if not _PLAIN_PATH.match(root):
        raise HostFailed(host, f"its folder {root!r} is not a plain absolute path (kbuild takes no spaces "
                               "or colons); set dir=PATH for it in the build-hosts file")
    return layouts.for_build(root, builddir.tree_id(tree), local_build_dir)


def _require(host, findings):
    missing = [f for f in findings if f.required and not f.ok]
    if missing:
        more = f" (+{len(missing) - 1} more; `refpage-ci doctor --build-host {host.label}`)" if len(missing) > 1 else ""
        raise HostFailed(host, f"{missing[0].what.split(': ', 1)[-1]} missing: {missing[0].fix}{more}")


def _make(session, command, log, progress, where=None):
    """Run the build script on the session's host; a compile error's lines name the local tree's files
    (`where`: the host's checkout and the local tree)."""
    host = session.host
    started, steps = time.monotonic(), 0

    def on_line(line):
        nonlocal steps
        if line.startswith("remote: "):
            progress(f"build: {line}")
        step = local_build.step_of(line)
        if step:
            steps += 1
            progress.status(f"build: {time.monotonic() - started:4.0f}s  {steps:5d} steps  "
                            f"{step[0]:7s} {step[1]}")

    with open(log, "a") as out:
        out.write(f"$ ssh {host.label} {command}\n")
        sink = LineSink(out, on_line)
        res = session.run(command, stream=sink)
        sink.close()
    if res.exited == commands.MAKE_FAILED:
        lines = Path(log).read_text(errors="replace").splitlines()
        detail = "\n".join((local_build.compiler_errors(lines) or lines[-25:])[:40])
        if where:
            detail = detail.replace(f"{where[0]}/", f"{where[1]}/")
        raise StageFailed(f"build: make failed on {host.label}; full log: {log}", detail, Stage.BUILD)
    if res.exited:
        last = (res.stdout.strip().splitlines() or ["?"])[-1]
        raise HostFailed(host, f"the build script failed (exit {res.exited}): {last}; log: {log}")


def _verify(host, built):
    """The host's olddefconfig must have kept every requested symbol."""
    if not built.kernel.is_file():
        raise HostFailed(host, f"no {built.machine.image} came back")
    try:
        config.verify(built.site, built.requests, trees.kernel_version(built.tree))
    except StageFailed as exc:
        raise StageFailed(f"on {host.label}: {exc}", exc.detail) from None
