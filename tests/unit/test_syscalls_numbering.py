"""The number: one past the highest in the unified range, alpha shifted, x32 apart, conflicts named."""

from pathlib import Path

import pytest

from harness.errors import UserError
from scripts.syscalls.discover import find_tables
from scripts.syscalls.numbering import choose, table_offsets
from scripts.syscalls.table import parse_tbl

DATA = Path(__file__).resolve().parent.parent / "data" / "syscalls"
ALPHA = "arch/alpha/kernel/syscalls/syscall.tbl"
X86_64 = "arch/x86/entry/syscalls/syscall_64.tbl"


def _tbl(path, rows, arch="x", variant=""):
    text = "".join(f"{n}\t{abi}\t{name}\t\tsys_{name}\n" for n, abi, name in rows)
    return parse_tbl(text, path, arch, variant)


def _generic(*extra):
    rows = [(458, "common", "listmount"), (459, "common", "lsm_get_self_attr"),
            (460, "common", "lsm_set_self_attr"), (461, "common", "lsm_list_modules"),
            (462, "common", "mseal")]
    return _tbl("scripts/syscall.tbl", rows + list(extra), "generic")


def _shifted(path, offset, abi="common", *extra):
    rows = [(e.number + offset, abi, e.name) for e in _generic().entries]
    return _tbl(path, rows + list(extra), path.split("/")[1])


def test_6_12_cut_numbers_463_with_alpha_at_573():
    choice = choose(find_tables(DATA / "linux-6.12-cut"), "refpage_create", "sys_refpage_create")
    assert choice.number == 463
    assert {p: o for p, o in choice.offsets.items() if o} == {ALPHA: 110}
    top, path, entry = choice.highest
    assert (top, path, entry.name) == (462, "scripts/syscall.tbl", "mseal")
    assert "one past 462" in choice.reason and "512-547" in choice.reason


def test_6_1_cut_numbers_451_from_the_generic_list():
    choice = choose(find_tables(DATA / "linux-6.1-cut"), "refpage_create", "sys_refpage_create")
    assert choice.number == 451
    assert choice.highest[1] == "include/uapi/asm-generic/unistd.h"


def test_offsets_are_measured_not_assumed():
    tables = [_generic(), _shifted(ALPHA, 110), _shifted("arch/odd/syscall.tbl", 7)]
    assert table_offsets(tables) == {"scripts/syscall.tbl": 0, ALPHA: 110, "arch/odd/syscall.tbl": 7}


def test_x32_range_is_not_the_highest():
    x86_64 = _shifted(X86_64, 0, "common", (512, "x32", "rt_sigaction"), (547, "x32", "pwritev2"))
    choice = choose([_generic(), x86_64], "refpage_create", "sys_refpage_create")
    assert choice.number == 463


def test_the_highest_may_be_in_one_table_only():
    x86_32 = _shifted("arch/x86/entry/syscalls/syscall_32.tbl", 0, "i386", (463, "i386", "only_here"))
    choice = choose([_generic(), x86_32], "refpage_create", "sys_refpage_create")
    assert choice.number == 464
    assert choice.highest[2].name == "only_here"


def test_number_reaching_the_x32_range_is_taken():
    generic = _generic((511, "common", "late"))
    x86_64 = _shifted(X86_64, 0, "common", (511, "common", "late"), (512, "x32", "rt_sigaction"))
    with pytest.raises(UserError, match=rf"{X86_64}:7: number 512 is already taken by rt_sigaction"):
        choose([generic, x86_64], "refpage_create", "sys_refpage_create")


def test_an_existing_entry_keeps_its_number():
    generic = _generic((463, "common", "refpage_create"))
    choice = choose([generic, _shifted(ALPHA, 110)], "refpage_create", "sys_refpage_create")
    assert choice.number == 463 and choice.reused
    assert "already in 1 of 2 tables" in choice.reason


def test_name_present_with_another_number_names_table_and_line():
    generic = _generic((463, "common", "refpage_create"))
    arm = _shifted("arch/arm/tools/syscall.tbl", 0, "common", (464, "common", "refpage_create"))
    with pytest.raises(UserError, match=r"arch/arm/tools/syscall\.tbl:6 has 464") as err:
        choose([generic, arm], "refpage_create", "sys_refpage_create")
    assert "scripts/syscall.tbl:6 has 463" in str(err.value)


def test_number_taken_by_another_name_names_table_and_line():
    generic = _generic((463, "common", "refpage_create"))
    arm = _shifted("arch/arm/tools/syscall.tbl", 0, "common", (463, "common", "other_call"))
    with pytest.raises(UserError, match=r"^arch/arm/tools/syscall\.tbl:6: number 463 is already "
                                        r"taken by other_call"):
        choose([generic, arm], "refpage_create", "sys_refpage_create")


def test_name_present_with_another_entry_point_is_an_error():
    generic = _generic((463, "common", "refpage_create"))
    with pytest.raises(UserError, match=r"scripts/syscall\.tbl:6: refpage_create is already there "
                                        r"with entry point sys_refpage_create, not sys_other"):
        choose([generic], "refpage_create", "sys_other")


def test_a_table_sharing_no_names_cannot_be_related():
    stranger = _tbl("arch/odd/syscall.tbl", [(1, "common", "unknown_call")])
    with pytest.raises(UserError, match=r"arch/odd/syscall\.tbl: shares no syscall names"):
        choose([_generic(), stranger], "refpage_create", "sys_refpage_create")
