"""`refpage-ci bench --tool`: how fast the tool is on this machine.

- cold build of each arch's kernel with our config, in a scratch build folder,
  without ccache;
- the edit cycle: one line of mm/refpage.c changed, rebuilt (a real ccache miss),
  booted, the selftests run; and the same for one test (boot --only -t);
- a new worktree of a built base (time, ccache hits), repro --all warm, and a
  full build without and with distcc over two local distccd;
- boot to first test output: QEMU's start to the first TAP line;
- virtme-ng's config built on the same tree, the same way, as the comparison.
The light measurements come first, the heavy builds last.
"""

import os
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from statistics import median

from harness import (accel, build, config, kbuild, machine as machines, paths, pipeline, process, qemu,
                     results, tree as trees)
from harness.console import Console, ConsoleTimeout, GuestDied
from harness.errors import StageFailed

from scripts.bench import report
from scripts.series.git import Git

from . import hostload, vng

RATIO_GOAL = 0.5   # our cold build / virtme-ng's
TOUCHED = "mm/refpage.c"
_FIRST_OUTPUT = r"TAP version \d+|1\.\.\d+|(?:not )?ok \d+"


def options(args, arch, tree, out=None):
    return pipeline.Options.from_args(args, arch=arch, tree=tree, out=out)


def scratch_dir(name):
    """A scratch folder of that name, emptied: a killed run's leftover would make a cold build warm."""
    folder = paths.cache_dir() / "bench-scratch" / name
    shutil.rmtree(folder, ignore_errors=True)
    return folder


@contextmanager
def no_ccache():
    with _env(CCACHE_DISABLE="1"):
        yield


def cold_build(arch, tree, out, jobs, progress):
    """Our config and build in an empty folder, no ccache: (config s, build s)."""
    machine = machines.load(arch)
    folder = scratch_dir(f"{arch}-ours")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    site = kbuild.Site(machine, tree, folder)
    log = out / f"cold-{arch}.log"
    log.unlink(missing_ok=True)
    requests = config.load_requests(config.fragment_files(machine))
    try:
        with no_ccache():
            start = time.monotonic()
            config.configure(site, requests, trees.kernel_version(tree), log, progress)
            configured = time.monotonic()
            build.build(site, log, build.Engine(jobs), progress)
            done = time.monotonic()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"config_seconds": configured - start, "build_seconds": done - configured,
            "total_seconds": done - start, "jobs": jobs, "log": str(log)}


def _logged(cmd, cwd, env, log, what, progress):
    start = time.monotonic()
    steps = 0
    with open(log, "a") as f:
        f.write("$ " + " ".join(cmd) + "\n")
        f.flush()
        proc = process.spawn_group(cmd, env=env, cwd=cwd, stdout=process.PIPE, stderr=process.STDOUT,
                                   text=True, errors="replace", stdin=process.DEVNULL)
        try:
            for line in proc.stdout:
                f.write(line)
                step = build.step_of(line)
                if step:
                    steps += 1
                    progress.status(f"{what}: {time.monotonic() - start:4.0f}s {steps:5d} steps "
                                    f"{step[0]:7s} {step[1]}")
            proc.wait()
        finally:
            process.stop_group(proc, build.MAKE_GRACE_SECONDS)
    if proc.returncode:
        tail = Path(log).read_text(errors="replace").splitlines()[-20:]
        raise StageFailed(f"bench --tool: {what} failed (exit {proc.returncode}); log: {log}", "\n".join(tail))
    return time.monotonic() - start


def vng_build(arch, tree, out, jobs, progress):
    """virtme-ng's config and its fastest build (no modules) on the same tree: (config s, build s)."""
    folder = scratch_dir(f"{arch}-vng")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    log = out / f"vng-{arch}.log"
    log.unlink(missing_ok=True)
    progress(f"vng: {' '.join(vng.config_command(arch, folder))} (log {log})")
    try:
        configured = _logged(vng.config_command(arch, folder), tree, vng.env(), log, "vng --kconfig", progress)
        progress(f"vng: config in {configured:.0f}s; {' '.join(vng.build_command(arch, folder, jobs))}")
        built = _logged(vng.build_command(arch, folder, jobs), tree, vng.env(), log, "vng --build", progress)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"config_seconds": configured, "build_seconds": built, "total_seconds": configured + built,
            "jobs": jobs, "log": str(log)}


def first_output(prep, opts, progress, timeout=120.0):
    """Seconds from QEMU's start to the first TAP line of the first selftest."""
    initrd = prep.image(progress)
    acc, _ = accel.choose(prep.machine, opts.accel, prep.kernel, initrd, progress)
    argv = qemu.command(prep.machine, prep.kernel, initrd, acc)
    first = prep.selftests[0].name
    with Console(argv, prep.out / "console.log") as con:
        try:
            con.wait_ready(timeout)
            con.send_line(f"/selftests/{first}")
            con.wait_for(_FIRST_OUTPUT, timeout)
        except (ConsoleTimeout, GuestDied) as exc:
            raise StageFailed(f"bench --tool: boot to first output: {exc}; log: {prep.out / 'console.log'}")
        seconds = time.monotonic() - con.started
        con.power_off()
    return seconds


def _median(rows, key):
    values = [r[key] for r in rows if r.get(key) is not None]
    return median(values) if values else None


STEPS = ("warm", "first", "worktree", "repro", "distcc", "cold", "vng")
WORKTREE_GOAL = (30.0, 90.0)   # a new worktree of a built base on arm64: seconds, ccache hit %
EDIT_GOALS = {"suite": 10.0, "one test": 6.0}   # edit -> results, arm64
REPRO_GOAL = 360.0             # repro --all --arch arm64, warm


@contextmanager
def one_line_changed(tree):
    """A real edit of mm/refpage.c, undone after: new code, so ccache misses as after a change (a new
    comment would not: the preprocessed output is the same and ccache hits)."""
    path = Path(tree) / TOUCHED
    original = path.read_bytes()
    path.write_bytes(original + f"static inline void refpage_ci_bench_{time.time_ns()}(void) {{ }}\n".encode())
    try:
        yield
    finally:
        path.write_bytes(original)


def edit_cycle(opts, tree, progress, only=None, parallel=False):
    """One line of mm/refpage.c changed, then build, image, boot and the selftests (or `only`), one
    after the other or at once (`boot --parallel`)."""
    from harness import boot as boots
    start = time.monotonic()
    with one_line_changed(tree):
        prep = pipeline.prepare(opts, "bench-edit", progress)
    programs = boots.selftest_commands(prep.selftests, *(only or (None, None)))
    outcome = pipeline.boot(prep, pipeline.Workload(tuple(programs), parallel=parallel), opts, progress)
    total = time.monotonic() - start
    collected = results.collect(prep.machine.name, outcome)
    timings = prep.meta.data["timings"]
    return {"total_seconds": total, "build_seconds": timings.get("build"), "image_seconds": timings.get("image"),
            "boot_seconds": outcome.boot_seconds, "tests_seconds": timings.get("tests"),
            "tests_passed": results.passed(collected, outcome)}


def new_worktree(args, arch, tree, out, progress):
    """A fresh worktree of the (already built) bench tree's HEAD at a new path: config and build."""
    wt = scratch_dir(f"worktree-{arch}-{os.getpid()}")
    Git(tree).worktree(wt, "HEAD")
    try:
        start = time.monotonic()
        prep = pipeline.prepare(options(args, arch, str(wt), out / f"worktree-{arch}"), "bench-worktree", progress)
        seconds = time.monotonic() - start
    finally:
        _git(tree, "worktree", "remove", "--force", str(wt))
    return {"seconds": seconds, "build_seconds": prep.meta.data["timings"].get("build"),
            **prep.meta.data["build_stats"]}


def repro_all(arch, out, progress):
    """`repro --all` twice: the first brings every half up to date, the second is the warm figure."""
    argv = [sys.executable, "-m", "harness.cli", "repro", "--all", "--arch", arch, "--out", str(out / f"repro-{arch}")]
    log = out / f"repro-{arch}.log"
    runs = []
    for label in ("bring up to date", "warm"):
        progress(f"bench --tool: repro --all --arch {arch} ({label}; log {log})")
        start = time.monotonic()
        returncode = process.run_logged(argv, log, cwd=paths.PROJECT)
        runs.append({"seconds": time.monotonic() - start, "exit": returncode})
    return {"warm_seconds": runs[-1]["seconds"], "ok": runs[-1]["exit"] == 0, "runs": runs, "log": str(log)}


def distcc_compare(args, arch, tree, out, progress):
    """The same full build (CCACHE_RECACHE: every compile a miss) without and with distcc over two
    local distccd."""
    from harness import distcc
    rows = {}
    daemons = [distcc.LocalDaemon(out / "distccd"), distcc.LocalDaemon(out / "distccd")]
    try:
        engine = distcc.Distcc(tuple(d.host for d in daemons), "bench")
        for label, via in (("without", None), ("with", engine)):
            wt = scratch_dir(f"distcc-{arch}-{label}")
            Git(tree).worktree(wt, "HEAD")
            opts = options(args, arch, str(wt), out / f"distcc-{arch}-{label}")
            opts.distcc = via
            try:
                with _env(CCACHE_RECACHE="1"):
                    start = time.monotonic()
                    pipeline.prepare(opts, "bench-distcc", progress)
                    rows[label] = {"seconds": time.monotonic() - start}
            finally:
                _git(tree, "worktree", "remove", "--force", str(wt))
        rows["with"]["jobs_per_daemon"] = [d.jobs() for d in daemons]
    finally:
        for d in daemons:
            d.stop()
    return rows


@contextmanager
def _env(**values):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _git(tree, *args):
    return Git(tree).must(*args)


def _warm(args, arch, tree, out, progress):
    opts = options(args, arch, tree, out / f"warm-{arch}")
    progress(f"bench --tool: {arch}: bringing the build up to date before the warm cycles")
    pipeline.prepare(opts, "bench-warm", progress)
    cycles, together, one = [], [], []
    for _ in range(args.warm_runs):   # interleaved, so that a change of the host's load hits all three
        cycles.append(edit_cycle(opts, tree, progress))
        together.append(edit_cycle(opts, tree, progress, parallel=True))
        one.append(edit_cycle(opts, tree, progress, (["refpage_rt"], ["rt_thp"])))
    progress(f"bench --tool: {arch}: edit cycle {_median(cycles, 'total_seconds'):.1f}s (median), "
             f"--parallel {_median(together, 'total_seconds'):.1f}s, one test {_median(one, 'total_seconds'):.1f}s")
    return {"cycles": cycles, "median_seconds": _median(cycles, "total_seconds"),
            "median_build_seconds": _median(cycles, "build_seconds"),
            "parallel": {"cycles": together, "median_seconds": _median(together, "total_seconds"),
                         "command": "boot --parallel"},
            "one_test": {"cycles": one, "median_seconds": _median(one, "total_seconds"),
                         "command": "boot --only refpage_rt -t rt_thp"}}


def _first(args, arch, tree, out, progress):
    opts = options(args, arch, tree, out / f"first-{arch}")
    prep = pipeline.prepare(opts, "bench-first", progress)
    firsts = [first_output(prep, opts, progress) for _ in range(args.warm_runs)]
    return {"seconds": firsts, "median_seconds": median(firsts)}


def measure(args, tree, out, progress):
    """The light steps first, then the heavy builds; `args.steps` picks some (default: all)."""
    arches = args.arch or machines.known_arches()
    steps = args.steps or STEPS
    jobs = args.jobs or kbuild.default_jobs()
    data = {"format": "refpage-ci-bench-tool/1", "tree": str(tree), "commit": trees.head_commit(tree),
            "kernel_version": trees.kernel_version(tree), "cpus": os.cpu_count(), "jobs": jobs,
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "load": {"start": hostload.sample()},
            "warm": {}, "first_output": {}, "cold": {}, "vng": None, "ratio": None}
    for arch in arches:
        if "warm" in steps:
            data["warm"][arch] = _warm(args, arch, tree, out, progress)
        if "first" in steps:
            data["first_output"][arch] = _first(args, arch, tree, out, progress)
    for arch in arches:
        if "worktree" in steps:
            pipeline.prepare(options(args, arch, str(tree), out / f"base-{arch}"), "bench-base", progress)
            data.setdefault("worktree", {})[arch] = new_worktree(args, arch, tree, out, progress)
        if "repro" in steps:
            data.setdefault("repro", {})[arch] = repro_all(arch, out, progress)
        if "distcc" in steps:
            data.setdefault("distcc", {})[arch] = distcc_compare(args, arch, tree, out, progress)
    for arch in arches if "cold" in steps else ():
        progress(f"bench --tool: cold build of {arch} (scratch folder, no ccache, -j{jobs})")
        data["cold"][arch] = dict(cold_build(arch, tree, out, jobs, progress), load_after=hostload.sample())
    if "vng" in steps:
        progress(f"bench --tool: virtme-ng's config for {args.vng_arch} on the same tree (no ccache, -j{jobs})")
        data["vng"] = dict(vng_build(args.vng_arch, tree, out, jobs, progress), arch=args.vng_arch,
                           load_after=hostload.sample())
        if args.vng_arch not in data["cold"]:
            data["cold"][args.vng_arch] = dict(cold_build(args.vng_arch, tree, out, jobs, progress),
                                               load_after=hostload.sample())
        data["ratio"] = data["cold"][args.vng_arch]["total_seconds"] / data["vng"]["total_seconds"]
    data["load"]["end"] = hostload.sample()
    return data


def render(data):
    lines = [f"tree {data['tree']} (Linux {data['kernel_version']} at {data['commit'][:12]}), "
             f"{data['cpus']} CPUs, make -j{data['jobs']}",
             f"host load: {_load(data['load']['start'])} at the start, {_load(data['load']['end'])} at the end"
             + _stolen(data["load"])]
    if data["warm"]:
        lines += ["", "edit cycle (one line of mm/refpage.c changed, build, boot, the selftests), median:"]
    for arch, w in data["warm"].items():
        lines.append(_cycle_line(arch, "one after the other", w, arch == "arm64" and "parallel" not in w))
        if "parallel" in w:
            lines.append(_cycle_line(arch, w["parallel"]["command"], w["parallel"], arch == "arm64"))
    lines += _sharing_lines(data)
    if data["first_output"]:
        lines += ["", "boot to first test output (QEMU start to the first TAP line), median:"]
    for arch, f in data["first_output"].items():
        lines.append(f"  {arch:7s} {f['median_seconds']:6.1f} s")
    if data["cold"]:
        lines += ["", "cold build, our config (scratch folder, no ccache):"]
    for arch, c in data["cold"].items():
        lines.append(f"  {arch:7s} {c['total_seconds']:6.1f} s  (config {c['config_seconds']:.1f}, "
                     f"build {c['build_seconds']:.1f}; load after {_load(c['load_after'])})")
    v = data["vng"]
    if not v:
        return "\n".join(lines) + "\n"
    lines += ["", f"virtme-ng's config, same tree, {v['arch']} (vng --kconfig; vng --build --skip-modules):",
              f"  {v['arch']:7s} {v['total_seconds']:6.1f} s  (config {v['config_seconds']:.1f}, "
              f"build {v['build_seconds']:.1f}; load after {_load(v['load_after'])})",
              "", f"ours / virtme-ng's ({v['arch']}): {data['ratio']:.2f}   goal <= {RATIO_GOAL}: "
                  f"{'met' if data['ratio'] <= RATIO_GOAL else 'NOT met'}"]
    return "\n".join(lines) + "\n"


def _cycle_line(arch, how, w, with_goal):
    c = w["cycles"][0]
    every = ", ".join(f"{x['total_seconds']:.1f}" for x in w["cycles"])
    tests = c["tests_seconds"]
    return (f"  {arch:7s} {w['median_seconds']:6.1f} s  {how} (first: build {c['build_seconds']:.1f}, "
            f"boot {c['boot_seconds']:.1f}, tests {tests:.1f}; all {len(w['cycles'])}: {every})"
            + (_goal(w["median_seconds"], EDIT_GOALS["suite"]) if with_goal else ""))


def _goal(value, limit, unit="s", more_is_better=False):
    met = value >= limit if more_is_better else value <= limit
    return f"   goal {'>=' if more_is_better else '<='} {limit:.0f} {unit}: {'met' if met else 'NOT met'}"


def _sharing_lines(data):
    lines = []
    for arch, w in data["warm"].items():
        one = w.get("one_test")
        if one:
            lines.append(f"  {arch:7s} {one['median_seconds']:6.1f} s  one test ({one['command']})"
                         + (_goal(one["median_seconds"], EDIT_GOALS["one test"]) if arch == "arm64" else ""))
    for arch, w in data.get("worktree", {}).items():
        lines += ["", "new worktree of an already-built base (config + build):"] if arch == next(iter(data["worktree"])) else []
        rate = w.get("hit_rate") or 0.0
        goal = (_goal(w["seconds"], WORKTREE_GOAL[0]) + "," + _goal(rate, WORKTREE_GOAL[1], "%", True)
                if arch == "arm64" else "")
        lines.append(f"  {arch:7s} {w['seconds']:6.1f} s  ccache {rate:.0f}% hits "
                     f"({w['hits']}/{w['hits'] + w['misses']}){goal}")
    for arch, r in data.get("repro", {}).items():
        lines += ["", f"repro --all --arch {arch}, warm:",
                  f"  {r['warm_seconds']:6.1f} s  {'all reproduced and fixed' if r['ok'] else 'NOT all as expected'}"
                  + (_goal(r["warm_seconds"], REPRO_GOAL) if arch == "arm64" else "")]
    for arch, d in data.get("distcc", {}).items():
        lines += ["", f"full build of {arch}, every compile a ccache miss, without and with distcc over two local distccd:",
                  f"  without {d['without']['seconds']:6.1f} s",
                  f"  with    {d['with']['seconds']:6.1f} s  (jobs per daemon: {d['with']['jobs_per_daemon']})"]
    return lines


def _stolen(load):
    share = hostload.stolen_share(load["start"], load["end"])
    return "" if share is None else f"; CPU stolen by the hypervisor over the run: {share:.0f}%"


def _load(sample):
    return f"load {sample['load1']:.1f}, {sample['compilers']} compiler processes"


def main(args, tree, progress):
    out = Path(args.out or "out/bench-tool").resolve()
    out.mkdir(parents=True, exist_ok=True)
    data = measure(args, Path(tree), out, progress)
    written = [report.write(data, out / "tool.json")]
    if args.json:
        written.append(report.write(data, args.json))
    print(render(data), end="")
    print(f"report: {', '.join(map(str, written))}", file=sys.stderr)
    return 0
