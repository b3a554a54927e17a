"""`repro --kcidb`: each id's two halves as KCIDB tests, each on the build its half booted."""

import json
import time
from dataclasses import dataclass
from pathlib import Path

from harness import kcidb

from .catalogue import APPLY
from .verdict import SKIPPED


@dataclass(frozen=True)
class Checkout:
    """What every half was checked out from: the base commit and the tree's name under the series,
    the series' port, and bug_patch(report), the patch file a bug half adds on top."""
    base_commit: str
    tree_name: str
    port: object            # scripts.series.ports.Port
    bug_patch: object


def half_folder(out, report, half_name, arch):
    if half_name == "bug":
        return Path(out) / report.id
    variant = report.bug.variant(arch)
    return Path(out) / (f"fixed-{variant}" if variant else "fixed")


def _meta(folder, arch, base):
    path = folder / "metadata.json"
    meta = json.loads(path.read_text()) if path.is_file() else {}
    return dict(meta, arch=arch, base_commit=base["commit"], tree_name=base["tree_name"],
                series_port=base["port"], started=meta.get("started") or base["started"])


def _status(half):
    if half.state == SKIPPED:
        return "SKIP"
    return "PASS" if half.ok else "FAIL"


def _objects(origin, report, half_name, half, ctx):
    folder = half_folder(ctx["out"], report, half_name, ctx["arch"])
    meta = _meta(folder, ctx["arch"], ctx)
    patches = list(ctx["patches"]) + ([ctx["bug_patch"](report)] if half_name == "bug" else [])
    co = kcidb.checkout(origin, meta, [p for p in patches if Path(p).is_file()])
    bu = kcidb.build(origin, co["id"], meta, folder)
    if report.bug.kind == APPLY or "config_hash" not in meta:
        bu = dict(bu, id=f"{co['id']}-{ctx['arch']}-nobuild", status="SKIP",
                  comment="nothing built for this half: series apply and export only")
    console = folder / "console.log"
    path = f"repro.{kcidb.path_word(report.id)}.{half_name}"
    te = kcidb.test(kcidb.Run(origin, bu["id"], meta), path, _status(half),
                    comment=half.text, log=half.detail, log_url=kcidb.url(console) if console.is_file() else None,
                    duration=round(half.seconds, 2),
                    misc={"state": half.state, "kind": report.bug.kind, "test": report.bug.test or ""})
    return co, bu, te


def document(origin, reports, out, arch, checkout):
    """Each report's two halves, their folders under `out`, as of `checkout` (a Checkout)."""
    ctx = {"out": out, "arch": arch, "commit": checkout.base_commit, "tree_name": checkout.tree_name,
           "port": checkout.port.name, "patches": port_patches(checkout.port), "bug_patch": checkout.bug_patch,
           "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    parts = [_objects(origin, r, name, half, ctx) for r in reports
             for name, half in (("bug", r.bug_half), ("fixed", r.fixed_half))]
    return kcidb.document([p[0] for p in parts], [p[1] for p in parts], [p[2] for p in parts])


def port_patches(port):
    from scripts.series import seriesfile
    return [port.folder / name for name in seriesfile.load(port.folder).patches]
