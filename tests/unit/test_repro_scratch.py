"""repro's scratch space: where it lives, what decides its commits, how the user's tree is compared."""

import shutil
from pathlib import Path

from harness import paths
from harness.repro import scratch
from harness.repro.usertree import State


def test_one_scratch_space_per_repository(monkeypatch, tmp_path):
    monkeypatch.setenv("REFPAGE_CI_CACHE", str(tmp_path))
    a = scratch.root_for(Path("/src/linux/.git"))
    assert a.parent == tmp_path / "repro" and a.name.startswith("linux-")
    assert scratch.root_for(Path("/src/linux/.git")) == a
    assert scratch.root_for(Path("/other/linux/.git")) != a
    assert scratch.root_for(Path("/srv/mirror/linux.git")).name.startswith("linux-")


def test_the_fixed_key_follows_the_series_and_the_selftests_and_nothing_else(tmp_path):
    copy, tests = tmp_path / "patches", tmp_path / "selftests"
    shutil.copytree(paths.PATCHES, copy)
    shutil.copytree(paths.SELFTESTS, tests)
    port = copy / "6.12"
    first = scratch.series_digest(port, tests)
    (copy / "bugs" / "RT-thp.patch").write_text("changed\n")
    (copy / "refpage_create.2").write_text("changed\n")
    assert scratch.series_digest(port, tests) == first
    patch = port / "0001-mm-introduce-reference-pages.patch"
    patch.write_text(patch.read_text() + "\n")
    second = scratch.series_digest(port, tests)
    assert second != first
    (tests / "refpage_rt.c").write_text("changed\n")
    assert scratch.series_digest(port, tests) != second


def test_digest_separates_its_parts():
    assert scratch.digest("ab", "c") != scratch.digest("a", "bc")
    assert scratch.digest(b"x") == scratch.digest("x")


def test_user_tree_differences_in_words():
    before = State("work", "a" * 40, " M mm/memory.c\n?? notes.txt\n")
    assert before.dirty_files() == ["mm/memory.c", "notes.txt"]
    assert before.differences(before) == []
    after = State(None, "b" * 40, "")
    assert before.differences(after) == ["branch work -> (detached)", "HEAD aaaaaaaaaaaa -> bbbbbbbbbbbb",
                                         "`git status` changed"]
