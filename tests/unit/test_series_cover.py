"""The cover letter: changelog.toml + template, rendered (pure)."""

import pytest

from harness import paths
from harness.errors import UserError
from scripts.series import cover

CHANGELOG = '''
title = "mm: introduce reference pages"
summary = """
Reference pages.
"""
[[versions]]
version = 5
changes = [{ text = "refuse MAP_SHARED", fixes = ["RT-shared-write"] }, "rebased"]
[[versions]]
version = 6
changes = [{ text = "account the page", fixes = ["RT-gfp-account", "RT-error-path"] }]
'''


def render(version, changelog=CHANGELOG, patches_dir=paths.PATCHES):
    return cover.render(patches_dir, cover.parse_changelog(changelog),
                        cover.Facts(version, "Peter Collingbourne (2):\n  mm: a\n  arch: b\n",
                                    " mm/a.c | 2 ++\n 1 file changed, 2 insertions(+)\n", "f" * 40))


def test_newest_version_first_with_findings():
    text = render(6)
    assert text.index("v6:") < text.index("v5:")
    assert "- account the page (fixes RT-gfp-account, RT-error-path)" in text
    assert "- refuse MAP_SHARED (fixes RT-shared-write)" in text
    assert "- rebased\n" in text


def test_parts_in_order_and_base_commit_last():
    text = render(5)
    assert "v6:" not in text
    order = [text.index(s) for s in ("Reference pages.", "Changes since v4:", "Peter Collingbourne (2):",
                                     " mm/a.c | 2 ++", "base-commit: " + "f" * 40)]
    assert order == sorted(order)
    assert text.rstrip().endswith("base-commit: " + "f" * 40)
    assert "\n\n\n" not in text


def test_missing_version_entry_is_an_error():
    with pytest.raises(UserError, match="no entry for v7"):
        render(7)
    with pytest.raises(UserError, match="v5 or later"):
        render(4)


@pytest.mark.parametrize("text, message", [
    ("title = 1", "title"),
    ('title = "t"\nsummary = "s"\n[[versions]]\nversion = 5\n', "non-empty `changes`"),
    ("title = ", "not valid TOML"),
])
def test_bad_changelog(text, message):
    with pytest.raises(UserError, match=message):
        cover.parse_changelog(text)


def test_project_changelog_renders_v5_with_every_finding_it_names():
    changelog = cover.load_changelog(paths.PATCHES)
    text = cover.render(paths.PATCHES, changelog, cover.Facts(5, "", "", "0" * 40))
    assert text.startswith("Introduce a new syscall, refpage_create")
    assert "RT-no-apply" in text and "RT-shared-write" in text
    for line in text.splitlines():
        assert len(line) <= 75, line


def test_long_change_wraps_as_a_bullet():
    item = cover.item(cover.Change("word " * 30, ("RT-x",)))
    lines = item.splitlines()
    assert lines[0].startswith("- ") and all(l.startswith("  ") for l in lines[1:])
    assert all(len(l) <= 72 for l in lines) and lines[-1].endswith("(fixes RT-x)")


def test_bench_tables_go_after_the_summary():
    text = cover.render(paths.PATCHES, cover.parse_changelog(CHANGELOG), cover.Facts(
        5, "", "", "0" * 40, bench="arm64 under tcg\n\nreal time (s):\n\ntouch_size/mmap_size   memset\n"))
    order = [text.index(s) for s in ("Reference pages.", "Benchmarks (`refpage-ci bench`",
                                     "touch_size/mmap_size   memset", "Changes since v4:")]
    assert order == sorted(order)
    assert "Benchmarks" not in render(5)
