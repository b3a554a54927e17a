"""bench --tool: the summary's layout and goals, the virtme-ng command lines (pure parts)."""

from harness.bench import tool, vng

LOAD = {"load1": 2.5, "compilers": 4}


def _data(warm=8.0, ours=200.0, theirs=1000.0):
    cycle = {"total_seconds": warm, "build_seconds": 12.0, "image_seconds": 0.1, "boot_seconds": 3.0,
             "tests_seconds": 8.0, "tests_passed": True}
    return {"tree": "/t", "commit": "c" * 40, "kernel_version": "6.12.117", "cpus": 2, "jobs": 3,
            "load": {"start": LOAD, "end": LOAD},
            "warm": {"arm64": {"cycles": [cycle, cycle], "median_seconds": warm}},
            "first_output": {"arm64": {"seconds": [2.0, 2.2], "median_seconds": 2.1}},
            "cold": {"x86_64": {"config_seconds": 5.0, "build_seconds": ours - 5.0, "total_seconds": ours,
                                "load_after": LOAD}},
            "vng": {"arch": "x86_64", "config_seconds": 10.0, "build_seconds": theirs - 10.0,
                    "total_seconds": theirs, "load_after": LOAD},
            "ratio": ours / theirs}


def test_summary_says_whether_the_goals_are_met():
    text = tool.render(_data())
    assert ("  arm64      8.0 s  one after the other (first: build 12.0, boot 3.0, tests 8.0; all 2: 8.0, 8.0)"
            "   goal <= 10 s: met") in text
    assert "  arm64      2.1 s" in text
    assert "  x86_64   200.0 s  (config 5.0, build 195.0; load after load 2.5, 4 compiler processes)" in text
    assert "ours / virtme-ng's (x86_64): 0.20   goal <= 0.5: met" in text
    slow = tool.render(_data(warm=45.0, ours=600.0))
    assert "goal <= 10 s: NOT met" in slow and "goal <= 0.5: NOT met" in slow


def test_summary_of_the_sharing_steps():
    data = dict(_data(), worktree={"arm64": {"seconds": 28.0, "hits": 95, "misses": 5, "hit_rate": 95.0}},
                repro={"arm64": {"warm_seconds": 400.0, "ok": True}},
                distcc={"arm64": {"without": {"seconds": 300.0}, "with": {"seconds": 310.0, "jobs_per_daemon": [9, 7]}}})
    data["warm"]["arm64"]["one_test"] = {"median_seconds": 5.0, "command": "boot --only refpage_rt -t rt_thp"}
    text = tool.render(data)
    assert "  arm64      5.0 s  one test (boot --only refpage_rt -t rt_thp)   goal <= 6 s: met" in text
    assert "  arm64     28.0 s  ccache 95% hits (95/100)   goal <= 30 s: met,   goal >= 90 %: met" in text
    assert "   400.0 s  all reproduced and fixed   goal <= 360 s: NOT met" in text
    assert "  with     310.0 s  (jobs per daemon: [9, 7])" in text


def test_the_goal_of_the_whole_suite_is_the_parallel_cycles_when_measured():
    data = _data(warm=13.0)
    data["warm"]["arm64"]["parallel"] = {"cycles": data["warm"]["arm64"]["cycles"], "median_seconds": 9.5,
                                         "command": "boot --parallel"}
    lines = tool.render(data).splitlines()
    serial = next(line for line in lines if "one after the other" in line)
    together = next(line for line in lines if "boot --parallel" in line)
    assert "goal" not in serial and together.startswith("  arm64      9.5 s  boot --parallel")
    assert together.endswith("goal <= 10 s: met")


def test_summary_of_some_steps_only():
    data = dict(_data(), cold={}, vng=None, ratio=None)
    text = tool.render(data)
    assert "edit cycle" in text and "cold build" not in text and "virtme-ng" not in text


def test_vng_commands_build_out_of_tree(monkeypatch):
    monkeypatch.setattr(vng, "executable", lambda: "/venv/bin/vng")
    assert vng.config_command("x86_64", "/s") == ["/venv/bin/vng", "--kconfig", "--arch", "amd64", "O=/s"]
    assert vng.build_command("arm64", "/s", 3) == ["/venv/bin/vng", "--build", "--skip-modules", "--verbose",
                                                   "--arch", "arm64", "--jobs", "3", "O=/s"]
    env = vng.env()
    assert env["PATH"].startswith("/venv/bin:") and env["CCACHE_DISABLE"] == "1"


def test_no_ccache_restores_the_environment(monkeypatch):
    monkeypatch.delenv("CCACHE_DISABLE", raising=False)
    with tool.no_ccache():
        import os
        assert os.environ["CCACHE_DISABLE"] == "1"
    assert "CCACHE_DISABLE" not in os.environ


def test_series_digest_follows_the_renderers_not_the_bench(tmp_path, monkeypatch):
    from harness import paths
    from scripts.series.digest import series_digest
    for name in ("scripts/series/wiring.py", "scripts/syscalls/render.py", "scripts/bench/chart.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x = 1\n")
    patches, tests = tmp_path / "patches", tmp_path / "selftests"
    patches.mkdir()
    tests.mkdir()
    (patches / "series").write_text("0001-a.patch\n")
    (patches / "0001-a.patch").write_text("Subject: a\n")
    monkeypatch.setattr(paths, "PROJECT", tmp_path)
    first = series_digest(patches, tests)
    (tmp_path / "scripts/bench/chart.py").write_text("x = 2\n")
    assert series_digest(patches, tests) == first
    (tmp_path / "scripts/syscalls/render.py").write_text("x = 2\n")
    assert series_digest(patches, tests) != first


def test_series_digest_follows_the_patches(tmp_path):
    from scripts.series.digest import series_digest
    (tmp_path / "series").write_text("0001-a.patch\n")
    (tmp_path / "0001-a.patch").write_text("Subject: a\n")
    first = series_digest(tmp_path)
    assert series_digest(tmp_path) == first
    (tmp_path / "0001-a.patch").write_text("Subject: b\n")
    assert series_digest(tmp_path) != first


def test_the_cpu_the_hypervisor_kept_is_said_beside_the_load(tmp_path):
    from harness.bench import hostload
    stat = tmp_path / "stat"
    stat.write_text("cpu  700 0 100 1000 50 0 0 150 0 0\ncpu0 1 2 3\n")
    assert hostload.cpu_ticks(stat) == (2000, 150)
    start, end = dict(LOAD, ticks=2000, stolen=150), dict(LOAD, ticks=4000, stolen=450)
    text = tool.render(dict(_data(), load={"start": start, "end": end}))
    assert "at the end; CPU stolen by the hypervisor over the run: 15%" in text
    assert "stolen" not in tool.render(_data())
