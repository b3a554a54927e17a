import subprocess

from harness import builddir


class _M:
    name = "arm64"


def _repo(path, gitignore=None):
    path.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    if gitignore is not None:
        (path / ".gitignore").write_text(gitignore)
    return path


def _status(path):
    return subprocess.run(["git", "-C", str(path), "status", "--porcelain"], capture_output=True,
                          text=True, check=True).stdout


def test_a_cache_checkout_builds_inside_and_stays_clean(tmp_path, monkeypatch):
    monkeypatch.setenv("REFPAGE_CI_CACHE", str(tmp_path / "cache"))
    tree = _repo(tmp_path / "cache" / "trees" / "linux")
    place = builddir.choose(_M, "abc", tree)
    assert place.shared and place.path == tree / ".refpage-ci-arm64-abc"
    place.path.mkdir()
    (place.path / "vmlinux").write_text("x")
    assert _status(tree) == ""
    builddir.choose(_M, "abc", tree)
    assert (tree / ".git" / "info" / "exclude").read_text().count(builddir.EXCLUDE_RULE) == 1


def test_a_users_tree_that_ignores_dot_folders_builds_inside(tmp_path, monkeypatch):
    monkeypatch.setenv("REFPAGE_CI_CACHE", str(tmp_path / "cache"))
    tree = _repo(tmp_path / "linux", ".*\n!.gitignore\n")
    place = builddir.choose(_M, "abc", tree)
    assert place.shared and place.path.parent == tree
    assert not (tree / ".git" / "info" / "exclude").read_text().count(builddir.EXCLUDE_RULE)


def test_a_users_tree_that_would_show_the_folder_keeps_it_in_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("REFPAGE_CI_CACHE", str(tmp_path / "cache"))
    tree = _repo(tmp_path / "linux", "*.o\n")
    place = builddir.choose(_M, "abc", tree)
    assert not place.shared and tmp_path / "cache" in place.path.parents
    assert "untracked" in place.why and "ccache" in place.why


def test_a_tree_outside_git_keeps_the_cache_layout(tmp_path, monkeypatch):
    monkeypatch.setenv("REFPAGE_CI_CACHE", str(tmp_path / "cache"))
    (tmp_path / "plain").mkdir()
    place = builddir.choose(_M, "abc", tmp_path / "plain")
    assert not place.shared and "not a git checkout" in place.why
