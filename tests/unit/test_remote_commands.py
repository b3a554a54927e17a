"""The command lines a build host runs: every word arrives as it was, nothing user-given runs."""

import shlex
import subprocess

import pytest

from harness import machine as machines
from harness.remote import commands, layout
from harness.remote.hostspec import HostSpec
from harness.remote.snapshot import Snapshot

EVIL = ["x;touch${IFS}/tmp/pwned", "x$(touch /tmp/pwned)", "x`id`", "a b'c\"d", "-rf", "*", "$HOME", "\\n"]
SHA = "2db5b68d2e6f396f032f33650f87b62c74c472d2"


def sh(line, **env):
    return subprocess.run(["sh", "-c", line], capture_output=True, text=True, env=env or None)


@pytest.mark.parametrize("word", EVIL)
def test_a_word_reaches_the_remote_shell_as_it_was(word, tmp_path):
    res = sh(commands.line("printf", "%s", word), PATH="/usr/bin:/bin")
    assert res.stdout == word
    assert not list(tmp_path.iterdir())


def test_the_build_script_keeps_an_evil_branch_and_tree_as_single_words():
    lay = layout.Layout("/srv/r", "t;rm", "arm64-abc")
    label = "x;touch${IFS}/tmp/pwned`id`$(id)"
    line = commands.build(lay, machines.load("arm64"), Snapshot(SHA, label, False), 3, "ccache aarch64-linux-gnu-gcc")
    probe, locked = line.split("}; ", 1)
    assert shlex.split(probe) == ["{", "flock", "-n", "/srv/r/trees/.t;rm.lock", "true", "||", "echo",
                                  "remote: waiting for another build of this tree there;"]
    flock, lock, shell, c, script = shlex.split(locked)
    assert (flock, lock, shell, c) == ("flock", "/srv/r/trees/.t;rm.lock", "sh", "-c")
    words = shlex.split(script)
    assert f"remote: {label} at {SHA[:12]} for arm64 in /srv/r/trees/t;rm" in words
    assert "CC=ccache aarch64-linux-gnu-gcc" in words
    assert words.count("exit") == 2 and f"{commands.MAKE_FAILED};" in words


def test_the_echoed_label_runs_nothing(tmp_path):
    label = f"x;touch${{IFS}}{tmp_path}/pwned;`touch {tmp_path}/p2`$(touch {tmp_path}/p3)"
    lay = layout.Layout("/nonexistent", "t", "arm64-abc")
    script = shlex.split(commands.build(lay, machines.load("arm64"), Snapshot(SHA, label, False), 3, "gcc"))[-1]
    first = script.split(" && ")[0]
    assert sh(first).stdout.startswith(f"remote: {label} at ")
    assert not list(tmp_path.iterdir())


def test_only_full_commit_ids_are_built():
    lay = layout.Layout("/srv/r", "t", "arm64-abc")
    for bad in ("HEAD", SHA[:12], SHA + ";id", "--orphan"):
        with pytest.raises(ValueError):
            commands.build(lay, machines.load("arm64"), Snapshot(bad, "b", False), 3, "gcc")


def test_the_default_folder_is_the_hosts_cache_or_its_override(tmp_path):
    env = dict(PATH="/usr/bin:/bin", HOME=str(tmp_path))
    assert sh(commands.resolve_dir(), **env).stdout.strip() == f"{tmp_path}/.cache/refpage-ci/remote"
    assert sh(commands.resolve_dir(), **env, XDG_CACHE_HOME=str(tmp_path / "x")).stdout.strip() == \
        f"{tmp_path}/x/refpage-ci/remote"
    assert sh(commands.resolve_dir(), **env, REFPAGE_CI_REMOTE_DIR=str(tmp_path / "r")).stdout.strip() == \
        f"{tmp_path}/r"


def test_a_configured_folder_is_made_as_named(tmp_path):
    where = tmp_path / "a b;c"
    res = sh(commands.resolve_dir(str(where)))
    assert res.stdout.strip() == str(where) and where.is_dir()


def test_the_probe_reports_tools_files_and_free_space(tmp_path):
    (tmp_path / "there.h").write_text("")
    line = commands.probe(str(tmp_path), ["sh", "no-such-tool;id"], [str(tmp_path / "there.h"), "/nope.h"])
    facts = commands.parse_probe(sh(line).stdout)
    assert facts["tool:sh"] == "yes" and facts["tool:no-such-tool;id"] == "no"
    assert facts[f"file:{tmp_path}/there.h"] == "yes" and facts["file:/nope.h"] == "no"
    assert facts["df"].isdigit() and int(facts["cpus"]) >= 1 and facts["os"].startswith("Linux")


@pytest.mark.parametrize("host, url", [
    (HostSpec("big-box"), "ssh://big-box/srv/r/git"),
    (HostSpec("127.0.0.1", "root", 2222), "ssh://root@127.0.0.1:2222/srv/r/git"),
    (HostSpec("::1", None, 22), "ssh://[::1]:22/srv/r/git"),
])
def test_push_urls(host, url):
    assert commands.push_url(host, layout.Layout("/srv/r", "t", "b")) == url


def test_the_compiler_line_uses_ccache_only_when_the_host_has_it():
    m = machines.load("arm64")
    assert commands.compiler_line(m, True) == "ccache aarch64-linux-gnu-gcc"
    assert commands.compiler_line(m, False) == "aarch64-linux-gnu-gcc"


def test_the_layout_follows_the_local_build_folder():
    lay = layout.for_build("/srv/r", "linux next;x-1a2b3c4d", "/home/me/linux next;x/.refpage-ci-arm64-85290c6a21af")
    assert lay.tree == "linux_next_x-1a2b3c4d"
    assert (lay.git, lay.src, lay.build_dir, lay.ref) == (
        "/srv/r/git", "/srv/r/trees/linux_next_x-1a2b3c4d", "/srv/r/builds/linux_next_x-1a2b3c4d/arm64-85290c6a21af",
        "refs/refpage-ci/linux_next_x-1a2b3c4d/arm64-85290c6a21af")
    assert layout.slug("..") == "tree" and layout.slug(".hidden") == "hidden"
