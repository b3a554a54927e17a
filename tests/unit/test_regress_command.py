"""regress's command line: bad input is one line and exit 2 before anything is built."""

from pathlib import Path

from harness import cli, machine, paths
from harness.regress import command


def _run(capsys, *argv):
    status = cli.main(["regress", *argv])
    return status, capsys.readouterr().err.strip().splitlines()


def test_a_tree_that_is_not_a_debian_base_is_refused(capsys, tmp_path):
    status, err = _run(capsys, "--arch", "arm64", "--tree", str(tmp_path))
    assert status == 2 and len(err) == 1
    assert err[0].startswith(f"refpage-ci: error: --tree {tmp_path}: regress compares a Debian base")


def test_an_unknown_program_names_the_known_ones(capsys):
    status, err = _run(capsys, "--arch", "arm64", "--only", "nosuch")
    assert status == 2 and len(err) == 1
    assert "--only nosuch: not one of regress's mm programs" in err[0] and "uffd-unit-tests" in err[0]


def test_the_regress_fragment_brings_the_arch_s_own_along():
    x86, arm64 = machine.load("x86_64"), machine.load("arm64")
    shared = str(paths.QEMU_IMAGES / "regress.fragment")
    assert command.fragments(x86, [shared]) == (shared, str(x86.folder / "regress.fragment"))
    assert command.fragments(arm64, [shared]) == (shared,)
    assert command.fragments(x86, []) == ()
    assert all(Path(f).is_file() for f in command.fragments(x86, [shared]))
