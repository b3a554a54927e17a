import shutil
import subprocess

import pytest

from harness import markers

SECRET = "0123456789abcdef"


def test_each_command_gets_its_own_secret():
    assert markers.Markers.fresh().secret != markers.Markers.fresh().secret
    assert len(markers.Markers.fresh().secret) == 16


def test_the_sent_text_never_spells_a_marker():
    marks = markers.Markers(SECRET)
    text = marks.wrap("echo hi").encode()
    assert marks.begin not in text
    assert marks.end.search(text) is None
    assert SECRET.encode() not in text


def test_the_end_marker_needs_the_secret():
    marks = markers.Markers(SECRET)
    assert marks.end.search(b"\n@@0123456789abcdef rc=3@@\r\n").group(1) == b"3"
    for fake in (b"@@rc=0@@", b"@@fedcba9876543210 rc=0@@", b"@@0123456789abcdef rc=@@",
                 b"@@01234567 89abcdef rc=0@@"):
        assert marks.end.search(fake) is None, fake


def test_output_is_what_lies_between_the_markers():
    marks = markers.Markers(SECRET)
    lines = ["rci-1> ", f"@@{SECRET} begin@@", "first", "@@rc=0@@", "", f"@@{SECRET} rc=0@@", "rci-1> "]
    assert marks.output(lines) == ["first", "@@rc=0@@"]


def test_output_keeps_its_own_blank_lines_and_a_last_line_without_newline():
    marks = markers.Markers(SECRET)
    assert marks.output([f"@@{SECRET} begin@@", "a", "", "", f"@@{SECRET} rc=0@@"]) == ["a", ""]
    assert marks.output([f"@@{SECRET} begin@@", "no newline", f"@@{SECRET} rc=0@@"]) == ["no newline"]
    assert marks.output([f"@@{SECRET} begin@@", "", f"@@{SECRET} rc=0@@"]) == []


def test_output_of_a_command_cut_off_runs_to_the_end():
    marks = markers.Markers(SECRET)
    assert marks.output(["junk", f"@@{SECRET} begin@@", "a", ""]) == ["a", ""]


def test_prompt_line_does_not_spell_the_prompt():
    line = markers.prompt_line("rci-1a2b3c4d> ")
    assert "rci-1a2b3c4d> " not in line and "export" not in line


@pytest.mark.parametrize("shell", ["busybox", "dash"])
def test_a_real_shell_prints_the_markers_and_the_status(shell):
    if not shutil.which(shell):
        pytest.skip(f"no {shell} on this host")
    argv = [shell, "sh"] if shell == "busybox" else [shell]
    marks = markers.Markers(SECRET)
    text = marks.wrap("printf 'out\\n@@rc=0@@'; (exit 7)") + marks.wrap("true")
    res = subprocess.run(argv, input=text, capture_output=True, text=True, timeout=10)
    lines = res.stdout.splitlines()
    assert marks.output(lines) == ["out", "@@rc=0@@"]
    assert [m.group(1) for m in marks.end.finditer(res.stdout.encode())] == [b"7", b"0"]


def test_the_sent_text_is_one_line():
    assert markers.Markers(SECRET).wrap("cd /mm && ./cow # a comment").count("\n") == 1


@pytest.mark.parametrize("shell", ["busybox", "dash"])
def test_quotes_a_comment_and_the_current_folder_survive_the_wrapping(shell):
    if not shutil.which(shell):
        pytest.skip(f"no {shell} on this host")
    argv = [shell, "sh"] if shell == "busybox" else [shell]
    first, second, third = (markers.Markers(s * 16) for s in "abc")
    text = (first.wrap("cd /tmp && echo \"it's\" 'a \"b\"' # cut") + second.wrap("pwd; read x || echo eof")
            + third.wrap("sh -c 'exit 4' &\nwait $!"))
    res = subprocess.run(argv, input=text, capture_output=True, text=True, timeout=10)
    lines = res.stdout.splitlines()
    assert first.output(lines) == ["it's a \"b\""]
    assert second.output(lines) == ["/tmp", "eof"]
    assert third.end.search(res.stdout.encode()).group(1) == b"4"
