"""Which phase failed, or why a boot stopped, is a value: rewording a message changes no verdict."""

from harness import boot, commitbuild, pipeline
from harness.console import CommandResult
from harness.errors import Stage, StageFailed
from harness.transcript import BootOutcome, Stop


def _failing(exc):
    def prepare(*args, **kw):
        raise exc
    return prepare


def test_series_check_tells_the_selftests_from_the_kernel_by_stage_not_wording(monkeypatch, tmp_path):
    monkeypatch.setattr(pipeline, "prepare", _failing(StageFailed("anything at all", "", Stage.SELFTESTS)))
    assert commitbuild.build_one(tmp_path, "arm64", tmp_path, print) == "ok (the selftests did not build here)"
    monkeypatch.setattr(pipeline, "prepare", _failing(StageFailed("selftests: reads like one, is not", "x")))
    assert commitbuild.build_one(tmp_path, "arm64", tmp_path, print).startswith("failed: selftests: reads")


def test_run_exits_124_on_the_boot_s_timeout_whatever_its_message():
    done = CommandResult("true", 0)
    outcome = BootOutcome([done], [], error="the clock ran out", stop=Stop.TIMEOUT)
    assert boot._run_status(outcome, 0) == boot.EXIT_TIMEOUT
    outcome = BootOutcome([done], [], error="timeout: only the words", stop=Stop.GUEST_DIED)
    assert boot._run_status(outcome, 0) == 0
