from harness import ccache

LOG = """# mm/refpage.c
direct_cache_hit
local_storage_hit
# mm/memory.c
cache_miss
direct_cache_miss
preprocessed_cache_miss
# kernel/fork.c
preprocessed_cache_hit
# vmlinux
called_for_link
"""


def test_stats_log_counts_hits_and_misses_per_call():
    rate = ccache.parse_stats_log(LOG)
    assert (rate.hits, rate.misses) == (2, 1)
    assert round(rate.percent) == 67
    assert rate.line() == "ccache 67% hits (2/3)"
    assert rate.as_dict() == {"hits": 2, "misses": 1, "hit_rate": 66.7}


def test_no_compiles_has_no_rate(tmp_path):
    rate = ccache.read_stats_log(tmp_path / "absent.log")
    assert rate.percent is None and rate.line() == "ccache: no compiles"


def test_settings_key_by_compiler_content_and_keep_each_builds_log(tmp_path):
    env = ccache.settings(tmp_path / "s.log", tmp_path, "distcc")
    assert env["CCACHE_COMPILERCHECK"] == "content"
    assert env["CCACHE_STATSLOG"] == str(tmp_path / "s.log")
    assert env["CCACHE_PREFIX"] == "distcc"
    assert "CCACHE_SLOPPINESS" not in env


def test_host_programs_compile_through_ccache_here_only(monkeypatch):
    from harness import kbuild, machine as machines
    m = kbuild.Site(machines.load("arm64"), "/t", "/b")
    monkeypatch.setattr(ccache, "available", lambda: True)
    assert "HOSTCC=ccache gcc" in kbuild.make_command(m, "Image")
    assert "HOSTCC=ccache gcc" not in kbuild.make_command(m, "Image", distcc=object())
    assert "HOSTCC=ccache gcc" not in kbuild.make_command(m, "Image", cc="gcc-12")
    monkeypatch.setattr(ccache, "available", lambda: False)
    assert not any(a.startswith("HOSTCC=") for a in kbuild.make_command(m, "Image"))
