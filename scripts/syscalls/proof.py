"""Proof per architecture: the kernel's own header generation sees the new syscall.

For every architecture of the tree, `make ARCH=<arch> O=<tmp> archheaders asm-generic`
runs the kernel's syscallhdr/syscalltbl scripts (no cross compiler needed: these
targets need no .config and compile nothing), and every generated header that
lists syscalls must give ours the number its table holds. kbuild's saved `.cmd`
files say which table each header came from, so every table must feed at least
one passing header. The hand-written lists have no generation step: `cpp -dM`
shows what the compiler sees, through each architecture that includes them.
"""

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Tuple

from harness import process

from . import discover, headers
from .render import Plan

_CPP = ("cpp", "-dM", "-undef", "-nostdinc")


@dataclass(frozen=True)
class Check:
    arch: str
    source: str  # the table or list the header comes from ("?" when kbuild saved no command)
    header: str  # the generated header, or "cpp <file>"
    ok: bool
    text: str


@dataclass(frozen=True)
class Proof:
    checks: Tuple[Check, ...]
    errors: Tuple[str, ...]  # steps that failed, tables nothing proved

    @property
    def ok(self):
        return not self.errors and all(c.ok for c in self.checks)

    def lines(self):
        for c in self.checks:
            yield f"{'ok  ' if c.ok else 'FAIL'} {c.arch:<10} {c.header:<46} {c.text}  [{c.source}]"
        for error in self.errors:
            yield f"FAIL {error}"


@dataclass(frozen=True)
class Proving:
    """One proof under way: the tree, the plan it checks, how its commands run, and the scratch
    folder they write in, where each of the tree's architectures has its make output folder."""
    tree: Path
    plan: Plan
    run: Callable
    tmp: Path
    archs: Tuple[str, ...]

    def out(self, arch):
        """make's O= folder for `arch`; the scratch folder itself for an architecture make is not run for."""
        return self.tmp / arch if arch in self.archs else self.tmp


def prove(tree, plan, run=process.run, workdir=None):
    """Run the header generation for every architecture and check it against the plan."""
    tree = Path(tree).resolve()
    with tempfile.TemporaryDirectory(prefix="refpage-ci-syscalls-", dir=workdir) as tmp:
        proving = Proving(tree, plan, run, Path(tmp), tuple(discover.architectures(tree)))
        checks, errors = [], []
        for arch in proving.archs:
            found, failed = _generated(proving, arch)
            checks += found
            errors += failed
        for addition in plan.additions:
            if addition.table.kind == "unistd":
                checks += _list_checks(proving, addition)
        errors += _unproved(plan, checks)
    return Proof(tuple(checks), tuple(errors))


def _generated(proving, arch):
    out = proving.out(arch)
    make = proving.run(["make", "-s", "-C", proving.tree, f"ARCH={arch}", f"O={out}", "archheaders",
                        "asm-generic"])
    if not make.ok:
        return [], [f"{arch}: make ARCH={arch} archheaders asm-generic failed: {_first_error(make)}"]
    checks = []
    for header in sorted(out.glob("arch/*/include/generated/**/*.h")):
        check = _header_check(proving, arch, header)
        if check:
            checks.append(check)
    return checks, []


def _header_check(proving, arch, header):
    plan = proving.plan
    command = headers.command_for(header)
    addition = _source(proving.tree, arch, command, plan)
    if addition is None:
        return None
    if command and command.abis is not None and addition.abi not in command.abis:
        return None  # a header for other ABIs only (x86's x32-only list)
    finding = headers.check(header.read_text(errors="replace"), plan.name, plan.entry, addition.number)
    if finding is None:
        return None
    rel = header.relative_to(proving.out(arch)).as_posix().split("/include/generated/", 1)[-1]
    return Check(arch, addition.table.path if command else f"{addition.table.path}?", rel,
                 finding.ok, finding.text)


def _source(tree, arch, command, plan):
    """The plan's addition for the table a header was generated from."""
    by_path = {a.table.path: a for a in plan.additions if a.table.kind == "tbl"}
    if command and command.tables:
        real = Path(command.tables[0]).resolve()
        return by_path.get(real.relative_to(tree).as_posix()) if real.is_relative_to(tree) else None
    own = [a for a in by_path.values() if a.table.arch == arch]
    return own[0] if len(own) == 1 else None


def _list_checks(proving, addition):
    """cpp the hand-written list alone, and through every architecture that includes it."""
    tree, run, plan, table = proving.tree, proving.run, proving.plan, addition.table
    shim = _bitsperlong_shim(proving.tmp)
    own = run([*_CPP, "-I", shim, "-I", tree / "include/uapi", tree / table.path])
    checks = [_cpp_check(plan, addition, table.arch, table.path, own)]
    for arch in table.consumers:
        uapi = f"arch/{arch}/include/uapi/asm/unistd.h"
        result = run([*_CPP, "-I", tree / f"arch/{arch}/include/uapi",
                      "-I", proving.out(arch) / f"arch/{arch}/include/generated/uapi",
                      "-I", tree / "include/uapi", tree / uapi])
        checks.append(_cpp_check(plan, addition, arch, uapi, result))
    if table.count and table.count.path != table.path:
        checks.append(_count_check(proving, addition))
    return checks


def _cpp_check(plan, addition, arch, path, result):
    """What `cpp path` (through `arch`) shows of the syscall, checked against the number the addition gives it."""
    source = addition.table.path
    if not result.ok:
        return Check(arch, source, f"cpp {path}", False, _last_line(result))
    finding = headers.check(result.stdout, plan.name, plan.entry, addition.number)
    ok, text = (finding.ok, finding.text) if finding else (False, "no syscalls seen")
    return Check(arch, source, f"cpp {path}", ok, text)


def _count_check(proving, addition):
    """arm64's `__NR_compat_syscalls` lives in asm/unistd.h, under CONFIG_COMPAT."""
    tree, run, table, number = proving.tree, proving.run, addition.table, addition.number
    arch = table.arch
    generated = proving.out(arch) / f"arch/{arch}/include/generated"
    result = run([*_CPP, "-D__KERNEL__", "-DCONFIG_COMPAT",
                  "-I", tree / f"arch/{arch}/include", "-I", tree / f"arch/{arch}/include/uapi",
                  "-I", generated, "-I", generated / "uapi", "-I", tree / "include",
                  "-I", tree / "include/uapi", tree / table.count.path])
    if not result.ok:
        return Check(arch, table.path, f"cpp {table.count.path}", False, _last_line(result))
    value = headers.number_of(headers.defines(result.stdout).get(table.count.macro, ""))
    ok = value is not None and value > number
    return Check(arch, table.path, f"cpp {table.count.path}", ok, f"{table.count.macro} {value}")


def _bitsperlong_shim(tmp):
    """asm-generic/unistd.h includes <asm/bitsperlong.h>: the generic one, as kbuild's wrapper does."""
    shim = tmp / "shim"
    (shim / "asm").mkdir(parents=True, exist_ok=True)
    (shim / "asm/bitsperlong.h").write_text("#include <asm-generic/bitsperlong.h>\n")
    return shim


def _unproved(plan, checks):
    proved = {c.source for c in checks if c.ok}
    return [f"{a.table.path}: no generated header or cpp run showed {plan.name}"
            for a in plan.additions if a.table.path not in proved and f"{a.table.path}?" not in proved]


def _first_error(result):
    """make's first complaint, not its closing `*** [Makefile:236: __sub-make] Error 2`."""
    lines = result.stderr.strip().splitlines()
    return next((line for line in lines if "No such file" in line or "No rule" in line
                 or "rror" in line), lines[-1] if lines else f"exit status {result.returncode}")


def _last_line(result):
    return (result.stderr.strip().splitlines() or [f"exit status {result.returncode}"])[-1]
