"""`refpage-ci series apply|export|refresh|check`."""

from pathlib import Path

from harness import machine as machines, runargs, tree as trees
from harness.errors import StageFailed, UserError

from . import apply as applying, ports
from .git import Git
from .route import Route


def register(subparsers):
    top = subparsers.add_parser("series", help="apply, export, refresh and check the patch series",
                                description="The patch series in patches/: apply it to a kernel tree "
                                            "(the syscall wiring rendered for that tree), export it for "
                                            "git send-email, write an edited branch back, check it.")
    sub = top.add_subparsers(dest="series_command", metavar="COMMAND", required=True)

    p = sub.add_parser("apply", help="a branch from HEAD with the series applied (git am -3)",
                       description="Refuse a tree with uncommitted changes; make --branch from HEAD; "
                                   "git am -3 each patch in order, the rendered syscall wiring in its "
                                   "place. On a failure: name the patch, file and hunk, git am --abort, "
                                   "and leave the tree and its branch as they were.")
    _tree(p)
    _patches(p)
    p.add_argument("--branch", default=applying.DEFAULT_BRANCH, help="branch to make (default: %(default)s)")
    p.set_defaults(func=apply_command)

    p = sub.add_parser("export", help="git format-patch with the rendered cover letter, for git send-email")
    _tree(p)
    _patches(p)
    _range(p)
    p.add_argument("--version", "-v", type=int, required=True, help="series version (5 or later)")
    p.add_argument("--out", type=Path, help="output folder (default: out/series-v<N>)")
    p.add_argument("--bench", action="append", default=[], metavar="JSON",
                   help="put this `refpage-ci bench --json` report's table into the cover letter (repeatable)")
    p.set_defaults(func=export_command)

    p = sub.add_parser("refresh", help="write the applied branch's commits back into patches/")
    _tree(p)
    _patches(p)
    _range(p)
    p.set_defaults(func=refresh_command)

    p = sub.add_parser("check", help="checkpatch.pl --strict on every commit; every commit builds alone",
                       description="In a worktree kept in the cache (never your checkout): apply the "
                                   "series, run checkpatch.pl --strict on every commit (errors fail, "
                                   "warnings are listed), and build every commit for each arch with the "
                                   "incremental builds.")
    _tree(p)
    _patches(p)
    runargs.add_arch(p, several=True, required=False, why=" (default: all)")
    p.add_argument("--no-build", action="store_true", help="checkpatch only")
    p.add_argument("--build-commits", metavar="SPEC",
                   help="build only these commits: 'last', or 1-based numbers such as '1,3' (default: all)")
    p.set_defaults(func=check_command)


def _tree(p):
    p.add_argument("--tree", help="kernel git checkout, or debian:X.Y: Debian's linux-source-X.Y cached as one "
                                  "(default: debian:6.12)")


def _patches(p):
    p.add_argument("--port", help="the port of the series to use: a folder name under patches/ such as 6.12 "
                   "(default: the one for the tree's `make kernelversion`; refresh and export: the one applied)")
    p.add_argument("--patches", type=Path,
                   help="a series folder of your own (series file and patches) instead of a port")


def _range(p):
    p.add_argument("--branch", default=applying.DEFAULT_BRANCH, help="the applied branch (default: %(default)s)")
    p.add_argument("--base", help="the commit below the series (default: the one `series apply` recorded)")


def resolve_tree(path):
    tree = trees.resolve(path)
    if not (tree / ".git").exists():
        raise UserError(f"--tree {tree} is not a git checkout; `git init` it and commit the base first")
    return tree


def _patches_dir(path):
    path = Path(path).expanduser().resolve()
    if not path.is_dir():
        raise UserError(f"--patches {path}: no such folder; pass the folder holding the series file")
    return path


def port_key(branch):
    return f"branch.{branch}.refpage-ci-port"


def _port(args, tree, recorded=False, say=print):
    """--patches, else --port, else (refresh, export) the port the branch was applied from, else the
    port for the tree's version; the first line of the command's output names it."""
    folder = _patches_dir(args.patches) if args.patches else None
    name = args.port
    if recorded and not (folder or name):
        name = Git(tree)("config", "--get", port_key(args.branch)).output.strip() or None
    port = ports.choose(trees.kernel_version(tree), name, folder)
    say(f"series: {port.line()}, tree {tree} ({trees.kernel_version(tree)})")
    return port


def apply_command(args):
    tree = resolve_tree(args.tree)
    port = _port(args, tree)
    applying.apply_series(tree, Route(port.folder, args.branch))
    if not args.patches:
        Git(tree)("config", port_key(args.branch), port.name)
    return 0


def export_command(args):
    from .export import Posting, export
    out = args.out or Path("out") / f"series-v{args.version}"
    tree = resolve_tree(args.tree)
    export(Git(tree), Route(_port(args, tree, recorded=True).folder, args.branch),
           Posting(args.version, out, tuple(args.bench)), args.base)
    return 0


def refresh_command(args):
    from .refresh import refresh
    tree = resolve_tree(args.tree)
    refresh(Git(tree), Route(_port(args, tree, recorded=True).folder, args.branch), args.base)
    return 0


def check_command(args):
    from harness import commitbuild
    from harness.progress import Progress

    from . import check
    arches = args.arch or machines.known_arches()
    tree = resolve_tree(args.tree)
    builds = None if args.no_build else check.Builds(commitbuild.build_one, tuple(arches), args.build_commits)
    reports = check.check(tree, _port(args, tree).folder, builds, progress=Progress())
    text = check.summary(reports)
    bad = [r for r in reports if not r.ok]
    if bad:
        raise StageFailed(f"series check: {len(bad)} of {len(reports)} commits have checkpatch errors or "
                          "do not build", text)
    print(text)
    print(f"series check: {len(reports)} commits: no checkpatch errors"
          + ("" if args.no_build else f", every built commit builds for {', '.join(arches)}"))
    return 0
