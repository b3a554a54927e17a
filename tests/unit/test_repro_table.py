"""The `repro --all` table."""

from dataclasses import dataclass

from harness.repro import table
from harness.repro.verdict import Half


@dataclass
class Row:
    id: str
    bug_half: Half
    fixed_half: Half


def test_duration():
    assert table.duration(0) == ""
    assert table.duration(8.24) == "8.2s"
    assert table.duration(65.4) == "1m05s"
    assert table.duration(3600) == "60m00s"


def test_render_lines_up_the_columns_and_counts():
    skipped = Half("skipped", "skipped on x86_64: shows on arm64 only: MTE", 0)
    rows = [Row("RT-thp", Half("reproduced", "", 72.0), Half("fixed", "", 1.5)),
            Row("RT-mte-tags", skipped, skipped),
            Row("RT-uffd", Half("NOT reproduced", "", 60.0), Half("fixed", "", 2.0))]
    text = table.render(rows, "x86_64", 400, [("fixed build and boot on the default config", 130)])
    lines = text.splitlines()
    assert lines[0] == "repro on x86_64:"
    assert lines[1].split() == ["id", "bug", "half", "time", "fixed", "half", "time"]
    assert lines[3].split() == ["RT-thp", "reproduced", "1m12s", "fixed", "1.5s"]
    assert lines[4].split() == ["RT-mte-tags", "skipped", "skipped"]
    assert lines[5].index("NOT reproduced") == lines[3].index("reproduced")
    assert "  RT-mte-tags: skipped on x86_64: shows on arm64 only: MTE" in lines
    assert "fixed build and boot on the default config: 2m10s" in text
    assert lines[-1].strip() == ("1 of 3 ids reproduced and fixed, 1 skipped, 1 not as expected; "
                                 "wall time 6m40s")
