"""The bodies of `boot`, `run`, `shell` and `build`: the pipeline, then the results."""

import json
import shlex
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import distcc, kcidb, pipeline, qemu, accel, results, selftests, transcript
from .console import Console
from .errors import StageFailed, UserError
from .progress import Progress
from .remote import options as remote_options

EXIT_TIMEOUT = 124


@dataclass(frozen=True)
class _Invocation:
    """A boot or run command under way: its arguments, when it began (monotonic), and the KCIDB
    objects of each arch finished so far (write_kcidb's, at the end)."""
    args: object
    started: float
    kcidb: list = field(default_factory=list)


def options(args, arch=None, out=None):
    return pipeline.Options.from_args(
        args, arch=arch or _arches(args, several=False)[0], tree=args.tree, out=out or args.out,
        variant=args.variant, fragments=tuple(args.fragment),
        remote=remote_options.from_args(args) if hasattr(args, "build_host") else None,
        distcc=distcc.resolve(args.distcc, args.no_distcc), no_series=args.no_series)


def _arches(args, several):
    """The arches of --arch (runargs.add_arch): a tuple for boot and build, one name for run and shell."""
    arches = [args.arch] if isinstance(args.arch, str) else list(args.arch)
    if len(arches) > 1 and not several:
        raise UserError(f"{args.command}: one arch at a time (--arch {','.join(arches)})")
    if len(arches) > 1 and (args.junit or args.json):
        raise UserError("--junit/--json write one arch's results; give one --arch, or use each "
                        "arch's out/<command>-<arch>/junit.xml and results.json")
    return arches


def all_options(args):
    """One Options per arch of `--arch a,b`; with --out D, each arch's output goes to D/<arch>."""
    arches = _arches(args, several=True)
    if len(arches) == 1:
        return [options(args)]
    return [options(args, arch, str(Path(args.out) / arch) if args.out else None) for arch in arches]


def config_command(args):
    """kunit's `config`: the tree (with the series) and its .config, nothing built."""
    progress = Progress()
    for opts in all_options(args):
        print(pipeline.configure(opts, "config", progress).build_dir / ".config")
    return 0


def build_command(args):
    for prep in pipeline.prepare_all(all_options(args), "build", Progress()):
        print(prep.kernel)
    return 0


def boot_command(args):
    progress = Progress()
    all_opts = all_options(args)
    invocation = _Invocation(args, time.monotonic())
    status = 0
    since = time.time()
    try:
        preps = pipeline.prepare_all(all_opts, "boot", progress)
    except StageFailed as exc:
        write_kcidb(args, [_stopped(args, opts, exc) for opts in all_opts if _meta(opts, since)])
        raise
    for prep, opts in zip(preps, all_opts):
        work = pipeline.Workload(tuple(selftest_commands(prep.selftests, args.only, args.only_tests)),
                                 parallel=args.parallel)
        outcome = pipeline.boot(prep, work, opts, progress)
        status = max(status, _finish(invocation, prep, outcome, require_series=not opts.no_series))
    write_kcidb(args, invocation.kcidb)
    return status


def _out(opts):
    return Path(opts.out or Path("out") / f"boot-{opts.arch}")


def _meta(opts, since=0.0):
    """This run's metadata.json for that arch, if it got that far (not an earlier run's)."""
    path = _out(opts) / "metadata.json"
    return json.loads(path.read_text()) if path.is_file() and path.stat().st_mtime >= since else None


def _stopped(args, opts, exc):
    return kcidb.stopped_objects(args.kcidb_origin, _meta(opts), _out(opts), str(exc), exc.detail or "")


def write_kcidb(args, runs):
    """--kcidb: every arch's checkout, build and tests in one KCIDB document."""
    if not args.kcidb or not runs:
        return
    checkouts, builds, tests = zip(*runs)
    path = kcidb.write(args.kcidb, kcidb.document(checkouts, builds, [t for ts in tests for t in ts]))
    print(f"kcidb: {sum(map(len, tests))} tests in {path} "
          f"(schema {kcidb.schema()}); submit with kcidb-submit", file=sys.stderr)


def selftest_commands(programs, only=None, tests=None):
    """Every program, or those of --only, each with kselftest's `-t TEST` for every -t given."""
    if tests and not only:
        raise UserError("-t TEST picks tests of the --only program; add --only PROGRAM (e.g. --only refpage_rt)")
    names = [p.name for p in programs]
    unknown = [o for o in only or () if o not in names]
    if unknown:
        raise UserError(f"--only {unknown[0]}: no such selftest program; they are {', '.join(names)}")
    picks = "".join(f" -t {shlex.quote(t)}" for t in tests or ())
    return [(n, f"/selftests/{n}{picks}") for n in names if not only or n in only]


def run_command(args):
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if bool(cmd) == bool(args.test):
        raise UserError("run: give a command after `--` or --test FILE.c (one of them)")
    progress = Progress()
    opts = options(args)
    invocation = _Invocation(args, time.monotonic())
    prep = pipeline.prepare(opts, "run", progress)
    if args.test:
        binary = selftests.compile_user_test(prep.site, args.test, prep.out, prep.out / "build.log")
        guest = f"/usr/bin/{binary.name}"
        progress(f"run: {args.test} compiled for {prep.machine.name} -> {guest}")
        work = pipeline.Workload(((binary.name, guest),), files=((guest, binary),), parse_tap=results.AUTO)
    else:
        work = pipeline.Workload((("command", shlex.join(cmd)),), parse_tap=False)
    outcome = pipeline.boot(prep, work, opts, progress)
    for res in outcome.results:
        for line in res.output:
            print(line)
    status = _finish(invocation, prep, outcome, parse_tap=work.parse_tap)
    write_kcidb(args, invocation.kcidb)
    return _run_status(outcome, status)


def _run_status(outcome, summary_status):
    """The guest command's own status, unless the guest timed out, died or splatted."""
    if not outcome.results:
        return summary_status or 1
    res = outcome.results[-1]
    if res.timed_out or outcome.stop is transcript.Stop.TIMEOUT:
        return EXIT_TIMEOUT
    if res.guest_died or res.status is None:
        return 1
    if outcome.splats and res.status == 0:
        return 1
    return res.status


def shell_command(args):
    progress = Progress()
    opts = options(args)
    prep = pipeline.prepare(opts, "shell", progress)
    initrd = prep.image(progress)
    acc, why = accel.choose(prep.machine, opts.accel, prep.kernel, initrd, progress)
    argv = qemu.command(prep.machine, prep.kernel, initrd, acc, mode="shell")
    progress(f"shell: {prep.machine.name} under {acc} ({why}); Ctrl-A x quits, transcript in "
             f"{prep.out / 'console.log'}")
    with Console(argv, prep.out / "console.log", live=None) as con:
        con.interact()
    return 0


def build_line(meta):
    """The summary's build line: time, steps and the ccache hit rate, from metadata.json's fields."""
    stats = meta.get("build_stats") or {}
    seconds = meta.get("timings", {}).get("build")
    if not stats:
        return f"build: {seconds:.0f}s" if seconds is not None else "build: not run here"
    rate = stats.get("hit_rate")
    hits = f"ccache {rate:.0f}% hits ({stats['hits']}/{stats['hits'] + stats['misses']})" if rate is not None \
        else "no compiles"
    distcc = f", distcc over {len(meta['distcc'])} hosts" if meta.get("distcc") else ""
    return f"build: {seconds:.0f}s, {stats['steps']} steps, {hits}{distcc}"


def _finish(invocation, prep, outcome, parse_tap=True, require_series=False):
    """One arch's results written and summed up; its exit status. `require_series`: a kernel without the
    series fails the run (every refpage test would skip)."""
    args = invocation.args
    collected = results.collect(prep.machine.name, outcome, parse_tap)
    prep.meta.time("total", time.monotonic() - invocation.started)
    results.write(collected, outcome, prep.out, args.junit, args.json)
    if args.kcidb:
        durations = {r.name: round(r.seconds, 2) for r in outcome.results}
        invocation.kcidb.append(kcidb.run_objects(args.kcidb_origin, prep.meta.data, collected[prep.machine.name],
                                                  prep.out, durations))
    print(results.summary(collected, outcome))
    print(build_line(prep.meta.data))
    vacuous = require_series and not pipeline.has_refpage(prep)
    if vacuous:
        print(f"NO SERIES: this kernel has no refpage_create (CONFIG_REFPAGE is not set in "
              f"{prep.build_dir / '.config'}), so every refpage test skipped; apply the series "
              "(`refpage-ci series apply --tree T`) or pass --no-series for a baseline run")
    if outcome.splats:
        print(pipeline.splat_report(outcome), file=sys.stderr)
    elif outcome.error:
        print("--- the last console lines ---\n" + "\n".join(outcome.console[-15:]), file=sys.stderr)
    if outcome.error:
        print(f"refpage-ci: {outcome.error}", file=sys.stderr)
    print(f"logs: {prep.out}", file=sys.stderr)
    return 0 if results.passed(collected, outcome) and not vacuous else 1
