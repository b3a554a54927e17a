"""`refpage-ci syscalls render`: flags, output, --apply/--check/--json/--header, refusals."""

import argparse
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.errors import UserError
from scripts.syscalls import command

DATA = Path(__file__).resolve().parent.parent / "data" / "syscalls"
X86_64 = "arch/x86/entry/syscalls/syscall_64.tbl"


def _parser():
    top = argparse.ArgumentParser(prog="refpage-ci")
    command.register(top.add_subparsers(dest="command"))
    return top


def _args(*argv):
    return _parser().parse_args(["syscalls", "render", *argv])


@pytest.fixture
def tree(tmp_path):
    """A fixture tree that passes harness.tree.check_kernel_tree."""
    root = tmp_path / "linux"
    shutil.copytree(DATA / "linux-6.12-cut", root, symlinks=True)
    (root / "Makefile").write_text("VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 57\n")
    (root / "Kconfig").write_text("")
    return root


def _run(args, capsys):
    status = command.render_command(args)
    return status, capsys.readouterr()


def test_register_adds_render_with_its_flags():
    args = _args("--name", "frob", "--entry", "sys_frob", "--apply", "--json", "--header", "nr.h")
    assert args.func is command.render_command
    assert (args.tree, args.name, args.entry, args.apply, args.json, args.header) == \
        (None, "frob", "sys_frob", True, True, Path("nr.h"))
    with pytest.raises(SystemExit):
        _parser().parse_args(["syscalls", "render", "--apply", "--check"])


def test_render_prints_number_reason_and_diff(tree, capsys):
    status, out = _run(_args("--tree", str(tree)), capsys)
    assert status == 0
    assert "refpage_create (sys_refpage_create) is number 463" in out.out
    assert "why: 463 = one past 462" in out.out
    assert f"+++ b/{X86_64}" in out.out and "+463\tcommon\trefpage_create\t\tsys_refpage_create" in out.out
    assert (tree / X86_64).read_text().count("refpage_create") == 0


def test_check_fails_before_apply_and_passes_after(tree, capsys):
    assert _run(_args("--tree", str(tree), "--check"), capsys)[0] == 1
    assert _run(_args("--tree", str(tree), "--apply"), capsys)[0] == 0
    status, out = _run(_args("--tree", str(tree), "--check"), capsys)
    assert status == 0
    assert "all 18 tables already hold refpage_create: nothing to change" in out.out


def test_json_gives_the_number_per_table_and_abi(tree, capsys):
    status, out = _run(_args("--tree", str(tree), "--json"), capsys)
    data = json.loads(out.out)
    by_table = {t["table"]: t for t in data["tables"]}
    assert (status, data["number"]) == (0, 463)
    assert (by_table["arch/alpha/kernel/syscalls/syscall.tbl"]["number"],
            by_table["arch/alpha/kernel/syscalls/syscall.tbl"]["abi"]) == (573, "common")
    assert by_table["arch/mips/kernel/syscalls/syscall_n64.tbl"]["abi"] == "n64"
    assert by_table["scripts/syscall.tbl"]["aliases"] == ["arch/arm64/tools/syscall_64.tbl"]
    assert by_table["include/uapi/asm-generic/unistd.h"]["count"]["new_value"] == 464
    assert data["highest"] == {"number": 462, "name": "mseal", "table": "scripts/syscall.tbl", "line": 31}


def test_header_file_is_written(tree, tmp_path, capsys):
    header = tmp_path / "nr_refpage_create.h"
    _run(_args("--tree", str(tree), "--header", str(header)), capsys)
    text = header.read_text()
    assert "#elif defined(__x86_64__)\n# define __NR_refpage_create 463\t" in text
    assert "#if defined(__alpha__)\n# define __NR_refpage_create 573\t" in text


def test_apply_refuses_uncommitted_changes_in_the_tables(tree, capsys):
    _git(tree, "init", "-q")
    _git(tree, "add", "-A")
    _git(tree, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "base")
    table = tree / X86_64
    table.write_text(table.read_text() + "# my work in progress\n")
    with pytest.raises(UserError, match=rf"uncommitted changes in {X86_64}; commit or stash"):
        command.render_command(_args("--tree", str(tree), "--apply"))
    assert "refpage_create" not in (tree / "scripts/syscall.tbl").read_text()


def test_prove_needs_a_rendered_tree(tree):
    with pytest.raises(UserError, match=r"--prove: .* lacks refpage_create in 18 tables; add --apply"):
        command.render_command(_args("--tree", str(tree), "--prove"))


@pytest.mark.parametrize("flag,value", [("--name", "refpage-create"), ("--entry", "sys refpage")])
def test_names_must_be_identifiers(tree, flag, value):
    with pytest.raises(UserError, match=rf"{flag} '{value}' is not a C identifier"):
        command.render_command(_args("--tree", str(tree), flag, value))


def test_no_tree_means_the_default_tree(tree, monkeypatch, capsys):
    monkeypatch.setattr(command.trees, "default_tree",
                        lambda version, progress=None: tree if version == command.trees.DEFAULT_VERSION else None)
    status, out = _run(_args(), capsys)
    assert status == 0 and f"is number 463 in {tree}" in out.out


def test_a_user_tree_is_validated(tmp_path):
    with pytest.raises(UserError, match="is not a kernel tree"):
        command.render_command(_args("--tree", str(tmp_path)))


def _git(tree, *args):
    subprocess.run(["git", "-C", str(tree), *args], check=True)
