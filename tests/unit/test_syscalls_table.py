"""Parsing the `.tbl` format, on lines cut from real tables."""

from pathlib import Path

import pytest

from harness.errors import UserError
from scripts.syscalls.table import parse_tbl

DATA = Path(__file__).resolve().parent.parent / "data" / "syscalls"


def _table(tree, rel):
    return parse_tbl((DATA / tree / rel).read_text(), rel)


def test_x86_32_lines_keep_number_abi_name_entry():
    table = _table("linux-6.12-cut", "arch/x86/entry/syscalls/syscall_32.tbl")
    mseal = [e for e in table.entries if e.name == "mseal"][0]
    assert (mseal.number, mseal.abi, mseal.entry, mseal.compat) == (462, "i386", "sys_mseal", None)
    assert table.lines[mseal.lineno - 1].startswith("462\ti386\tmseal")


def test_s390_lines_have_two_entry_columns():
    table = _table("linux-6.12-cut", "arch/s390/kernel/syscalls/syscall.tbl")
    last = table.entries[-1]
    assert (last.number, last.name, last.entry, last.compat) == (462, "mseal", "sys_mseal", "sys_mseal")


def test_x86_64_keeps_the_x32_range_as_entries():
    table = _table("linux-6.12-cut", "arch/x86/entry/syscalls/syscall_64.tbl")
    x32 = [e.number for e in table.entries if e.abi == "x32"]
    assert x32 == [512, 513, 514, 546, 547]


def test_noreturn_column_and_reserved_lines():
    text = ("# comment\n"
            "\n"
            "60\tcommon\texit\t\t\tsys_exit\t\t\t-\tnoreturn\n"
            "182\tcommon\tputpmsg\n")
    table = parse_tbl(text, "syscall_64.tbl")
    exit_, reserved = table.entries
    assert (exit_.compat, exit_.extra) == ("-", ("noreturn",))
    assert (reserved.number, reserved.name, reserved.entry, reserved.lineno) == (182, "putpmsg", None, 4)


@pytest.mark.parametrize("line", [
    "x63\tcommon\trefpage_create\tsys_refpage_create",
    "463\tcommon",
    " 463\tcommon\trefpage_create\tsys_refpage_create",
    "463\tcommon\ta\tb\tc\td\te",
])
def test_a_line_it_cannot_parse_names_file_and_line(line):
    text = "# header\n462\tcommon\tmseal\tsys_mseal\n" + line + "\n"
    with pytest.raises(UserError, match=r"^arch/x/syscall\.tbl:3: cannot parse"):
        parse_tbl(text, "arch/x/syscall.tbl")


def test_a_table_without_entries_is_an_error():
    with pytest.raises(UserError, match=r"arch/x/syscall\.tbl: no syscall entries"):
        parse_tbl("# only comments\n\n", "arch/x/syscall.tbl")
