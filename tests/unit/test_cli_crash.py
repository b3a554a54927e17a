"""A bug of ours ends a command in one error line and a crash log, never a traceback on the terminal."""

import argparse
import signal
from pathlib import Path

import pytest

from harness import cli
from harness.errors import UserError


@pytest.fixture(autouse=True)
def signals_restored():
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    yield
    for s, handler in saved.items():
        signal.signal(s, handler)


@pytest.fixture
def raising(monkeypatch):
    """cli.main() with a `build` command that raises `exc`."""
    def install(exc):
        def parser():
            top = argparse.ArgumentParser(prog="refpage-ci")
            sub = top.add_subparsers(dest="command", required=True)
            p = sub.add_parser("build")
            p.add_argument("--arch")
            p.add_argument("--out")
            p.set_defaults(func=lambda args: _stage_that_breaks(exc))
            return top
        monkeypatch.setattr(cli, "parser", parser)
    return install


def _stage_that_breaks(exc):
    raise exc


def crash_log(line):
    return Path(line.rsplit("; traceback in ", 1)[1])


def test_an_unexpected_exception_is_one_line_and_a_log_in_the_out_folder(raising, tmp_path, capsys):
    raising(RuntimeError("kconfig went\nsideways"))
    status = cli.main(["build", "--arch", "arm64", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 1
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("refpage-ci: internal error in build: RuntimeError: kconfig went; traceback in ")
    log = crash_log(err.strip())
    assert log.parent == (tmp_path / "out").resolve() and log.name.startswith("crash-")
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and "_stage_that_breaks" in text and "sideways" in text


def test_without_an_out_folder_the_log_goes_to_the_cache(raising, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("REFPAGE_CI_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    raising(KeyError("ARM64_MTE"))
    assert cli.main(["build", "--arch", "arm64"]) == 1
    err = capsys.readouterr().err
    assert "internal error in build: KeyError: 'ARM64_MTE'" in err
    assert crash_log(err.strip()).parent == (tmp_path / "cache").resolve()


def test_the_default_out_folder_of_the_run_holds_the_log_once_it_exists(raising, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("REFPAGE_CI_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out" / "build-arm64").mkdir(parents=True)
    raising(ValueError("bad"))
    cli.main(["build", "--arch", "arm64"])
    assert crash_log(capsys.readouterr().err.strip()).parent == (tmp_path / "out" / "build-arm64").resolve()


def test_user_errors_keep_their_line_and_status(raising, capsys):
    raising(UserError("--tree /nope: not a kernel checkout"))
    assert cli.main(["build", "--arch", "arm64"]) == 2
    assert capsys.readouterr().err == "refpage-ci: error: --tree /nope: not a kernel checkout\n"
