"""`series export` read by b4 itself (the b4 package): `b4 am` on the exported thread, then `git am`
on a fresh clone of the base gives the tree `series apply` made. Synthetic tree: seconds."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from test_series_synthetic import cli, git, make_series, make_tree, setup_identity

pytestmark = pytest.mark.e2e

B4 = Path(sys.executable).with_name("b4")


def b4(cwd, home, *args):
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
               XDG_CACHE_HOME=str(home / ".cache"), XDG_DATA_HOME=str(home / ".local"), LC_ALL="C")
    res = subprocess.run([str(B4), "--debug", "--offline-mode", *map(str, args)], cwd=cwd, env=env,
                         capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert res.returncode == 0, res.stdout + res.stderr
    return res.stdout + res.stderr


def message_id(patch):
    m = re.search(r"^Message-ID: <([^>]+)>", patch.read_text(), re.M | re.I)
    assert m, f"{patch.name} has no Message-ID: the export is no thread b4 can follow"
    return m.group(1)


def test_b4_am_of_the_export_applies_to_the_tree_series_apply_made(tmp_path):
    tree = make_tree(tmp_path / "linux")
    make_series(tree, tmp_path / "patches")
    assert cli("series", "apply", "--tree", tree, "--patches", tmp_path / "patches", "--branch", "rp").returncode == 0
    out = tmp_path / "out"
    res = cli("series", "export", "--tree", tree, "--patches", tmp_path / "patches", "--branch", "rp",
              "--version", "5", "--out", out)
    assert res.returncode == 0, res.stderr
    letter, *patches = sorted(out.glob("v5-*.patch"))
    thread = tmp_path / "thread.mbox"
    thread.write_text("".join(p.read_text() for p in [letter, *patches]))

    fresh = tmp_path / "fresh"
    subprocess.run(["git", "clone", "-q", "--branch", "base", str(tree), str(fresh)], check=True)
    setup_identity(fresh)
    home = tmp_path / "home"
    home.mkdir()
    said = b4(fresh, home, "am", "-m", thread, "-o", tmp_path / "b4", message_id(letter))

    base = git(tree, "rev-parse", "base")
    assert "Total patches: 4" in said
    assert f"Base: using specified base-commit {base}" in said  # b4 read our base-commit: line
    cover = next((tmp_path / "b4").glob("*.cover")).read_text()
    assert "Subject: [PATCH v5 0/4] mm: introduce reference pages" in cover
    assert "Changes since v4:\n\nv5:\n- " in cover and f"base-commit: {base}" in cover
    mbx = next((tmp_path / "b4").glob("*.mbx"))
    git(fresh, "am", mbx)
    assert git(fresh, "rev-parse", "HEAD^{tree}") == git(tree, "rev-parse", "rp^{tree}")
    assert git(fresh, "log", "--format=%s", f"{base}..HEAD").splitlines() == git(
        tree, "log", "--format=%s", "base..rp").splitlines()
