"""Kconfig syntax no compatibility rule knows: the kernel's tools still configure, explanations degrade."""

import re
import shutil
from pathlib import Path

import kconfiglib
import pytest

from harness import config, kbuild, machine as machines
from harness.errors import StageFailed

DATA = Path(__file__).parent.parent / "data" / "kconfig"
REQUESTS = [config.Request("FOO", "y", "frag:1"), config.Request("BAR", "y", "frag:2")]


@pytest.fixture
def tree(tmp_path):
    """A copy, so that the once-per-tree warning is this test's own."""
    return shutil.copytree(DATA / "unknown", tmp_path / "tree")


@pytest.fixture
def x86():
    return machines.load("x86_64")


def kernel_keeping(*names):
    """A stand-in for the kernel's allnoconfig + olddefconfig that keeps only `names` of the fragment."""
    def make(site, log, target, *extra):
        if target == "allnoconfig":
            fragment = Path(extra[0].split("=", 1)[1]).read_text()
            kept = [line for line in fragment.splitlines() if re.match(rf"CONFIG_({'|'.join(names)})=", line)]
            (Path(site.build_dir) / ".config").write_text("".join(line + "\n" for line in kept))
    return make


def warnings(lines):
    return [line for line in lines if "warning" in line]


def test_neither_kconfiglib_nor_the_layer_reads_it(tree, x86):
    with pytest.raises(kconfiglib.KconfigError):
        kconfiglib.Kconfig(str(tree / "Kconfig"), warn=False)
    lines = []
    assert config.readable_kconfig(x86, tree, "7.3.0", lines.append) is None
    assert config.readable_kconfig(x86, tree, "7.3.0", lines.append) is None
    assert lines == ["config: warning: kconfiglib cannot read this tree (Kconfig:9: error: couldn't parse "
                     "'frobnicate harder': syntax error); requests are checked against .config alone, "
                     "without dependency explanations"]


def test_the_config_step_goes_on(tree, x86, tmp_path, monkeypatch):
    monkeypatch.setattr(config, "_make", kernel_keeping("FOO", "BAR"))
    lines = []
    site = kbuild.Site(x86, tree, tmp_path / "build")
    dotconfig = config.configure(site, REQUESTS, "7.3.0", tmp_path / "log", lines.append)
    assert dotconfig.read_text() == "CONFIG_FOO=y\nCONFIG_BAR=y\n"
    assert len(warnings(lines)) == 1


def test_a_request_that_did_not_stick_is_explained_from_the_dotconfig(tree, x86, tmp_path, monkeypatch):
    monkeypatch.setattr(config, "_make", kernel_keeping("FOO"))
    lines = []
    site = kbuild.Site(x86, tree, tmp_path / "build")
    with pytest.raises(StageFailed, match="did not stick") as failed:
        config.configure(site, REQUESTS, "7.3.0", tmp_path / "log", lines.append)
    assert failed.value.detail == ("CONFIG_BAR=y (frag:2) not set (absent from .config: not in this tree, "
                                   "or hidden by unmet dependencies); the dependency explanation is unavailable")
    assert len(warnings(lines)) == 1


def test_explain_without_kconfig_gives_the_value_the_dotconfig_has():
    line = config.explain_without_kconfig(config.Request("X", "y", "f:3"), {"X": "n"})
    assert line == "CONFIG_X=y (f:3) not set (is n); the dependency explanation is unavailable"
