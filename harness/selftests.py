"""The guest's test programs: the project's selftests and a user's own reproducer."""

from pathlib import Path

from scripts.series.selftests import programs as makefile_programs

from . import paths, process, selftestcache
from .errors import Stage, StageFailed, UserError


def programs(folder=None):
    """The programs selftests/Makefile builds, in run order (its `TESTS :=` line)."""
    return makefile_programs(folder or paths.SELFTESTS)


def headers(build_dir):
    return Path(build_dir) / "usr" / "include"


def ksft(tree):
    return Path(tree) / "tools" / "testing" / "selftests"


def build(site, log, progress=None):
    """Build every selftest for the guest against the uapi headers at `site` (kbuild.Site), or take
    them from the cache; their paths in run order."""
    machine = site.machine
    names = programs()
    digest = selftestcache.key(machine, site.tree, headers(site.build_dir))
    binaries = selftestcache.lookup(machine, digest, names)
    if binaries is None:
        binaries = _make(site, log, names)
        selftestcache.store(machine, digest, binaries, progress)
        how = "built"
    else:
        how = "from the cache (same sources, headers and compiler)"
    if progress:
        progress(f"selftests: {len(binaries)} programs {how} for {machine.name}")
    return binaries


def _make(site, log, names):
    out = Path(site.build_dir) / "refpage-ci-selftests"
    cmd = ["make", "-C", str(paths.SELFTESTS), f"OUT={out}", f"CC={site.machine.compiler()}",
           f"ARCH={site.machine.name}", f"KHDR={headers(site.build_dir)}", f"KSFT={ksft(site.tree)}"]
    _run(cmd, log, "selftests", Stage.SELFTESTS)
    return [out / name for name in names]


def compile_user_test(site, source, out_dir, log):
    """Cross-compile a user's reproducer, static, against the uapi headers at `site` (kbuild.Site)."""
    source = Path(source)
    if not source.is_file():
        raise UserError(f"--test {source}: no such file; pass a C source file")
    binary = Path(out_dir) / source.stem
    cmd = [site.machine.compiler(), "-O2", "-g", "-static", "-D_GNU_SOURCE", "-isystem",
           str(headers(site.build_dir)), "-I", str(ksft(site.tree)), "-I", str(paths.SELFTESTS),
           "-o", str(binary), str(source)]
    _run(cmd, log, f"compile {source.name}", Stage.USER_TEST)
    return binary


def _run(cmd, log, what, stage):
    returncode = process.run_logged(cmd, log)
    if returncode:
        raise StageFailed(f"{what}: failed (exit {returncode}); log: {log}",
                          process.tail(log, lambda line: ": error:" in line or "Error" in line), stage)
