import shlex
import shutil
import subprocess

import pytest

from harness import cli, examples
from scripts.series import ports


def _commands():
    return {" ".join(path): sub for path, sub in examples.subparsers(cli.parser())}


def test_every_command_ends_its_help_with_two_or_three_examples():
    for name, sub in _commands().items():
        assert 2 <= len(examples.EXAMPLES.get(name, [])) <= 3, f"{name}: give it 2 or 3 examples"
        assert sub.format_help().rstrip().endswith(examples.EXAMPLES[name][-1][0]), name


@pytest.mark.parametrize("line", [cmd for exs in examples.EXAMPLES.values() for cmd, _ in exs])
def test_every_example_is_a_command_line_the_parser_takes(line):
    words = shlex.split(line.split(" > ")[0])
    assert words[0] == "refpage-ci"
    args = cli.parser().parse_args(words[1:])
    assert callable(args.func)


def test_examples_name_only_commands_that_exist():
    assert set(examples.EXAMPLES) == set(_commands())


def test_top_level_help_says_what_it_is_for_in_two_lines_and_lists_each_command_with_an_example(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    text = cli.parser().format_help()
    purpose = text.split("\n\n")[1]
    assert len(purpose.splitlines()) == 2 and "refpage_create" in purpose
    assert "developer" not in text and "dispatch" not in text
    for name in (path[0] for path in (n.split() for n in _commands()) if len(path) == 1):
        assert f"  {name} " in text.split("one example each:")[1], name


def test_version_prints_the_project_version_and_every_port_with_its_base(capsys):
    with pytest.raises(SystemExit) as exit:
        cli.main(["--version"])
    assert exit.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("refpage-ci 0.") or out.startswith("refpage-ci 1.")
    for port in ports.known():
        assert f"series port {port.name}: {port.base}" in out


def _script(shell, capsys):
    assert cli.main(["completion", shell]) == 0
    return capsys.readouterr().out


def test_bash_completion_is_valid_bash_and_completes_the_repo_s_names(capsys, tmp_path):
    script = tmp_path / "refpage-ci.bash"
    script.write_text(_script("bash", capsys))
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    probe = f"""source {shlex.quote(str(script))}
try() {{ COMP_WORDS=("$@"); COMP_CWORD=$((${{#COMP_WORDS[@]}}-1)); COMP_LINE="$*"; COMP_POINT=${{#COMP_LINE}}
        COMPREPLY=(); _shtab_refpage_ci; echo "${{COMPREPLY[*]}}"; }}
try refpage-ci bo
try refpage-ci boot --arch ""
try refpage-ci boot --arch arm64 --config ""
try refpage-ci repro RT-t
"""
    lines = subprocess.run(["bash", "-c", probe], capture_output=True, text=True).stdout.splitlines()
    assert lines[0] == "boot"
    assert {"arm64", "x86_64"} <= set(lines[1].split())
    assert {"64k", "debug"} <= set(lines[2].split())
    assert lines[3] == "RT-thp"


def test_zsh_completion_is_made_and_valid_zsh_where_zsh_is(capsys, tmp_path):
    text = _script("zsh", capsys)
    assert text.startswith("#compdef refpage-ci") and "RT-thp" in text
    if shutil.which("zsh"):
        script = tmp_path / "_refpage-ci"
        script.write_text(text)
        assert subprocess.run(["zsh", "-n", str(script)]).returncode == 0


def test_completion_of_another_shell_is_one_line_and_exit_2(capsys):
    with pytest.raises(SystemExit) as exit:
        cli.main(["completion", "tcsh"])
    assert exit.value.code == 2
    assert "invalid choice: 'tcsh'" in capsys.readouterr().err
