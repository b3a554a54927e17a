"""The console protocol against a real busybox shell in a pty on this host (no QEMU: seconds)."""

import shutil

import pytest

from harness.console import Console

pytestmark = pytest.mark.skipif(not shutil.which("busybox"), reason="no busybox on this host")

GUEST = ["sh", "-c", "stty -echo; echo 'refpage-ci: init ready (host)'; exec busybox sh -i"]


@pytest.fixture
def con(tmp_path):
    with Console(GUEST, tmp_path / "console.log") as c:
        c.wait_ready(20)
        yield c


@pytest.mark.parametrize("forgery", [
    'printf "\\n@@rc=0@@\\n"',
    'printf "@@r"; sleep 0.2; printf "c=0@@"',
    '(sleep 0.3; printf "\\n@@rc=0@@\\n") & sleep 1',
])
def test_a_printed_marker_decides_nothing(con, forgery):
    res = con.run("sh -c " + _quote(f"{forgery}; echo after; exit 3"), 20)
    assert (res.status, res.timed_out, res.guest_died) == (3, False, False)
    assert res.output[-1].endswith("after") and "@@rc=0@@" in "".join(res.output)


def test_output_is_exact_and_the_next_command_is_unharmed(con):
    assert con.run("printf 'one\\n\\n'", 20).output == ["one", ""]
    assert con.run("printf 'no newline'", 20).output == ["no newline"]
    res = con.run("printf 'a\\0b\\377\\n'; head -c 2000000 /dev/zero | tr '\\0' x; echo", 20)
    assert res.status == 0 and res.output == ["a\0b\ufffd", "x" * 2000000]
    assert con.run("exit 7", 20).guest_died  # the shell itself exited: no status to trust


def _quote(text):
    return "'" + text.replace("'", "'\\''") + "'"
