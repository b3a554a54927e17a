"""Column alignment learned from each table: the renderer writes lines the way the table does."""

from pathlib import Path

import pytest

from scripts.syscalls import layout
from scripts.syscalls.discover import find_tables
from scripts.syscalls.numbering import unified

DATA = Path(__file__).resolve().parent.parent / "data" / "syscalls"
TABLES = [(tree, t) for tree in ("linux-6.1-cut", "linux-6.12-cut")
          for t in find_tables(DATA / tree) if t.kind == "tbl"]


@pytest.mark.parametrize("tree,table", TABLES, ids=[f"{tree}:{t.path}" for tree, t in TABLES])
def test_relearned_layout_rewrites_most_recent_lines_unchanged(tree, table):
    lines = [table.lines[e.lineno - 1] for e in table.entries if unified(e)]
    learned = layout.learn(lines)
    same = [line for line in lines if layout.format_fields(line.split(), learned) == line]
    # the rest are the tables' own odd ones out, e.g. "449\tcommon  futex_waitv    sys_..."
    assert len(same) >= len(lines) - 3


def test_s390_pads_the_number_with_spaces_and_the_rest_with_tabs():
    learned = layout.learn(["462  common\tmseal\t\t\tsys_mseal\t\t\tsys_mseal",
                            "461  common\tlsm_list_modules\tsys_lsm_list_modules\t\tsys_lsm_list_modules"])
    assert learned.columns[0] == layout.Column(start=5, gap=" ")
    fields = ["463", "common", "refpage_create", "sys_refpage_create", "sys_refpage_create"]
    assert layout.format_fields(fields, learned) == \
        "463  common\trefpage_create\t\tsys_refpage_create\t\tsys_refpage_create"


def test_a_field_past_its_column_still_gets_one_separator():
    learned = layout.learn(["1\tcommon\tread\t\t\tsys_read"])
    line = layout.format_fields(["2", "common", "a_name_well_past_the_column", "sys_x"], learned)
    assert line == "2\tcommon\ta_name_well_past_the_column\tsys_x"


def test_most_common_start_wins_over_odd_lines():
    learned = layout.learn(["1\tcommon\ta\t\t\tsys_a", "2\tcommon\tb\t\t\tsys_b",
                            "3\tcommon  c                     sys_c"])
    assert [c.start for c in learned.columns] == [8, 16, 40]
