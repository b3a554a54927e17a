import json

import pytest

from harness.errors import UserError
from scripts.bench import cases, report, table
from scripts.bench.cases import Spec

META = {"arch": "arm64", "accel": "tcg", "machine": "virt,mte=on, -cpu max", "kernel_version": "6.12.117",
        "commit": "0083036c3aea4e0f", "runs": 3, "iterations": 1000}


def _samples():
    s = cases.Samples()
    figures = {"memset": ([3.96, 3.92, 3.99], [6656, 6696, 6716]),
               "refpage": ([0.027, 0.026, 0.028], [3448, 3448, 3448]),
               "refpage-page": ([0.030, 0.031, 0.029], [3448, 3448, 3448])}
    for touch, mmap in cases.SIZES:
        for case, (secs, rss) in figures.items():
            spec = Spec(case, mmap, touch)
            s.seconds[spec], s.maxrss_kib[spec] = list(secs), list(rss)
    for touch, mmap in cases.SIZES:
        for case in ("mte-stg", "mte-refpage", "mte-stz2g"):
            s.skipped[Spec(case, mmap, touch)] = "this CPU has no MTE"
    return s


_BUILT = {}


def _report():
    """Built once (the bootstrap takes a moment), copied for each test."""
    if "rep" not in _BUILT:
        _BUILT["rep"] = report.build(_samples(), cases.comparisons_for("arm64"), META)
    return json.loads(json.dumps(_BUILT["rep"]))


def test_report_rows_per_metric_and_size():
    rep = _report()
    assert report.check(rep) is None
    v4 = rep["comparisons"][0]
    assert v4["labels"] == ["memset", "refpages"] and v4["skipped"] is None
    assert [(r["metric"], r["touch"]) for r in v4["rows"]] == [
        ("seconds", 4096), ("seconds", 2048000), ("seconds", 4096000),
        ("maxrss_kib", 4096), ("maxrss_kib", 2048000), ("maxrss_kib", 4096000)]
    row = v4["rows"][0]
    assert row["baseline"] == 3.96 and row["candidate"] == 0.027
    assert row["improvement"] == pytest.approx(1 - 0.027 / 3.96)
    assert rep["comparisons"][2]["skipped"] == "this CPU has no MTE"
    assert len(rep["samples"]) == 9 and len(rep["skipped"]) == 9


def test_report_survives_json():
    rep = _report()
    assert report.check(json.loads(json.dumps(rep))) is None


def test_table_has_the_cover_letter_layout():
    text = table.render(_report())
    lines = text.splitlines()
    prose = " ".join(lines[:lines.index("")])
    assert prose.startswith("arm64 under tcg (virt,mte=on, -cpu max), Linux 6.12.117 at 0083036c3aea; "
                            "median of 3 runs of 1000 iterations each. (median of each case's runs;")
    assert "percentile bootstrap" in prose
    assert max(len(l) for l in lines[:lines.index("")]) <= 72
    at = lines.index("real time (s):")
    head, first = lines[at + 2], lines[at + 3]
    assert head.startswith("touch_size/mmap_size") and head.endswith("improvement (95% CI)")
    assert "memset" in head and "refpages" in head
    assert first.startswith("        4096/4096000   3.960000   0.027000   99.32% +/- ")
    rss = lines.index("max RSS (KiB):")
    assert lines[rss + 3].split()[:3] == ["4096/4096000", "6696", "3448"]
    assert "MTE: tagged by hand with STG vs pre-tagged reference pages:" in lines
    assert "  skipped: this CPU has no MTE" in lines


def test_columns_line_up():
    lines = table.table(_report()["comparisons"][0]["rows"], ["memset", "refpages"], "seconds")
    improvements = [l.rsplit("   ", 1)[1] for l in lines]
    assert improvements[0] == "improvement (95% CI)"
    assert len({len(l) - len(i) for l, i in zip(lines, improvements)}) == 1
    assert len({l.index("/") for l in lines[1:]}) == 1


def test_unproven_difference_reads_none():
    row = {"touch": 1, "mmap": 1, "metric": "maxrss_kib", "baseline": 6716, "candidate": 6684,
           "improvement": 0.0048, "plus_minus": 0.01, "proven": False}
    assert table.improvement(row) == "none"
    row["proven"] = True
    assert table.improvement(row) == "0.48% +/- 1.00%"


def test_errors_are_listed():
    s = _samples()
    s.errors.append("refpage:4096000:4096: killed by signal 11")
    text = table.render(report.build(s, cases.comparisons_for("x86_64", ["v4"]), META))
    assert text.rstrip().endswith("errors:\n  refpage:4096000:4096: killed by signal 11")


def test_load_names_the_file_and_the_fix(tmp_path):
    with pytest.raises(UserError, match="no such file; write one with `refpage-ci bench"):
        report.load(tmp_path / "none.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "other"}')
    with pytest.raises(UserError, match="bad.json: not a benchmark report"):
        report.load(bad)
    good = report.write(_report(), tmp_path / "sub" / "bench.json")
    assert report.load(good)["arch"] == "arm64"


def test_check_finds_a_broken_row():
    rep = _report()
    del rep["comparisons"][0]["rows"][0]["plus_minus"]
    assert report.check(rep) == "a row has no plus_minus"
