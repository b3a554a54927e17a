"""`refpage-ci tree list|fetch` and doctor's lines about the Debian trees, on a made-up catalogue."""

import argparse
import io
from pathlib import Path

import pytest

from harness import doctor, tree_catalogue, tree_command
from harness.debian_source import Package
from harness.errors import UserError
from harness.tree_catalogue import Entry

CACHED = Path("/cache/trees/linux-source-6.12")
ENTRIES = [
    Entry("6.1", installed=Package("linux-source-6.1", "6.1.192-3", "/usr/src/linux-source-6.1.tar.xz"),
          offer=Package("linux-source-6.1", "6.1.176-1", "bookworm")),
    Entry("6.12", checkout=CACHED, package=Package("linux-source-6.12", "6.12.117-1~deb12u1", "/usr/src/x"),
          installed=Package("linux-source-6.12", "6.12.117-1~deb12u1", "/usr/src/x")),
    Entry("7.3", offer=Package("linux-source-7.3", "7.3~rc7-1~exp1", "experimental")),
]


class Apt:
    def __init__(self, age=3 * 3600):
        self.age, self.lists = age, Path("/cache/apt/lists")

    def lists_age(self):
        return self.age


def _parse(*argv):
    top = argparse.ArgumentParser(prog="refpage-ci")
    tree_command.register(top.add_subparsers(dest="command"))
    return top.parse_args(["tree", *argv])


def test_list_shows_every_tree_its_state_package_and_place(monkeypatch):
    monkeypatch.setattr(tree_command.debian_source, "Apt", Apt)
    monkeypatch.setattr(tree_catalogue, "entries", lambda apt: ENTRIES)
    out = io.StringIO()
    assert tree_command.list_command(_parse("list"), out=out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["tree", "state", "package", "where"]
    assert lines[1].split() == ["debian:6.1", "installed", "linux-source-6.1", "6.1.192-3",
                                "/usr/src/linux-source-6.1.tar.xz"]
    assert lines[2].split() == ["debian:6.12", "cached", "linux-source-6.12", "6.12.117-1~deb12u1", str(CACHED),
                                "(the", "default)"]
    assert lines[3].split() == ["debian:7.3", "fetchable", "linux-source-7.3", "7.3~rc7-1~exp1",
                                "http://deb.debian.org/debian", "experimental"]
    assert lines[4] == ("package lists of bookworm, sid, experimental: read 3 h ago, in /cache/apt/lists "
                        "(--refresh reads them again)")


def test_a_newer_package_than_the_cached_one_is_mentioned():
    entry = Entry("7.3", checkout=Path("/c/linux-source-7.3"), package=Package("linux-source-7.3", "7.3~rc6-1", "sid"),
                  offer=Package("linux-source-7.3", "7.3~rc7-1~exp1", "experimental"))
    assert tree_command._row(entry)[3] == "/c/linux-source-7.3; newer: linux-source-7.3 7.3~rc7-1~exp1 (experimental)"


def test_no_lists_says_how_to_read_them():
    assert tree_command._lists_note(Apt(age=None)).endswith("not read yet (`refpage-ci tree list --refresh` reads them)")


@pytest.mark.parametrize("name,message", [
    ("/src/linux", r"^tree fetch /src/linux: not a Debian tree name; pass debian:X.Y"),
    ("debian:7", r"^debian:7: not a Debian tree name"),
])
def test_fetch_takes_names_only(name, message):
    with pytest.raises(UserError, match=message):
        tree_command.fetch_command(_parse("fetch", name))


def test_doctor_says_how_to_have_each_tree_not_cached(monkeypatch):
    monkeypatch.setattr(tree_catalogue, "entries", lambda apt: ENTRIES)
    lines = [f.line() for f in doctor.tree_findings(Apt())]
    assert lines == [
        "optional debian:6.1 not cached: `refpage-ci tree fetch debian:6.1` (unpacks "
        "/usr/src/linux-source-6.1.tar.xz, linux-source-6.1 6.1.192-3)",
        f"ok       debian:6.12 cached (linux-source-6.12 6.12.117-1~deb12u1, {CACHED})",
        "optional debian:7.3 not cached: `refpage-ci tree fetch debian:7.3` (downloads linux-source-7.3 "
        "7.3~rc7-1~exp1 from experimental)",
    ]


def test_doctor_without_the_default_tree_or_lists(monkeypatch):
    monkeypatch.setattr(tree_catalogue, "entries", lambda apt: ENTRIES[2:])
    found = doctor.tree_findings(Apt(age=None))
    assert found[0].line() == "missing  debian:6.12 (the default tree): apt-get install linux-source-6.12"
    assert found[0].required
    assert found[-1].line() == ("optional package lists of bookworm, sid, experimental: `refpage-ci tree list "
                                "--refresh` reads them (the debian:X.Y to be fetched)")


def test_the_catalogue_joins_cached_installed_and_listed(monkeypatch):
    class Listed:
        def versions(self):
            return ["6.1", "7.3"]

        def offers(self, names):
            assert names == ["linux-source-6.1", "linux-source-7.3"]
            return [Package("linux-source-7.3", "7.3~rc7-1~exp1", "experimental"),
                    Package("linux-source-7.3", "7.3~rc6-1~exp1", "experimental")]
    monkeypatch.setattr(tree_catalogue.trees, "cached_versions", lambda: ["6.12"])
    monkeypatch.setattr(tree_catalogue.trees, "recorded", lambda checkout: "recorded")
    monkeypatch.setattr(tree_catalogue.debian_source, "installed_versions", lambda: ["6.12", "6.1"])
    monkeypatch.setattr(tree_catalogue.debian_source, "installed_package",
                        lambda v: Package(f"linux-source-{v}", "1", "/usr/src") if v in ("6.1", "6.12") else None)
    entries = tree_catalogue.entries(Listed())
    assert [e.name for e in entries] == ["debian:6.1", "debian:6.12", "debian:7.3"]
    assert entries[1].checkout.name == "linux-source-6.12" and entries[1].package == "recorded"
    assert entries[0].checkout is None and entries[0].how().startswith("unpacks /usr/src")
    assert entries[2].offer.version == "7.3~rc7-1~exp1" and entries[2].installed is None
