"""`refpage-ci syscalls render`: the new syscall's entries in every table of a tree."""

import json
import re
import sys
from pathlib import Path

from harness import process, tree as trees
from harness.errors import StageFailed, UserError

from . import discover, patch, proof, render
from .selftest_header import render_header

_IDENTIFIER_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def register(subparsers):
    top = subparsers.add_parser("syscalls", help="the syscall-table entries of the series",
                                description="Render a new syscall's entries for every syscall "
                                            "table of a kernel tree.")
    sub = top.add_subparsers(dest="syscalls_command", metavar="COMMAND", required=True)
    p = sub.add_parser("render", help="print (or apply) the entries for every table, numbered from the tree",
                       description="Print the entries a new syscall needs in every syscall table of the "
                                   "tree, with the number chosen (one past the highest in use in the "
                                   "unified range) and why, followed by a diff `git apply` takes.")
    p.add_argument("--tree", help="kernel source tree, or debian:X.Y: Debian's linux-source-X.Y cached as a "
                                  "checkout (default: debian:6.12)")
    p.add_argument("--name", default="refpage_create", help="syscall name (default: %(default)s)")
    p.add_argument("--entry", default=None, help="entry point (default: sys_<name>)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--apply", action="store_true", help="edit the tables in the tree")
    mode.add_argument("--check", action="store_true",
                      help="exit 1 when the tree is not in the rendered state")
    p.add_argument("--json", action="store_true", help="print the number per table and ABI as JSON")
    p.add_argument("--header", type=Path, metavar="FILE",
                   help="write a header with __NR_<name> per architecture for the selftests")
    p.add_argument("--prove", action="store_true",
                   help="run the kernel's header generation for every architecture and check it "
                        "(the tree must be rendered: with --apply, or already)")
    p.set_defaults(func=render_command)


def render_command(args, run=process.run, out=None):
    out = out or sys.stdout
    notes = sys.stderr if args.json else out
    name, entry = _names(args)
    tree = _tree(args.tree)
    plan = render.plan(discover.find_tables(tree), name, entry)
    changes = patch.file_changes(tree, plan)
    if args.json:
        print(json.dumps(as_json(plan, tree), indent=2), file=out)
    else:
        print(render.template("report.txt.j2").render(plan=plan, tree=tree), file=out, end="")
        print(patch.diff(changes), file=out, end="")
    if args.apply and changes:
        _refuse_dirty(tree, changes, run)
        patch.write(tree, changes)
        print(f"applied: {', '.join(c.path for c in changes)}", file=notes)
    if args.header:
        args.header.write_text(render_header(plan, f"Linux {trees.kernel_version(tree)} ({tree})"))
        print(f"wrote {args.header}", file=notes)
    if args.prove:
        _prove(tree, plan, args, run, notes)
    if args.check and plan.pending:
        print(f"not rendered: {len(plan.pending)} of {len(plan.additions)} tables lack {name}", file=notes)
        return 1
    return 0


def as_json(plan, tree):
    top, path, entry = plan.choice.highest or (None, None, None)
    return {
        "tree": str(tree),
        "name": plan.name,
        "entry": plan.entry,
        "number": plan.number,
        "reason": plan.choice.reason,
        "highest": None if top is None else {"number": top, "name": entry.name, "table": path,
                                             "line": entry.lineno},
        "tables": [_table_json(a) for a in plan.additions],
    }


def _table_json(addition):
    table = addition.table
    data = {"table": table.path, "arch": table.arch, "variant": table.variant, "kind": table.kind,
            "abi": addition.abi, "number": addition.number,
            "state": "add" if addition.lines else "present"}
    if table.aliases:
        data["aliases"] = list(table.aliases)
    if table.consumers:
        data["used_by"] = list(table.consumers)
    if addition.count is not None:
        data["count"] = {"file": addition.count.path, "macro": addition.count.macro,
                         "value": addition.count.value, "new_value": addition.count_value}
    return data


def _names(args):
    name = args.name
    entry = args.entry or f"sys_{name}"
    for flag, value in (("--name", name), ("--entry", entry)):
        if not _IDENTIFIER_RE.match(value):
            raise UserError(f"{flag} {value!r} is not a C identifier; pass e.g. {flag} "
                            f"{'refpage_create' if flag == '--name' else 'sys_refpage_create'}")
    return name, entry


def _tree(path):
    return trees.resolve(path)


def _refuse_dirty(tree, changes, run):
    """Never edit over uncommitted work: the user could not tell our lines from theirs."""
    paths = sorted({c.path for c in changes})
    status = run(["git", "-C", tree, "status", "--porcelain", "--", *paths])
    dirty = [line[3:] for line in status.stdout.splitlines() if not line.startswith("??")]
    if status.ok and dirty:
        raise UserError(f"--apply: {tree} has uncommitted changes in {', '.join(dirty)}; "
                        "commit or stash them, then apply again")


def _prove(tree, plan, args, run, notes):
    if plan.pending and not args.apply:
        raise UserError(f"--prove: {tree} lacks {plan.name} in {len(plan.pending)} tables; "
                        "add --apply, or prove a rendered tree")
    rendered = render.plan(discover.find_tables(tree), plan.name, plan.entry)
    result = proof.prove(tree, rendered, run=run)
    report = "\n".join(result.lines())
    if not result.ok:
        raise StageFailed(f"syscalls: the header generation does not show {plan.name} "
                          f"as {plan.number} everywhere", detail=report)
    print(report, file=notes)
    print(f"proved: {len(result.checks)} headers on {len({c.arch for c in result.checks})} architectures "
          f"define {plan.name} as numbered", file=notes)
