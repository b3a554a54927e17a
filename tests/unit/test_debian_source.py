"""The private apt of debian:X.Y: madison output, the highest version, the lists' age, apt's failures."""

import os
import subprocess
import time
from types import SimpleNamespace

import pytest

from harness import debian_source as ds
from harness.errors import UserError

MADISON = """\
linux-source-7.3 | 7.3~rc6-1~exp1 | http://deb.debian.org/debian experimental/main amd64 Packages
linux-source-7.3 | 7.3~rc7-1~exp1 | http://deb.debian.org/debian experimental/main amd64 Packages
linux-source-7.2 |   7.2.13-1 | http://deb.debian.org/debian sid/main amd64 Packages
linux-source-6.1 |  6.1.176-1 | http://deb.debian.org/debian bookworm/main amd64 Packages
linux-source-6.1 |  6.1.170-3 | http://deb.debian.org/debian bookworm/main amd64 Packages
N: something apt says on the side
"""


def test_madison_lines_become_packages_with_their_suite():
    found = ds.parse_madison(MADISON)
    assert len(found) == 5
    assert found[2] == ds.Package("linux-source-7.2", "7.2.13-1", "sid")
    assert str(found[0]) == "linux-source-7.3 7.3~rc6-1~exp1"


def test_the_highest_version_across_suites_wins():
    offers = ds.parse_madison(MADISON) + [ds.Package("linux-source-7.3", "7.3~rc5-1", "sid")]
    assert ds.highest(offers, "linux-source-7.3") == ds.Package("linux-source-7.3", "7.3~rc7-1~exp1",
                                                                 "experimental")
    assert ds.highest(offers, "linux-source-6.1").version == "6.1.176-1"
    assert ds.highest(offers, "linux-source-9.9") is None


def test_package_names():
    assert ds.version_of("linux-source-7.3") == "7.3"
    assert ds.version_of("linux-source-7.3.package") is None
    assert ds.version_of("linux-source-all") is None
    assert ds.package_name("6.12") == "linux-source-6.12"


def test_the_private_configuration_names_only_its_own_folders(tmp_path):
    apt = ds.Apt(tmp_path / "apt")
    opts = apt.options()
    assert opts[:2] == ["-c", str(tmp_path / "apt" / "apt.conf")]
    settings = dict(o.split("=", 1) for o in opts[3::2])
    assert settings["Dir::Etc::SourceList"] == str(tmp_path / "apt" / "sources.list")
    assert settings["Dir::Etc::SourceParts"] == "/dev/null"
    assert settings["Dir::State::Lists"] == str(tmp_path / "apt" / "lists")
    assert settings["Dir::Cache"] == str(tmp_path / "apt" / "cache")
    assert settings["Dir::State::status"] == "/dev/null"
    apt._prepare()
    sources = (tmp_path / "apt" / "sources.list").read_text().splitlines()
    assert sources == [f"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
                       f"http://deb.debian.org/debian {suite} main" for suite in ("bookworm", "sid", "experimental")]
    assert "#clear APT::Update::Post-Invoke-Success;" in (tmp_path / "apt" / "apt.conf").read_text()


def _with_lists(apt, age):
    (apt.lists / "partial").mkdir(parents=True)
    (apt.lists / "deb.debian.org_debian_dists_sid_main_binary-amd64_Packages.lz4").write_text("")
    apt.stamp.touch()
    os.utime(apt.stamp, (time.time() - age, time.time() - age))


def test_lists_age_comes_from_the_stamp(tmp_path):
    apt = ds.Apt(tmp_path)
    assert apt.lists_age() is None
    _with_lists(apt, 3600)
    assert 3590 < apt.lists_age() < 3700


def result(returncode=0, stdout="", stderr=""):
    return SimpleNamespace(returncode=returncode, stdout=stdout, stderr=stderr)


class FakeRun:
    """Answers apt-get and apt-cache like apt would, recording the argv."""

    def __init__(self, madison="", update=result()):
        self.calls, self.madison, self.update = [], madison, update

    def __call__(self, argv, **kw):
        self.calls.append(argv)
        if argv[-1] == "update":
            return self.update
        if "madison" in argv:
            return result(stdout=self.madison)
        if "pkgnames" in argv:
            return result(stdout="linux-source-6.1\nlinux-source-7.2\nlinux-source-7.3\n")
        return result(1, stderr="E: unexpected")

    def updates(self):
        return sum(1 for argv in self.calls if argv[-1] == "update")


def test_fresh_lists_are_not_read_again(tmp_path):
    run = FakeRun(MADISON)
    apt = ds.Apt(tmp_path, run=run)
    _with_lists(apt, 60)
    assert ds.locate("7.3", apt, progress=lambda line: None).version == "7.3~rc7-1~exp1"
    assert run.updates() == 0


def test_day_old_lists_are_read_again(tmp_path):
    run = FakeRun(MADISON)
    apt = ds.Apt(tmp_path, run=run)
    _with_lists(apt, 2 * 86400)
    ds.locate("7.3", apt, progress=lambda line: None)
    assert run.updates() == 1
    update = next(argv for argv in run.calls if argv[-1] == "update")
    assert update[0] == "apt-get" and "APT::Update::Error-Mode=any" in update


def test_a_package_not_in_fresh_lists_reads_them_again_then_names_what_there_is(tmp_path, monkeypatch):
    monkeypatch.setattr(ds, "installed_versions", lambda: ["6.1", "6.12"])
    run = FakeRun(MADISON)
    apt = ds.Apt(tmp_path, run=run)
    _with_lists(apt, 60)
    with pytest.raises(UserError) as err:
        ds.locate("9.9", apt, progress=lambda line: None)
    assert run.updates() == 1
    message = str(err.value)
    assert message.startswith("debian:9.9: no suite carries linux-source-9.9 (bookworm, sid, experimental")
    assert message.endswith("available: 6.1, 6.12, 7.2, 7.3") and "\n" not in message


def test_no_network_is_said_so_in_one_line(tmp_path):
    failed = result(100, stdout="Err:1 http://deb.debian.org/debian bookworm InRelease\n",
                    stderr="E: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  "
                           "Could not resolve 'deb.debian.org'\nE: Some index files failed to download.\n")
    apt = ds.Apt(tmp_path, run=FakeRun(update=failed))
    with pytest.raises(UserError, match=r"^cannot read the package lists of bookworm, sid, experimental: "
                                        r"no network\? http://deb.debian.org/debian is out of reach "
                                        r"\(Failed to fetch .* Could not resolve 'deb.debian.org'\)$"):
        ds.locate("7.3", apt, progress=lambda line: None)
    assert not apt.stamp.exists()


def test_other_apt_failures_name_apt_and_its_folder(tmp_path):
    failed = result(100, stderr="E: The repository 'x' is not signed.\n")
    apt = ds.Apt(tmp_path, run=FakeRun(update=failed))
    with pytest.raises(UserError, match=rf"apt \(configuration in {tmp_path}\) failed: The repository 'x' is not signed"):
        apt.update(progress=lambda line: None)


def test_missing_apt_is_a_user_error(tmp_path):
    def run(argv, **kw):
        return result(127, stderr=f"{argv[0]}: command not found")
    with pytest.raises(UserError, match="apt-cache not found"):
        ds.Apt(tmp_path, run=run)._apt("apt-cache", "madison", "x")


def test_the_tarball_comes_out_of_the_deb(tmp_path):
    def run(argv, **kw):
        inner = tmp_path / "x" / "usr" / "src"
        inner.mkdir(parents=True)
        (inner / "linux-source-7.3.tar.xz").write_text("")
        return result()
    assert ds.extract(tmp_path / "p.deb", tmp_path / "x", "7.3", run=run) == \
        tmp_path / "x" / "usr" / "src" / "linux-source-7.3.tar.xz"
    with pytest.raises(UserError, match=r"p.deb: no /usr/src/linux-source-7.2.tar.xz in it"):
        ds.extract(tmp_path / "p.deb", tmp_path / "y", "7.2", run=lambda argv, **kw: result())


def test_an_installed_tarball_without_dpkg_still_counts(tmp_path, monkeypatch):
    monkeypatch.setattr(ds, "tarball", lambda version: tmp_path / f"linux-source-{version}.tar.xz")
    assert ds.installed_package("7.3") is None
    (tmp_path / "linux-source-7.3.tar.xz").write_text("")
    found = ds.installed_package("7.3", run=lambda argv, **kw: result(1))
    assert found == ds.Package("linux-source-7.3", "(not from dpkg)", str(tmp_path / "linux-source-7.3.tar.xz"))
    found = ds.installed_package("7.3", run=lambda argv, **kw: result(stdout="7.3-1"))
    assert found.version == "7.3-1"


def test_dpkg_query_is_asked_for_the_installed_version():
    if not subprocess.run(["which", "dpkg-query"], capture_output=True).returncode == 0:
        pytest.skip("no dpkg-query")
    for version in ds.installed_versions():
        assert ds.installed_package(version).name == f"linux-source-{version}"
