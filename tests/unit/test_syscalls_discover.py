"""Which tables a tree holds: every arch table, the generic one once, the lists, not tools/."""

import shutil
from pathlib import Path

import pytest

from harness.errors import UserError
from scripts.syscalls.discover import find_tables

DATA = Path(__file__).resolve().parent.parent / "data" / "syscalls"

TABLES_6_1 = [
    "arch/alpha/kernel/syscalls/syscall.tbl", "arch/arm/tools/syscall.tbl",
    "arch/ia64/kernel/syscalls/syscall.tbl", "arch/m68k/kernel/syscalls/syscall.tbl",
    "arch/microblaze/kernel/syscalls/syscall.tbl", "arch/mips/kernel/syscalls/syscall_n32.tbl",
    "arch/mips/kernel/syscalls/syscall_n64.tbl", "arch/mips/kernel/syscalls/syscall_o32.tbl",
    "arch/parisc/kernel/syscalls/syscall.tbl", "arch/powerpc/kernel/syscalls/syscall.tbl",
    "arch/s390/kernel/syscalls/syscall.tbl", "arch/sh/kernel/syscalls/syscall.tbl",
    "arch/sparc/kernel/syscalls/syscall.tbl", "arch/x86/entry/syscalls/syscall_32.tbl",
    "arch/x86/entry/syscalls/syscall_64.tbl", "arch/xtensa/kernel/syscalls/syscall.tbl",
    "include/uapi/asm-generic/unistd.h", "arch/arm64/include/asm/unistd32.h",
]


def test_6_1_has_sixteen_tables_and_two_lists():
    tables = find_tables(DATA / "linux-6.1-cut")
    assert [t.path for t in tables] == TABLES_6_1
    assert [t.label for t in tables if t.kind == "unistd"] == ["generic unistd.h", "arm64 compat"]


def test_6_12_generic_table_is_one_table_with_the_arm64_alias():
    tables = {t.path: t for t in find_tables(DATA / "linux-6.12-cut")}
    generic = tables["scripts/syscall.tbl"]
    assert generic.aliases == ("arch/arm64/tools/syscall_64.tbl",)
    assert "arch/arm64/tools/syscall_64.tbl" not in tables
    assert "arch/arm64/tools/syscall_32.tbl" in tables
    assert set(generic.consumers) == {"arm64", "riscv"}


def test_6_12_arm64_unistd32_wrapper_is_not_a_list():
    paths = [t.path for t in find_tables(DATA / "linux-6.12-cut")]
    assert "arch/arm64/include/asm/unistd32.h" not in paths
    assert "include/uapi/asm-generic/unistd.h" in paths


def test_tools_copies_are_left_alone():
    for tree in ("linux-6.1-cut", "linux-6.12-cut"):
        assert not [t for t in find_tables(DATA / tree) if t.path.startswith("tools/")]


def test_a_tree_with_no_tables_is_an_error(tmp_path):
    (tmp_path / "arch/x86").mkdir(parents=True)
    (tmp_path / "Makefile").write_text("VERSION = 6\n")
    with pytest.raises(UserError, match=r"no syscall tables \(looked for arch/\*\*/\*\.tbl"):
        find_tables(tmp_path)


def test_a_broken_table_in_the_tree_is_named_with_its_line(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(DATA / "linux-6.12-cut", tree, symlinks=True)
    table = tree / "arch/sh/kernel/syscalls/syscall.tbl"
    table.write_text(table.read_text() + "463 common\n")
    lineno = len(table.read_text().splitlines())
    with pytest.raises(UserError, match=rf"^arch/sh/kernel/syscalls/syscall\.tbl:{lineno}: cannot parse"):
        find_tables(tree)
