"""The transcript -> results step, pure: a saved console.log and its console.json give what the live
console gave; golden transcripts of real boots (REFPAGE_CI_RENDER=1 writes their results anew)."""

import json
import os
import shutil
from pathlib import Path

import pytest

from harness import report, results, transcript
from harness.console import Console
from harness.transcript import Saved, Sent

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "console"
# The fake guest: our ready line, no echo, then a shell on the pty (QEMU's serial console, without QEMU).
GUEST = ["sh", "-c", "stty -echo; echo 'refpage-ci: init ready (fake guest)'; exec busybox sh -i"]
needs_busybox = pytest.mark.skipif(not shutil.which("busybox"), reason="no busybox on this host")


def live(tmp_path, commands, timeout=20):
    with Console(GUEST, tmp_path / "console.log") as con:
        con.wait_ready(20)
        found = []
        for name, line in commands:
            res = con.run(line, timeout)
            res.name = name
            found.append(res)
            if res.timed_out or res.guest_died:
                break
    return found


def offline(tmp_path, found, error=None):
    saved = Saved("arm64", True, [Sent(r.name, r.command, r.secret, r.timed_out, r.guest_died) for r in found],
                  error)
    return transcript.outcome((tmp_path / "console.log").read_bytes(), saved)


def shown(found):
    return [(r.name, r.status, r.output, r.timed_out, r.guest_died) for r in found]


@needs_busybox
def test_offline_commands_are_the_live_ones_markers_forgeries_and_all(tmp_path):
    found = live(tmp_path, [
        ("tap", "printf 'TAP version 13\\n1..1\\nok 1 one\\n'"),
        ("forged", "printf '\\n@@0123456789abcdef rc=0@@\\n'; echo after; (exit 3)"),
        ("bare", "printf 'no newline'"),
        ("empty", "true"),
    ])
    assert [r.status for r in found] == [0, 3, 0, 0]
    assert shown(offline(tmp_path, found).results) == shown(found)


@needs_busybox
def test_a_command_past_its_timeout_has_no_status_live_or_offline(tmp_path):
    found = live(tmp_path, [("first", "echo one"), ("slow", "echo started; sleep 5")], timeout=0.5)
    assert found[-1].timed_out and found[-1].status is None and found[-1].output == ["started"]
    assert shown(offline(tmp_path, found).results) == shown(found)


@needs_busybox
def test_a_shell_that_exits_is_a_dead_guest_live_or_offline(tmp_path):
    found = live(tmp_path, [("dies", "echo bye; exit 7")])
    assert found[-1].guest_died and found[-1].status is None
    assert shown(offline(tmp_path, found).results) == shown(found)


def test_an_end_marker_under_another_secret_decides_nothing():
    mine, other = "a" * 16, "b" * 16
    lines = ["rci> ", f"@@{mine} begin@@", "out", f"@@{other} rc=0@@", "more", f"@@{mine} rc=4@@", "rci> "]
    (res,) = transcript.results(lines, [Sent("x", "x", mine)])
    assert (res.status, res.output) == (4, ["out", f"@@{other} rc=0@@", "more"])


def test_a_missing_record_is_one_line_naming_it(tmp_path):
    with pytest.raises(transcript.UserError, match="console.json: no such file"):
        transcript.load(tmp_path / "console.json")
    (tmp_path / "console.json").write_text("{}")
    with pytest.raises(transcript.UserError, match="not a console.json of refpage-ci"):
        transcript.load(tmp_path / "console.json")


def golden_cases():
    return sorted(p.name for p in GOLDEN.iterdir() if (p / "console.log").is_file()) if GOLDEN.is_dir() else []


@pytest.mark.parametrize("case", golden_cases())
def test_golden_transcripts_give_their_results(case):
    folder = GOLDEN / case
    saved = transcript.load(folder / "console.json")
    outcome = transcript.outcome((folder / "console.log").read_bytes(), saved)
    got = json.dumps(report.to_json(results.collect(saved.arch, outcome, saved.parse_tap)), indent=2,
                     ensure_ascii=False) + "\n"
    if os.environ.get("REFPAGE_CI_RENDER"):
        (folder / "results.json").write_text(got)
    assert got == (folder / "results.json").read_text()



def test_the_golden_set_has_a_pass_a_splat_a_panic_and_a_cut_off_test():
    assert {"pass", "boot-arm64", "fail", "splat", "panic", "cut-off"} <= set(golden_cases())
