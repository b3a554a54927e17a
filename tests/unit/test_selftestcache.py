from types import SimpleNamespace

from harness import selftestcache


def _site(tmp_path, monkeypatch):
    monkeypatch.setenv("REFPAGE_CI_CACHE", str(tmp_path / "cache"))
    machine = SimpleNamespace(name="arm64", compiler=lambda: "no-such-cc-for-this-test")
    tree = tmp_path / "tree"
    (tree / "tools" / "testing" / "selftests").mkdir(parents=True)
    (tree / "tools" / "testing" / "selftests" / "kselftest_harness.h").write_text("harness\n")
    headers = tmp_path / "build" / "usr" / "include"
    (headers / "linux").mkdir(parents=True)
    (headers / "linux" / "mman.h").write_text("#define MAP_X 1\n")
    return machine, tree, headers


def test_a_stored_entry_is_found_by_the_same_inputs_only(tmp_path, monkeypatch):
    machine, tree, headers = _site(tmp_path, monkeypatch)
    digest = selftestcache.key(machine, tree, headers)
    assert selftestcache.lookup(machine, digest, ["prog"]) is None
    built = tmp_path / "prog"
    built.write_bytes(b"\x7fELF")
    selftestcache.store(machine, digest, [built])
    found = selftestcache.lookup(machine, digest, ["prog"])
    assert [p.read_bytes() for p in found] == [b"\x7fELF"] and found[0] != built
    (headers / "linux" / "mman.h").write_text("#define MAP_X 2\n")
    assert selftestcache.key(machine, tree, headers) != digest
    (headers / "linux" / "mman.h").write_text("#define MAP_X 1\n")
    (tree / "tools" / "testing" / "selftests" / "kselftest_harness.h").write_text("harness 2\n")
    assert selftestcache.key(machine, tree, headers) != digest


def test_an_entry_without_its_stamp_is_a_miss(tmp_path, monkeypatch):
    machine, tree, headers = _site(tmp_path, monkeypatch)
    digest = selftestcache.key(machine, tree, headers)
    entry = selftestcache.folder(machine, digest)
    entry.mkdir(parents=True)
    (entry / "prog").write_bytes(b"half")
    assert selftestcache.lookup(machine, digest, ["prog"]) is None


def test_a_folder_is_published_whole_or_not_at_all(tmp_path):
    from harness import keptbuild
    target = tmp_path / "cache" / "entry"
    try:
        with keptbuild.publishing(target) as work:
            (work / "half").write_text("x")
            raise OSError("disk full")
    except OSError:
        pass
    assert not target.exists() and list((tmp_path / "cache").iterdir()) == []
    with keptbuild.publishing(target) as work:
        (work / "whole").write_text("y")
    assert [p.name for p in target.iterdir()] == ["whole"] and len(list((tmp_path / "cache").iterdir())) == 1
