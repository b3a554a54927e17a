"""`refpage-ci repro <id>|--all --arch A`: put a review-thread bug back, show it, then show it fixed."""

import json
import sys
import time
from pathlib import Path

from harness import kcidb, pipeline, runargs, selftests, tree as trees
from harness.errors import UserError
from harness.remote import options as remote_options
from harness.progress import Progress
from scripts.series import ports

from . import catalogue, kcidb_report, runner, table, usertree
from .scratch import Scratch


def register(subparsers):
    p = subparsers.add_parser(
        "repro", help="show a review-thread bug with its bug patch, then gone without it",
        description="For each id: the series plus patches/bugs/<id>.patch on a scratch branch in a "
                    "worktree kept in the cache (never your checkout: the work starts from its HEAD), "
                    "built and booted, that id's reproducer expected to fail; then the series alone, "
                    "expected to pass. Exit 0 only if both halves of every id came out as expected.")
    p.add_argument("ids", nargs="*", metavar="ID", help=f"bug ids: {', '.join(catalogue.ids())}")
    p.add_argument("--all", action="store_true", help="every id, with a table of both halves and their times")
    runargs.add_arch(p)
    p.add_argument("--tree", help="kernel git checkout, or debian:X.Y (default: debian:6.12, Debian's "
                                  "linux-source-6.12 unpacked into the cache); its uncommitted changes are not "
                                  "part of the run")
    p.add_argument("--port", help="the port of the series (a folder under patches/, e.g. 6.12; default: the "
                                  "one for the tree's version)")
    p.add_argument("--out", help="folder for the logs of every half (default: out/repro-<arch>)")
    p.add_argument("--bug-patch", type=Path, metavar="FILE",
                   help="use this patch instead of patches/bugs/<id>.patch (one id only)")
    runargs.add(p, command_timeout=300.0, each="each reproducer in the guest")
    remote_options.add_arguments(p)
    kcidb.add_arguments(p)
    p.set_defaults(func=repro_command)


def _resolve(args):
    bugs = catalogue.select(args.ids, args.all)
    if args.bug_patch is not None:
        if len(bugs) != 1 or args.all:
            raise UserError("repro: --bug-patch goes with exactly one id")
        if not args.bug_patch.is_file():
            raise UserError(f"--bug-patch {args.bug_patch}: no such file; pass a patch made with "
                            "`git format-patch`")
    if len(bugs) == 1 and not args.all:
        reason = bugs[0].skip_reason(args.arch)
        if reason:
            raise UserError(f"repro: {bugs[0].id} {reason}; run it with --arch {bugs[0].arches[0]}")
    runtime = [b for b in bugs if b.kind == catalogue.RUNTIME and not b.skip_reason(args.arch)]
    if runtime and catalogue.PROGRAM not in selftests.programs():
        raise UserError(f"repro: selftests/Makefile builds no {catalogue.PROGRAM}, the program holding the "
                        "reproducers; add it (issue 5) or run the build-time ids only (RT-semicolon, RT-no-apply)")
    return bugs


def repro_command(args):
    bugs = _resolve(args)
    progress = Progress()
    tree = trees.resolve(args.tree, progress)
    scratch = Scratch(tree, progress)
    before = usertree.snapshot(tree)
    if before.dirty_files():
        progress(f"repro: note: {tree} has uncommitted changes ({', '.join(before.dirty_files()[:3])}"
                 f"{', ...' if len(before.dirty_files()) > 3 else ''}); repro works from its HEAD "
                 f"{before.head[:12]} and leaves them alone")
    out = Path(args.out or Path("out") / f"repro-{args.arch}").resolve()
    out.mkdir(parents=True, exist_ok=True)
    port = ports.choose(trees.kernel_version(tree), args.port)
    progress(f"repro: {port.line()}, tree {tree} ({trees.kernel_version(tree)})")
    ctx = runner.Context(
        arch=args.arch, patches_dir=port.folder, out=out, progress=progress, emit=_emit,
        bug_patch=args.bug_patch.resolve() if args.bug_patch else None,
        options=pipeline.Options.from_args(args, arch=args.arch, remote=remote_options.from_args(args)))
    started = time.monotonic()
    try:
        reports = runner.run(bugs, scratch, ctx)
    finally:
        usertree.check_unchanged(tree, before)
    wall = time.monotonic() - started
    _write_json(out / "repro.json", reports, args.arch, wall, ctx.shared)
    if args.kcidb:
        checkout = kcidb_report.Checkout(before.head, args.tree or trees.DEFAULT_NAME, port,
                                         lambda r: ctx.bug_patch or r.bug.patch(port.folder))
        doc = kcidb_report.document(args.kcidb_origin, reports, out, args.arch, checkout)
        print(f"kcidb: {len(doc['tests'])} tests in {kcidb.write(args.kcidb, doc)}", file=sys.stderr)
    if args.all or len(reports) > 1:
        print(table.render(reports, args.arch, wall, ctx.shared))
    print(f"logs: {out}", file=sys.stderr)
    return 0 if all(r.ok for r in reports) else 1


def _emit(report, half):
    print(f"{report.id}: {half.text}", flush=True)
    if half.detail:
        print(_indent(half.detail), flush=True)


def _indent(text):
    return "\n".join("    " + line for line in text.splitlines())


def _write_json(path, reports, arch, wall, shared):
    data = {
        "arch": arch,
        "wall_seconds": round(wall, 1),
        "shared": [{"what": label, "seconds": round(s, 1)} for label, s in shared],
        "ids": [{"id": r.id, "test": r.bug.test, "kind": r.bug.kind, "ok": r.ok, "note": r.note,
                 "bug": {"state": r.bug_half.state, "text": r.bug_half.text, "seconds": round(r.bug_half.seconds, 1)},
                 "fixed": {"state": r.fixed_half.state, "text": r.fixed_half.text,
                           "seconds": round(r.fixed_half.seconds, 1)}}
                for r in reports],
    }
    path.write_text(json.dumps(data, indent=1))
