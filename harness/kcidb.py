"""A run as KCIDB I/O data, what KernelCI's database takes: checkout, build, tests, checked with kcidb-io.

Local files go in as file:// URLs: the submitter uploads them, or drops them, before `kcidb-submit`.
"""

import argparse
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .errors import StageFailed
from .report import display_reason, write_atomic
from .results import CONSOLE
from .tap import Status

DEFAULT_ORIGIN = "refpage_ci"
SUITE = "selftests.mm"
RUN_SUITE = "run"  # `run`'s own command or reproducer: not one of the project's selftests
_ORIGIN = re.compile(r"^[a-z0-9_]+$")
_NOT_PATH = re.compile(r"[^A-Za-z0-9_-]+")
_STATUS = {Status.PASS: "PASS", Status.FAIL: "FAIL", Status.SKIP: "SKIP", Status.XFAIL: "PASS",
           Status.ERROR: "ERROR"}
_EXCERPT = 16384
_CONSOLE_PATHS = {CONSOLE: "console.splat", "boot": "console.boot"}


def origin(text):
    """argparse type of --kcidb-origin: KCIDB's origin names are [a-z0-9_]+."""
    if not _ORIGIN.match(text):
        raise argparse.ArgumentTypeError(f"{text!r}: a KCIDB origin is lower-case letters, digits and _, "
                                         f"e.g. {DEFAULT_ORIGIN}")
    return text


def output_file(text):
    """argparse type of --kcidb: a file to write, checked before the run rather than after it."""
    path = Path(text)
    if path.is_dir() or (path.parent.exists() and not path.parent.is_dir()):
        raise argparse.ArgumentTypeError(f"{text}: not a file name; give one such as out/kcidb.json")
    return path


def add_arguments(p):
    p.add_argument("--kcidb", metavar="FILE", type=output_file,
                   help="also write the run as KCIDB I/O data (for kcidb-submit)")
    p.add_argument("--kcidb-origin", type=origin, default=DEFAULT_ORIGIN, metavar="NAME",
                   help="the CI system's name in the KCIDB ids (default: %(default)s)")


def url(path):
    return Path(path).resolve().as_uri()


def rfc3339(stamp):
    """metadata.json's '%Y-%m-%dT%H:%M:%S%z' as KCIDB's date-time."""
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S%z").isoformat() if stamp else None


def path_word(name):
    return _NOT_PATH.sub("_", name).strip("_") or "_"


def patchset_hash(files):
    """KCIDB's patchset hash: sha256 over each patch's sha256, newline-terminated, in order."""
    if not files:
        return ""
    lines = "".join(hashlib.sha256(Path(f).read_bytes()).hexdigest() + "\n" for f in files)
    return hashlib.sha256(lines.encode()).hexdigest()


def _compact(fields):
    return {k: v for k, v in fields.items() if v not in (None, "", [], {})}


def checkout(origin_name, meta, patches=()):
    """The base the run built and the patch files on top of it (none for a tree booted as it is)."""
    digest = patchset_hash(patches)
    commit = meta.get("base_commit") or meta.get("commit")
    key = f"{(commit or 'nogit')[:12]}-{digest[:16] or 'nopatches'}"
    fields = _compact({
        "id": f"{origin_name}:{key}", "origin": origin_name,
        "tree_name": meta.get("tree_name") or Path(meta.get("tree", "")).name,
        "git_commit_hash": commit,
        "git_commit_name": meta.get("kernel_version"),
        "patchset_files": [{"name": Path(p).name, "url": url(p)} for p in patches],
        "start_time": rfc3339(meta.get("started")),
        "valid": True,
        "misc": _compact({"series_port": meta.get("series_port"), "tree_package": meta.get("tree_package"),
                          "tree": meta.get("tree"), "head_commit": meta.get("commit")}),
    })
    return dict(fields, patchset_hash=digest) if commit else fields


def compiler(build_dir):
    """The compiler's own version line, as kbuild recorded it in the .config."""
    config = Path(build_dir or "/nonexistent") / ".config"
    if not config.is_file():
        return None
    m = re.search(r'^CONFIG_CC_VERSION_TEXT="(.*)"$', config.read_text(errors="replace"), re.M)
    return m.group(1) if m else None


def build(origin_name, checkout_id, meta, out):
    """The kernel build: PASS once it produced an image (the run went past it), FAIL otherwise."""
    timings = meta.get("timings", {})
    build_dir = meta.get("build_dir")
    key = f"{checkout_id.split(':', 1)[1]}-{meta['arch']}-{meta.get('config_hash', 'noconfig')[:16]}"
    config = Path(build_dir) / ".config" if build_dir else None
    return _compact({
        "id": f"{origin_name}:{key}", "checkout_id": checkout_id, "origin": origin_name,
        "architecture": meta["arch"],
        "config_name": meta.get("config_variant") or "refpage-ci default",
        "config_url": url(config) if config and config.is_file() else None,
        "compiler": compiler(build_dir),
        "log_url": url(Path(out) / "build.log") if (Path(out) / "build.log").is_file() else None,
        "duration": timings.get("build"),
        "start_time": rfc3339(meta.get("started")),
        "status": "PASS" if "build" in timings or meta.get("kernel") else "FAIL",
        "misc": _compact({"config_hash": meta.get("config_hash"), "build_dir": build_dir,
                          "build_stats": meta.get("build_stats")}),
    })


def _run_key(meta):
    return re.sub(r"[^0-9]", "", meta.get("started") or "")[:14] or "0"


def environment(meta):
    return _compact({"comment": f"QEMU {meta['arch']} under {meta.get('accel', '?')} on {meta.get('host', '?')}",
                     "misc": _compact({"qemu": meta.get("qemu"), "accel_reason": meta.get("accel_reason")})})


@dataclass(frozen=True)
class Run:
    """Whose tests these are: the CI system that reports them (origin), the build they ran on, and
    the run's metadata.json fields (its start and its QEMU), which every test of the run shares."""
    origin: str
    build_id: str
    meta: dict


def test(run, path, status, *, comment="", log="", log_url=None, duration=None, misc=None):
    """One KCIDB test of `run` (a Run); the keywords are KCIDB's optional test fields."""
    meta = run.meta
    return _compact({
        "id": f"{run.build_id}:{_run_key(meta)}:{path}", "build_id": run.build_id, "origin": run.origin,
        "path": path, "status": status, "comment": comment[:400],
        "log_excerpt": log[-_EXCERPT:], "log_url": log_url, "duration": duration,
        "start_time": rfc3339(meta.get("started")), "environment": environment(meta), "misc": misc,
    })


def _test_path(path, suite):
    if path[0] in _CONSOLE_PATHS:
        return _CONSOLE_PATHS[path[0]]
    return ".".join([suite] + [path_word(w) for p in path for w in p.split(".")])  # fixture.test: two levels


def selftest_tests(run, roots, out, durations=None, suite=SUITE):
    """One test of `run` (a Run) per selftest case (kselftest's paths, selftests.mm.<program>.<test>)
    and per console check."""
    console = Path(out) / "console.log"
    log_url = url(console) if console.is_file() else None
    found = []
    for root in roots:
        for path, item in root.flatten():
            found.append(test(run, _test_path(path, suite), _STATUS[item.status],
                              comment=display_reason(item), log="\n".join(item.log), log_url=log_url,
                              duration=(durations or {}).get(root.name) if len(path) == 1 else None,
                              misc=_compact({"directive": item.directive, "tap_status": item.status.value})))
    return found


def schema():
    """kcidb-io's newest schema (imported on use: it costs half a second)."""
    from kcidb_io import schema as schemas
    return schemas.LATEST


def run_objects(origin_name, meta, roots, out, durations=None):
    """(checkout, build, tests) of one boot or run, from its metadata.json fields and results."""
    co = checkout(origin_name, meta, meta.get("series_patches") or ())
    bu = build(origin_name, co["id"], meta, out)
    suite = RUN_SUITE if meta.get("command") == "run" else SUITE
    return co, bu, selftest_tests(Run(origin_name, bu["id"], meta), roots, out, durations, suite)


def stopped_objects(origin_name, meta, out, message, excerpt=""):
    """(checkout, build, tests) of a run that stopped before its tests: a kernel that did not build is a
    build FAIL with the compiler's lines; one that did, a suite ERROR (the selftests did not build)."""
    co = checkout(origin_name, meta, meta.get("series_patches") or ())
    bu = build(origin_name, co["id"], meta, out)
    if bu["status"] == "FAIL":
        bu = dict(bu, comment=message[:400], **({"log_excerpt": excerpt[-_EXCERPT:]} if excerpt else {}))
        return co, bu, []
    return co, bu, [test(Run(origin_name, bu["id"], meta), SUITE, "ERROR", comment=message, log=excerpt)]


def document(checkouts=(), builds=(), tests=()):
    return {"version": {"major": schema().major, "minor": schema().minor},
            "checkouts": _unique(checkouts), "builds": _unique(builds), "tests": list(tests)}


def _unique(objects):
    return list({o["id"]: o for o in objects}.values())


def problem(doc):
    """Why `doc` is not valid KCIDB I/O data of the newest schema kcidb-io has, or None."""
    import jsonschema
    try:
        schema().validate_exactly(doc)
    except jsonschema.exceptions.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "the document"
        return f"{where}: {exc.message[:300]}"
    return None


def write(path, doc):
    """Validated, then written whole; an invalid document is our bug and is not written."""
    why = problem(doc)
    if why:
        raise StageFailed(f"kcidb: the run's KCIDB data does not validate against schema {schema()}: {why}; "
                          f"{path} not written")
    write_atomic(path, json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    return Path(path)
