"""A config interrupted after .config changed is redone by the next run, not taken as done."""

import pytest

from harness import config, kbuild, machine as machines

REQUESTS = [config.Request("FOO", "y", "frag:1")]


def test_a_config_interrupted_between_its_makes_leaves_no_stamp(tmp_path, monkeypatch):
    machine = machines.load("x86_64")
    build = tmp_path / "build"
    build.mkdir()
    # a finished config of these requests whose .config went away: the makes run again
    (build / config.STAMP).write_text(config.config_hash(machine, REQUESTS))

    def make(site, log, target, *extra):
        if target == "olddefconfig":
            raise KeyboardInterrupt
        (site.build_dir / ".config").write_text("# allnoconfig alone\n")
    monkeypatch.setattr(config, "_make", make)
    monkeypatch.setattr(config, "readable_kconfig", lambda *a, **k: None)
    site = kbuild.Site(machine, tmp_path, build)
    with pytest.raises(KeyboardInterrupt):
        config.configure(site, REQUESTS, "6.12", tmp_path / "log", progress=lambda _: None)
    assert not (build / config.STAMP).exists()
