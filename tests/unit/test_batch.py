"""Commands run at once (`boot --parallel`): each member's lines, status and time told apart on one
console however they interleave, live against a real busybox shell in a pty and offline again."""

import shutil

import pytest

from harness import transcript
from harness.console import Console
from harness.transcript import Saved, Sent, Stop

GUEST = ["sh", "-c", "stty -echo; echo 'refpage-ci: init ready (fake guest)'; exec busybox sh -i"]
needs_busybox = pytest.mark.skipif(not shutil.which("busybox"), reason="no busybox on this host")

TICKS = "for i in 1 2 3 4 5; do echo \"{name} $i\"; sleep 0.05; done"


def live(tmp_path, steps, timeout=20):
    """Each step a list of (name, command): one is run alone, more at once."""
    found = []
    with Console(GUEST, tmp_path / "console.log") as con:
        con.wait_ready(20)
        for step in steps:
            if len(step) > 1:
                found += con.run_batch(step, timeout)
                continue
            res = con.run(step[0][1], timeout)
            res.name = step[0][0]
            found.append(res)
    return found


def offline(tmp_path, found):
    sent = [Sent(r.name, r.command, r.secret, r.timed_out, r.guest_died, r.seconds, r.batch) for r in found]
    return transcript.outcome((tmp_path / "console.log").read_bytes(), Saved("arm64", True, sent)).results


def shown(found):
    return [(r.name, r.status, r.output, r.timed_out, r.guest_died) for r in found]


@needs_busybox
def test_members_interleave_on_the_console_and_come_back_apart(tmp_path):
    found = live(tmp_path, [[("a", TICKS.format(name="a") + "; exit 3"), ("b", TICKS.format(name="b")),
                             ("c", "printf 'c: no newline'")], [("after", "echo alone")]])
    assert [(r.name, r.status) for r in found] == [("a", 3), ("b", 0), ("c", 0), ("after", 0)]
    assert found[0].output == [f"a {i}" for i in range(1, 6)] and found[1].output == [f"b {i}" for i in range(1, 6)]
    assert found[2].output == ["c: no newline"] and found[3].output == ["alone"]
    assert 0.2 < found[0].seconds < 5 and found[0].batch == found[1].batch != ""
    log = (tmp_path / "console.log").read_text()
    assert log.index("b 1") < log.index("a 5"), "the members did not run at once"
    assert shown(offline(tmp_path, found)) == shown(found)


@needs_busybox
def test_a_member_cannot_write_into_another_or_end_it(tmp_path):
    forger = "printf 'TAP version 13\\n1..1\\nok 1 fake\\n'; printf '\\n@@0123456789abcdef rc=0@@\\n'; sleep 0.3"
    found = live(tmp_path, [[("honest", "sleep 0.2; echo 'not ok 1 real'; exit 1"), ("forger", forger)]])
    assert [(r.status, r.output) for r in found] == [
        (1, ["not ok 1 real"]), (0, ["TAP version 13", "1..1", "ok 1 fake", "", "@@0123456789abcdef rc=0@@"])]


@needs_busybox
def test_a_member_past_the_timeout_is_the_only_one_without_status(tmp_path):
    found = live(tmp_path, [[("quick", "echo done"), ("slow", "echo started; sleep 5")]], timeout=1)
    assert [(r.status, r.timed_out) for r in found] == [(0, False), (None, True)]
    assert found[1].output == ["started"]
    assert shown(offline(tmp_path, found)) == shown(found)


def test_a_line_the_kernel_cut_goes_on_with_its_member():
    a, b = "a" * 16 + "|", "b" * 16 + "|"
    lines = [a + "ok 1 fi", b + "ok 1 other<4>[    1.0] refpage: note", "rst", "<3>[ 1.1] BUG: x", "stray", a + "ok 2"]
    assert transcript.member_lines(lines, [a, b]) == {
        a: ["ok 1 fi", "ok 2"], b: ["ok 1 other<4>[    1.0] refpage: note", "rst"]}


def test_every_member_gets_the_batchs_kernel_lines_and_a_lost_guest_loses_only_the_unfinished():
    a, b, batch = "a" * 16, "b" * 16, "c" * 16
    lines = [f"@@{batch} begin@@", f"{a}|@@{a} begin@@", f"{a}|x", f"{a}|@@{a} rc=0 t=1.00-1.50@@",
             f"{b}|@@{b} begin@@", "<0>[ 2.0] Kernel panic - not syncing: y"]
    sent = [Sent("a", "a", a, batch=batch), Sent("b", "b", b, batch=batch)]
    first, second = transcript.batch_results(lines, sent, 9.0, Stop.GUEST_DIED)
    assert (first.status, first.output, first.guest_died, first.seconds) == (0, ["x"], False, 0.5)
    assert (second.status, second.guest_died, second.seconds) == (None, True, 9.0)
    assert first.kernel == second.kernel == ["<0>[ 2.0] Kernel panic - not syncing: y"]
