"""The feature benchmark: the guest program built for the kernel, run N times in one boot, read back."""

from dataclasses import dataclass
from pathlib import Path

from harness import buildlock, paths, pipeline, process, selftests, tree as trees
from harness.errors import StageFailed

from scripts.bench import cases, report

SOURCE = paths.SELFTESTS / "bench"
GUEST_PATH = "/usr/bin/refpage_bench"


@dataclass(frozen=True)
class Plan:
    """What the feature benchmark measures (each comparison at each size) and how much: `runs` guest
    commands in one boot, each `iterations` of every case."""
    comparisons: tuple              # scripts.bench.cases.Comparison
    runs: int
    iterations: int
    sizes: tuple = cases.SIZES


def build_program(prep, progress):
    """make -C selftests/bench against the built kernel's uapi headers; returns the binary."""
    out = Path(prep.build_dir) / "refpage-ci-bench"
    cmd = ["make", "-C", str(SOURCE), f"OUT={out}", f"CC={prep.machine.compiler()}",
           f"ARCH={prep.machine.name}", f"KHDR={selftests.headers(prep.build_dir)}"]
    log = prep.out / "build.log"
    with buildlock.held(prep.build_dir, progress):
        returncode = process.run_logged(cmd, log)
    if returncode:
        raise StageFailed(f"bench: building {SOURCE.name}/refpage_bench failed (exit {returncode}); "
                          f"log: {log}", process.tail(log, lines=20))
    progress(f"bench: refpage_bench built for {prep.machine.name}")
    return out / "refpage_bench"


def commands(specs, runs, iterations):
    """One guest command per run, each measuring every spec once, in the same order."""
    line = f"{GUEST_PATH} -i {iterations} " + " ".join(s.arg() for s in specs)
    return [(f"bench run {i}/{runs}", line) for i in range(1, runs + 1)]


def collect(outcome):
    samples = cases.Samples()
    for res in outcome.results:
        for text in res.output:
            line = cases.parse_line(text)
            if line:
                samples.add(line)
        if res.status not in (0, None) and not any(cases.parse_line(t) for t in res.output):
            samples.errors.append(f"{res.name}: exit {res.status}: {' | '.join(res.output[-3:])}")
    return samples


def run(opts, plan, progress):
    """Boot once, run the program as the Plan says; returns (report, outcome, prepared)."""
    runs, iterations = plan.runs, plan.iterations
    prep = pipeline.prepare(opts, "bench", progress)
    program = build_program(prep, progress)
    specs = cases.specs_for(plan.comparisons, plan.sizes)
    progress(f"bench: {len(specs)} cases x {runs} runs of {iterations} iterations")
    work = pipeline.Workload(tuple(commands(specs, runs, iterations)), files=((GUEST_PATH, program),))
    outcome = pipeline.boot(prep, work, opts, progress)
    missing = next((m for r in outcome.results if (m := cases.missing_feature(r.output))), None)
    if missing:
        raise StageFailed(f"bench: {missing} (tree {prep.tree}); apply the series first "
                          f"(refpage-ci series apply --tree {prep.tree}) or leave --tree out to use "
                          "the cached worktree with the series")
    meta = {"arch": prep.machine.name, "accel": prep.meta.data.get("accel"),
            "machine": f"{prep.machine.machine}, -cpu {prep.machine.cpu}, {prep.machine.smp} vCPUs, "
                       f"{prep.machine.memory}",
            "kernel_version": trees.kernel_version(prep.tree), "commit": trees.head_commit(prep.tree),
            "tree": str(prep.tree), "runs": runs, "iterations": iterations,
            "started": prep.meta.data.get("started"), "boot_seconds": outcome.boot_seconds}
    return report.build(collect(outcome), plan.comparisons, meta, plan.sizes), outcome, prep
