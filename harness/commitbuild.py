"""One commit of `series check` built for one arch: the kernel with the harness' incremental build, and the
selftests commit also with the tree's own mm selftests Makefile."""

from . import intree, pipeline
from .errors import Stage, StageFailed


def build_one(wt, arch, out, progress, intree_selftests=None):
    """'ok' when the kernel builds at the worktree's HEAD (the harness' incremental build).

    With `intree_selftests` (the selftests commit's sources), the mm selftests
    Makefile of the tree must also build those programs against the new headers.
    """
    try:
        prep = pipeline.prepare(pipeline.Options(arch=arch, tree=wt, out=out), "series-check", progress)
    except StageFailed as exc:
        if exc.stage is Stage.SELFTESTS:
            return "ok (the selftests did not build here)"
        first = (exc.detail or "").strip().splitlines()[:1]
        return f"failed: {exc}" + (f": {first[0]}" if first else "")
    if intree_selftests is None:
        return "ok"
    verdict = intree.build(wt, prep.machine, prep.build_dir, prep.out, intree_selftests)
    progress(f"check: {arch}: {', '.join(intree_selftests.programs)} with the tree's mm selftests Makefile: "
             f"{verdict}")
    return "ok" if verdict == "ok" else f"kernel ok, in-tree selftests {verdict}"
