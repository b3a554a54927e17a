"""The man page renders with man(1) and is warning-free under groff and mandoc, as man-pages lints it."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import paths

PAGES = sorted({paths.PATCHES / "refpage_create.2", *paths.PATCHES.glob("*/refpage_create.2")})
# man-pages' own conventions, which its `make lint` lets through too: lower-case titles, and the
# "(date)" placeholder its release script fills in.
CONVENTIONS = ("STYLE: lower case character in document title", "cannot parse date, using it verbatim: TH (date)")


def _run(*argv):
    if not shutil.which(argv[0]):
        pytest.fail(f"{argv[0]} is not installed: bash harness/bootstrap.sh (apt: groff-base mandoc man-db)")
    return subprocess.run(argv, capture_output=True, text=True, env=dict(os.environ, LC_ALL="C.UTF-8",
                                                                          MANWIDTH="80"))


def groff_warnings(page):
    return _run("groff", "-man", "-t", "-rCHECKSTYLE=3", "-ww", "-z", str(page)).stderr.splitlines()


def mandoc_warnings(page):
    lines = _run("mandoc", "-Tlint", "-Wall", str(page)).stdout.splitlines()
    return [line for line in lines if not any(c in line for c in CONVENTIONS)]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(paths.PATCHES)))
def test_the_man_page_is_warning_free(page):
    assert groff_warnings(page) == []
    assert mandoc_warnings(page) == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(paths.PATCHES)))
def test_the_man_page_renders_with_man(page):
    res = _run("man", "-l", str(page))
    assert res.returncode == 0 and res.stderr == ""
    for heading in ("NAME", "SYNOPSIS", "DESCRIPTION", "RETURN VALUE", "ERRORS"):
        assert f"\n{heading}\n" in res.stdout, heading
    assert res.stdout.startswith("refpage_create(2)")


def test_the_lint_finds_broken_markup(tmp_path):
    broken = tmp_path / "refpage_create.2"
    text = Path(PAGES[0]).read_text()
    broken.write_text(text.replace(".SH DESCRIPTION\n", ".SH DESCRIPTION\n.ZZ undefined macro\n\\fBunclosed\n", 1))
    assert any("ZZ" in w for w in groff_warnings(broken))
    assert any("ZZ" in w for w in mandoc_warnings(broken))
