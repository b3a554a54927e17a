"""series export --bench: the benchmark report's table in the cover letter."""

import pytest

from harness.errors import UserError
from scripts.bench import cases, report
from scripts.bench.cases import Spec
from scripts.series.export import bench_tables


def _report(commit):
    s = cases.Samples()
    for touch, mmap in cases.SIZES:
        s.seconds[Spec("memset", mmap, touch)] = [2.0, 2.1]
        s.maxrss_kib[Spec("memset", mmap, touch)] = [5000, 5000]
        s.seconds[Spec("refpage", mmap, touch)] = [1.0, 1.1]
        s.maxrss_kib[Spec("refpage", mmap, touch)] = [900, 900]
    meta = {"arch": "x86_64", "accel": "tcg", "kernel_version": "6.12.117", "commit": commit,
            "runs": 2, "iterations": 5}
    return report.build(s, cases.comparisons_for("x86_64", ["v4"]), meta)


def test_tables_of_each_report_and_a_note_on_another_commit(tmp_path):
    path = report.write(_report("a" * 40), tmp_path / "bench.json")
    notes = []
    text = bench_tables([path], "b" * 40, notes.append)
    assert "memset vs reference pages (the v4 table):" in text
    assert "        4096/4096000   2.050000   1.050000" in text
    assert notes == [f"export: note: {path} measured aaaaaaaaaaaa, the series tip is bbbbbbbbbbbb"]
    assert bench_tables([path], "a" * 40, notes.append) == text and len(notes) == 1


def test_a_missing_report_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="none.json: no such file"):
        bench_tables([tmp_path / "none.json"], "b" * 40)
