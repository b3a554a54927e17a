"""`syscalls render` on Debian's 6.1 (old layout) and 6.12 (new layout) trees, proved per architecture.

Each tree is a copy of just what the tables and the header generation need,
taken with `git archive` from the cached checkout's HEAD (about 45 MB of the
tree's 1.7 GB): the shared checkout itself is never written to.
"""

import argparse
import io
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

import pytest

from harness import cli
from harness import tree as trees
from scripts.syscalls import command, discover, proof, render

pytestmark = pytest.mark.e2e

NAME, ENTRY = "refpage_create", "sys_refpage_create"
NUMBERS = {"6.1": 451, "6.12": 463}
ARCH_TABLES = ["arch/alpha/kernel/syscalls/syscall.tbl", "arch/arm/tools/syscall.tbl",
               "arch/m68k/kernel/syscalls/syscall.tbl", "arch/microblaze/kernel/syscalls/syscall.tbl",
               "arch/mips/kernel/syscalls/syscall_n32.tbl", "arch/mips/kernel/syscalls/syscall_n64.tbl",
               "arch/mips/kernel/syscalls/syscall_o32.tbl", "arch/parisc/kernel/syscalls/syscall.tbl",
               "arch/powerpc/kernel/syscalls/syscall.tbl", "arch/s390/kernel/syscalls/syscall.tbl",
               "arch/sh/kernel/syscalls/syscall.tbl", "arch/sparc/kernel/syscalls/syscall.tbl",
               "arch/x86/entry/syscalls/syscall_32.tbl", "arch/x86/entry/syscalls/syscall_64.tbl",
               "arch/xtensa/kernel/syscalls/syscall.tbl"]
TABLES = {
    "6.1": sorted(ARCH_TABLES + ["arch/ia64/kernel/syscalls/syscall.tbl",
                                 "include/uapi/asm-generic/unistd.h", "arch/arm64/include/asm/unistd32.h"]),
    "6.12": sorted(ARCH_TABLES + ["arch/arm64/tools/syscall_32.tbl", "scripts/syscall.tbl",
                                  "include/uapi/asm-generic/unistd.h"]),
}
# the tables, the header scripts, and what `make ARCH=<arch> archheaders asm-generic` reads
_NEEDED = ("Makefile", "Kconfig", "scripts", "include/uapi", "include/asm-generic", "arch/Kconfig",
           "arch/*.tbl", "arch/*/Makefile*", "arch/*/Kbuild*", "arch/*/Kconfig", "arch/*/Platform",
           "arch/*/include/*", "arch/*/kernel/Makefile*", "arch/*/kernel/syscalls/*", "arch/*/tools/*")


def _cached_tree(version):
    if not trees.tarball(version).is_file():
        pytest.skip(f"{trees.tarball(version)} is absent: apt-get install linux-source-{version}")
    return trees.default_tree(version)


def _export(cached, dest):
    """The files the tables and `make archheaders` need, from the cached checkout's HEAD."""
    archive = subprocess.run(["git", "-C", str(cached), "archive", "--format=tar", "HEAD", "--", *_NEEDED],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="tar") if hasattr(tarfile, "data_filter") else tar.extractall(dest)
    return Path(dest)


def _render_args(tree, *flags):
    return argparse.Namespace(tree=Path(tree), name=NAME, entry=None, apply="--apply" in flags,
                              check="--check" in flags, json=False, header=None, prove=False)


def _render(tree, *flags):
    out = io.StringIO()
    status = command.render_command(_render_args(tree, *flags), out=out)
    return status, out.getvalue()


@pytest.fixture(scope="module", params=sorted(NUMBERS))
def version(request):
    return request.param


@pytest.fixture(scope="module")
def fresh(version):
    with tempfile.TemporaryDirectory(prefix=f"syscalls-{version}-fresh-") as tmp:
        yield _export(_cached_tree(version), tmp)


@pytest.fixture(scope="module")
def applied(version):
    """A copy with the rendered diff applied by `git apply`, and the proof run on it."""
    with tempfile.TemporaryDirectory(prefix=f"syscalls-{version}-applied-") as tmp:
        tree = _export(_cached_tree(version), tmp)
        status, text = _render(tree)
        applying = subprocess.run(["git", "apply", "-v", "-"], input=text, cwd=tree,
                                  capture_output=True, text=True)
        plan = render.plan(discover.find_tables(tree), NAME, ENTRY)
        yield {"tree": tree, "render_status": status, "apply": applying, "plan": plan,
               "proof": proof.prove(tree, plan)}


def test_every_table_of_the_tree_is_handled(fresh, version):
    plan = render.plan(discover.find_tables(fresh), NAME, ENTRY)
    assert sorted(a.table.path for a in plan.additions) == TABLES[version]
    assert plan.number == NUMBERS[version]
    assert len(plan.pending) == len(TABLES[version])


def test_rendered_diff_applies(applied, version):
    assert applied["render_status"] == 0
    assert applied["apply"].returncode == 0, applied["apply"].stderr
    assert applied["plan"].pending == ()
    assert _render(applied["tree"], "--check")[0] == 0


def test_header_generation_shows_the_number_on_every_architecture(applied, version):
    result, tree = applied["proof"], applied["tree"]
    assert result.ok, "\n".join(result.lines())
    assert set(discover.architectures(tree)) <= {c.arch for c in result.checks}
    numbers = {a.table.path: a.number for a in applied["plan"].additions}
    assert numbers["arch/alpha/kernel/syscalls/syscall.tbl"] == NUMBERS[version] + 110
    assert {n for p, n in numbers.items() if "alpha" not in p} == {NUMBERS[version]}
    x86_64 = [c for c in result.checks if c.header.endswith("unistd_x32.h")]
    assert x86_64 and f"(__X32_SYSCALL_BIT + {NUMBERS[version]})" in x86_64[0].text


def test_second_render_changes_nothing(applied):
    tree = applied["tree"]
    files = [tree / a.table.path for a in applied["plan"].additions]
    before = {f: f.read_bytes() for f in files}
    status, text = _render(tree, "--apply")
    assert status == 0
    assert "nothing to change" in text and "diff --git" not in text
    assert {f: f.read_bytes() for f in files} == before


def test_proof_fails_before_the_entries_are_there(fresh):
    plan = render.plan(discover.find_tables(fresh), NAME, ENTRY)
    result = proof.prove(fresh, plan)
    assert not result.ok
    assert not [c for c in result.checks if c.ok and "syscalls" not in c.text]


def test_command_line_reports_the_number(fresh, version, capsys):
    assert cli.main(["syscalls", "render", "--tree", str(fresh), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["number"] == NUMBERS[version]
    assert cli.main(["syscalls", "render", "--tree", str(fresh), "--check"]) == 1
