"""Build hosts: --build-host specs, the build-hosts file, the command-line options."""

import argparse
import re

import pytest

from harness.errors import UserError
from harness.remote import hostspec, options
from harness.remote.hostspec import HostSpec


@pytest.mark.parametrize("text, spec", [
    ("big-box", HostSpec("big-box")),
    ("builder@big-box.example.org", HostSpec("big-box.example.org", "builder")),
    ("root@127.0.0.1:2222", HostSpec("127.0.0.1", "root", 2222)),
    ("[::1]:22", HostSpec("::1", None, 22)),
    ("me@[fe80::1]", HostSpec("fe80::1", "me")),
])
def test_specs(text, spec):
    assert hostspec.parse(text) == spec


@pytest.mark.parametrize("spec, label", [
    (HostSpec("big-box"), "big-box"), (HostSpec("127.0.0.1", "root", 2222), "root@127.0.0.1:2222"),
    (HostSpec("::1", "me", 22), "me@[::1]:22"),
])
def test_labels_read_back_as_the_same_spec(spec, label):
    assert spec.label == label
    assert hostspec.parse(label) == spec


@pytest.mark.parametrize("text", ["", "a;b", "host:port", "-oProxyCommand=x", "user@", "h:0", "h:70000",
                                  "a b", "$(id)", "u@h@h", "h:22:22"])
def test_bad_specs_are_one_line_errors_that_show_the_form(text):
    with pytest.raises(UserError) as exc:
        hostspec.parse(text)
    assert "--build-host" in str(exc.value) and "\n" not in str(exc.value)


def test_the_file_takes_comments_and_a_folder_per_host():
    hosts = hostspec.parse_file("# builders\n\nbig-box\n  me@arm64-box:2200 dir=/srv/refpage-ci # fast\n", "f")
    assert hosts == [HostSpec("big-box"), HostSpec("arm64-box", "me", 2200, "/srv/refpage-ci")]


@pytest.mark.parametrize("line, message", [
    ("big-box jobs=8", "f:1: unknown setting 'jobs=8'"),
    ("big-box dir=", "f:1: unknown setting 'dir='"),
    ("big-box dir=/srv/a:b", "f:1: dir='/srv/a:b': use a plain path"),
    ("big-box dir=$(id)", "f:1: dir='$(id)': use a plain path"),
    ("big;box", "f:1: 'big;box': not [user@]host[:port]"),
])
def test_bad_file_lines_name_the_file_and_line(line, message):
    with pytest.raises(UserError, match=re.escape(message)):
        hostspec.parse_file(line, "f")


def test_the_file_lives_in_the_users_config_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert hostspec.config_file() == tmp_path / "refpage-ci" / "build-hosts"
    assert hostspec.configured() == []
    hostspec.config_file().parent.mkdir()
    hostspec.config_file().write_text("big-box\n")
    assert hostspec.configured() == [HostSpec("big-box")]


def _args(monkeypatch, tmp_path, *argv, file_text=None):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    if file_text is not None:
        (tmp_path / "refpage-ci").mkdir(parents=True)
        (tmp_path / "refpage-ci" / "build-hosts").write_text(file_text)
    p = argparse.ArgumentParser()
    options.add_arguments(p)
    return options.from_args(p.parse_args(argv))


def test_no_host_means_a_local_build(monkeypatch, tmp_path):
    assert _args(monkeypatch, tmp_path) is None


def test_command_line_hosts_win_over_the_file(monkeypatch, tmp_path):
    got = _args(monkeypatch, tmp_path, "--build-host", "a", "--build-host", "b:2", "--fallback-local",
                file_text="c\n")
    assert got == options.RemoteOptions((HostSpec("a"), HostSpec("b", port=2)), False, True)


def test_the_file_is_the_default_and_no_build_host_overrides_it(monkeypatch, tmp_path):
    assert _args(monkeypatch, tmp_path, "--accept-new-host-key", file_text="c\n") == \
        options.RemoteOptions((HostSpec("c"),), True, False)
    assert _args(monkeypatch, tmp_path / "x", "--no-build-host", file_text="c\n") is None


def test_contradictions_and_repeats_are_refused(monkeypatch, tmp_path):
    with pytest.raises(UserError, match="contradict"):
        _args(monkeypatch, tmp_path, "--build-host", "a", "--no-build-host")
    with pytest.raises(UserError, match="named twice"):
        _args(monkeypatch, tmp_path, "--build-host", "a", "--build-host", "a")


def test_doctor_takes_no_fallback():
    p = argparse.ArgumentParser()
    options.add_arguments(p, fallback=False)
    args = p.parse_args(["--build-host", "a"])
    assert not hasattr(args, "fallback_local")
    assert options.from_args(args).fallback_local is False
