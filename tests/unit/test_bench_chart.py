import sys

from scripts.bench import chart, stats

from test_bench_table import _report


def test_the_chart_is_an_svg_of_each_comparison_with_the_table_s_figures(tmp_path):
    path = chart.write(_report(), tmp_path / "bench.svg")
    text = path.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    for words in ("memset vs refpages: real time (s)", "memset vs refpages: max RSS (KiB)",
                  "page vs byte: real time (s)", "99.32%", "48.51%", "touch_size/mmap_size", "4096000"):
        assert words in text, words
    assert "MTE" not in text  # skipped comparisons draw nothing


def test_the_chart_is_the_same_for_the_same_report(tmp_path):
    first = chart.write(_report(), tmp_path / "a.svg").read_text()
    assert chart.write(_report(), tmp_path / "b.svg").read_text() == first


def test_without_matplotlib_there_is_no_chart_and_no_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    assert chart.write(_report(), tmp_path / "bench.svg") is None
    assert not (tmp_path / "bench.svg").exists()


def test_the_whiskers_are_the_median_s_bootstrap_interval():
    mid = stats.median_interval([1.0, 2.0, 3.0, 4.0, 100.0])
    assert mid.value == 3.0 and 1.0 <= mid.low < 3.0 < mid.high <= 100.0
    assert stats.median_interval([5.0, 5.0]) == stats.Interval(5.0, 5.0, 5.0)
