from scripts.bench import cases
from scripts.bench.cases import Spec


def test_v4_sizes_and_loop():
    assert cases.SIZES == ((4096, 4096000), (2048000, 4096000), (4096000, 4096000))
    assert cases.ITERATIONS == 1000


def test_mte_comparisons_only_on_arm64():
    x86 = [c.key for c in cases.comparisons_for("x86_64")]
    arm = [c.key for c in cases.comparisons_for("arm64")]
    assert x86 == ["v4", "pattern"]
    assert arm == ["v4", "pattern", "mte-stg", "mte-stz2g"]
    assert [c.key for c in cases.comparisons_for("arm64", ["mte-stg"])] == ["mte-stg"]


def test_specs_are_unique_and_interleaved_per_size():
    specs = cases.specs_for(cases.comparisons_for("arm64"))
    assert len(specs) == len(set(specs)) == 6 * 3
    first = specs[:6]
    assert {s.touch for s in first} == {4096}
    assert [s.case for s in first] == ["memset", "refpage", "refpage-page", "mte-stg", "mte-refpage", "mte-stz2g"]
    assert specs[0].arg() == "memset:4096000:4096"


def test_parse_figures_skip_error_and_noise():
    line = cases.parse_line("bench case=memset mmap=4096000 touch=4096 iterations=1000 "
                            "seconds=3.962194 maxrss_kib=6656\r")
    assert line.spec == Spec("memset", 4096000, 4096)
    assert (line.seconds, line.maxrss_kib, line.skip, line.error) == (3.962194, 6656, None, None)
    skip = cases.parse_line("bench case=mte-stg mmap=4096000 touch=4096 iterations=10 skip=MTE is arm64 only")
    assert skip.skip == "MTE is arm64 only"
    err = cases.parse_line("bench case=refpage mmap=4096 touch=0 iterations=10 error=killed by signal 11")
    assert err.error == "killed by signal 11"
    bad = cases.parse_line("bench case=refpage mmap=4096 touch=0 iterations=10 seconds=x")
    assert bad.error.startswith("unreadable figures")
    assert cases.parse_line("<4>[ 1.0] bench case=... not ours") is None
    prompted = cases.parse_line("/root # rci-c1495f91> bench case=memset mmap=4096000 touch=4096 "
                                "iterations=10 seconds=0.309473 maxrss_kib=4280")
    assert (prompted.spec.case, prompted.seconds) == ("memset", 0.309473)
    assert cases.parse_line("TAP version 13") is None


def test_samples_gather_runs_per_spec():
    s = cases.Samples()
    for text in ("bench case=memset mmap=8192 touch=0 iterations=1 seconds=1.5 maxrss_kib=100",
                 "bench case=memset mmap=8192 touch=0 iterations=1 seconds=2.5 maxrss_kib=120",
                 "bench case=mte-stg mmap=8192 touch=0 iterations=1 skip=no MTE",
                 "bench case=refpage mmap=8192 touch=0 iterations=1 error=exit status 1 (see above)"):
        s.add(cases.parse_line(text))
    spec = Spec("memset", 8192, 0)
    assert s.seconds[spec] == [1.5, 2.5] and s.maxrss_kib[spec] == [100, 120]
    assert s.skipped == {Spec("mte-stg", 8192, 0): "no MTE"}
    assert s.errors == ["refpage:8192:0: exit status 1 (see above)"]


def test_missing_feature_line():
    assert cases.missing_feature(["x", "bench error=refpage_create not in this kernel"]) == \
        "refpage_create not in this kernel"
    assert cases.missing_feature(["bench case=memset mmap=1 touch=0 iterations=1 error=x"]) is None
