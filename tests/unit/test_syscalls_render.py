"""The rendered entries per table format, where they go, and that a second render adds nothing."""

import shutil
from pathlib import Path

import pytest

from scripts.syscalls import patch, render
from scripts.syscalls.discover import find_tables

DATA = Path(__file__).resolve().parent.parent / "data" / "syscalls"
NAME, ENTRY = "refpage_create", "sys_refpage_create"

EXPECTED_6_12 = {
    "arch/alpha/kernel/syscalls/syscall.tbl": "573\tcommon\trefpage_create\t\t\tsys_refpage_create",
    "arch/arm/tools/syscall.tbl": "463\tcommon\trefpage_create\t\t\tsys_refpage_create",
    "arch/arm64/tools/syscall_32.tbl": "463\tcommon\trefpage_create\t\t\tsys_refpage_create",
    "arch/mips/kernel/syscalls/syscall_n32.tbl": "463\tn32\trefpage_create\t\t\tsys_refpage_create",
    "arch/mips/kernel/syscalls/syscall_n64.tbl": "463\tn64\trefpage_create\t\t\tsys_refpage_create",
    "arch/mips/kernel/syscalls/syscall_o32.tbl": "463\to32\trefpage_create\t\t\tsys_refpage_create",
    "arch/s390/kernel/syscalls/syscall.tbl":
        "463  common\trefpage_create\t\tsys_refpage_create\t\tsys_refpage_create",
    "arch/x86/entry/syscalls/syscall_32.tbl": "463\ti386\trefpage_create\t\tsys_refpage_create",
    "arch/x86/entry/syscalls/syscall_64.tbl": "463\tcommon\trefpage_create\t\tsys_refpage_create",
    "scripts/syscall.tbl": "463\tcommon\trefpage_create\t\t\tsys_refpage_create",
}


@pytest.fixture
def tree_copy(tmp_path):
    def copy(name):
        dest = tmp_path / name
        shutil.copytree(DATA / name, dest, symlinks=True)
        return dest
    return copy


def _plan(tree):
    return render.plan(find_tables(tree), NAME, ENTRY)


def _additions(plan):
    return {a.table.path: a for a in plan.additions}


@pytest.mark.parametrize("path,line", sorted(EXPECTED_6_12.items()))
def test_each_format_renders_its_own_line(path, line):
    assert _additions(_plan(DATA / "linux-6.12-cut"))[path].lines == (line,)


def test_every_table_of_6_12_gets_an_entry_and_abi():
    additions = _additions(_plan(DATA / "linux-6.12-cut"))
    assert len(additions) == 18
    assert {p: a.abi for p, a in additions.items() if a.abi not in ("common", None)} == {
        "arch/mips/kernel/syscalls/syscall_n32.tbl": "n32",
        "arch/mips/kernel/syscalls/syscall_n64.tbl": "n64",
        "arch/mips/kernel/syscalls/syscall_o32.tbl": "o32",
        "arch/x86/entry/syscalls/syscall_32.tbl": "i386"}


def test_x86_64_entry_goes_before_the_x32_range():
    table_path = "arch/x86/entry/syscalls/syscall_64.tbl"
    addition = _additions(_plan(DATA / "linux-6.12-cut"))[table_path]
    lines = addition.table.lines
    assert lines[addition.after_lineno - 1].startswith("462")
    assert lines[addition.after_lineno] == ""  # the blank line before the x32 comment


def test_6_1_lists_get_define_syscall_pairs_and_bumped_counts():
    additions = _additions(_plan(DATA / "linux-6.1-cut"))
    generic = additions["include/uapi/asm-generic/unistd.h"]
    compat = additions["arch/arm64/include/asm/unistd32.h"]
    assert generic.lines == ("", "#define __NR_refpage_create 451",
                             "__SYSCALL(__NR_refpage_create, sys_refpage_create)")
    assert compat.lines == ("#define __NR_refpage_create 451",
                            "__SYSCALL(__NR_refpage_create, sys_refpage_create)")
    assert (generic.count.macro, generic.count_value) == ("__NR_syscalls", 452)
    assert (compat.count.path, compat.count.macro, compat.count_value) == \
        ("arch/arm64/include/asm/unistd.h", "__NR_compat_syscalls", 452)


def test_6_1_powerpc_uses_common_even_after_a_nospu_entry():
    powerpc = _additions(_plan(DATA / "linux-6.1-cut"))["arch/powerpc/kernel/syscalls/syscall.tbl"]
    assert powerpc.table.entries[-1].abi == "nospu"
    assert powerpc.lines == ("451\tcommon\trefpage_create\t\t\tsys_refpage_create",)


@pytest.mark.parametrize("name", ["linux-6.1-cut", "linux-6.12-cut"])
def test_second_render_is_a_no_op(tree_copy, name):
    tree = tree_copy(name)
    patch.write(tree, patch.file_changes(tree, _plan(tree)))
    before = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    again = _plan(tree)
    assert again.pending == ()
    assert patch.file_changes(tree, again) == []
    assert {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()} == before


def test_apply_writes_through_the_arm64_symlink(tree_copy):
    tree = tree_copy("linux-6.12-cut")
    patch.write(tree, patch.file_changes(tree, _plan(tree)))
    link = tree / "arch/arm64/tools/syscall_64.tbl"
    assert link.is_symlink()
    assert link.read_text().splitlines()[-1] == EXPECTED_6_12["scripts/syscall.tbl"]


def test_diff_names_every_changed_file_once(tree_copy):
    tree = tree_copy("linux-6.1-cut")
    text = patch.diff(patch.file_changes(tree, _plan(tree)))
    headers = [line for line in text.splitlines() if line.startswith("diff --git")]
    assert len(headers) == 19  # 16 tables, 2 lists, arm64's asm/unistd.h for the compat count
    assert "+#define __NR_compat_syscalls\t\t452" in text
    assert "+561\tcommon\trefpage_create\t\t\tsys_refpage_create" in text


def test_any_name_and_entry_point():
    plan = render.plan(find_tables(DATA / "linux-6.12-cut"), "frob_widget", "sys_frob_widget")
    s390 = _additions(plan)["arch/s390/kernel/syscalls/syscall.tbl"]
    assert plan.number == 463
    assert s390.lines == ("463  common\tfrob_widget\t\tsys_frob_widget\t\t\tsys_frob_widget",)
