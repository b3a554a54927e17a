"""The trunk: tree -> config -> build -> selftests -> image -> boot -> commands -> results.

Each phase is a function of what the previous one produced and returns a
value of its own, frozen: `configure` gives a Configured, a build (here, or
`remote.build.build_on` on a build host) a Built, the selftests a Prepared,
`boot` a BootOutcome. So the command line can stop after any of them
(`build` stops before the boot), and no later step changes what an earlier
one found.
"""

import getpass
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import (accel, build, builddir, buildlock, busybox, config, kbuild, machine as machines, metadata,
               qemu, selftests, seriestree, tree as trees)
from .console import Console, ConsoleTimeout, GuestDied
from .errors import StageFailed
from .phases import Built, Configured, Prepared
from .transcript import BootOutcome, Saved, Stop
from scripts.series import seriesfile
from scripts.series.git import Git


@dataclass
class Options:
    arch: str
    tree: object = None
    out: object = None
    jobs: int = None
    timeout: float = 900.0          # the whole boot, from QEMU's start
    boot_timeout: float = 120.0     # QEMU start to the shell prompt
    command_timeout: float = 600.0  # each command
    accel: str = None
    variant: str = None
    fragments: tuple = ()
    live: object = None             # a stream to echo the console to
    remote: object = None           # remote.options.RemoteOptions: build on those hosts
    distcc: object = None           # distcc.Distcc: compile through those hosts
    no_series: bool = False         # a named base tree as it is, for a baseline

    @classmethod
    def from_args(cls, args, **fields):
        """The run options of `args` (harness.runargs.add's group) and the command's own `fields`."""
        return cls(jobs=args.jobs, timeout=args.timeout, boot_timeout=args.boot_timeout,
                   command_timeout=args.command_timeout, accel=args.accel,
                   live=sys.stdout if args.verbose else None, **fields)


@dataclass(frozen=True)
class Workload:
    """What one boot runs: its commands, (name, shell line) pairs in order; the files they need in the
    image, (guest path, local file) pairs; how their output is read (results.collect's parse_tap); and
    whether they run at once (`boot --parallel`: a kernel line is then any of theirs)."""
    commands: tuple
    files: tuple = ()
    parse_tap: object = True        # True, False or results.AUTO
    parallel: bool = False

    def steps(self):
        """The commands as the console runs them: all in one batch, or one at a time."""
        if self.parallel and len(self.commands) > 1:
            return (self.commands,)
        return tuple((c,) for c in self.commands)


def out_dir(opts, command):
    out = Path(opts.out) if opts.out else Path("out") / f"{command}-{opts.arch}"
    out.mkdir(parents=True, exist_ok=True)
    for stale in ("build.log", "console.log", "results.json", "junit.xml", "metadata.json"):
        (out / stale).unlink(missing_ok=True)
    return out.resolve()


def _timed(meta, stage, fn, *args, **kw):
    start = time.monotonic()
    result = fn(*args, **kw)
    meta.time(stage, time.monotonic() - start)
    return result


def prepare(opts, command, progress):
    """Everything up to a bootable kernel, selftests and busybox; each phase incremental."""
    return prepare_all([opts], command, progress)[0]


def prepare_all(all_opts, command, progress):
    """prepare() for several arches: configured here, built in parallel on the build hosts
    (`opts.remote`, the same for all) or one after the other here; selftests here."""
    configured = [configure(opts, command, progress) for opts in all_opts]
    remote_opts, jobs = all_opts[0].remote, all_opts[0].jobs
    engine = build.Engine(jobs, all_opts[0].distcc)
    if remote_opts:
        from .remote import build as remote_build, schedule  # fabric and paramiko: for build hosts alone
        built = schedule.run([(c.machine.name, c) for c in configured], remote_opts,
                             lambda host, c, pr: remote_build.build_on(host, c, remote_opts, jobs, pr),
                             lambda c, pr: build_here(c, engine, pr), progress)
    else:
        built = [build_here(c, engine, progress) for c in configured]
    return [with_selftests(b, progress) for b in built]


def _tree(opts, progress):
    """(tree, port): a named base (none is debian:6.12) gets the series unless --no-series; a path
    is booted as it is."""
    version = trees.named_version(opts.tree or trees.DEFAULT_NAME)
    if version and not opts.no_series:
        return seriestree.worktree(version, progress)
    return trees.resolve(opts.tree, progress), None


def _series_fields(opts, tree, port):
    """The base commit under the series and the port's patch files, for KCIDB's checkout."""
    if port is None:
        return {}
    base = Git(tree)("rev-parse", "--verify", "-q", "base^{commit}")
    return {"base_commit": base.stdout.strip() or None, "tree_name": opts.tree or trees.DEFAULT_NAME,
            "series_patches": [str(port.folder / name) for name in seriesfile.load(port.folder).patches]}


def configure(opts, command, progress):
    """The config phase: the tree (with the series unless told otherwise), its build folder and
    .config, metadata.json begun. Returns a Configured."""
    machine = machines.load(opts.arch)
    tree, port = _tree(opts, progress)
    requests = config.load_requests(config.fragment_files(machine, opts.variant, opts.fragments))
    digest = config.config_hash(machine, requests)
    place = builddir.choose(machine, digest, tree)
    build_dir = place.path
    site = kbuild.Site(machine, tree, build_dir)
    out = out_dir(opts, command)
    box = busybox.locate(machine.name)
    meta = metadata.Metadata(out, command=command, arch=machine.name, tree=str(tree),
                             tree_package=trees.package_of(tree),
                             commit=trees.head_commit(tree), kernel_version=trees.kernel_version(tree),
                             config_hash=digest, config_variant=opts.variant, build_dir=str(build_dir),
                             host=socket.gethostname(), user=getpass.getuser(),
                             started=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                             series_port=port.name if port else None, no_series=opts.no_series,
                             **_series_fields(opts, tree, port))
    progress(f"{command}: {machine.name}, tree {tree} ({trees.kernel_version(tree)}), build {build_dir}")
    progress(f"build: folder {place.why}")
    meta.update(build_dir_shared=place.shared)
    with buildlock.held(build_dir, progress):
        _timed(meta, "config", config.configure, site, requests, trees.kernel_version(tree), out / "build.log",
               progress)
    return Configured(site, out, box, meta, tuple(requests))


def build_here(configured, engine, progress):
    """The build phase on this machine (incremental, in the configured folder). Returns a Built."""
    c = configured
    engine = build.Engine(engine.jobs, engine.distcc, c.meta.data["config_hash"])
    with buildlock.held(c.build_dir, progress):
        made = _timed(c.meta, "build", build.build, c.site, c.out / "build.log", engine, progress)
    c.meta.update(build_stats=made.as_dict(),
                  distcc=[h.spec for h in engine.distcc.hosts] if engine.distcc else None)
    return Built(c, made.image, c.build_dir)


def with_selftests(built, progress):
    """The selftests phase: every selftest built against the kernel's uapi headers. Returns a Prepared."""
    with buildlock.held(built.build_dir, progress):
        programs = _timed(built.meta, "selftests", selftests.build, built.site, built.out / "build.log", progress)
    return Prepared(built, tuple(programs))


def boot(prep, work, opts, progress):
    """Boot once and run `work` (a Workload), its files in the image too. QEMU is gone when this returns;
    console.json beside console.log says how `refpage-ci parse` reads the transcript again."""
    initrd = _timed(prep.meta, "image", prep.image, progress, work.files)
    acc, why = accel.choose(prep.machine, opts.accel, prep.kernel, initrd, progress)
    argv = qemu.command(prep.machine, prep.kernel, initrd, acc)
    prep.meta.update(qemu=qemu.shell_line(argv), accel=acc, accel_reason=why, initramfs=str(initrd),
                     parallel=work.parallel)
    metadata.write_reproducer(prep.out, prep.machine, prep.kernel, initrd, acc)
    progress(f"boot: {prep.machine.name} under {acc} ({why})")
    done, boot_seconds, ended = [], None, None
    with Console(argv, prep.out / "console.log", live=opts.live) as con:
        try:
            boot_seconds = con.wait_ready(min(opts.boot_timeout, opts.timeout))
            prep.meta.time("boot", boot_seconds)
            progress(f"boot: shell prompt after {boot_seconds:.1f}s")
            ended = _timed(prep.meta, "tests", _run_all, con, work.steps(), opts, done, progress)
            con.power_off()
        except (ConsoleTimeout, GuestDied) as exc:
            ended = (Stop.NOT_READY, f"boot: {exc}")
        stop, error = ended or (None, None)
        outcome = BootOutcome(done, con.splats(), boot_seconds, error, con.transcript.all_lines(), stop)
        prep.meta.update(console_lines=len(con.transcript.lines))
    Saved.of(prep.machine.name, work.parse_tap, outcome).save(prep.out)
    return outcome


def _run_all(con, steps, opts, done, progress):
    """Each step (one command, or a batch run at once) in turn into `done`; (Stop, why) if the run
    ended before the last, else None. `done` is filled as they finish: the console may raise in the
    middle of one."""
    deadline = con.started + opts.timeout   # --timeout is the whole boot's, from QEMU's start
    for step in steps:
        left = deadline - time.monotonic()
        if left <= 0:
            return Stop.TIMEOUT, f"timeout: the whole run exceeded --timeout {opts.timeout:.0f}s"
        names = ", ".join(name for name, _ in step)
        progress(f"run: {names}" + (" at once" if len(step) > 1 else ""))
        finished = _run_step(con, step, min(opts.command_timeout, left))
        for res in finished:
            done.append(res)
            progress(f"run: {res.name} -> {_status_word(res)} in {res.seconds:.1f}s")
        ended = next(filter(None, (_stopped_by(res, opts) for res in finished)), None)
        if ended:
            return ended
    return None


def _run_step(con, step, timeout):
    if len(step) > 1:
        return con.run_batch(step, timeout)
    name, line = step[0]
    res = con.run(line, timeout)
    res.name = name
    return [res]


def _stopped_by(res, opts):
    if res.timed_out:
        return Stop.TIMEOUT, (f"timeout: {res.name} still running after {res.seconds:.0f}s "
                              f"(--timeout {opts.timeout:.0f}s); QEMU killed")
    if res.guest_died:
        return Stop.GUEST_DIED, f"the guest died while running {res.name} (QEMU exited)"
    return None


def _status_word(res):
    if res.timed_out:
        return "timed out"
    if res.guest_died:
        return "guest died"
    return f"exit {res.status}"


def has_refpage(prep):
    """The built kernel has the refpage_create syscall (the series' config symbol is set)."""
    config_file = Path(prep.build_dir) / ".config"
    return config_file.is_file() and "CONFIG_REFPAGE=y" in config_file.read_text(errors="replace").splitlines()


def splat_report(outcome, limit=3):
    """The console excerpt around the first few splats, for the terminal."""
    parts = []
    for s in outcome.splats[:limit]:
        parts.append(f"--- kernel splat ({s.kind}) at console line {s.line_number + 1} ---")
        parts.append(s.excerpt(outcome.console))
    return "\n".join(parts)


def fail_if(condition, message, detail=""):
    if condition:
        raise StageFailed(message, detail)
