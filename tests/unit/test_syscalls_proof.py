"""The proof's logic, with a stand-in for make and cpp (the real run is in tests/e2e)."""

import shutil
from pathlib import Path

import pytest

from scripts.syscalls import patch, proof, render
from scripts.syscalls.discover import find_tables
from harness.process import Result

DATA = Path(__file__).resolve().parent.parent / "data" / "syscalls" / "linux-6.12-cut"
KEEP = ["scripts/syscall.tbl", "arch/x86/entry/syscalls/syscall_32.tbl",
        "arch/x86/entry/syscalls/syscall_64.tbl", "include/uapi/asm-generic/unistd.h"]


class FakeKbuild:
    """Writes the headers `make archheaders` would, from what the test says each holds."""

    def __init__(self, tree, number=463, fail_arch=None):
        self.tree, self.number, self.fail_arch = tree, number, fail_arch
        self.calls = []

    def __call__(self, argv, cwd=None):
        argv = [str(a) for a in argv]
        self.calls.append(argv)
        if argv[0] == "cpp":
            return Result(tuple(argv), 0, f"#define __NR_refpage_create {self.number}\n"
                                          f"#define __NR_syscalls {self.number + 1}\n", "")
        arch = _value(argv, "ARCH=")
        if arch == self.fail_arch:
            return Result(tuple(argv), 2, "", "make: *** [Makefile:1] Error 2\n")
        self._headers(arch, Path(_value(argv, "O=")))
        return Result(tuple(argv), 0, "", "")

    def _headers(self, arch, out):
        n = self.number
        if arch == "x86":
            self._write(out, arch, "unistd_32.h", "arch/x86/entry/syscalls/syscall_32.tbl", "i386",
                        f"#define __NR_refpage_create {n}\n")
            self._write(out, arch, "unistd_x32.h", "arch/x86/entry/syscalls/syscall_64.tbl", "common,x32",
                        f"#define __NR_refpage_create (__X32_SYSCALL_BIT + {n})\n")
            self._write(out, arch, "unistd_64_x32.h", "arch/x86/entry/syscalls/syscall_64.tbl", "x32",
                        "#define __NR_rt_sigaction 512\n")
        if arch == "riscv":
            self._write(out, arch, "unistd_64.h", "scripts/syscall.tbl", "common,64,riscv",
                        f"#define __NR_refpage_create {n}\n#define __NR_syscalls {n + 1}\n")

    def _write(self, out, arch, name, table, abis, text):
        folder = out / f"arch/{arch}/include/generated/uapi/asm"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
        (folder / f".{name}.cmd").write_text(
            f"savedcmd_{name} := sh {self.tree}/scripts/syscallhdr.sh --abis {abis} "
            f"{self.tree}/{table} {name}\n")


def _value(argv, prefix):
    return next(a[len(prefix):] for a in argv if a.startswith(prefix))


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "tree"
    for rel in KEEP:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(DATA / rel, root / rel)
    for arch in ("x86", "riscv", "um"):
        (root / f"arch/{arch}").mkdir(parents=True, exist_ok=True)
        (root / f"arch/{arch}/Kconfig").write_text("")
    (root / "arch/riscv/kernel").mkdir()
    (root / "arch/riscv/kernel/Makefile.syscalls").write_text("syscall_abis_64 += riscv\n")
    rendered = render.plan(find_tables(root), "refpage_create", "sys_refpage_create")
    patch.write(root, patch.file_changes(root, rendered))
    return root


def _plan(tree):
    return render.plan(find_tables(tree), "refpage_create", "sys_refpage_create")


def test_every_table_proved_by_a_header_or_cpp(tree, tmp_path):
    kbuild = FakeKbuild(tree)
    result = proof.prove(tree, _plan(tree), run=kbuild, workdir=tmp_path)
    assert result.ok, "\n".join(result.lines())
    assert {(c.arch, c.header) for c in result.checks} == {
        ("x86", "uapi/asm/unistd_32.h"), ("x86", "uapi/asm/unistd_x32.h"),
        ("riscv", "uapi/asm/unistd_64.h"),
        ("generic", "cpp include/uapi/asm-generic/unistd.h")}
    assert sorted(_value(c, "ARCH=") for c in kbuild.calls if c[0] == "make") == ["riscv", "x86"]


def test_a_header_with_the_wrong_number_fails(tree, tmp_path):
    result = proof.prove(tree, _plan(tree), run=FakeKbuild(tree, number=464), workdir=tmp_path)
    assert not result.ok
    assert any("is 464, expected 463" in line for line in result.lines())


def test_a_failing_make_is_reported_with_its_arch(tree, tmp_path):
    result = proof.prove(tree, _plan(tree), run=FakeKbuild(tree, fail_arch="riscv"), workdir=tmp_path)
    assert "riscv: make ARCH=riscv archheaders asm-generic failed: make: *** [Makefile:1] Error 2" \
        in result.errors
    assert "scripts/syscall.tbl: no generated header or cpp run showed refpage_create" in result.errors


def test_a_table_no_header_came_from_is_unproved(tree, tmp_path):
    (tree / "arch/riscv/Kconfig").unlink()
    result = proof.prove(tree, _plan(tree), run=FakeKbuild(tree), workdir=tmp_path)
    assert result.errors == ("scripts/syscall.tbl: no generated header or cpp run showed refpage_create",)


def test_each_architecture_make_ran_for_has_its_own_output_folder(tree, tmp_path):
    proving = proof.Proving(tree, _plan(tree), FakeKbuild(tree), tmp_path, ("x86", "riscv"))
    assert proving.out("x86") == tmp_path / "x86" and proving.out("riscv") == tmp_path / "riscv"
    assert proving.out("arm64") == tmp_path  # a list's consumer that is not among the tree's architectures
