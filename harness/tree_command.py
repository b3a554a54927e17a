"""`refpage-ci tree list|fetch`: the Debian base trees (debian:X.Y) there are, and caching one."""

import sys

from . import debian_source, tree as trees, tree_catalogue
from .errors import UserError
from .progress import Progress


def register(subparsers):
    top = subparsers.add_parser("tree", help="the Debian base trees (--tree debian:X.Y): list, fetch",
                                description="debian:X.Y names Debian's linux-source-X.Y: the tarball in "
                                            "/usr/src when installed, else the highest version in "
                                            f"{', '.join(debian_source.SUITES)}, downloaded with refpage-ci's "
                                            "own apt configuration; unpacked once into the cache as a git "
                                            f"checkout. No --tree means {trees.DEFAULT_NAME}.")
    sub = top.add_subparsers(dest="tree_command", metavar="COMMAND", required=True)
    p = sub.add_parser("list", help="the debian:X.Y there are, and which are cached (package, path)")
    p.add_argument("--refresh", action="store_true",
                   help=f"read the package lists of {', '.join(debian_source.SUITES)} again first")
    p.set_defaults(func=list_command)
    p = sub.add_parser("fetch", help="cache debian:X.Y now (download and unpack; once)")
    p.add_argument("names", nargs="+", metavar="debian:X.Y")
    p.set_defaults(func=fetch_command)


def list_command(args, out=None):
    out = out or sys.stdout
    apt = debian_source.Apt()
    if args.refresh:
        with apt.locked():
            apt.update(Progress())
    rows = [_row(e) for e in tree_catalogue.entries(apt)]
    widths = [max(len(r[i]) for r in rows + [_HEADER]) for i in range(3)]
    for row in [_HEADER] + rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[3], file=out)
    print(_lists_note(apt), file=out)
    return 0


_HEADER = ("tree", "state", "package", "where")


def _row(entry):
    mark = " (the default)" if entry.version == trees.DEFAULT_VERSION else ""
    if entry.checkout:
        newer = entry.newer()
        note = f"; newer: {newer} ({newer.origin})" if newer else ""
        package = str(entry.package) if entry.package else "(version not recorded)"
        return entry.name, "cached", package, f"{entry.checkout}{mark}{note}"
    if entry.installed:
        return entry.name, "installed", str(entry.installed), f"{entry.installed.origin}{mark}"
    return entry.name, "fetchable", str(entry.offer), f"{debian_source.MIRROR} {entry.offer.origin}{mark}"


def _lists_note(apt):
    suites = ", ".join(debian_source.SUITES)
    age = apt.lists_age()
    if age is None:
        return f"package lists of {suites}: not read yet (`refpage-ci tree list --refresh` reads them)"
    return f"package lists of {suites}: read {_ago(age)} ago, in {apt.lists} (--refresh reads them again)"


def _ago(seconds):
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit}"
    return f"{seconds:.0f} s"


def fetch_command(args, out=None):
    out = out or sys.stdout
    versions = [_version(name) for name in args.names]
    progress = Progress()
    for version in versions:
        cached = (trees.checkout_dir(version) / ".git").is_dir()
        checkout = trees.default_tree(version, progress=progress)
        package = trees.recorded(checkout)
        print(f"debian:{version}: {package or '(version not recorded)'}"
              f"{' (from ' + package.origin + ')' if package else ''}, "
              f"{'cached already' if cached else 'cached'} in {checkout}", file=out)
    return 0


def _version(name):
    version = trees.named_version(name)
    if not version:
        raise UserError(f"tree fetch {name}: not a Debian tree name; pass debian:X.Y (`refpage-ci tree list` "
                        "shows them)")
    return version
