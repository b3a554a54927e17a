import pytest

from harness import paths
from harness.errors import UserError
from scripts.series import ports


def _port(root, name, base="linux X"):
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "series").write_text(f"# base: {base}\n0001-a.patch\n")
    return folder


def test_each_tree_gets_its_port(tmp_path):
    _port(tmp_path, "6.12")
    _port(tmp_path, "7.3")
    known = ports.known(tmp_path)
    assert [p.name for p in known] == ["6.12", "7.3"]
    pick = lambda v: ports.for_version(v, known).name
    assert pick("6.12.117") == "6.12"
    assert pick("7.3.0") == "7.3"
    assert pick("7.1.4") == "7.3"      # newer than the oldest port: the newest
    assert pick("7.5.0") == "7.3"      # linux-next past every port
    assert pick("6.1.192") == "6.12"   # older than every port: the oldest, which may not apply


def test_port_names_and_folders(tmp_path):
    _port(tmp_path, "6.12", "linux 6.12 (Debian)")
    assert ports.choose("7.3.0", "6.12", root=tmp_path).line() == "port 6.12 (base: linux 6.12 (Debian))"
    with pytest.raises(UserError, match="--port 9.9: no such port; the series has 6.12"):
        ports.choose("7.3.0", "9.9", root=tmp_path)
    own = tmp_path / "mine"
    own.mkdir()
    (own / "series").write_text("0001-a.patch\n")
    assert ports.choose("6.12.1", folder=own).base == "not named in its series file"
    with pytest.raises(UserError, match="no series file"):
        ports.choose("6.12.1", folder=tmp_path)


def test_a_port_folder_may_override_what_the_ports_share(tmp_path):
    folder = _port(tmp_path, "7.3")
    (tmp_path / "changelog.toml").write_text("shared")
    assert ports.shared_file(folder, "changelog.toml") == tmp_path / "changelog.toml"
    (folder / "changelog.toml").write_text("own")
    assert ports.shared_file(folder, "changelog.toml") == folder / "changelog.toml"


def test_the_project_carries_a_port_for_6_12_and_for_the_newest_tree():
    names = [p.name for p in ports.known(paths.PATCHES)]
    assert "6.12" in names and len(names) >= 2
    assert all(p.base != "not named in its series file" for p in ports.known(paths.PATCHES))
