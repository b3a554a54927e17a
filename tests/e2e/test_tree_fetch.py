"""debian:X.Y through refpage-ci's own apt configuration, for real: debian:7.3 fetched once (the
cache keeps it for later runs), the lists read again, bad names and no network; the system's apt
sources and lists are left exactly as they were.
"""

import hashlib
import json
from pathlib import Path

import pytest

from conftest import Cli
from harness import debian_source, paths, pipeline, tree as trees

pytestmark = pytest.mark.e2e

SYSTEM_APT = (Path("/etc/apt"), Path("/var/lib/apt/lists"))
VERSION = "7.3"


def system_apt():
    """Every file of the system's apt configuration and lists, with its size, time and content."""
    state = {}
    for root in SYSTEM_APT:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != "lock"):
            st = path.stat()
            state[str(path)] = (st.st_size, st.st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
    return state


@pytest.fixture(scope="module")
def fetched():
    """`tree fetch debian:7.3`: downloaded and unpacked the first time, cached already after that."""
    if debian_source.tarball(VERSION).is_file():
        pytest.skip(f"{debian_source.tarball(VERSION)} is installed: debian:{VERSION} would not be downloaded")
    before = system_apt()
    res = Cli()("tree", "fetch", f"debian:{VERSION}", timeout=3600)
    return res, before, system_apt()


def test_fetch_through_the_private_apt(fetched):
    res, before, after = fetched
    assert res.returncode == 0, res.stderr
    assert before == after
    package = trees.recorded(trees.checkout_dir(VERSION))
    assert package.name == f"linux-source-{VERSION}" and package.origin in debian_source.SUITES
    assert res.stdout.strip().startswith(f"debian:{VERSION}: {package} (from {package.origin}), cached")
    if "cached already" not in res.stdout:
        assert f"tree: downloading {package} from {package.origin}" in res.stderr
        assert "tree: committing linux-source-7.3 as the base commit" in res.stderr
    checkout = trees.checkout_dir(VERSION)
    assert trees.kernel_version(checkout).startswith(VERSION)
    assert not (checkout / ".gitignore").read_text().rstrip().endswith("/*\n!/debian/")
    assert list((paths.cache_dir() / "apt").glob(".fetch-*")) == []


def test_reading_the_lists_again_leaves_the_systems_apt_alone(fetched, cli):
    before = system_apt()
    res = cli("tree", "list", "--refresh", timeout=600)
    assert res.returncode == 0, res.stderr
    assert system_apt() == before
    package = trees.recorded(trees.checkout_dir(VERSION))
    row = next(line for line in res.stdout.splitlines() if line.startswith(f"debian:{VERSION} "))
    assert row.split()[1:4] == ["cached", package.name, package.version]
    assert "package lists of bookworm, sid, experimental: read " in res.stdout


def test_a_run_records_the_package_in_its_metadata(fetched, tmp_path, monkeypatch):
    """Up to the config (not run here: that is the build's business): metadata.json names the package."""
    monkeypatch.setattr(pipeline.config, "configure", lambda *a, **kw: None)
    opts = pipeline.Options(arch="x86_64", tree=str(trees.resolve(f"debian:{VERSION}")), out=tmp_path)
    prep = pipeline.configure(opts, "build", progress=lambda line: None)
    meta = json.loads((tmp_path / "metadata.json").read_text())
    assert meta["tree"] == str(trees.checkout_dir(VERSION)) == str(prep.tree)
    assert meta["tree_package"] == str(trees.recorded(prep.tree))
    assert meta["tree_package"].startswith(f"linux-source-{VERSION} {VERSION}")


def test_syscalls_render_takes_the_name(fetched, cli):
    res = cli("syscalls", "render", "--tree", f"debian:{VERSION}", "--json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["tree"] == str(trees.checkout_dir(VERSION))


def test_a_name_no_suite_carries_is_one_line_with_what_there_is(fetched, cli):
    res = cli("series", "apply", "--tree", "debian:9.9", timeout=600)
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert lines[-1].startswith("refpage-ci: error: debian:9.9: no suite carries linux-source-9.9 ")
    assert lines[-1].endswith(f", {VERSION}") or f" {VERSION}," in lines[-1]
    assert "Traceback" not in res.stderr


def test_no_network_is_one_line(cli, tmp_path):
    env = cli.env(REFPAGE_CI_CACHE=str(tmp_path / "cache"), http_proxy="http://127.0.0.1:9")
    res = cli("tree", "fetch", "debian:7.3", env=env, timeout=600)
    assert res.returncode == 2, res.stdout + res.stderr
    last = res.stderr.strip().splitlines()[-1]
    assert last.startswith("refpage-ci: error: cannot read the package lists of bookworm, sid, experimental: "
                           "no network? http://deb.debian.org/debian is out of reach (")
    assert "Traceback" not in res.stderr
