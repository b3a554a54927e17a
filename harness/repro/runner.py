"""Both halves of every selected id: a kernel per bug patch, one shared kernel per config for the fixed halves."""

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, List, Optional

from harness import pipeline, splats as splat_finder
from harness.errors import Stage, StageFailed, UserError

from . import verdict
from .catalogue import APPLY, BUILD, PROGRAM, RUNTIME, Bug
from .scratch import BugPatchError, Scratch
from .verdict import FIXED, NOT_FIXED, NOT_REPRODUCED, REPRODUCED, SKIPPED, Half

PENDING = Half("pending", "")


@dataclass
class IdReport:
    bug: Bug
    bug_half: Half = PENDING
    fixed_half: Half = PENDING
    note: str = ""

    @property
    def id(self):
        return self.bug.id

    @property
    def ok(self):
        return self.bug_half.ok and self.fixed_half.ok


@dataclass
class Context:
    arch: str
    patches_dir: Path
    out: Path                      # out/repro-<arch>: one folder per half below it
    options: pipeline.Options      # the template: timeouts, accel, jobs, live console
    progress: Callable
    emit: Callable                 # (IdReport, Half) as each half comes out
    bug_patch: Optional[Path] = None
    shared: List[tuple] = field(default_factory=list)  # (label, seconds) of work shared by several ids


def run(bugs, scratch: Scratch, ctx: Context):
    reports = [IdReport(b) for b in bugs]
    active = []
    for r in reports:
        reason = r.bug.skip_reason(ctx.arch, ctx.patches_dir.name)
        if reason:
            r.bug_half = r.fixed_half = Half(SKIPPED, f"{SKIPPED} on {ctx.arch}: {reason}")
            r.note = reason
            ctx.emit(r, r.bug_half)
        else:
            active.append(r)
    if not active:
        return reports
    with scratch.locked():
        fixed = scratch.fixed(ctx.patches_dir)
        for r in active:
            r.bug_half = verdict.for_its_reason(r.bug, _timed(lambda: _bug_half(r.bug, scratch, fixed, ctx)))
            ctx.emit(r, r.bug_half)
        for variant in _variants(active, ctx.arch):
            group = [r for r in active if r.bug.kind != APPLY and r.bug.variant(ctx.arch) == variant]
            _fixed_group(group, variant, scratch, fixed, ctx)
        for r in active:
            if r.bug.kind == APPLY:
                r.fixed_half = _timed(lambda: _apply_fixed_half(scratch, fixed, ctx))
                ctx.emit(r, r.fixed_half)
    return reports


def _variants(reports, arch):
    seen = []
    for r in reports:
        if r.bug.kind != APPLY and r.bug.variant(arch) not in seen:
            seen.append(r.bug.variant(arch))
    return seen


def _timed(fn):
    start = time.monotonic()
    half = fn()
    return replace(half, seconds=half.seconds or time.monotonic() - start)


def _options(ctx, tree, variant, folder):
    return replace(ctx.options, arch=ctx.arch, tree=tree, variant=variant, fragments=(), out=ctx.out / folder)


def _first_line(exc):
    lines = [line.strip() for line in (getattr(exc, "detail", "") or "").splitlines() if line.strip()]
    return next((line for line in lines if ": error:" in line), lines[0] if lines else "")


# --- the bug halves ---------------------------------------------------------------------------

def _bug_half(bug, scratch, fixed, ctx):
    patch = ctx.bug_patch or bug.patch(ctx.patches_dir)
    if not patch.is_file():
        return Half(NOT_REPRODUCED, f"{NOT_REPRODUCED}: no bug patch {patch}")
    if bug.kind == APPLY:
        return _apply_bug_half(bug, patch, scratch, ctx)
    name = bug.id if ctx.bug_patch is None else f"{bug.id}-with-{patch.stem}"  # its own ref
    try:
        sha = scratch.with_patch(name, fixed, patch)
    except BugPatchError as exc:
        return Half(NOT_REPRODUCED, f"{NOT_REPRODUCED}: {exc}", detail=exc.detail)
    ctx.progress(f"repro: {bug.id}: the bug patch on the fixed series is {sha[:12]} ({scratch.ref(name)})")
    tree = scratch.checkout_build(sha)
    opts = _options(ctx, tree, bug.variant(ctx.arch), bug.id)
    try:
        prep = pipeline.prepare(opts, "repro", ctx.progress)
    except (StageFailed, UserError) as exc:
        if bug.kind == BUILD and getattr(exc, "stage", None) is Stage.BUILD:
            return verdict.build_bug_half(exc, tree)
        return Half(NOT_REPRODUCED, f"{NOT_REPRODUCED}: the kernel with the bug patch did not build: {exc}"
                    + (f": {_first_line(exc)}" if _first_line(exc) else ""), detail=getattr(exc, "detail", ""))
    if bug.kind == BUILD:
        return verdict.build_bug_half(None)
    _check_program(prep)
    outcome = pipeline.boot(prep, pipeline.Workload(((bug.test, bug.command()),)), opts, ctx.progress)
    result = outcome.results[0] if outcome.results else None
    return verdict.bug_half(bug.test, result, outcome.error, outcome.console)


def _apply_bug_half(bug, patch, scratch, ctx):
    try:
        base = scratch.with_patch(bug.id, scratch.head, patch)
    except BugPatchError as exc:
        return Half(NOT_REPRODUCED, f"{NOT_REPRODUCED}: {exc}", detail=exc.detail)
    ctx.progress(f"repro: {bug.id}: series apply on {base[:12]}, a base without the prerequisite")
    error, left_as_it_was = scratch.apply_fails_on(base, ctx.patches_dir)
    if error is None:
        return Half(NOT_REPRODUCED, f"{NOT_REPRODUCED}: the series applied on a base without the prerequisite")
    if not left_as_it_was:
        return Half(NOT_REPRODUCED, f"{NOT_REPRODUCED}: series apply failed but did not leave the tree as it was: "
                    f"{error}", detail=error.detail)
    return Half(REPRODUCED, f"{REPRODUCED}: series apply failed as expected: {error}", detail=error.detail)


# --- the fixed halves ---------------------------------------------------------------------------

def _fixed_group(group, variant, scratch, fixed, ctx):
    """One build and one boot of the fixed series for every id of `group` (same config)."""
    start = time.monotonic()
    label = f"config {variant}" if variant else "the default config"
    folder = f"fixed-{variant}" if variant else "fixed"
    ctx.progress(f"repro: the fixed halves on {label}: {', '.join(r.id for r in group)}")
    opts = _options(ctx, scratch.checkout_build(fixed), variant, folder)
    try:
        prep = pipeline.prepare(opts, "repro", ctx.progress)
    except (StageFailed, UserError) as exc:
        for r in group:
            r.fixed_half = Half(NOT_FIXED, f"{NOT_FIXED}: the fixed series did not build on {label}: {exc}"
                                + (f": {_first_line(exc)}" if _first_line(exc) else ""),
                                time.monotonic() - start, getattr(exc, "detail", ""))
            ctx.emit(r, r.fixed_half)
        return
    built = time.monotonic() - start
    runtime = [r for r in group if r.bug.kind == RUNTIME]
    for r in group:
        if r.bug.kind == BUILD:
            r.fixed_half = Half(FIXED, f"{FIXED}: the series builds", built)
            ctx.emit(r, r.fixed_half)
    if not runtime:
        ctx.shared.append((f"fixed build on {label}", built))
        return
    _check_program(prep)
    work = pipeline.Workload(tuple((r.bug.test, r.bug.command()) for r in runtime))
    outcome = pipeline.boot(prep, work, opts, ctx.progress)
    by_name = {res.name: res for res in outcome.results}
    stray = _stray_splats(outcome)
    for r in runtime:
        res = by_name.get(r.bug.test)
        console = res.kernel if res else outcome.console
        half = verdict.fixed_half(r.bug.test, res, outcome.error, console, res.seconds if res else 0.0)
        if half.state == FIXED and stray:
            half = Half(NOT_FIXED, f"{NOT_FIXED}: {r.bug.test} passed but the kernel splatted during the fixed "
                        f"boot: {splat_finder.strip_level(stray[0].line).strip()[:160]}", half.seconds,
                        verdict.splat_excerpt(outcome.console, stray))
        r.fixed_half = half
        ctx.emit(r, half)
    ctx.shared.append((f"fixed build and boot on {label} ({len(runtime)} reproducers in one boot)",
                       time.monotonic() - start))


def _stray_splats(outcome):
    """Splats printed outside every reproducer's run (at boot, or after the last one)."""
    inside = {line for res in outcome.results for line in res.kernel}
    return [s for s in outcome.splats if s.line not in inside]


def _check_program(prep):
    if not any(p.name == PROGRAM for p in prep.selftests):
        raise UserError(f"selftests/ builds no {PROGRAM}: the reproducers are not there yet")


def _apply_fixed_half(scratch, fixed, ctx):
    try:
        line = scratch.export_base_commit(fixed, ctx.patches_dir, ctx.out / "RT-no-apply-export")
    except (StageFailed, UserError) as exc:
        return Half(NOT_FIXED, f"{NOT_FIXED}: series export of the fixed series failed: {exc}")
    if line != f"base-commit: {scratch.head}":
        return Half(NOT_FIXED, f"{NOT_FIXED}: the export records {line or 'no base-commit:'}, not the base "
                    f"{scratch.head[:12]}")
    return Half(FIXED, f"{FIXED}: the series applies on its base ({scratch.head[:12]}) and the export records {line}")
