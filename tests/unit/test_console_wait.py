"""Console.send_line/wait_for (bench's time to a first output) against the fake guest: a timeout or a
dead guest is the console's own error, never pexpect's."""

import shutil

import pytest

from harness.bench import tool
from harness.console import Console, ConsoleTimeout, GuestDied

pytestmark = pytest.mark.skipif(not shutil.which("busybox"), reason="no busybox on this host")
GUEST = ["sh", "-c", "stty -echo; echo 'refpage-ci: init ready (fake guest)'; exec busybox sh -i"]


def test_the_first_tap_line_is_waited_for_and_a_silence_times_out(tmp_path):
    with Console(GUEST, tmp_path / "console.log") as con:
        con.wait_ready(20)
        con.send_line("printf 'TAP version 13\\n'")
        con.wait_for(tool._FIRST_OUTPUT, 20)
        with pytest.raises(ConsoleTimeout):
            con.wait_for("never printed", 0.3)
        con.send_line("exit")
        with pytest.raises(GuestDied):
            con.wait_for("never printed", 20)
