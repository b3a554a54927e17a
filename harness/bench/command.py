"""`refpage-ci bench`: the feature table in the guest, or (--tool) the tool's own speed."""

import sys
from pathlib import Path

from harness import machine as machines, pipeline, runargs, tree as trees
from harness.errors import StageFailed, UserError
from harness.progress import Progress

from scripts.bench import cases
from .tool import options


def register(subparsers):
    p = subparsers.add_parser(
        "bench", help="the v4 cover letter's table in the guest (--tool: the tool's own speed)",
        description="Boot the series kernel and run the v4 cover letter's microbenchmark (memset vs "
                    "reference pages, plus one-byte vs full-page patterns and MTE pre-tagging) N times; "
                    "print the medians and the improvement with its 95%% CI in the cover letter's layout. "
                    "--tool measures the tool instead: cold builds, the warm cycle, boot to first test "
                    "output, and virtme-ng's kernel config built on the same tree.")
    runargs.add_arch(p, several=True, required=False, why=" (several with --tool; default there: all)")
    p.add_argument("--tree", help="kernel checkout with the series applied, or debian:X.Y: a worktree of "
                                  "that Debian tree kept in the cache, the series applied to it (default: "
                                  "debian:6.12)")
    p.add_argument("--runs", type=int, default=10, help="runs per case; the table shows medians (default: 10)")
    p.add_argument("--iterations", type=int, default=cases.ITERATIONS,
                   help="map/touch/unmap iterations per run (default: %(default)s, as in v4)")
    p.add_argument("--only", action="append", choices=[c.key for c in cases.COMPARISONS],
                   help="only this comparison (repeatable; default: all that the arch supports)")
    p.add_argument("--json", help="also write the report (samples, medians, intervals) here")
    p.add_argument("--out", help="folder for logs and bench.json (default: out/bench-<arch>)")
    p.add_argument("--tool", action="store_true", help="benchmark the tool itself (heavy: cold kernel builds)")
    p.add_argument("--vng-arch", default="x86_64", choices=machines.known_arches(),
                   help="--tool: the arch whose virtme-ng config is built for comparison (default: %(default)s)")
    p.add_argument("--warm-runs", type=int, default=3, help="--tool: warm cycles and first-output boots "
                                                             "measured (default: 3)")
    p.add_argument("--steps", action="append", choices=("warm", "first", "worktree", "repro", "distcc", "cold", "vng"),
                   help="--tool: only these measurements (repeatable; default: all)")
    runargs.add(p, timeout=6 * 3600.0, command_timeout=3600.0, each="each run in the guest")
    p.set_defaults(func=bench_command)


def _check(args):
    if args.runs < 1 or args.iterations < 1 or args.warm_runs < 1:
        raise UserError("bench: --runs, --iterations and --warm-runs must be at least 1")
    if not args.tool and (not args.arch or len(args.arch) != 1):
        raise UserError("bench: give one --arch (arm64 or x86_64); --tool takes several")
    if args.tree and not trees.named_version(args.tree) and not Path(args.tree).is_dir():
        raise UserError(f"bench: --tree {args.tree}: no such folder; pass a kernel checkout with the series")


def tree_for(args, progress):
    version = trees.named_version(args.tree) if args.tree else trees.DEFAULT_VERSION
    if not version:
        return args.tree
    from harness import seriestree
    return str(seriestree.worktree(version, progress)[0])


def bench_command(args):
    _check(args)
    progress = Progress()
    if args.tool:
        from . import tool
        return tool.main(args, tree_for(args, progress), progress)
    return feature(args, progress)


def feature(args, progress):
    from scripts.bench import chart, report, table

    from . import guest
    arch = args.arch[0]
    comparisons = cases.comparisons_for(arch, args.only)
    if not comparisons:
        raise UserError(f"bench: --only {', '.join(args.only)}: nothing of that runs on {arch}")
    opts = options(args, arch, tree_for(args, progress), args.out)
    rep, outcome, prep = guest.run(opts, guest.Plan(tuple(comparisons), args.runs, args.iterations), progress)
    written = [report.write(rep, prep.out / "bench.json")]
    if args.json:
        written.append(report.write(rep, args.json))
    svg = chart.write(rep, prep.out / "bench.svg")
    if svg:
        written.append(svg)
    else:
        progress(f"bench: no chart: matplotlib is not installed ({chart.EXTRA})")
    print(table.render(rep), end="")
    print(f"report: {', '.join(map(str, written))}; logs: {prep.out}", file=sys.stderr)
    if outcome.splats:
        raise StageFailed("bench: the kernel splatted during the benchmark; the figures are not to be "
                          "trusted", pipeline.splat_report(outcome))
    if outcome.error:
        raise StageFailed(f"bench: {outcome.error}", "\n".join(outcome.console[-15:]))
    if rep["errors"]:
        raise StageFailed(f"bench: {len(rep['errors'])} measurement(s) failed", "\n".join(rep["errors"]))
    return 0
