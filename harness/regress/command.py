"""`refpage-ci regress --arch A [--tree T]`: the tree's mm selftests on the base kernel and on the
series kernel (same config, same binaries), one table, exit 1 on a regression."""

import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from harness import kcidb, machine as machines, markers, paths, pipeline, results, runargs, tap, tree as trees
from harness.errors import UserError
from harness.progress import Progress

from . import bugtree, mmbuild, report, verdict
from .programs import PROGRAMS, SETUP, binaries

GUEST_DIR = "/mm"
CONSOLE_ROW = "kernel console"
RERUNS = 2


@dataclass(frozen=True)
class Kernel:
    """One of the two kernels compared: prepared (pipeline.prepare), and the options it boots with."""
    prep: object
    opts: object


@dataclass
class Run:
    """One kernel's boot: label -> verdict.Side, and what KCIDB and the excerpts need."""
    sides: dict
    outcome: object
    prep: object
    roots: list


def register(subparsers):
    p = subparsers.add_parser(
        "regress", help="the tree's own mm selftests on the base kernel and on the series; exit 1 on a regression",
        description="Builds the base tree and the series (the same config as boot's, so the series kernel is "
                    "boot's own build; --fragment qemu_images/regress.fragment adds debugfs, GUP_TEST and hugetlbfs "
                    "for gup_test, split_huge_page_test and the hugetlb cases, at the price of two more builds), "
                    "the tree's tools/testing/selftests/mm programs once (static, with the tree's Makefile), "
                    "boots both kernels, runs the same programs with run_vmtests.sh's arguments, each in a time "
                    "box, and prints each program and TAP subtest on both with a verdict. A pass on the base "
                    "that fails, crashes, times out or skips on the series is a regression (exit 1).")
    runargs.add_arch(p)
    p.add_argument("--tree", help=f"debian:X.Y, the base under the series (default: {trees.DEFAULT_NAME})")
    p.add_argument("--out", help="folder for both runs' logs and the comparison (default: out/regress-<arch>)")
    p.add_argument("--config", dest="variant", help="config variant on top of base, for both kernels")
    p.add_argument("--fragment", action="append", default=[],
                   help="extra config fragment for both kernels (repeatable), e.g. qemu_images/regress.fragment")
    p.add_argument("--only", action="append", metavar="PROGRAM",
                   help="run only this mm program, e.g. cow (repeatable)")
    p.add_argument("--bug-patch", type=Path, metavar="FILE",
                   help="a throwaway patch on top of the series (git am -3): does regress catch it?")
    p.add_argument("--all-tests", action="store_true", help="every subtest in the table, not only those not ok")
    runargs.add(p)
    p.add_argument("--junit", help="also write the comparison as JUnit XML here")
    p.add_argument("--json", help="also write the comparison as JSON here")
    kcidb.add_arguments(p)
    p.set_defaults(func=regress_command)


def fragments(machine, given):
    """--fragment's files; qemu_images/regress.fragment brings the arch's own regress.fragment along."""
    shared, own = paths.QEMU_IMAGES / "regress.fragment", machine.folder / "regress.fragment"
    files = [Path(f) for f in given]
    if any(f.resolve() == shared.resolve() for f in files if f.exists()) and own.is_file():
        files.append(own)
    return tuple(str(f) for f in files)


def selected(only):
    names = [p.binary for p in PROGRAMS]
    unknown = [o for o in only or () if o not in names]
    if unknown:
        raise UserError(f"--only {unknown[0]}: not one of regress's mm programs; they are "
                        f"{', '.join(dict.fromkeys(names))}")
    return [p for p in PROGRAMS if not only or p.binary in only]


def regress_command(args):
    started = time.monotonic()
    progress = Progress()
    version = trees.named_version(args.tree or trees.DEFAULT_NAME)
    if not version:
        raise UserError(f"--tree {args.tree}: regress compares a Debian base with the series on it; "
                        f"give debian:X.Y (e.g. {trees.DEFAULT_NAME})")
    machine = machines.load(args.arch)
    programs = selected(args.only)
    out = Path(args.out or Path("out") / f"regress-{args.arch}").resolve()
    series_tree = bugtree.worktree(version, args.bug_patch, progress) if args.bug_patch else None
    template = pipeline.Options.from_args(args, arch=args.arch, tree=args.tree, variant=args.variant,
                                          fragments=fragments(machine, args.fragment))
    base_opts = replace(template, out=out / "base", no_series=True)
    series_opts = replace(template, out=out / "series", tree=series_tree or args.tree)
    base = pipeline.prepare(base_opts, "regress", progress)
    series = pipeline.prepare(series_opts, "regress", progress)
    kernels = {"base": Kernel(base, base_opts), "series": Kernel(series, series_opts)}
    present, not_run = _present(programs, base.tree, machine)
    built = mmbuild.build(base.site, binaries(present), base.out / "build.log", progress)
    progress(f"regress: mm selftests {'from the cache' if built.cached else 'built'} in {built.folder}")
    not_run.update({p.label: f"does not build in {base.tree.name}: {built.failed[p.binary]}"
                    for p in present if p.binary in built.failed})
    runnable = [p for p in present if p.binary in built.binaries]
    sides = {name: _run(kernel, runnable, built, progress) for name, kernel in kernels.items()}
    labels = [p.label for p in runnable] + [CONSOLE_ROW]
    comparison = verdict.compare(labels, sides["base"].sides, sides["series"].sides, not_run)
    comparison = _confirmed(comparison, kernels["series"], runnable, built, progress)
    meta = _meta(args, machine, sides, time.monotonic() - started)
    _write(comparison, meta, out, args, machine)
    _write_kcidb(args, sides.values())
    return _print(comparison, sides, args, out, time.monotonic() - started)


def _confirmed(comparison, series, programs, built, progress):
    """Each regressed program run RERUNS more times on the `series` Kernel, each in a boot of its own
    (series/rerun-N): a TCG guest on a busy host loses races a test did not mean to run."""
    regressed = set(comparison.regressed_programs())
    suspects = [p for p in programs if p.label in regressed]
    if not suspects:
        return comparison
    reruns = {p.label: [] for p in suspects}
    for n in range(1, RERUNS + 1):
        progress(f"regress: running {', '.join(reruns)} again on the series ({n} of {RERUNS}) to tell a "
                 "regression from a flake")
        run = _run(_elsewhere(series, series.prep.out / f"rerun-{n}"), suspects, built, progress)
        for label, sides in reruns.items():
            if label in run.sides:
                sides.append(run.sides[label])
    return verdict.confirm(comparison, reruns)


def _elsewhere(kernel, out):
    """The same kernel and programs, its logs in `out`."""
    out.mkdir(parents=True, exist_ok=True)
    prep = kernel.prep
    configured = replace(prep.built.configured, out=out)
    return replace(kernel, prep=replace(prep, built=replace(prep.built, configured=configured)))


def _present(programs, tree, machine):
    present, not_run = [], {}
    for p in programs:
        why = p.skip_reason(tree, machine.name)
        if why:
            not_run[p.label] = why
        else:
            present.append(p)
    return present, not_run


def _run(kernel, programs, built, progress):
    """Boot the Kernel, run the setup then every program; a guest that dies in one is booted again for
    the rest, so one crash does not leave the others unrun. Returns a Run."""
    prep = kernel.prep
    files = tuple((f"{GUEST_DIR}/{b}", path) for b, path in built.binaries.items())
    longest = max([p.timeout for p in programs] + [60])
    opts = replace(kernel.opts, command_timeout=longest + 60, timeout=sum(p.timeout for p in programs) + 300)
    outcomes, pending = [], list(programs)
    while pending:
        if outcomes:
            (prep.out / "console.log").replace(prep.out / f"console-{len(outcomes)}.log")
        progress(f"regress: {prep.out.name} kernel {prep.kernel}: {len(pending)} programs")
        work = pipeline.Workload((("setup", SETUP),) + tuple((p.label, p.command(GUEST_DIR)) for p in pending),
                                 files=files)
        outcome = pipeline.boot(prep, work, opts, progress)
        outcomes.append(outcome)
        ran = {res.name for res in _begun(outcome)} - {"setup"}
        if not outcome.error or not ran:
            break
        pending = [p for p in pending if p.label not in ran]
        if pending:
            progress(f"regress: {outcome.error}; booting the {prep.out.name} kernel again for the other "
                     f"{len(pending)} programs (console of the first in console-{len(outcomes)}.log)")
    return _sides(prep, programs, outcomes)


def _begun(outcome):
    """The commands the guest started: one sent to a guest already dying is run again on the next boot."""
    lines = set(outcome.console)
    return [res for res in outcome.results if markers.Markers(res.secret).begin.decode() in lines]


def _sides(prep, programs, outcomes):
    merged = pipeline.BootOutcome(
        results=[res for o in outcomes for res in _begun(o) if res.name != "setup"],
        splats=[s for o in outcomes for s in o.splats], boot_seconds=outcomes[0].boot_seconds,
        error="; ".join(o.error for o in outcomes if o.error) or None, console=outcomes[-1].console)
    collected = results.collect(prep.machine.name, merged, results.AUTO)
    results.write(collected, merged, prep.out)
    roots = {r.name: r for r in collected[prep.machine.name]}
    by_name = {res.name: res for res in merged.results}
    sides = {p.label: verdict.side((by_name[p.label], roots[p.label]), p.timeout) for p in programs
             if p.label in by_name}
    sides[CONSOLE_ROW] = _console_side(roots.get(results.CONSOLE), merged, outcomes)
    return Run(sides, merged, prep, list(roots.values()))


SHELL_DIED = "Attempted to kill init! exitcode=0x00000000"


def _shell_death(outcome):
    """The guest's shell (PID 1) read end-of-file at the prompt and exited 0: the console's input,
    not the kernel (docs/regress.md); the boot after it runs the rest."""
    return any(SHELL_DIED in line for line in outcome.console)


def _console_side(root, merged, outcomes):
    excerpt = tuple(line for o in outcomes if o.splats for line in pipeline.splat_report(o).splitlines())
    died = [o for o in outcomes if o.error]
    only_panics = all(s.kind == "panic" for o in outcomes for s in o.splats)  # that exit's own, no other
    if died and only_panics and all(_shell_death(o) for o in died):
        return verdict.Side(verdict.PASS, f"no kernel splat; the guest's shell read end-of-file {len(died)} "
                                          "times (init exited 0) and the kernel was booted again")
    if merged.error:
        return verdict.Side(verdict.ERROR, merged.error, output=excerpt or tuple(outcomes[-1].console[-15:]))
    if root is None or root.status is tap.Status.PASS:
        return verdict.Side(verdict.PASS)
    return verdict.Side(verdict.FAIL, root.reason, output=excerpt)


def _meta(args, machine, sides, seconds):
    def kernel(run):
        prep, outcome = run.prep, run.outcome
        data = prep.meta.data
        return {"tree": str(prep.tree), "commit": data.get("commit"), "kernel_version": data.get("kernel_version"),
                "series_port": data.get("series_port"), "build_dir": str(prep.build_dir),
                "boot_seconds": outcome.boot_seconds, "logs": str(prep.out)}
    return {"command": "regress", "arch": machine.name, "tree": args.tree or trees.DEFAULT_NAME,
            "bug_patch": str(args.bug_patch) if args.bug_patch else None, "seconds": round(seconds, 1),
            "base": kernel(sides["base"]), "series": kernel(sides["series"])}


def _write(comparison, meta, out, args, machine):
    suite = f"regress.{machine.name}"
    for path in (out / "regress.json", args.json):
        if path:
            report.write_json(comparison, meta, path)
    for path in (out / "junit.xml", args.junit):
        if path:
            report.write_junit(comparison, suite, path)
    report.write_atomic(out / "table.txt", report.table(comparison, every_subtest=True) + "\n")


def _write_kcidb(args, runs):
    """--kcidb: both kernels as checkouts and builds of their own (the base without the series'
    patches), each program's results as selftests.mm.<program> tests, for KCIDB to compare."""
    if not args.kcidb:
        return
    objects = [kcidb.run_objects(args.kcidb_origin, r.prep.meta.data, r.roots, r.prep.out,
                                 {res.name: round(res.seconds, 2) for res in r.outcome.results}) for r in runs]
    checkouts, builds, tests = zip(*objects)
    path = kcidb.write(args.kcidb, kcidb.document(checkouts, builds, [t for ts in tests for t in ts]))
    print(f"kcidb: {sum(map(len, tests))} tests in {path} (schema {kcidb.schema()})", file=sys.stderr)


def _print(comparison, sides, args, out, seconds):
    print(report.table(comparison, args.all_tests))
    for part in (report.not_run(comparison), report.already_failing(comparison), report.flaky(comparison)):
        if part:
            print(part)
    print(report.totals_line(comparison) + f" in {seconds:.0f}s")
    if not comparison.regressions:
        print(f"logs: {out} (table of every subtest: {out / 'table.txt'})", file=sys.stderr)
        return 0
    for program in comparison.regressed_programs():
        print(_excerpt(program, sides["series"].sides.get(program)), file=sys.stderr)
    print(f"refpage-ci: regress: {len(comparison.regressions)} regressions in "
          f"{', '.join(comparison.regressed_programs())}; logs: {out}", file=sys.stderr)
    return 1


def _excerpt(program, side, lines=25):
    if side is None:
        return f"--- {program}: not run on the series ---"
    shown = list(side.output)[-lines:] or [side.reason]
    return "\n".join([f"--- {program} on the series: {side.state}: {side.reason} (its last console lines) ---",
                      *shown])
